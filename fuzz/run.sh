#!/usr/bin/env bash
# Coverage-guided fuzzing of EmbedWs's parsers with SharpFuzz + AFL++ (see CONTRIBUTING.md, "Fuzzing").
#
#   fuzz/run.sh <target|all> <seconds>
#
# Targets: handshake (HTTP head parser + validator), frames (FrameDecoder), router (JSON
# envelopes through WsRouter), router-stj (the same with SystemTextJsonWsSerializer), session
# (WsSession: closing, ping/pong and time limits), deflate (FrameDecoder with permessage-deflate:
# compressed frames, bounded inflation).
# Installs what is missing (afl++ with apt-get, the sharpfuzz instrumenter into fuzz/tools),
# publishes the driver to a fresh fuzz/pub, instruments EmbedWs.dll (and Newtonsoft.Json.dll,
# which the router target parses with), then runs afl-fuzz for
# <seconds> per target, one target after the other (one afl-fuzz uses one core).
#
# Exits 1 when a target has a crash (its bytes are printed in hex and replayed once) or a hang
# that replays (a parser that takes 5 s on a few KB is a bug too). A hang that finishes when
# replayed alone is reported but does not fail: on a loaded machine that is the scheduler.
# Exits 2 when afl-fuzz could not start. Findings stay in fuzz/findings/<target>-<time>/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
targets=(handshake frames router router-stj session deflate)

usage() {
    echo "usage: fuzz/run.sh <${targets[*]// /|}|all> <seconds>" >&2
    exit 2
}

[ "$#" -eq 2 ] || usage
case "$1" in
    all) selected=("${targets[@]}") ;;
    handshake | frames | router | router-stj | session | deflate) selected=("$1") ;;
    *) usage ;;
esac
[[ "$2" =~ ^[1-9][0-9]*$ ]] || usage
seconds="$2"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
# dotnet itself is not instrumented (SKIP_BIN_CHECK); no UI on a pipe; no cpufreq
# folder here; a host whose core_pattern pipes to a handler must not stop the run.
# AFL_NO_AFFINITY stays unset: it more than halves the speed.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1

# 1. afl++ (Debian's afl++ 4.04c), only when missing.
if ! command -v afl-fuzz >/dev/null 2>&1; then
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
    echo "== apt-get install afl++"
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
fi

# 2. The instrumenter, pinned.
tools="$here/tools"
if [ ! -x "$tools/sharpfuzz" ]; then
    echo "== dotnet tool install SharpFuzz.CommandLine 2.3.0"
    dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

# 3. A fresh publish, then instrument: publishing into an old folder would quietly put back
# an uninstrumented EmbedWs.dll ("No instrumentation detected").
pub="$here/pub"
rm -rf "$pub"
echo "== dotnet publish fuzz/EmbedWs.Fuzz"
dotnet publish "$here/EmbedWs.Fuzz/EmbedWs.Fuzz.csproj" -c Release -o "$pub" --nologo -v quiet
for dll in EmbedWs.dll Newtonsoft.Json.dll; do
    "$tools/sharpfuzz" "$pub/$dll" >/dev/null
done
driver=("$(command -v dotnet)" "$pub/EmbedWs.Fuzz.dll")

# afl_stat FILE NAME: a value from afl-fuzz's fuzzer_stats.
afl_stat() { sed -n "s/^$2 *: *//p" "$1" | head -n 1; }

# hex FILE: the file's bytes in hex, 48 a line, the first 1 KiB of a bigger file.
hex() {
    head -c 1024 "$1" | od -An -tx1 -v | tr -d ' \n' | fold -w 96
    echo
    [ "$(wc -c <"$1")" -le 1024 ] || echo "... ($(wc -c <"$1") bytes in all)"
}

# fuzz_one TARGET OUT: one afl-fuzz run, its output in OUT and its log in OUT.log.
# router-stj (the router with System.Text.Json) starts from router's seeds.
seeds_of() { if [ "$1" = router-stj ]; then echo "$here/seeds/router"; else echo "$here/seeds/$1"; fi; }

