#!/usr/bin/env bash
# burrow HTTP benchmark: direct nginx vs one haproxy L7 hop vs the burrow tunnel (edge + agent, two JVMs),
# measured side by side in one run, ROUNDS interleaved rounds, medians reported. Then an "aborted downloads"
# robustness check against each tunnel. Optional JFR profiling of edge and agent under load (PROFILE=1).
#
# Everything listens on 127.0.0.1 on ports picked at run time; configs and logs live in a temp dir; every
# process this script starts is stopped by a trap; a watchdog bounds the whole run (MAX_SECONDS).
#
# Usage: bench/http-bench.sh            (defaults below; ~8 minutes on 2 cores)
#   ROUNDS=3 DURATION=10 WARMUP=3       rounds, seconds per measurement, untimed warm-up seconds per target
#   TUNNEL_INSTANCES="2 1"              one tunnel (own edge + agent) per value of edge --instances; "default"
#                                       means no --instances flag (edge default: one per core); a value ending in
#                                       -syscc (e.g. "1 1-syscc") runs that tunnel with -Dburrow.loopbackCongestion=system
#                                       (loopback connections keep the system's congestion control, see LoopbackTcp)
#   HAPROXY_THREADS=1                   haproxy nbthread
#   ABORT_ROUNDS=10 ABORT_CLIENTS=24    aborted-download rounds and parallel clients per round
#   PROFILE=0|1                         1: after the benchmark, record JFR on edge and agent of each tunnel under
#                                       100 B load and 1 MiB load (PROFILE_SECONDS each) and summarise hot frames
#   BENCH_JAVA_OPTS=...                 extra JVM flags for edge and agent
#   AGENT_GC="-XX:+UseParallelGC -Xmn64m"  the agent's collector flags (default: those bin/burrow starts it with)
#   EDGE_GC="-XX:+UseParallelGC"        the edge's collector flags (default: those bin/burrow starts it with)
#   AGENT_ARGS="-inspect=false"         extra flags for `burrow http` (default none: it captures, as ngrok does)
#   INITIAL_WARMUP=90                   untimed JIT warm-up of each tunnel before round 1 (seconds of 100 B load;
#                                       on a loaded 2-core box C2 needs minutes: 30 s left rounds 1-2 cold)
#   PACED_DELAY_MS=5                    latency under a paced load too: the same 50 connections, each waiting this long
#                                       after every answer (wrk's delay(); ~9k req/s offered), so the p99 measures the
#                                       hops rather than the queue of a saturated 2-core box; 0 skips it
#   INITIAL_WARMUP_BIG=15               the same with 1 MiB downloads (3 s left the 1 MiB path JIT-cold in round 1: the
#                                       tunnel's CPU per MiB fell from 3.65 to 2.44 ms between rounds 1 and 3)
#   LATENCY_ROUNDS=3                    where a request's time goes: per target, the round trip on one connection, and
#                                       under the paced load each process's CPU per request (wrk, proxies, nginx) and,
#                                       with perf, the proxies' syscalls per request; 0 skips it
#   ASYNC_PROFILE=0|1                   1: also profile edge and agent (async-profiler 4.1 from Maven Central, CPU
#                                       samples every ms with kernel frames) under the paced load; collapsed stacks
#                                       and a summary in the results directory
#   MAX_SECONDS=2400                    hard bound on the whole run
#   KEEP_TMP=1                          keep the temp dir (logs, configs, raw wrk output)
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
INITIAL_WARMUP=${INITIAL_WARMUP:-90}
INITIAL_WARMUP_BIG=${INITIAL_WARMUP_BIG:-15}
TUNNEL_INSTANCES=${TUNNEL_INSTANCES:-"2 1"}
HAPROXY_THREADS=${HAPROXY_THREADS:-1}
ABORT_ROUNDS=${ABORT_ROUNDS:-10}
ABORT_CLIENTS=${ABORT_CLIENTS:-24}
PROFILE=${PROFILE:-0}
PACED_DELAY_MS=${PACED_DELAY_MS:-5}
PROFILE_SECONDS=${PROFILE_SECONDS:-30}
LATENCY_ROUNDS=${LATENCY_ROUNDS:-3}
ASYNC_PROFILE=${ASYNC_PROFILE:-0}
MAX_SECONDS=${MAX_SECONDS:-2400}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:-}
KEEP_TMP=${KEEP_TMP:-0}
SMALL_CONNS=50
BIG_CONNS=8
DOMAIN=bench.test

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/dist/target/burrow-all.jar"
stamp="$(date +%Y%m%d-%H%M%S)"
results="$root/bench/results/$stamp"
read -r -a edge_gc <<< "${EDGE_GC:--XX:+UseParallelGC}"
JAVA_OPTS=("${edge_gc[@]}" --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED)
# shellcheck disable=SC2206
[ -n "$BENCH_JAVA_OPTS" ] && JAVA_OPTS+=($BENCH_JAVA_OPTS)
# the agent as bin/burrow starts it (AGENT_GC replaces its collector flags; it keeps captures alive, see PERFORMANCE.md)
read -r -a agent_gc <<< "${AGENT_GC:--XX:+UseParallelGC -Xmn64m}"
AGENT_OPTS=("${agent_gc[@]}" "${JAVA_OPTS[@]:${#edge_gc[@]}}")

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FATAL: $*"; exit 1; }

for tool in java wrk haproxy nginx curl ss awk sha256sum; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done

# ------------------------------------------------------------------ build
if [ ! -f "$jar" ]; then
  log "building $jar (mvn package, tests skipped)"
  (cd "$root" && mvn -B -ntp -q -DskipTests package) >&2 || die "build failed"
