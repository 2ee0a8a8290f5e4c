#!/usr/bin/env bash
# 1 GiB up and 1 GiB down through an HTTP tunnel with the edge and the agent each at -Xmx256m, checked by sha256.
# Shows that bodies stream with backpressure and are never held whole. Loopback only; bounded in time.
# Usage: bench/memory-bench.sh [size-MiB, default 1024]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mib=${1:-1024}
jar="$root/dist/target/burrow-all.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -ntp -q -DskipTests package)
work=$(mktemp -d /tmp/burrow-mem.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
JOPTS=(-Xmx256m -XX:+UseParallelGC --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED)

up=$(free_port); http=$(free_port); ctl=$(free_port)
# Upstream: a tiny Python server that streams a file on GET and hashes the body of a PUT without keeping it.
head -c $((size_mib * 1024 * 1024)) /dev/urandom > "$work/blob"
want=$(sha256sum "$work/blob" | cut -d' ' -f1)
cat > "$work/up.py" <<'PY'
import hashlib, http.server, sys, os
blob = sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        n = os.path.getsize(blob)
        self.send_response(200); self.send_header("Content-Length", str(n)); self.end_headers()
        with open(blob, "rb") as f:
            while True:
                b = f.read(1 << 20)
                if not b: break
                self.wfile.write(b)
    def do_PUT(self):
        h = hashlib.sha256(); left = int(self.headers["Content-Length"])
        while left > 0:
            b = self.rfile.read(min(left, 1 << 20)); h.update(b); left -= len(b)
        out = h.hexdigest().encode()
        self.send_response(200); self.send_header("Content-Length", str(len(out))); self.end_headers(); self.wfile.write(out)
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 "$work/up.py" "$up" "$work/blob" & pids+=($!)
BURROW_HOME="$work/home" java "${JOPTS[@]}" -jar "$jar" edge --domain mem.test --http-port "$http" --https-port -1 \
  --control-port "$ctl" > "$work/edge.log" 2>&1 & pids+=($!)
for _ in $(seq 1 120); do grep -q "listening" "$work/edge.log" && break; sleep 0.5; done
ca=$(find "$work/home/edge" -name ca.pem | head -1)
BURROW_HOME="$work/home" java "${JOPTS[@]}" -jar "$jar" http --server "127.0.0.1:$ctl" --root-cas "$ca" \
  -subdomain=mem -bind-tls=false "$up" > "$work/agent.log" 2>&1 & pids+=($!)
for _ in $(seq 1 120); do grep -q "Forwarding" "$work/agent.log" && break; sleep 0.5; done
host="mem.mem.test:$http"

start=$(date +%s.%N)
got_down=$(curl -sS --max-time 600 -H "Host: $host" "http://127.0.0.1:$http/blob" | sha256sum | cut -d' ' -f1)
mid=$(date +%s.%N)
got_up=$(curl -sS --max-time 600 -H "Host: $host" -T "$work/blob" "http://127.0.0.1:$http/blob")
end=$(date +%s.%N)
down_s=$(echo "$mid - $start" | bc); up_s=$(echo "$end - $mid" | bc)
echo "size: ${size_mib} MiB; edge and agent at -Xmx256m"
echo "download: $( [ "$got_down" = "$want" ] && echo ok || echo MISMATCH ) in ${down_s} s ($(echo "$size_mib / $down_s" | bc) MiB/s)"
echo "upload:   $( [ "$got_up" = "$want" ] && echo ok || echo MISMATCH ) in ${up_s} s ($(echo "$size_mib / $up_s" | bc) MiB/s)"
grep -l OutOfMemoryError "$work"/*.log && { echo "OutOfMemoryError seen"; exit 1; }
[ "$got_down" = "$want" ] && [ "$got_up" = "$want" ]
