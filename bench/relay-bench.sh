#!/usr/bin/env bash
# Relay cost: wrk against a tunnel through the node that holds the agent's session (owner) and through another
# node of the same cluster (relay: one extra node-to-node mux hop), in one run, alternating, medians of ROUNDS (5) runs
# of each after WARMUP (3) discarded pairs; each round's pair is back to back, and its ratio is printed.
# Two edge nodes on 127.0.0.1 + one agent + nginx upstream (100-byte responses), loopback only.
# Usage: [ROUNDS=n] [WARMUP=n] bench/relay-bench.sh [seconds per run, default 5] [connections, default 50]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs=${1:-5}
conns=${2:-50}
jar="$root/dist/target/burrow-all.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -ntp -q -DskipTests package)
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx missing: apt-get install -y nginx" >&2; exit 1; }
work=$(mktemp -d /tmp/burrow-relay.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c "import socket,sys;s=socket.socket();s.bind((sys.argv[1],0));print(s.getsockname()[1])" "$1"; }
JOPTS=(-Xmx512m -XX:+UseParallelGC --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
       --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
       --add-opens java.management/sun.management=ALL-UNNAMED
       --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED -Djava.net.preferIPv4Stack=true
       -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dhazelcast.logging.type=slf4j)
export BURROW_HOME="$work/home" BURROW_CLUSTER_SECRET="bench-$RANDOM$RANDOM"
cluster="bench-$$"

up=$(free_port 127.0.0.1)
cat > "$work/nginx.conf" <<NGX
worker_processes 1; pid $work/nginx.pid; error_log $work/nginx.err; daemon on;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$up; location / { return 200 "$(head -c 100 /dev/zero | tr '\0' x)"; } } }
NGX
nginx -c "$work/nginx.conf" -p "$work"

node() { # ip hz seed-hz -> starts an edge node, prints "http control"
  local ip=$1 hz=$2 seed=$3 http ctl relay mgmt
  http=$(free_port "$ip"); ctl=$(free_port "$ip"); relay=$(free_port "$ip"); mgmt=$(free_port "$ip")
  java "${JOPTS[@]}" -jar "$jar" edge --cluster --host "$ip" --http-port "$http" --https-port -1 --tls-port -1 --control-port "$ctl" \
    --instances 1 --cluster-host "$ip" --cluster-port "$hz" --cluster-name "$cluster" --cluster-members "$seed" \
    --relay-host "$ip" --relay-port "$relay" --management-host "$ip" --management-port "$mgmt" \
    > "$work/edge-$ip.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do curl -fs "http://$ip:$mgmt/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fs "http://$ip:$mgmt/readyz" >/dev/null || { cat "$work/edge-$ip.log" >&2; exit 1; }
  echo "$http $ctl"
}
hza=$(free_port 127.0.0.1); hzb=$(free_port 127.0.0.1)
read -r http_a ctl_a < <(node 127.0.0.1 "$hza" "127.0.0.1:$hza")        # seed first
read -r http_b _ < <(node 127.0.0.1 "$hzb" "127.0.0.1:$hza")

java "${JOPTS[@]}" -jar "$jar" http --server "127.0.0.1:$ctl_a" --root-cas "$BURROW_HOME/edge/localhost/ca.pem" \
  -subdomain=bench -bind-tls=false "$up" > "$work/agent.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fs -H "Host: bench.localhost" "http://127.0.0.1:$http_a/" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs -H "Host: bench.localhost" "http://127.0.0.1:$http_b/" >/dev/null || { cat "$work"/*.log >&2; exit 1; }

rps() { wrk -t2 -c"$conns" -d"${secs}s" -H "Host: bench.localhost" "$1" | awk '/Requests\/sec/ {print $2}'; }
median() { printf '%s\n' "$@" | python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.stdin))'; }
for _ in $(seq 1 "${WARMUP:-3}"); do  # both nodes' JITs warm up before anything counts
  rps "http://127.0.0.1:$http_a/" >/dev/null; rps "http://127.0.0.1:$http_b/" >/dev/null
done
owner=(); relay=()
for i in $(seq 1 "${ROUNDS:-5}"); do
  owner+=("$(rps "http://127.0.0.1:$http_a/")")
  relay+=("$(rps "http://127.0.0.1:$http_b/")")
done
mo=$(median "${owner[@]}"); mr=$(median "${relay[@]}")
echo "owner node   req/s: ${owner[*]} (median $mo)"
echo "relay node   req/s: ${relay[*]} (median $mr)"
python3 -c "import sys;o,r=float(sys.argv[1]),float(sys.argv[2]);print('relay/owner: %.0f%%' % (100*r/o))" "$mo" "$mr"
python3 -c "
import statistics
o=[float(x) for x in '${owner[*]}'.split()]; r=[float(x) for x in '${relay[*]}'.split()]
q=[100*b/a for a,b in zip(o,r)]
print('per round    : ' + ', '.join('%.0f%%' % x for x in q) + '  (median %.0f%%)' % statistics.median(q))"