fi

# ------------------------------------------------------------------ temp dir, process tracking, cleanup
tmp="$(mktemp -d "${TMPDIR:-/tmp}/burrow-bench.XXXXXX")"
chmod 755 "$tmp"   # nginx workers may run as another user (nobody when started as root)
mkdir -p "$results"
PIDS=()          # started processes, stopped in reverse order
WATCHDOG=""

stop_pid() {     # TERM, wait up to 5 s, then KILL; only our own pids
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  log "pid $pid ignored SIGTERM for 5 s, killing"
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null || true
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[$i]}"; done
  if [ -d "$tmp" ]; then
    cp "$tmp"/*.log "$results"/ 2>/dev/null || true
    if [ "$KEEP_TMP" = 1 ]; then log "temp dir kept: $tmp"; else rm -rf "$tmp"; fi
  fi
  exit $rc
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM
( sleep "$MAX_SECONDS"; echo "[watchdog] run exceeded MAX_SECONDS=$MAX_SECONDS, stopping" >&2; kill -TERM $$ ) &
WATCHDOG=$!

# ------------------------------------------------------------------ ports
declare -A USED_PORTS=()
PORT=0
pick_port() {    # sets PORT to a loopback port nobody listens on or uses
  local p n
  for n in $(seq 500); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    [ -n "${USED_PORTS[$p]:-}" ] && continue
    if [ -z "$(ss -Hatn "( sport = :$p or dport = :$p )" 2>/dev/null)" ]; then
      USED_PORTS[$p]=1; PORT=$p; return 0
    fi
  done
  die "no free port found"
}

wait_for() {     # wait_for <seconds> <description> <command...>: poll until the command succeeds
  local secs=$1 what=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && die "timed out after ${secs}s waiting for $what"
    sleep 0.2
  done
}

# ------------------------------------------------------------------ upstream: nginx
www="$tmp/www"; mkdir -p "$www"
head -c 100 /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c 100 > "$www/small.txt"
head -c 1048576 /dev/urandom > "$www/big.bin"
SMALL_SHA=$(sha256sum < "$www/small.txt" | cut -d' ' -f1)
BIG_SHA=$(sha256sum < "$www/big.bin" | cut -d' ' -f1)

pick_port; NGINX_PORT=$PORT
mkdir -p "$tmp/nginx"
cat > "$tmp/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $www;
  }
}
EOF
nginx -c "$tmp/nginx.conf" -p "$tmp/nginx" 2>>"$tmp/nginx.log" &
PIDS+=($!)
NGINX_MASTER=$!

# ------------------------------------------------------------------ one haproxy L7 hop
pick_port; HAPROXY_PORT=$PORT
cat > "$tmp/haproxy.cfg" <<EOF
global
  nbthread $HAPROXY_THREADS
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
  http-reuse always
frontend fe
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend be
backend be
  server nginx 127.0.0.1:$NGINX_PORT
EOF
haproxy -db -f "$tmp/haproxy.cfg" >"$tmp/haproxy.log" 2>&1 &
HAPROXY_PID=$!; PIDS+=($!)

# ------------------------------------------------------------------ burrow tunnels: one edge + agent per variant
declare -A EDGE_PID=() AGENT_PID=() TUNNEL_PORT=()
start_tunnel() {  # start_tunnel <instances|default>[-syscc]
  local inst=${1%-syscc} name="burrow-i$1" http https ctl home ca args=() cc=()
  pick_port; http=$PORT; pick_port; https=$PORT; pick_port; ctl=$PORT
  home="$tmp/home-$name"; mkdir -p "$home"
  [ "$inst" != default ] && args=(--instances "$inst")
  [ "$inst" != "$1" ] && cc=(-Dburrow.loopbackCongestion=system)
  BURROW_HOME="$home" java "${JAVA_OPTS[@]}" "${cc[@]}" -jar "$jar" edge --host 127.0.0.1 --domain "$DOMAIN" \
    --http-port "$http" --https-port "$https" --control-port "$ctl" --tls-port -1 "${args[@]}" >"$tmp/$name-edge.log" 2>&1 &
  EDGE_PID[$name]=$!; PIDS+=($!)
  wait_for 120 "$name edge" grep -q "burrow edge listening" "$tmp/$name-edge.log"
  ca=$(grep -o 'root_cas: [^ ]*' "$tmp/$name-edge.log" | head -1 | cut -d' ' -f2)
  [ -f "$ca" ] || die "$name: edge printed no CA path"
  BURROW_HOME="$home" java "${AGENT_OPTS[@]}" "${cc[@]}" -jar "$jar" http --server "127.0.0.1:$ctl" --root-cas "$ca" \
    -subdomain=bench ${AGENT_ARGS:-} "$NGINX_PORT" >"$tmp/$name-agent.log" 2>&1 &
  AGENT_PID[$name]=$!; PIDS+=($!)
  wait_for 120 "$name agent" grep -q "Forwarding.*http://bench\.$DOMAIN:$http" "$tmp/$name-agent.log"
  TUNNEL_PORT[$name]=$http
  log "$name: edge pid ${EDGE_PID[$name]} http :$http control :$ctl, agent pid ${AGENT_PID[$name]}"
}

wait_for 20 nginx curl -sf "http://127.0.0.1:$NGINX_PORT/small.txt"
wait_for 20 haproxy curl -sf "http://127.0.0.1:$HAPROXY_PORT/small.txt"
TARGETS=(direct haproxy)
declare -A URL=() HOSTHDR=()
URL[direct]="http://127.0.0.1:$NGINX_PORT";   HOSTHDR[direct]="127.0.0.1:$NGINX_PORT"
URL[haproxy]="http://127.0.0.1:$HAPROXY_PORT"; HOSTHDR[haproxy]="127.0.0.1:$HAPROXY_PORT"
TUNNELS=()
for inst in $TUNNEL_INSTANCES; do
  start_tunnel "$inst"
  name="burrow-i$inst"
  TUNNELS+=("$name"); TARGETS+=("$name")
  URL[$name]="http://127.0.0.1:${TUNNEL_PORT[$name]}"; HOSTHDR[$name]="bench.$DOMAIN:${TUNNEL_PORT[$name]}"
done

check_target() {  # check_target <name> <path> <sha>: prints "ok" or what went wrong
  local t=$1 path=$2 want=$3 out code sha
  out="$tmp/check.$t.$$"
  code=$(curl -s --max-time 10 -o "$out" -w '%{http_code}' -H "Host: ${HOSTHDR[$t]}" "${URL[$t]}$path" || true)
  sha=$(sha256sum < "$out" 2>/dev/null | cut -d' ' -f1); rm -f "$out"
  if [ "$code" = 200 ] && [ "$sha" = "$want" ]; then echo ok; else echo "status=$code body_sha_ok=$([ "$sha" = "$want" ] && echo yes || echo no)"; fi
}
for t in "${TARGETS[@]}"; do
  for spec in "/small.txt $SMALL_SHA" "/big.bin $BIG_SHA"; do
    # shellcheck disable=SC2086
    r=$(check_target "$t" $spec); [ "$r" = ok ] || die "$t ${spec%% *}: $r"
  done
done
log "all targets answer correctly: ${TARGETS[*]}"

# ------------------------------------------------------------------ machine description
{
  echo "date: $(date -Is)"
  echo "host: $(uname -srm), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
  echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "wrk: $(wrk -v 2>&1 | head -1 | cut -c1-40); haproxy: $(haproxy -v | head -1 | cut -d' ' -f3); nginx: $(nginx -v 2>&1 | cut -d/ -f2)"
  echo "git: $(git -C "$root" rev-parse --short HEAD) ($(git -C "$root" rev-parse --abbrev-ref HEAD))"
  echo "settings: ROUNDS=$ROUNDS DURATION=${DURATION}s WARMUP=${WARMUP}s TUNNEL_INSTANCES='$TUNNEL_INSTANCES' HAPROXY_THREADS=$HAPROXY_THREADS"
  echo "jvm: ${JAVA_OPTS[*]}"
} > "$results/machine.txt"
cat "$results/machine.txt" >&2

# ------------------------------------------------------------------ wrk runs and parsing
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }
to_mib() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /GB$/) n *= 1024; else if (v ~ /MB$/) n += 0; else if (v ~ /KB$/) n /= 1024; else n /= 1048576; printf "%.1f", n }'; }

run_wrk() {  # run_wrk <target> <conns> <secs> <path> <outfile> [--latency]
  local t=$1 c=$2 d=$3 path=$4 out=$5; shift 5
  timeout $((d + 30)) wrk -t2 -c"$c" -d"${d}s" "$@" -H "Host: ${HOSTHDR[$t]}" "${URL[$t]}$path" > "$out" 2>&1 || true
}

parse_small() {  # prints: rps p50ms p99ms errors
  local f=$1 rps p50 p99 non2xx sockerr
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$f"); p50=$(awk '$1 == "50%" {print $2}' "$f"); p99=$(awk '$1 == "99%" {print $2}' "$f")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$f"); sockerr=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$f")
  echo "${rps:-0} $(to_ms "${p50:-0}") $(to_ms "${p99:-0}") $(( ${non2xx:-0} + ${sockerr:-0} ))"
}
parse_big() {    # prints: MiB/s rps errors
  local f=$1 tr rps non2xx sockerr
  tr=$(awk '/^Transfer\/sec:/ {print $2}' "$f"); rps=$(awk '/^Requests\/sec:/ {print $2}' "$f")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$f"); sockerr=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$f")
  echo "$(to_mib "${tr:-0B}") ${rps:-0} $(( ${non2xx:-0} + ${sockerr:-0} ))"
}

# CPU accounting: on a shared, loaded machine throughput depends on how much CPU the scheduler grants, so we also
# report the CPU each hop burns per request (utime + stime from /proc, clock ticks), which is far less noisy.
CLK_TCK=$(getconf CLK_TCK)
declare -A PROXY_PIDS=()
PROXY_PIDS[direct]=""
PROXY_PIDS[haproxy]="$HAPROXY_PID"
for t in "${TUNNELS[@]}"; do PROXY_PIDS[$t]="${EDGE_PID[$t]} ${AGENT_PID[$t]}"; done
cpu_ticks() {  # cpu_ticks <pid...>: summed utime + stime of the processes (all threads)
  local p sum=0 v
  for p in "$@"; do
    v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0); sum=$((sum + v))
  done
  echo $sum
}
raw="$results/raw.tsv"
printf 'round\ttarget\trps\tp50_ms\tp99_ms\tsmall_errors\tmib_s\tbig_rps\tbig_errors\tloadavg\tproxy_us_per_req\tnginx_us_per_req\tproxy_ms_per_mib\tpaced_rps\tpaced_p50_ms\tpaced_p99_ms\tpaced_errors\n' > "$raw"
paced_lua="$tmp/paced.lua"
printf 'function delay()\n  return %s\nend\n' "$PACED_DELAY_MS" > "$paced_lua"

if [ "$ROUNDS" -gt 0 ]; then
  log "initial warm-up of the tunnels (${INITIAL_WARMUP}s of 100 B and ${INITIAL_WARMUP_BIG}s of 1 MiB each, untimed)"
  for t in "${TUNNELS[@]}"; do
    run_wrk "$t" $SMALL_CONNS "$INITIAL_WARMUP" /small.txt /dev/null
    run_wrk "$t" $BIG_CONNS "$INITIAL_WARMUP_BIG" /big.bin /dev/null
  done
fi

NGINX_PIDS="$NGINX_MASTER $(pgrep -P "$NGINX_MASTER" | tr '\n' ' ')"
n=${#TARGETS[@]}
for ((r = 1; r <= ROUNDS; r++)); do
  for ((k = 0; k < n; k++)); do
    t=${TARGETS[$(( (k + r - 1) % n ))]}      # rotate the order every round
    run_wrk "$t" $SMALL_CONNS "$WARMUP" /small.txt /dev/null
    fs="$results/r$r-$t-small.txt"; fb="$results/r$r-$t-big.txt"
    # shellcheck disable=SC2086
    c0=$(cpu_ticks ${PROXY_PIDS[$t]}); n0=$(cpu_ticks $NGINX_PIDS)
    run_wrk "$t" $SMALL_CONNS "$DURATION" /small.txt "$fs" --latency
    # shellcheck disable=SC2086
    c1=$(cpu_ticks ${PROXY_PIDS[$t]}); n1=$(cpu_ticks $NGINX_PIDS)
    run_wrk "$t" $BIG_CONNS 2 /big.bin /dev/null
    # shellcheck disable=SC2086
    c2=$(cpu_ticks ${PROXY_PIDS[$t]})
    run_wrk "$t" $BIG_CONNS "$DURATION" /big.bin "$fb"
    # shellcheck disable=SC2086
    c3=$(cpu_ticks ${PROXY_PIDS[$t]})
    paced="0 0 0 0"
    if [ "$PACED_DELAY_MS" != 0 ]; then
      fp="$results/r$r-$t-paced.txt"
      run_wrk "$t" $SMALL_CONNS "$DURATION" /small.txt "$fp" --latency -s "$paced_lua"
      paced=$(parse_small "$fp")
    fi
    read -r rps p50 p99 se < <(parse_small "$fs")
    read -r mib brps be < <(parse_big "$fb")
    cpu=$(awk -v d=$((c1 - c0)) -v n=$((n1 - n0)) -v b=$((c3 - c2)) -v hz="$CLK_TCK" -v rps="$rps" -v mib="$mib" -v secs="$DURATION" 'BEGIN {
      req = rps * secs; mb = mib * secs
      printf "%.0f\t%.0f\t%.2f", (req > 0 ? d / hz * 1e6 / req : 0), (req > 0 ? n / hz * 1e6 / req : 0), (mb > 0 ? b / hz * 1e3 / mb : 0) }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$t" "$rps" "$p50" "$p99" "$se" "$mib" "$brps" "$be" \
      "$(cut -d' ' -f1 /proc/loadavg)" "$cpu" "$(echo "$paced" | tr ' ' '\t')" >> "$raw"
    log "round $r $t: $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $se | $mib MiB/s, errors $be | proxy CPU us/req, nginx us/req, proxy CPU ms/MiB: $(echo "$cpu" | tr '\t' ' ') | paced (req/s p50 p99 errors): $paced"
  done
done

# ------------------------------------------------------------------ medians and ratios
median_col() {  # median_col <tsv> <target> <column> <printed when none>: median of a target's values ("-" skipped)
  awk -F'\t' -v t="$2" -v c="$3" 'NR > 1 && $2 == t && $c != "-" {print $c}' "$1" | sort -g |
    awk -v none="$4" '{ v[NR] = $1 } END { if (NR == 0) { print none; exit } if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
median_of() { median_col "$raw" "$1" "$2" 0; }  # median_of <target> <column>
table="$results/table.md"
if [ "$ROUNDS" -gt 0 ]; then
  declare -A M_RPS=() M_P50=() M_P99=() M_MIB=() M_PACED_P99=()
  {
    echo "Medians of $ROUNDS interleaved rounds; 100 B: wrk -t2 -c$SMALL_CONNS -d${DURATION}s --latency; 1 MiB: wrk -t2 -c$BIG_CONNS -d${DURATION}s; haproxy nbthread $HAPROXY_THREADS"
    echo
    echo "| target | 100 B req/s | p50 ms | p99 ms | mean ms ($SMALL_CONNS / req/s) | 1 MiB MiB/s | proxy CPU us/req (100 B) | proxy CPU ms/MiB | errors (sum) | paced req/s | paced p50 ms | paced p99 ms |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for t in "${TARGETS[@]}"; do
      M_RPS[$t]=$(median_of "$t" 3); M_P50[$t]=$(median_of "$t" 4); M_P99[$t]=$(median_of "$t" 5); M_MIB[$t]=$(median_of "$t" 7)
      M_PACED_P99[$t]=$(median_of "$t" 16)
      errs=$(awk -F'\t' -v t="$t" 'NR > 1 && $2 == t {s += $6 + $9 + $17} END {print s + 0}' "$raw")
      printf '| %s | %.0f | %.2f | %.2f | %.2f | %.1f | %s | %s | %s | %.0f | %.2f | %.2f |\n' "$t" "${M_RPS[$t]}" "${M_P50[$t]}" "${M_P99[$t]}" \
        "$(awk -v r="${M_RPS[$t]}" -v c=$SMALL_CONNS 'BEGIN {printf "%.3f", (r > 0 ? c * 1000 / r : 0)}')" "${M_MIB[$t]}" \
        "$([ "$t" = direct ] && echo - || median_of "$t" 11)" "$([ "$t" = direct ] && echo - || median_of "$t" 13)" "$errs" \
        "$(median_of "$t" 14)" "$(median_of "$t" 15)" "${M_PACED_P99[$t]}"
    done
    echo
    echo "proxy CPU = utime+stime of haproxy, or of edge + agent JVMs, during the measurement / requests (or MiB) served."
    echo "mean = $SMALL_CONNS connections / req/s (Little's law: each of wrk's connections waits for its answer before it"
    echo "sends again, so at saturation the mean latency is fixed by the rate, and a p99 can only be above it)."
    echo "loadavg (1 min) during the rounds: $(awk -F'\t' 'NR > 1 {printf "%s ", $10}' "$raw")"
    echo
    echo "paced: wrk -t2 -c$SMALL_CONNS -d${DURATION}s --latency with delay() = ${PACED_DELAY_MS} ms per connection after each answer"
    echo
    echo "| tunnel | req/s vs haproxy (target >= 0.50) | p99 at $SMALL_CONNS conns, saturated (target < 3 ms) | p99 at $SMALL_CONNS conns, paced | MiB/s vs haproxy (target >= 0.60) |"
    echo "|---|---:|---:|---:|---:|"
    for t in "${TUNNELS[@]}"; do
      awk -v name="$t" -v rt="${M_RPS[$t]}" -v rh="${M_RPS[haproxy]}" -v p99="${M_P99[$t]}" -v pp="${M_PACED_P99[$t]}" -v mt="${M_MIB[$t]}" -v mh="${M_MIB[haproxy]}" 'BEGIN {
        a = rh > 0 ? rt / rh : 0; b = mh > 0 ? mt / mh : 0
        printf "| %s | %.2f %s | %.2f ms %s | %.2f ms %s | %.2f %s |\n", name, a, (a >= 0.5 ? "PASS" : "FAIL"), p99, (p99 < 3 ? "PASS" : "FAIL"), pp, (pp > 0 && pp < 3 ? "PASS" : "FAIL"), b, (b >= 0.6 ? "PASS" : "FAIL") }'
    done
  } > "$table"
fi

# ------------------------------------------------------------------ (d) aborted downloads
abort_report="$results/aborts.md"
abort_round() {  # abort_round <tunnel>: ABORT_CLIENTS parallel clients that hang up mid-way through the 1 MiB body
  local t=$1 i k pids=() sizes="$tmp/abort-sizes"
  : > "$sizes"
  for ((i = 0; i < ABORT_CLIENTS; i++)); do
    k=$((i % 3))
    if [ $k = 0 ]; then      # slow reader that gives up: the body is in flight through the mux when it hangs up
      ( curl -s --limit-rate 200k --max-time 0.3 -o /dev/null -w '%{size_download}\n' -H "Host: ${HOSTHDR[$t]}" \
          "${URL[$t]}/big.bin" >> "$sizes" || true ) &
    elif [ $k = 1 ]; then    # fast reader that stops after 64 KiB
      ( curl -s -H "Host: ${HOSTHDR[$t]}" "${URL[$t]}/big.bin" 2>/dev/null | head -c 65536 | wc -c >> "$sizes" || true ) &
    else                     # plain timeout
      ( curl -s --max-time 0.05 -o /dev/null -w '%{size_download}\n' -H "Host: ${HOSTHDR[$t]}" \
          "${URL[$t]}/big.bin" >> "$sizes" || true ) &
    fi
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" 2>/dev/null || true; done
  awk '$1 < 1048576 {a++} END {print a + 0}' "$sizes"
}
{
  echo "Aborted downloads: $ABORT_ROUNDS rounds in a row of $ABORT_CLIENTS parallel clients hanging up during a 1 MiB body"
  echo "(1/3 curl --limit-rate 200k --max-time 0.3, 1/3 curl | head -c 65536, 1/3 curl --max-time 0.05);"
  echo "after each round one normal request for the 100 B file (status 200 and exact body) must succeed."
  echo
  echo "| tunnel | rounds passed | clients aborted mid-body | check after last round (100 B / 1 MiB) | req/s before / after (3 s, c$SMALL_CONNS) | agent->nginx conns before / after (estab, close-wait) | edge, agent alive |"
  echo "|---|---:|---:|---|---|---|---|"
} > "$abort_report"
agent_conns() {  # agent_conns <agent pid>: "established, close-wait" connections of the agent to nginx
  local e w
  e=$(ss -Htnp state established "( dport = :$NGINX_PORT )" 2>/dev/null | grep -c "pid=$1," || true)
  w=$(ss -Htnp state close-wait "( dport = :$NGINX_PORT )" 2>/dev/null | grep -c "pid=$1," || true)
  echo "$e, $w"
}
for t in "${TUNNELS[@]}"; do
  conns_pre=$(agent_conns "${AGENT_PID[$t]}")
  run_wrk "$t" $SMALL_CONNS 3 /small.txt "$tmp/pre-abort.txt"
  pre=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$tmp/pre-abort.txt")
  passed=0; aborted=0; fails=""
  for ((r = 1; r <= ABORT_ROUNDS; r++)); do
    a=$(abort_round "$t"); aborted=$((aborted + a))
    res=$(check_target "$t" /small.txt "$SMALL_SHA")
    if [ "$res" = ok ]; then passed=$((passed + 1)); else fails="$fails r$r:$res"; fi
    log "aborts $t round $r: $a/$ABORT_CLIENTS aborted mid-body, normal request: $res"
  done
  final="$(check_target "$t" /small.txt "$SMALL_SHA") / $(check_target "$t" /big.bin "$BIG_SHA")"
  run_wrk "$t" $SMALL_CONNS 3 /small.txt "$tmp/post-abort.txt"
  post=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$tmp/post-abort.txt")
  postnon2xx=$(awk '/Non-2xx/ {print $NF}' "$tmp/post-abort.txt")
  sleep 2
  conns_post=$(agent_conns "${AGENT_PID[$t]}")
  alive="$(kill -0 "${EDGE_PID[$t]}" 2>/dev/null && echo yes || echo NO), $(kill -0 "${AGENT_PID[$t]}" 2>/dev/null && echo yes || echo NO)"
  printf '| %s | %d/%d%s | %d/%d | %s | %s / %s%s | %s / %s | %s |\n' "$t" "$passed" "$ABORT_ROUNDS" "${fails:+ (failed:$fails)}" \
    "$aborted" $((ABORT_ROUNDS * ABORT_CLIENTS)) "$final" "${pre:-0}" "${post:-0}" "${postnon2xx:+ ($postnon2xx non-2xx)}" \
    "$conns_pre" "$conns_post" "$alive" >> "$abort_report"
done

# ------------------------------------------------------------------ optional JFR profile
summarise_jfr() {  # summarise_jfr <file.jfr> <out.txt>
  local f=$1 out=$2
  (
    set +e +o pipefail   # head closes pipes early
    echo "== $(basename "$f")"
    echo "-- top frames (self samples), all threads"
    jfr print --events jdk.ExecutionSample --stack-depth 1 "$f" |
      awk '/stackTrace = \[/ {getline; sub(/^ +/, ""); sub(/ line:.*/, ""); c[$0]++; n++} END {for (k in c) printf "%6d %5.1f%% %s\n", c[k], 100 * c[k] / n, k; printf "%6d total\n", n}' |
      sort -rn | head -31
    echo "-- samples by top-frame package (self)"
    jfr print --events jdk.ExecutionSample --stack-depth 1 "$f" |
      awk '/stackTrace = \[/ {getline; sub(/^ +/, ""); sub(/\(.*/, ""); n2 = split($0, p, "."); k = p[1] "." p[2] (n2 > 4 ? "." p[3] : ""); c[k]++; n++} END {for (k in c) printf "%6d %5.1f%% %s\n", c[k], 100 * c[k] / n, k}' |
      sort -rn | head -15
    echo "-- inclusive samples of burrow.* and selected frames (stack depth 64)"
    jfr print --events jdk.ExecutionSample --stack-depth 64 "$f" |
      awk '/jdk.ExecutionSample/ {delete seen; n++} /line:/ { sub(/^ +/, ""); sub(/ line:.*/, ""); if (($0 ~ /^burrow\./ || $0 ~ /JsonObject|Json\.|jackson|SslHandler|ReferenceCountedOpenSslEngine|SSLEngine|Epoll|NioSocket|writeAndFlush|HttpClient|Http1xServer|MessagePassingQueue|PipeImpl/) && !seen[$0]++) c[$0]++ } END {for (k in c) printf "%6d %5.1f%% %s\n", c[k], 100 * c[k] / n, k}' |
      sort -rn | head -40
    echo "-- samples by thread"
    jfr print --events jdk.ExecutionSample --stack-depth 1 "$f" |
      awk -F'"' '/sampledThread/ {c[$2]++} END {for (k in c) printf "%6d %s\n", c[k], k}' | sort -rn | head -8
    echo "-- allocation (jdk.ObjectAllocationSample weight, MiB) by class"
    jfr print --events jdk.ObjectAllocationSample --stack-depth 1 "$f" |
      awk '/objectClass =/ {cls = $3} /weight =/ {w = $3; u = $4; if (u ~ /kB/) w /= 1024; else if (u ~ /MB/) w += 0; else if (u ~ /GB/) w *= 1024; else w /= 1048576; a[cls] += w; t += w} END {for (k in a) printf "%10.1f %5.1f%% %s\n", a[k], 100 * a[k] / t, k; printf "%10.1f total MiB sampled\n", t}' |
      sort -rn | head -16
    echo "-- GC"
    jfr print --events jdk.GarbageCollection "$f" |
      awk '/name =/ {n[$3]++} /sumOfPauses =/ {v = $3; u = $4; if (u == "s") v *= 1000; else if (u == "us") v /= 1000; else if (u == "ns") v /= 1e6; p += v} END {for (k in n) printf "%d x %s; ", n[k], k; printf "total pause %.1f ms\n", p}'
    echo
  ) >> "$out"
}
if [ "$PROFILE" = 1 ]; then
  command -v jcmd >/dev/null && command -v jfr >/dev/null || die "PROFILE=1 needs jcmd and jfr"
  prof="$results/profile.txt"; : > "$prof"
  # the profile settings, but Java samples every 1 ms instead of 10 ms: a starved JVM gets few samples otherwise
  jfc="$tmp/profile-1ms.jfc"
  sed -e '/"jdk.ExecutionSample"/,/<\/event>/ s/<setting name="period"\([^>]*\)>[^<]*</<setting name="period"\1>1 ms</' \
    "$(dirname "$(readlink -f "$(command -v java)")")/../lib/jfr/profile.jfc" > "$jfc"
  for t in "${TUNNELS[@]}"; do
    for load in small big; do
      for side in edge agent; do
        if [ $side = edge ]; then pid=${EDGE_PID[$t]}; else pid=${AGENT_PID[$t]}; fi
        timeout 30 jcmd "$pid" JFR.start name=bench settings="$jfc" duration="${PROFILE_SECONDS}s" \
          filename="$results/$t-$side-$load.jfr" >/dev/null
      done
      if [ $load = small ]; then
        run_wrk "$t" $SMALL_CONNS $((PROFILE_SECONDS + 2)) /small.txt "$results/profile-$t-small-wrk.txt" --latency
      else
        run_wrk "$t" $BIG_CONNS $((PROFILE_SECONDS + 2)) /big.bin "$results/profile-$t-big-wrk.txt"
      fi
      for side in edge agent; do
        wait_for 60 "JFR dump" test -s "$results/$t-$side-$load.jfr"
        sleep 1
        summarise_jfr "$results/$t-$side-$load.jfr" "$prof"
      done
      log "profiled $t under $load load"
    done
  done
  log "JFR summaries: $prof"
