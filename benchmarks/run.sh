#!/usr/bin/env bash
# The benchmark suite: EmbedWs against Kestrel's WebSockets and a raw TCP server, same machine,
# same run. Each server is pinned to CPU 0 and the load generator to CPU 1 (taskset); every
# case runs RUNS times (servers interleaved, a fresh server process each time) and the report
# prints medians with min–max, the ratios and the targets. Usage: benchmarks/run.sh
# Servers: embedws (the bench server, default options but no heartbeat), embedws-async (the same,
# echoing through an async handler), consolehost (samples/EmbedWs.Samples.ConsoleHost as users
# run it: --mode echo, every other option its default), embedws-mount (the bench server's handlers
# mounted in Kestrel with MapEmbedWs: Kestrel's handshake, EmbedWs's frames), kestrel, rawtcp (echo: bytes back as they
# came; fanout: EmbedWs's broadcast and batching at the byte level), embedws-stj (the bench server
# routing with System.Text.Json), embedws-optimal (the bench server compressing at
# CompressionLevel.Optimal, zlib level 6 as Kestrel does), ws (Node's ws package, benchmarks/node/ws-bench-server.js; needs
# node, and runs `npm ci` in benchmarks/node once).
# Environment: DURATION (s, default 5), WARMUP (s, default 10), RUNS (default 3),
# TESTS (space-separated test names, default all), SERVERS (space-separated server names, default
# every server of each row; embedws-0.1 is one when SERVERS_0_1 is set), PORT_BASE (default 18300), OUT (results dir),
# SERVERS_0_1 (a Release build of 0.1's EmbedWs.Benchmarks.Servers.dll: every row with embedws
# then also runs it as embedws-0.1, so 0.2 is compared with 0.1 on the same machine in the same
# run; README "Comparing with 0.1").
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
DURATION="${DURATION:-5}"
# Ten seconds of load before measuring: on one pinned core the tiered JIT needs several seconds
# under load to install its final code (route reached it after about 8 s; with 2 s of warm-up,
# half of route's run was still in instrumented code). Every server gets the same warm-up.
WARMUP="${WARMUP:-10}"
RUNS="${RUNS:-3}"
PORT_BASE="${PORT_BASE:-18300}"
OUT="${OUT:-$here/results}"
stamp="$(date -u +%Y%m%d-%H%M%S)"
results="$OUT/$stamp.jsonl"
logs="$OUT/$stamp-logs"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
mkdir -p "$logs"
: >"$results"

# name | load mode | server mode | servers | load arguments | server arguments (every server of the row
# takes them: the bench servers, the console host and the Node ws server all know --compression on)
TABLE=(
  "echo-50x8-32B|echo|echo|embedws embedws-async embedws-mount consolehost kestrel rawtcp|--connections 50 --inflight 8 --size 32"
  "echo-1x1-32B|echo|echo|embedws embedws-async embedws-mount consolehost kestrel rawtcp|--connections 1 --inflight 1 --size 32"
  "echo-10x4-64KiB|echo|echo|embedws embedws-async consolehost kestrel rawtcp|--connections 10 --inflight 4 --size 65536"
  "fanout-1000-64B|fanout|fanout|embedws kestrel rawtcp|--connections 1000 --inflight 8 --size 64"
  "fanout-1000-latest|fanout|fanout-latest|embedws embedws-sndbuf|--connections 1000 --inflight 8 --size 64"
  "fanout-1000-latest-100slow|fanout|fanout-latest|embedws embedws-sndbuf|--connections 1000 --inflight 8 --size 64 --slow 100"
  "conns-10000|conns|conns|embedws kestrel rawtcp|--connections 10000 --hold 2 --concurrency 100"
  "route-50x8|route|route|embedws embedws-stj kestrel|--connections 50 --inflight 8 --server-stats"
  "echo-50x8-4KiB-json|echo|echo|embedws consolehost kestrel ws|--connections 50 --inflight 8 --size 4096 --json --server-stats"
  "echo-50x8-4KiB-json-deflate|echo|echo|embedws embedws-optimal consolehost kestrel ws|--connections 50 --inflight 8 --size 4096 --json --deflate --server-stats|--compression on"
  "fanout-1000-4KiB-json-deflate|fanout|fanout|embedws kestrel ws|--connections 1000 --inflight 8 --size 4096 --json --deflate|--compression on"
  "conns-1000-deflate|conns|conns|embedws kestrel ws|--connections 1000 --hold 2 --concurrency 100 --messages 3 --size 4096 --json --deflate|--compression on"
)
TESTS="${TESTS:-$(printf '%s\n' "${TABLE[@]}" | cut -d'|' -f1 | tr '\n' ' ')}"

