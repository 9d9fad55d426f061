#!/usr/bin/env bash
# Scale-out on Redis (issue 14): fan-out from 1 publisher to 1,000 subscribers over a Redis
# backplane, EmbedWs (EmbedWs.Redis) against SignalR (AddStackExchangeRedis), on one node and on
# two nodes of one cluster. Every run starts its own redis-server on a free port (no persistence:
# --save '' --appendonly no) and stops it by its PID. The nodes and redis-server are pinned to
# CPU 0 (the cluster under test shares a core, as run.sh's servers have one), the load generator
# to CPU 1. Subscribers are spread over the nodes in turn; the publisher is on the first node.
# Rows: fanout-1000-redis-1node (embedws with no backplane, embedws-redis and signalr, one node
# each), fanout-1000-redis-2nodes (embedws-redis and signalr, two nodes each).
# Usage: benchmarks/redis-fanout.sh. Environment as run.sh: DURATION (s, default 5), WARMUP (s,
# default 10), RUNS (default 3), TESTS, SERVERS, PORT_BASE (default 18700), OUT (results dir).
# Needs redis-server (apt-get install -y redis-server).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
DURATION="${DURATION:-5}"
WARMUP="${WARMUP:-10}"   # as run.sh: the tiered JIT needs several seconds under load
RUNS="${RUNS:-3}"
PORT_BASE="${PORT_BASE:-18700}"
OUT="${OUT:-$here/results}"
stamp="$(date -u +%Y%m%d-%H%M%S)"
results="$OUT/$stamp-redis.jsonl"
logs="$OUT/$stamp-redis-logs"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

# name | nodes | servers | load arguments (as run.sh's fanout-1000-64B)
TABLE=(
  "fanout-1000-redis-1node|1|embedws embedws-redis signalr|--connections 1000 --inflight 8 --size 64"
  "fanout-1000-redis-2nodes|2|embedws-redis signalr|--connections 1000 --inflight 8 --size 64"
)
TESTS="${TESTS:-$(printf '%s\n' "${TABLE[@]}" | cut -d'|' -f1 | tr '\n' ' ')}"

command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install -y redis-server)" >&2; exit 1; }
mkdir -p "$logs"
: >"$results"
if ! ulimit -n 65536 2>/dev/null; then
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fi

echo "== build (Release)" >&2
for p in EmbedWs.Benchmarks.Servers EmbedWs.Benchmarks.Load; do
  dotnet build "$here/$p/$p.csproj" -c Release -v q -nologo >"$logs/build-$p.log" 2>&1 \
    || { cat "$logs/build-$p.log" >&2; exit 1; }
done
server_dll="$here/EmbedWs.Benchmarks.Servers/bin/Release/net10.0/EmbedWs.Benchmarks.Servers.dll"
load_dll="$here/EmbedWs.Benchmarks.Load/bin/Release/net10.0/EmbedWs.Benchmarks.Load.dll"

port=$PORT_BASE
pids=()

# stop_all: every process this run started (nodes, then redis-server), by PID.
stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  pids=()
}
trap stop_all EXIT

# free_port: the next port from $port on that nothing listens on.
free_port() {
  while port=$((port + 1)); (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do :; done
}

# wait_for FILE PATTERN PID: until FILE has PATTERN (30 s at most) or PID ended.
wait_for() {
  for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; kill -0 "$3" 2>/dev/null || return 1; sleep 0.1; done
  return 1
}

error_line() {
  printf '{"test":"%s","server":"%s","run":%s,"mode":"fanout","error":"%s"}\n' "$1" "$2" "$3" "$4" >>"$results"
}

# run_one TEST NODES SERVER RUN LOADARGS...
run_one() {
  local test=$1 nodes=$2 server=$3 run=$4; shift 4
  local log="$logs/$test-$server-$run" sargs=() lname=$server kind=embedws path=/ urls=() extra=()
  if [ "$server" != embedws ]; then
    free_port
    local rport=$port
    taskset -c 0 redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no >"$log-redis.log" 2>&1 &
    pids+=($!)
    wait_for "$log-redis.log" "Ready to accept connections" "$!" \
      || { error_line "$test" "$server" "$run" "redis-server did not start"; stop_all; return; }
    sargs=(--backplane "redis=127.0.0.1:$rport")
  fi

  if [ "$server" = signalr ]; then kind=signalr; path=/hub; extra=(--signalr); fi
  for n in $(seq "$nodes"); do
    free_port
    taskset -c 0 dotnet "$server_dll" --server "$kind" --port "$port" --mode fanout "${sargs[@]}" >"$log-node$n.log" 2>&1 &
    pids+=($!)
    if ! wait_for "$log-node$n.log" '^ready' "$!"; then
      error_line "$test" "$server" "$run" "node $n did not start"
      stop_all
      return
    fi
    urls+=(--url "ws://127.0.0.1:$port$path")
  done

  local before
  before=$(wc -l <"$results")
  taskset -c 1 timeout -k 5 $((WARMUP + DURATION + 120)) dotnet "$load_dll" --mode fanout "${urls[@]}" "${extra[@]}" \
    --duration "$DURATION" --warmup "$WARMUP" --test "$test" --server "$lname" --run "$run" "$@" >>"$results" 2>>"$log-load.log"
  [ "$(wc -l <"$results")" -ne "$before" ] || error_line "$test" "$server" "$run" "load generator ended without a result"
  echo "   load $(cut -d' ' -f1 /proc/loadavg): $(tail -n 1 "$results" | cut -c1-220)" >&2
  stop_all
}

{
  echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr), $(redis-server --version | cut -d' ' -f1-3)"
  echo "== load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== DURATION=$DURATION WARMUP=$WARMUP RUNS=$RUNS; results in $results"
} >&2
start=$(date +%s)
for row in "${TABLE[@]}"; do
  IFS='|' read -r test nodes servers args <<<"$row"
  case " $TESTS " in *" $test "*) ;; *) continue ;; esac
  echo "== $test ($nodes node(s))" >&2
  for run in $(seq "$RUNS"); do
    for server in $servers; do
      case " ${SERVERS:-$servers} " in *" $server "*) ;; *) continue ;; esac
      # shellcheck disable=SC2086 # the arguments are meant to split
      run_one "$test" "$nodes" "$server" "$run" $args
    done
  done
done

echo "== done in $(( $(date +%s) - start )) s; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
report="$OUT/$stamp-redis.md"
dotnet "$load_dll" report "$results" | tee "$report"
echo >&2
echo "== table: $report" >&2