fi

# ------------------------------------------------------------------ (e) where a request's time goes
# Under the paced load every process of the chain sleeps between bursts, so a request's latency is the time the
# chain needs to work through a burst: the sum of each process's CPU per request, plus the wake-ups between them.
latency_report="$results/latency.md"
if [ "$LATENCY_ROUNDS" -gt 0 ] && [ "$PACED_DELAY_MS" != 0 ]; then
  PERF_SYSCALLS=0 sc_events=""
  if command -v perf >/dev/null; then     # the syscall tracepoints this kernel has and perf may count
    for e in sendto write writev recvfrom read epoll_wait epoll_pwait epoll_pwait2; do
      perf stat -e "syscalls:sys_enter_$e" -- true >/dev/null 2>&1 && sc_events="$sc_events${sc_events:+,}syscalls:sys_enter_$e"
    done
    [[ $sc_events == *sendto* ]] && PERF_SYSCALLS=1
  fi
  lat_raw="$results/latency-raw.tsv"
  printf 'round\ttarget\tone_p50_ms\tone_p99_ms\tpaced_rps\tpaced_p50_ms\tpaced_p90_ms\tpaced_p99_ms\twrk_us\tproxy1_us\tproxy2_us\tnginx_us\tsends\trecvs\twaits\n' > "$lat_raw"
  for ((r = 1; r <= LATENCY_ROUNDS; r++)); do
    for ((k = 0; k < n; k++)); do
      t=${TARGETS[$(( (k + r - 1) % n ))]}
      fo="$results/lat-r$r-$t-one.txt"; fp="$results/lat-r$r-$t-paced.txt"
      timeout 40 wrk -t1 -c1 -d5s --latency -H "Host: ${HOSTHDR[$t]}" "${URL[$t]}/small.txt" > "$fo" 2>&1 || true
      read -r -a pp <<< "${PROXY_PIDS[$t]} "
      p1=${pp[0]:-}; p2=${pp[1]:-}
      perf_pids=""
      if [ "$PERF_SYSCALLS" = 1 ] && [ -n "${PROXY_PIDS[$t]}" ]; then
        perf_pids=$(echo "${PROXY_PIDS[$t]}" | tr -s ' ' ',' | sed 's/,$//')
        timeout $((DURATION + 20)) perf stat -x, -e "$sc_events" -p "$perf_pids" -o "$tmp/perf-$t.csv" -- sleep "$DURATION" &
        perf_job=$!
      fi
      a0=$(cpu_ticks $p1); b0=$(cpu_ticks $p2); n0=$(cpu_ticks $NGINX_PIDS)
      wrk_cpu=$( { TIMEFORMAT='%U %S'; time timeout $((DURATION + 30)) wrk -t2 -c$SMALL_CONNS -d"${DURATION}s" --latency -s "$paced_lua" \
        -H "Host: ${HOSTHDR[$t]}" "${URL[$t]}/small.txt" > "$fp" 2>&1; } 2>&1 | tail -1)
      a1=$(cpu_ticks $p1); b1=$(cpu_ticks $p2); n1=$(cpu_ticks $NGINX_PIDS)
      sends=- recvs=- waits=-
      if [ -n "$perf_pids" ]; then
        wait "$perf_job" 2>/dev/null || true
        read -r sends recvs waits < <(awk -F, '{v = $1 + 0} $3 ~ /sendto|_write/ {s += v} $3 ~ /recvfrom|_read/ {r += v} $3 ~ /epoll/ {w += v} END {print s + 0, r + 0, w + 0}' "$tmp/perf-$t.csv")
      fi
      awk -v r="$r" -v t="$t" -v a=$((a1 - a0)) -v b=$((b1 - b0)) -v nn=$((n1 - n0)) -v hz="$CLK_TCK" -v wc="$wrk_cpu" \
          -v s="$sends" -v rv="$recvs" -v w="$waits" -v fo="$fo" -v fp="$fp" '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v + 0 }
        FILENAME == fo && $1 == "50%" { o50 = ms($2) } FILENAME == fo && $1 == "99%" { o99 = ms($2) }
        FILENAME == fp && $1 == "50%" { q50 = ms($2) } FILENAME == fp && $1 == "90%" { q90 = ms($2) } FILENAME == fp && $1 == "99%" { q99 = ms($2) }
        FILENAME == fp && /^Requests\/sec:/ { rps = $2 } FILENAME == fp && / requests in / { req = $1 }
        END {
          split(wc, c, " ")
          per = req > 0 ? 1e6 / req : 0
          printf "%s\t%s\t%.3f\t%.3f\t%.0f\t%.3f\t%.3f\t%.3f\t%.0f\t%.0f\t%.0f\t%.0f\t%s\t%s\t%s\n", r, t, o50, o99, rps, q50, q90, q99,
            (c[1] + c[2]) * per, a / hz * per, b / hz * per, nn / hz * per,
            (s == "-" || req == 0) ? "-" : sprintf("%.2f", s / req), (rv == "-" || req == 0) ? "-" : sprintf("%.2f", rv / req),
            (w == "-" || req == 0) ? "-" : sprintf("%.2f", w / req) }' "$fo" "$fp" >> "$lat_raw"
      log "latency round $r $t: $(tail -1 "$lat_raw" | cut -f3-)"
    done
  done
  lat_median() { median_col "$lat_raw" "$1" "$2" -; }  # lat_median <target> <column>
  {
    echo "Where a request's time goes: medians of $LATENCY_ROUNDS interleaved rounds. One connection: wrk -t1 -c1 -d5s, back to back."
    echo "Paced: wrk -t2 -c$SMALL_CONNS -d${DURATION}s, each connection waiting ${PACED_DELAY_MS} ms after every answer; CPU is"
    echo "utime+stime per request served (wrk's own from the shell's time; proxy 1/2 = haproxy, or edge / agent);"
    echo "syscalls per request are the proxies' (sends: sendto/write/writev, receives: recvfrom/read, waits: epoll), from perf."
    echo
    echo "| target | 1 conn p50 ms | 1 conn p99 ms | paced req/s | paced p50 ms | p90 ms | p99 ms | wrk us/req | proxy 1 us/req | proxy 2 us/req | nginx us/req | sends/req | receives/req | epoll waits/req |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for t in "${TARGETS[@]}"; do
      row="| $t"
      for c in 3 4 5 6 7 8 9 10 11 12 13 14 15; do
        v=$(lat_median "$t" $c)
        if [ "$t" = direct ] && { [ $c = 10 ] || [ $c = 11 ]; }; then v=-; fi
        if [ "$t" = haproxy ] && [ $c = 11 ]; then v=-; fi
        row="$row | $v"
      done
      echo "$row |"
    done
  } > "$latency_report"
