#!/usr/bin/env bash
# Heap per capture in a full inspection store (inspect_db_size default, 50 MB): fills a CaptureStore with typical
# captures (a GET with 3 request headers; 8 response headers and a 1 KiB body, as nginx answers in
# bench/inspect-bench.sh), then reports the used heap after a full GC divided by the captures kept, beside the bytes
# the store charged for them. The tool sits in the store's package to drive it directly; it runs against the jar.
#   bench/capture-heap.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/bin/burrow" version >/dev/null            # builds the jar if needed
jar="$root/dist/target/burrow-all.jar"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
javac -d "$out" -cp "$jar" "$root/bench/capture-heap/burrow/agent/inspect/CaptureHeap.java"
java -XX:+UseParallelGC -cp "$out:$jar" burrow.agent.inspect.CaptureHeap
