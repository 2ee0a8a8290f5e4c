#!/usr/bin/env bash
# Inspection overhead: the same local nginx behind two burrow http tunnels on one standalone edge, one with
# -inspect=true and one with -inspect=false, measured side by side with wrk, alternating, median of ROUNDS (3) each.
# Self-contained: free ports, a temporary BURROW_HOME, everything stopped on exit.
#   [INSPECT_DB_SIZE=bytes] [ROUNDS=n] bench/inspect-bench.sh [duration-seconds=10] [connections=32] [body-bytes=1024]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DUR="${1:-10}"; CONNS="${2:-32}"; BODY="${3:-1024}"
for tool in wrk nginx curl python3 java; do command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }; done

work="$(mktemp -d)"
chmod 755 "$work"                                # nginx workers run as nobody and must read the docroot
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for p in "${pids[@]}"; do                      # give each 5 s to shut down cleanly, then stop it hard
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }
wait_for() { # file pattern seconds
  for _ in $(seq 1 $(( $3 * 10 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1:" >&2; cat "$1" >&2; exit 1
}

# the jar (bin/burrow builds it when missing or stale)
"$root/bin/burrow" version >/dev/null

# upstream: nginx serving a fixed body
UP=$(free_port)
mkdir -p "$work/www" "$work/nginx"
head -c "$BODY" /dev/zero | tr '\0' 'x' > "$work/www/index.html"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$UP; root $work/www; location / { default_type text/plain; } }
}
CONF
nginx -c "$work/nginx.conf" -p "$work/nginx"

export BURROW_HOME="$work/home"
HTTP=$(free_port); HTTPS=$(free_port); CTRL=$(free_port); W1=$(free_port); W2=$(free_port)
"$root/bin/burrow" edge --domain localhost --host 127.0.0.1 --http-port "$HTTP" --https-port "$HTTPS" \
  --control-port "$CTRL" > "$work/edge.log" 2>&1 &
pids+=($!)
wait_for "$work/edge.log" "burrow edge listening" 60
CA="$BURROW_HOME/edge/localhost/ca.pem"

printf 'web_addr: 127.0.0.1:%s\n' "$W1" > "$work/on.yml"
[ -n "${INSPECT_DB_SIZE:-}" ] && printf 'inspect_db_size: %s\n' "$INSPECT_DB_SIZE" >> "$work/on.yml"
printf 'web_addr: 127.0.0.1:%s\n' "$W2" > "$work/off.yml"
"$root/bin/burrow" http --server "127.0.0.1:$CTRL" --root-cas "$CA" -config "$work/on.yml" \
  -subdomain=insp-on -inspect=true "127.0.0.1:$UP" > "$work/on.log" 2>&1 &
pids+=($!)
"$root/bin/burrow" http --server "127.0.0.1:$CTRL" --root-cas "$CA" -config "$work/off.yml" \
  -subdomain=insp-off -inspect=false "127.0.0.1:$UP" > "$work/off.log" 2>&1 &
pids+=($!)
wait_for "$work/on.log" "Forwarding .*http://insp-on" 60
wait_for "$work/off.log" "Forwarding .*http://insp-off" 60

url="http://127.0.0.1:$HTTP/"
check() { curl -sf --noproxy '*' -H "Host: $1.localhost:$HTTP" "$url" | wc -c; }
if [ "$(check insp-on)" != "$BODY" ] || [ "$(check insp-off)" != "$BODY" ]; then
  echo "tunnels do not answer:" >&2
  curl -s --noproxy '*' -H "Host: insp-on.localhost:$HTTP" "$url" | head -c 300 >&2
  curl -s --noproxy '*' "http://127.0.0.1:$UP/" | head -c 300 >&2
  exit 1
fi

run() { # name -> req/s
  wrk -t2 -c"$CONNS" -d"${DUR}s" -H "Host: $1.localhost:$HTTP" "$url" | awk '/Requests\/sec/ {print $2}'
}
echo "warm-up..." >&2
run insp-on >/dev/null; run insp-off >/dev/null; run insp-on >/dev/null; run insp-off >/dev/null
on=(); off=()
ROUNDS="${ROUNDS:-3}"
for i in $(seq 1 "$ROUNDS"); do
  if [ $((i % 2)) -eq 1 ]; then on+=("$(run insp-on)"); off+=("$(run insp-off)")
  else off+=("$(run insp-off)"); on+=("$(run insp-on)"); fi
  echo "round $i: inspect=true ${on[-1]} req/s, inspect=false ${off[-1]} req/s" >&2
done
median() { printf '%s\n' "$@" | python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.stdin))'; }
m_on=$(median "${on[@]}"); m_off=$(median "${off[@]}")
captured=$(curl -sf --noproxy '*' "http://127.0.0.1:$W1/api/requests/http?limit=1" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["requests"]))')
echo "body ${BODY} B, ${CONNS} connections, ${DUR}s x ${ROUNDS} rounds each (median):"
echo "  inspect=true : $m_on req/s   (captures present: $captured)"
echo "  inspect=false: $m_off req/s"
python3 -c "print('  overhead     : %.1f%%' % (100.0 * (1 - $m_on / $m_off)))"
# each round's two runs are back to back: the median of the per-round cuts is less sensitive to load drifting
python3 -c "
import statistics
on=[float(x) for x in '${on[*]}'.split()]; off=[float(x) for x in '${off[*]}'.split()]
cuts=[100.0*(1-a/b) for a,b in zip(on,off)]
print('  per round    : ' + ', '.join('%.1f%%' % c for c in cuts) + '  (median %.1f%%)' % statistics.median(cuts))"