fuzz_one() {
    timeout $((seconds + 120)) afl-fuzz -i "$(seeds_of "$1")" -o "$2" -t 5000 -V "$seconds" \
        -- "${driver[@]}" "$1" </dev/null >"$2.log" 2>&1
}

mkdir -p "$here/findings"
failed=0
summary=()
for target in "${selected[@]}"; do
    out="$here/findings/$target-$(date -u +%Y%m%d-%H%M%S)"
    echo "== afl-fuzz $target for ${seconds}s -> ${out#"$repo"/}"
    # -V stops after the time even when it found crashes (exit 0); timeout is a safety net.
    afl_exit=0
    fuzz_one "$target" "$out" || afl_exit=$?
    if grep -q "No more free CPU cores" "$out.log"; then
        # Every core is pinned by another afl-fuzz or a taskset process: run unpinned (slower).
        echo "   (every CPU core is pinned by another process: running with AFL_NO_AFFINITY=1)"
        rm -rf "$out"
        afl_exit=0
        AFL_NO_AFFINITY=1 fuzz_one "$target" "$out" || afl_exit=$?
    fi
    stats="$out/default/fuzzer_stats"
    if [ ! -f "$stats" ] || grep -q "PROGRAM ABORT" "$out.log"; then
        echo "afl-fuzz did not run (exit $afl_exit); the end of $out.log:" >&2
        tail -n 20 "$out.log" >&2
        exit 2
    fi

    crashes=("$out"/default/crashes/id:*)
    hangs=("$out"/default/hangs/id:*)
    [ -e "${crashes[0]}" ] || crashes=()
    [ -e "${hangs[0]}" ] || hangs=()
    line="$target: $(afl_stat "$stats" execs_done) execs, $(afl_stat "$stats" execs_per_sec) exec/s, corpus $(afl_stat "$stats" corpus_count), crashes ${#crashes[@]}, hangs ${#hangs[@]}, stability $(afl_stat "$stats" stability), edges $(afl_stat "$stats" edges_found)"
    echo "$line"
    summary+=("$line")

    for f in "${crashes[@]}"; do
        failed=1
        echo "-- crash ${f#"$repo"/} ($(wc -c <"$f") bytes):"
        hex "$f"
    done
    if [ "${#crashes[@]}" -gt 0 ]; then
        echo "-- replay of the first crash (fuzz/run.sh leaves fuzz/pub for: dotnet fuzz/pub/EmbedWs.Fuzz.dll $target < crashfile):"
        # The subshell's own stderr (bash's "Aborted" job notice) is dropped; the driver's is shown.
        (timeout 60 "${driver[@]}" "$target" <"${crashes[0]}" 2>&1; true) 2>/dev/null | head -n 25 || true
    fi

    # afl-fuzz skips a seed that crashes or times out with only a warning in its log; the seeds
    # are the unit tests' vectors, so that is a regression: replay each seed alone to name it.
    if grep -qE "results in a (crash|timeout)" "$out.log"; then
        echo "-- afl-fuzz skipped seeds that crash or time out; replaying every seed:"
        for f in "$(seeds_of "$target")"/*; do
            replay=0
            (timeout 30 "${driver[@]}" "$target" <"$f" >/dev/null 2>&1; exit $?) 2>/dev/null || replay=$?
            if [ "$replay" -ne 0 ]; then
                failed=1
                echo "-- seed ${f#"$repo"/} fails alone (exit $replay$([ "$replay" -eq 124 ] && echo ", still running after 30 s")):"
                hex "$f"
            fi
        done
    fi

    for f in "${hangs[@]}"; do
        replay=0
        (timeout 30 "${driver[@]}" "$target" <"$f" >/dev/null 2>&1; exit $?) 2>/dev/null || replay=$?
        if [ "$replay" -eq 124 ]; then
            failed=1
            echo "-- hang ${f#"$repo"/} (still running after 30 s alone):"
        elif [ "$replay" -ne 0 ]; then
            failed=1
            echo "-- hang ${f#"$repo"/} crashed when replayed alone (exit $replay):"
        else
            echo "-- hang ${f#"$repo"/} did not replay (finished alone, exit $replay): machine load, not counted:"
        fi
        hex "$f"
    done
done

echo "== summary"
printf '%s\n' "${summary[@]}"
exit "$failed"
