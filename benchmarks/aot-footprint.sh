#!/usr/bin/env bash
# The AOT sample's footprint, Native AOT against the same code on the JIT: startup to the
# listening line, and RSS at rest and after 1,000 idle connections (docs/engines-and-aot.md).
# The host is pinned to CPU 1, the client (aot-footprint.py) to CPU 0; one warm-up run each, then
# RUNS runs (default 5); prints the medians as a Markdown table. Needs clang and zlib1g-dev.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-5}"
connections="${CONNECTIONS:-1000}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
ulimit -n 8192

dotnet build "$repo/samples/EmbedWs.Samples.Aot" -c Release -nologo -v q -o "$out/jit" >/dev/null
dotnet publish "$repo/samples/EmbedWs.Samples.Aot" -c Release -nologo -v q -o "$out/aot" >/dev/null

measure() { # name, command...
    local name="$1"; shift
    taskset -c 0 python3 "$repo/benchmarks/aot-footprint.py" "$connections" taskset -c 1 "$@" --port 0 >/dev/null
    for _ in $(seq "$runs"); do
        taskset -c 0 python3 "$repo/benchmarks/aot-footprint.py" "$connections" taskset -c 1 "$@" --port 0
    done > "$out/$name.jsonl"
}
measure aot "$out/aot/EmbedWs.Samples.Aot"
measure jit dotnet "$out/jit/EmbedWs.Samples.Aot.dll"

python3 - "$out" "$connections" <<'PY'
import json, statistics, sys, os
out, n = sys.argv[1], sys.argv[2]
rows = {k: [json.loads(l) for l in open(os.path.join(out, k + ".jsonl"))] for k in ("aot", "jit")}
med = lambda k, f: statistics.median(r[f] for r in rows[k])
print(f"| | Native AOT | JIT (dotnet) |")
print(f"|---|---:|---:|")
print(f"| startup to listening (ms) | {med('aot','startup_ms'):.0f} | {med('jit','startup_ms'):.0f} |")
print(f"| RSS at rest (MiB) | {med('aot','rss_start_kib')/1024:.1f} | {med('jit','rss_start_kib')/1024:.1f} |")
print(f"| RSS after {n} idle connections (MiB) | {med('aot','rss_idle_kib')/1024:.1f} | {med('jit','rss_idle_kib')/1024:.1f} |")
print(f"| runs | {len(rows['aot'])} | {len(rows['jit'])} |")
PY