fi

if [ "$ASYNC_PROFILE" = 1 ] && [ "$PACED_DELAY_MS" != 0 ]; then
  apdir="$tmp/async-profiler"; mkdir -p "$apdir"
  (cd "$root" && mvn -B -ntp -q dependency:copy -Dartifact=tools.profiler:async-profiler:4.1 -DoutputDirectory="$apdir") >&2 ||
    die "ASYNC_PROFILE=1: could not fetch tools.profiler:async-profiler:4.1 from Maven Central"
  (cd "$apdir" && unzip -q -o async-profiler-4.1.jar linux-x64/libasyncProfiler.so) || die "no linux-x64 library in async-profiler-4.1.jar"
  aplib="$apdir/linux-x64/libasyncProfiler.so"
  apsum="$results/async-profile.txt"; : > "$apsum"
  for t in "${TUNNELS[@]}"; do
    for side in edge agent; do
      if [ $side = edge ]; then pid=${EDGE_PID[$t]}; else pid=${AGENT_PID[$t]}; fi
      timeout 30 jcmd "$pid" JVMTI.agent_load "$aplib" '"start,event=cpu,interval=1ms"' >/dev/null || die "async-profiler did not attach to $t $side"
    done
    run_wrk "$t" $SMALL_CONNS "$PROFILE_SECONDS" /small.txt "$results/async-$t-paced-wrk.txt" --latency -s "$paced_lua"
    for side in edge agent; do
      if [ $side = edge ]; then pid=${EDGE_PID[$t]}; else pid=${AGENT_PID[$t]}; fi
      f="$results/$t-$side-paced.collapsed"
      timeout 30 jcmd "$pid" JVMTI.agent_load "$aplib" "\"stop,file=$f,collapsed\"" >/dev/null
      wait_for 30 "$f" test -s "$f"
      {
        echo "== $t $side, paced 100 B load, $PROFILE_SECONDS s ($(awk '/^Requests\/sec:/ {print $2}' "$results/async-$t-paced-wrk.txt") req/s): $f"
        awk '{ n = $NF; t += n; st = $0; sub(/ [0-9]+$/, "", st); k = split(st, fr, ";"); self[fr[k]] += n
               kern = 0; for (i = 1; i <= k; i++) if (fr[i] ~ /_\[k\]$/) { kern = 1; break } ks += kern * n
               delete seen; for (i = 1; i <= k; i++) if (fr[i] ~ /^burrow\// && !seen[fr[i]]++) inc[fr[i]] += n
               for (i = 1; i <= k; i++) if (fr[i] ~ /jackson/) { js += n; break } }
             END { printf "samples %d; with a kernel frame %.1f%%; in Jackson %.1f%%\n-- self, top 15\n", t, 100 * ks / t, 100 * js / t
                   for (f in self) printf "%6.1f%% %s\n", 100 * self[f] / t, f | "sort -rn | head -15"; close("sort -rn | head -15")
                   print "-- inclusive, burrow frames, top 20"
                   for (f in inc) printf "%6.1f%% %s\n", 100 * inc[f] / t, f | "sort -rn | head -20"; close("sort -rn | head -20") }' "$f"
        echo
      } >> "$apsum"
    done
    log "async-profiled $t"
  done
fi

echo
echo "== burrow http-bench $stamp ($results)"
cat "$results/machine.txt"
echo
[ -f "$table" ] && cat "$table" && echo
cat "$abort_report"
[ -f "$latency_report" ] && echo && cat "$latency_report"