# 10,000 connections need more descriptors than the usual 1,024 (each process holds one side).
if ! ulimit -n 65536 2>/dev/null; then
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fi
echo "== open files limit: $(ulimit -n)" >&2

echo "== build (Release)" >&2
for p in benchmarks/EmbedWs.Benchmarks.Servers benchmarks/EmbedWs.Benchmarks.Load samples/EmbedWs.Samples.ConsoleHost; do
  name=$(basename "$p")
  dotnet build "$repo/$p/$name.csproj" -c Release -v q -nologo >"$logs/build-$name.log" 2>&1 \
    || { cat "$logs/build-$name.log" >&2; exit 1; }
done
server_dll="$here/EmbedWs.Benchmarks.Servers/bin/Release/net10.0/EmbedWs.Benchmarks.Servers.dll"
load_dll="$here/EmbedWs.Benchmarks.Load/bin/Release/net10.0/EmbedWs.Benchmarks.Load.dll"
host_dll="$repo/samples/EmbedWs.Samples.ConsoleHost/bin/Release/net10.0/EmbedWs.Samples.ConsoleHost.dll"
ws_js="$here/node/ws-bench-server.js"

# Node's ws, for the rows that name it: its package is installed once into benchmarks/node.
ws_ok=""
for row in "${TABLE[@]}"; do
  IFS='|' read -r test _ _ servers _ <<<"$row"
  case " $TESTS " in *" $test "*) ;; *) continue ;; esac
  case " $servers " in *" ws "*) ;; *) continue ;; esac
  if ! command -v node >/dev/null; then
    ws_ok="node is not installed (apt-get install nodejs npm)"
  elif [ ! -d "$here/node/node_modules/ws" ] \
       && ! (cd "$here/node" && npm ci --no-audit --no-fund >"$logs/npm-ci.log" 2>&1); then
    ws_ok="npm ci in benchmarks/node failed (see $logs/npm-ci.log)"
  fi
  break
done

port=$PORT_BASE
server_pid=""

stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=""
}
trap stop_server EXIT

# error_line TEST SERVER RUN MODE MESSAGE: a result line for a run that produced none.
error_line() {
  printf '{"test":"%s","server":"%s","run":%s,"mode":"%s","error":"%s"}\n' "$1" "$2" "$3" "$4" "$5" >>"$results"
}

