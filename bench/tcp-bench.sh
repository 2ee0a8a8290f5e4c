#!/usr/bin/env bash
# TCP tunnel benchmark, self-contained, loopback only, in one run:
#   1. one TCP stream (iperf3, 5 s, median of 3): direct, through one socat hop (-b 262144: socat's default 8 KiB
#      buffer makes a far slower hop), through a burrow tcp tunnel (edge and agent as separate processes, TLS control
#      link), through a second agent on the same edge with the mux's window auto-tuning off (fixed 256 KiB),
#      through a second edge and agent that keep the system's congestion control on loopback connections
#      (-Dburrow.loopbackCongestion=system; by default burrow sets CUBIC there, see shared/.../LoopbackTcp.java), and
#      through a third pair whose sockets read at most 64 KiB at a time (-Dburrow.tcpReadMax=65536; default 256 KiB),
#      and a fourth whose mux frames carry at most 16 KiB (-Dburrow.mux.maxFrameSize=16384; default 64 KiB);
#   2. new connections per second through the tunnel (connect, 1 byte each way, close);
#   3. edge and agent heap with 10,000 idle connections open through one agent (after a full GC).
# Usage: bench/tcp-bench.sh            (needs iperf3, socat, jcmd; builds the jar on first use)
#        WARMUP=10                     seconds of untimed stream through each tunnel before the timed ones
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=0; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break; sleep 0.1
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
for tool in iperf3 socat jcmd jmap python3; do command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }; done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { # port, seconds
  for _ in $(seq 1 $(( $2 * 10 ))); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "port $1 did not open" >&2; tail -n 20 "$work"/*.log >&2 || true; return 1
}
wait_forwarding() { # agent log, public port, seconds: the agent printed its forwarding line for that port
  # (not wait_port: a probe through the tunnel reaches iperf3's server, which can then turn the next client away)
  for _ in $(seq 1 $(( $3 * 10 ))); do grep -q "tcp://127.0.0.1:$2 " "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "no tunnel on port $2" >&2; tail -n 20 "$1" >&2 || true; return 1
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
gbits() { # port -> Gbit/s of one 5 s stream
  iperf3 -c 127.0.0.1 -p "$1" -t 5 -J | python3 -c '
import json,sys
d=json.load(sys.stdin)
if "error" in d: sys.exit("iperf3: " + d["error"])
print("%.2f" % (d["end"]["sum_received"]["bits_per_second"]/1e9))'
}
heap_kib() { # pid -> live heap in KiB: the bytes of every live object, from a full-GC class histogram
  # (GC.heap_info's "used" after a full GC overstates it: ParallelGC leaves a dense prefix of the old generation
  # uncompacted, dead objects included; it is printed as well, as "used").
  jmap -histo:live "$1" | awk '/^Total/ {printf "%d\n", $3/1024}'
}
used_kib() { # pid -> used heap in KiB after a full GC, as GC.heap_info reports it
  jcmd "$1" GC.run >/dev/null
  jcmd "$1" GC.heap_info | python3 -c '
import re,sys
t=sys.stdin.read()
used=sum(int(x) for x in re.findall(r"used (\d+)K", t.split("Metaspace")[0]))
print(used)'
}

"$root/bin/burrow" version >/dev/null          # builds the jar if needed
export BURROW_HOME="$work/home"
JAVA_OPTS=(-XX:+UseParallelGC -Xmx1g ${BENCH_JAVA_OPTS:-})     # BENCH_JAVA_OPTS: extra flags for edge and agents

iperf_port=$(free_port); socat_port=$(free_port); control=$(free_port); pub=$(free_port); echo_port=$(free_port)
echo_pub=$(free_port); fixed_pub=$(free_port); sys_control=$(free_port); sys_pub=$(free_port)
r64_control=$(free_port); r64_pub=$(free_port); f16_control=$(free_port); f16_pub=$(free_port)
iperf3 -s -p "$iperf_port" >/dev/null 2>&1 & pids+=($!)
socat -b 262144 TCP-LISTEN:"$socat_port",fork,reuseaddr,bind=127.0.0.1 TCP:127.0.0.1:"$iperf_port" & pids+=($!)
BURROW_JAVA_OPTS="${JAVA_OPTS[*]}" "$root/bin/burrow" edge --host 127.0.0.1 --http-port -1 --https-port -1 \
  --tls-port -1 --control-port "$control" --tcp-port-range "$(printf '%s\n' "$pub" "$echo_pub" "$fixed_pub" | sort -n | head -1)-$(printf '%s\n' "$pub" "$echo_pub" "$fixed_pub" | sort -n | tail -1)" \
  > "$work/edge.log" 2>&1 & edge_pid=$!; pids+=($edge_pid)
wait_port "$iperf_port" 10; wait_port "$socat_port" 10; wait_port "$control" 60
ca="$BURROW_HOME/edge/localhost/ca.pem"
BURROW_JAVA_OPTS="${JAVA_OPTS[*]}" "$root/bin/burrow" tcp --server 127.0.0.1:"$control" --root-cas "$ca" \
  -remote-addr 127.0.0.1:"$pub" "$iperf_port" > "$work/agent.log" 2>&1 & agent_pid=$!; pids+=($agent_pid)
wait_forwarding "$work/agent.log" "$pub" 60
BURROW_JAVA_OPTS="${JAVA_OPTS[*]} -Dburrow.mux.maxWindow=262144" "$root/bin/burrow" tcp --server 127.0.0.1:"$control" \
  --root-cas "$ca" -remote-addr 127.0.0.1:"$fixed_pub" "$iperf_port" > "$work/agent-fixed.log" 2>&1 & pids+=($!)
wait_forwarding "$work/agent-fixed.log" "$fixed_pub" 60
start_pair() { # start_pair NAME CONTROL_PORT PUBLIC_PORT EXTRA_JAVA_OPTS: its own edge and agent, forwarding to iperf3
  BURROW_HOME="$work/home-$1" BURROW_JAVA_OPTS="${JAVA_OPTS[*]} $4" "$root/bin/burrow" edge --host 127.0.0.1 \
    --http-port -1 --https-port -1 --tls-port -1 --control-port "$2" --tcp-port-range "$3-$3" > "$work/edge-$1.log" 2>&1 &
  pids+=($!)
  wait_port "$2" 60
  BURROW_HOME="$work/home-$1" BURROW_JAVA_OPTS="${JAVA_OPTS[*]} $4" "$root/bin/burrow" tcp --server 127.0.0.1:"$2" \
    --root-cas "$work/home-$1/edge/localhost/ca.pem" -remote-addr 127.0.0.1:"$3" "$iperf_port" > "$work/agent-$1.log" 2>&1 &
  pids+=($!)
  wait_forwarding "$work/agent-$1.log" "$3" 60
}
start_pair sys "$sys_control" "$sys_pub" -Dburrow.loopbackCongestion=system
start_pair reads64 "$r64_control" "$r64_pub" -Dburrow.tcpReadMax=65536
start_pair frames16 "$f16_control" "$f16_pub" -Dburrow.mux.maxFrameSize=16384

if [ -z "${SKIP_STREAM:-}" ]; then                  # SKIP_STREAM=1: only connections per second and heap
echo "== one TCP stream, iperf3 -t 5, median of 3 interleaved rounds (Gbit/s)"
# The JVMs' JIT compiles the data path during the first seconds of a stream (socat and iperf3 are native code):
# an untimed stream through each tunnel first, so the figures compare warm code.
for p in "$pub" "$fixed_pub" "$sys_pub" "$r64_pub" "$f16_pub"; do iperf3 -c 127.0.0.1 -p "$p" -t "${WARMUP:-10}" >/dev/null; done
# Interleaved rounds (each target once per round), so a slow minute on this shared box hits every target alike.
for i in 1 2 3; do
  gbits "$iperf_port" >> "$work/direct.all"; gbits "$socat_port" >> "$work/socat.all"; gbits "$pub" >> "$work/tunnel.all"
  gbits "$fixed_pub" >> "$work/fixed.all"; gbits "$sys_pub" >> "$work/sys.all"; gbits "$r64_pub" >> "$work/r64.all"
  gbits "$f16_pub" >> "$work/f16.all"
done
for n in direct socat tunnel fixed sys r64 f16; do median < "$work/$n.all" > "$work/$n"; done
echo "rounds: direct $(paste -sd' ' "$work/direct.all"); socat $(paste -sd' ' "$work/socat.all");" \
  "tunnel $(paste -sd' ' "$work/tunnel.all"); fixed window $(paste -sd' ' "$work/fixed.all");" \
  "system CC $(paste -sd' ' "$work/sys.all"); 64 KiB reads $(paste -sd' ' "$work/r64.all");" \
  "16 KiB frames $(paste -sd' ' "$work/f16.all")"
d=$(cat "$work/direct"); s=$(cat "$work/socat"); t=$(cat "$work/tunnel"); f=$(cat "$work/fixed"); y=$(cat "$work/sys"); r=$(cat "$work/r64"); g=$(cat "$work/f16")
cc=$(cat /proc/sys/net/ipv4/tcp_congestion_control)
echo "direct        $d"
echo "socat hop     $s"
echo "burrow tunnel $t  ($(python3 -c "print(round(100*$t/$s))")% of the socat hop)"
echo "  fixed window $f  ($(python3 -c "print(round(100*$f/$s))")% of the socat hop; auto-tuning off)"
echo "  system CC    $y  ($(python3 -c "print(round(100*$y/$s))")% of the socat hop; loopback connections keep the system's $cc)"
echo "  64 KiB reads $r  ($(python3 -c "print(round(100*$r/$s))")% of the socat hop; reads of at most 64 KiB, Netty's default)"
echo "  16 KiB frames $g ($(python3 -c "print(round(100*$g/$s))")% of the socat hop; mux frames of at most 16 KiB, as before)"
fi

echo "== new connections per second through the tunnel (32 client threads, 10 s)"
java "$root/bench/TcpBenchTool.java" echo "$echo_port" & pids+=($!)
wait_port "$echo_port" 30
BURROW_JAVA_OPTS="${JAVA_OPTS[*]}" "$root/bin/burrow" tcp --server 127.0.0.1:"$control" --root-cas "$ca" \
  -remote-addr 127.0.0.1:"$echo_pub" "$echo_port" > "$work/agent2.log" 2>&1 & agent2_pid=$!; pids+=($agent2_pid)
wait_port "$echo_pub" 60
java "$root/bench/TcpBenchTool.java" rate "$echo_port" 10 32 | sed 's/^/direct:  /'
java "$root/bench/TcpBenchTool.java" rate "$echo_pub" 10 32 | sed 's/^/tunnel:  /'

echo "== heap with 10,000 idle connections through one agent (used heap after a full GC)"
sleep 2
edge0=$(heap_kib "$edge_pid"); agent0=$(heap_kib "$agent2_pid")
edgeu0=$(used_kib "$edge_pid"); agentu0=$(used_kib "$agent2_pid")
histo() { jmap -histo:live "$1" | awk '$1 ~ /^[0-9]+:$/ {print $4, $2, $3}' > "$2"; }
if [ -n "${HISTO:-}" ]; then histo "$edge_pid" "$work/edge.h0"; histo "$agent2_pid" "$work/agent.h0"; fi
java -Xmx256m "$root/bench/TcpBenchTool.java" hold "$echo_pub" 10000 > "$work/hold.log" 2>&1 & pids+=($!)
for _ in $(seq 1 600); do grep -q held "$work/hold.log" && break; sleep 0.2; done
grep held "$work/hold.log" || { cat "$work/hold.log"; exit 1; }
edge1=$(heap_kib "$edge_pid"); agent1=$(heap_kib "$agent2_pid")
edgeu1=$(used_kib "$edge_pid"); agentu1=$(used_kib "$agent2_pid")
if [ -n "${HISTO:-}" ]; then                      # HISTO=1: the classes that grew, per idle connection
  histo "$edge_pid" "$work/edge.h1"; histo "$agent2_pid" "$work/agent.h1"
  for side in edge agent; do
    echo "-- $side: classes that grew, bytes and instances per idle connection"
    python3 - "$work/$side.h0" "$work/$side.h1" <<'PY'
import sys
def load(f):
    d = {}
    for line in open(f):
        f = line.split()
        if len(f) != 3:
            continue
        name, n, b = f
        d[name] = (int(n), int(b))
    return d
h0, h1 = load(sys.argv[1]), load(sys.argv[2])
rows = [(b - h0.get(k, (0, 0))[1], n - h0.get(k, (0, 0))[0], k) for k, (n, b) in h1.items()]
print("%8.1f B in all classes" % (sum(r[0] for r in rows) / 10000))
for db, dn, k in sorted(rows, reverse=True)[:30]:
    print("%8.1f B %6.2f x %s" % (db / 10000, dn / 10000, k))
PY
  done
fi
python3 - "$edge0" "$edge1" "$agent0" "$agent1" "$edgeu0" "$edgeu1" "$agentu0" "$agentu1" <<'PY'
import sys
e0, e1, a0, a1, eu0, eu1, au0, au1 = map(int, sys.argv[1:])
print(f"edge : live {e0} KiB -> {e1} KiB, {(e1 - e0) / 10000:.2f} KiB per idle connection"
      f" (used after GC: {(eu1 - eu0) / 10000:.2f})")
print(f"agent: live {a0} KiB -> {a1} KiB, {(a1 - a0) / 10000:.2f} KiB per idle connection"
      f" (used after GC: {(au1 - au0) / 10000:.2f})")
PY
