#!/usr/bin/env bash
# The soak test: an EmbedWs server pinned to CPU 0 (taskset), a churning population of clients
# pinned to CPU 1 for SECONDS, every message checked, the server process sampled throughout.
# Usage: benchmarks/soak.sh [SECONDS (default 600)] [CONNECTIONS (default 5000)]
# Environment: PORT (default 18900), SAMPLE (seconds between samples, default 10), OUT (results
# dir), SERVER_ARGS and CLIENT_ARGS (extra options for each side, e.g. "--dispatch threadpool"),
# SCENARIO (default churn; "latest": latest-by-key updates to readers of which SLOW (default a
# tenth) read slowly, README "Slow readers on latest-by-key traffic").
# Writes benchmarks/results/soak-<timestamp>.md; exits with the client's code (0 = every check passed).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SECONDS_TO_RUN="${1:-600}"
CONNECTIONS="${2:-5000}"
PORT="${PORT:-18900}"
SAMPLE="${SAMPLE:-10}"
OUT="${OUT:-$here/results}"
SERVER_ARGS="${SERVER_ARGS:-}"
CLIENT_ARGS="${CLIENT_ARGS:-}"
SCENARIO="${SCENARIO:-churn}"
HEARTBEAT=5
HEARTBEAT_TIMEOUT=5
GRACE=60
stamp="$(date -u +%Y%m%d-%H%M%S)"
report="$OUT/soak-$stamp.md"
server_log="$OUT/soak-$stamp-server.log"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
mkdir -p "$OUT"

# Each process holds one side of every connection, plus what the runtime opens.
need=$((CONNECTIONS + 1000))
if ! ulimit -n 65536 2>/dev/null; then
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  echo "open files limit $(ulimit -n) is below the $need needed (hard limit $(ulimit -Hn))" >&2
  exit 2
fi

echo "== build (Release)" >&2
dotnet build "$here/EmbedWs.Benchmarks.Soak/EmbedWs.Benchmarks.Soak.csproj" -c Release -v q -nologo >"$OUT/soak-$stamp-build.log" 2>&1 \
  || { cat "$OUT/soak-$stamp-build.log" >&2; exit 1; }
dll="$here/EmbedWs.Benchmarks.Soak/bin/Release/net10.0/EmbedWs.Benchmarks.Soak.dll"

server_pid=""
stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=""
}
trap stop_server EXIT

# The churn scenario's server has a short heartbeat; the latest scenario's has every option its default.
server_args=(--server --port "$PORT" --heartbeat "$HEARTBEAT" --heartbeat-timeout "$HEARTBEAT_TIMEOUT")
client_args=(--grace "$GRACE" --heartbeat "$HEARTBEAT" --heartbeat-timeout "$HEARTBEAT_TIMEOUT")
if [ "$SCENARIO" = latest ]; then
  server_args=(--server --scenario latest --port "$PORT")
  client_args=(--scenario latest --grace "$GRACE" --slow "${SLOW:-$((CONNECTIONS / 10))}")
fi
# shellcheck disable=SC2086 # the extra arguments are meant to split
taskset -c 0 dotnet "$dll" "${server_args[@]}" $SERVER_ARGS >"$server_log" 2>&1 &
server_pid=$!
for _ in $(seq 300); do grep -q '^ready' "$server_log" && break; kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
if ! grep -q '^ready' "$server_log"; then
  echo "the soak server did not start:" >&2
  cat "$server_log" >&2
  exit 1
fi

{
  echo "# Soak $stamp"
  echo
  echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr), $(free -g | awk '/^Mem:/{print $2}') GiB"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (the machine may be shared: other builds and tests count here)"
  echo "- server: \`taskset -c 0 dotnet EmbedWs.Benchmarks.Soak.dll ${server_args[*]} $SERVER_ARGS\`: $(head -n 1 "$server_log")"
  echo "- clients: \`taskset -c 1 dotnet EmbedWs.Benchmarks.Soak.dll --url ws://127.0.0.1:$PORT/ --connections $CONNECTIONS --duration $SECONDS_TO_RUN --sample $SAMPLE ${client_args[*]} $CLIENT_ARGS\`"
  echo "- open files limit $(ulimit -n); ephemeral ports $(tr '\t' '-' </proc/sys/net/ipv4/ip_local_port_range); tcp_tw_reuse $(cat /proc/sys/net/ipv4/tcp_tw_reuse)"
  echo
} >"$report"

start=$(date +%s)
# The client has its own deadline (duration + grace + 120 s); timeout is the backstop.
# shellcheck disable=SC2086
taskset -c 1 timeout -k 10 $((SECONDS_TO_RUN + GRACE + 180)) dotnet "$dll" --url "ws://127.0.0.1:$PORT/" \
  --connections "$CONNECTIONS" --duration "$SECONDS_TO_RUN" --sample "$SAMPLE" "${client_args[@]}" \
  --server-pid "$server_pid" $CLIENT_ARGS 2>&1 | tee -a "$report"
rc=${PIPESTATUS[0]}

server_alive=yes
kill -0 "$server_pid" 2>/dev/null || server_alive=no
stop_server
{
  echo
  echo "- wall time $(( $(date +%s) - start )) s; load average at end: $(cut -d' ' -f1-3 /proc/loadavg); server alive at the end: $server_alive; client exit code $rc"
  echo "- server's last words: \`$(tail -n 1 "$server_log" | cut -c1-900)\`"
} >>"$report"
if [ "$server_alive" = no ] && [ "$rc" -eq 0 ]; then
  rc=4
fi

echo >&2
echo "== report: $report (exit code $rc)" >&2
exit "$rc"