# run_one TEST LOADMODE SERVERMODE SERVER RUN SERVERARGS LOADARGS...
run_one() {
  local test=$1 lmode=$2 smode=$3 server=$4 run=$5 sargs=$6; shift 6
  port=$((port + 1))
  local log="$logs/$test-$server-$run.log" ready='^ready'
  case $server in
    consolehost)
      # The sample as users start it; it says "... listening on http://127.0.0.1:PORT/" when ready.
      # It writes one console line per connect, message and close: into $log.out here.
      [ "$smode" = echo ] || { error_line "$test" "$server" "$run" "$lmode" "consolehost serves echo only"; return; }
      ready='listening on'
      # shellcheck disable=SC2086 # the arguments are meant to split
      taskset -c 0 dotnet "$host_dll" --mode echo --host 127.0.0.1 --port "$port" $sargs >"$log.out" 2>"$log" &
      ;;
    ws)
      [ -z "$ws_ok" ] || { error_line "$test" "$server" "$run" "$lmode" "$ws_ok"; return; }
      # shellcheck disable=SC2086
      taskset -c 0 node "$ws_js" --port "$port" --mode "$smode" $sargs >"$log.out" 2>"$log" &
      ;;
    embedws-optimal)
      # shellcheck disable=SC2086
      taskset -c 0 dotnet "$server_dll" --server embedws --port "$port" --mode "$smode" --compression-level optimal $sargs >"$log.out" 2>"$log" &
      ;;
    embedws-stj)
      [ "$smode" = route ] || { error_line "$test" "$server" "$run" "$lmode" "embedws-stj serves route only"; return; }
      # shellcheck disable=SC2086
      taskset -c 0 dotnet "$server_dll" --server embedws --port "$port" --mode route --serializer stj $sargs >"$log.out" 2>"$log" &
      ;;
    embedws-sndbuf)
      # The default server but SocketSendBufferBytes = 16 KiB: a slow reader's backlog waits in
      # EmbedWs's queue (where latest-by-key replaces) rather than in the kernel's buffers.
      # shellcheck disable=SC2086
      taskset -c 0 dotnet "$server_dll" --server embedws --port "$port" --mode "$smode" --send-buffer 16384 $sargs >"$log.out" 2>"$log" &
      ;;
    embedws-0.1)
      taskset -c 0 dotnet "$SERVERS_0_1" --server embedws --port "$port" --mode "$smode" >"$log.out" 2>"$log" &
      ;;
    embedws-async)
      [ "$smode" = echo ] || { error_line "$test" "$server" "$run" "$lmode" "embedws-async serves echo only"; return; }
      # shellcheck disable=SC2086
      taskset -c 0 dotnet "$server_dll" --server embedws --port "$port" --mode echo-async $sargs >"$log.out" 2>"$log" &
      ;;
    *)
      # shellcheck disable=SC2086
      taskset -c 0 dotnet "$server_dll" --server "$server" --port "$port" --mode "$smode" $sargs >"$log.out" 2>"$log" &
      ;;
  esac
  server_pid=$!
  for _ in $(seq 300); do grep -q "$ready" "$log.out" && break; kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  if ! grep -q "$ready" "$log.out"; then
    error_line "$test" "$server" "$run" "$lmode" "server did not start"
    stop_server
    keep_output "$log"
    return
  fi

  local before
  before=$(wc -l <"$results")
  # The load generator has its own deadline; timeout is the backstop.
  taskset -c 1 timeout -k 5 $((WARMUP + DURATION + 120)) dotnet "$load_dll" --mode "$lmode" \
    --url "ws://127.0.0.1:$port/" --duration "$DURATION" --warmup "$WARMUP" --server-pid "$server_pid" \
    --test "$test" --server "$server" --run "$run" "$@" >>"$results" 2>>"$log"
  if [ "$(wc -l <"$results")" -eq "$before" ]; then
    error_line "$test" "$server" "$run" "$lmode" "load generator ended without a result"
  fi

  # The load average after the run (1 min): a noisy neighbour shows here.
  echo "   load $(cut -d' ' -f1 /proc/loadavg): $(tail -n 1 "$results" | cut -c1-200)" >&2
  stop_server
  keep_output "$log"
}

# keep_output LOG: the server's standard output goes into LOG, cut short (the console host's
# per-message lines would take hundreds of MB per run).
keep_output() {
  local out="$1.out" lines
  [ -f "$out" ] || return 0
  lines=$(wc -l <"$out")
  {
    echo "== standard output: $lines lines"
    head -n 20 "$out"
    if [ "$lines" -gt 30 ]; then echo "..."; tail -n 10 "$out"; fi
  } >>"$1"
  rm -f "$out"
}

{
  echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr)"
  echo "== load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== DURATION=$DURATION WARMUP=$WARMUP RUNS=$RUNS; results in $results"
  if [ -n "${SERVERS_0_1:-}" ]; then echo "== embedws-0.1: $SERVERS_0_1"; fi
} >&2
start=$(date +%s)
for row in "${TABLE[@]}"; do
  IFS='|' read -r test lmode smode servers args sargs <<<"$row"
  case " $TESTS " in *" $test "*) ;; *) continue ;; esac
  echo "== $test" >&2
  if [ -n "${SERVERS_0_1:-}" ] && [ -z "$sargs" ]; then
    # 0.1 had no compression and one serializer: only the rows without server arguments.
    servers=${servers/embedws /embedws embedws-0.1 }
  fi
  if [ -n "${SERVERS:-}" ]; then
    # Only the servers asked for (SERVERS="embedws kestrel"), in the row's order.
    picked=""
    for server in $servers; do
      case " $SERVERS " in *" $server "*) picked="$picked $server" ;; esac
    done
    servers=$picked
  fi
  for run in $(seq "$RUNS"); do
    for server in $servers; do
      # shellcheck disable=SC2086 # the arguments are meant to split
      run_one "$test" "$lmode" "$smode" "$server" "$run" "$sargs" $args
    done
  done
done

echo "== done in $(( $(date +%s) - start )) s; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
report="$OUT/$stamp.md"
dotnet "$load_dll" report "$results" --baseline "$here/baseline-0.1.json" | tee "$report"
echo >&2
echo "== table: $report" >&2
