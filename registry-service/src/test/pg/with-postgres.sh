#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL 15 cluster on a free loopback port, TEST_PG_URL exported,
# and tears the cluster down afterwards, whatever the command's outcome. The system's own clusters are
# never touched. Usage (from the repository root):
#   registry-service/src/test/pg/with-postgres.sh mvn -B -ntp -pl registry-service -am test -Ppostgres
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 <command> [args...]" >&2; exit 2; }

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$PGBIN/initdb" ] || { echo "with-postgres: no PostgreSQL server binaries (set PGBIN)" >&2; exit 1; }
PGPORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
D=$(mktemp -d /tmp/burrow-pg.XXXXXX)
chmod 755 "$D"

as_pg() {  # initdb refuses to run as root
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$D"; runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$D/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$D"
}
trap cleanup EXIT

as_pg "$PGBIN/initdb" -D "$D/data" -A trust -U tester -E UTF8 --no-instructions >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$D/data" -l "$D/log" -w start \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $D -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
"$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U tester -d postgres -qc 'create database registry'

export TEST_PG_URL="jdbc:postgresql://127.0.0.1:$PGPORT/registry?user=tester"
echo "with-postgres: TEST_PG_URL=$TEST_PG_URL" >&2
set +e
"$@"
rc=$?
set -e
exit $rc
