#!/usr/bin/env bash
# Rewrites PublicAPI.Unshipped.txt of every package under src/ from the code as it is now, so a
# deliberate public API change (or a merge conflict in that file) is settled with one command.
# A new package gets both files (PublicAPI.Shipped.txt empty, nothing has shipped).
# Review the diff afterwards: every line added or removed is a change users will see.
# An existing PublicAPI.Shipped.txt is never touched: it changes only at a release (move the Unshipped
# lines there), and removing a shipped member stays an error until it is marked *REMOVED*.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

shopt -s nullglob
for project in src/*/*.csproj; do
    dir="$(dirname "$project")"
    echo "== $project"
    [ -f "$dir/PublicAPI.Shipped.txt" ] || printf '#nullable enable\n' > "$dir/PublicAPI.Shipped.txt"
    printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
    # RS0016's code fix ("add to public API") for every public symbol not in Shipped.
    dotnet format analyzers "$project" --diagnostics RS0016 --severity warn
done

git --no-pager diff --stat -- 'src/*/PublicAPI.Unshipped.txt'
