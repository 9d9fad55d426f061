#!/usr/bin/env bash
# Writes a package for Unity's package manager: com.embedws.embedws-<version>.tgz, to install with
# "Add package from tarball..." (docs/engines-and-aot.md#unity). It holds EmbedWs's netstandard2.1
# build and the dependencies NuGet resolves for it, except Newtonsoft.Json.dll: the package
# declares Unity's own com.unity.nuget.newtonsoft-json instead, so a project that has it keeps one copy.
# Each file gets the .meta Unity needs in an immutable package (GUIDs derived from the path).
# Not tested in Unity here (no editor on this machine). Usage: .ci/unity-package.sh [out-folder]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo/TestResults/unity}"
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/src/Directory.Build.props" | head -n 1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The netstandard2.1 host's output folder has EmbedWs.dll and every dependency NuGet picked for it.
dotnet build "$repo/samples/EmbedWs.Samples.Mono" -c Release -nologo -v q -o "$work/build" >/dev/null
pkg="$work/package"
mkdir -p "$pkg/Runtime/Plugins"
for dll in "$work/build"/*.dll; do
    case "$(basename "$dll")" in
        EmbedWs.Samples.Mono.dll | Newtonsoft.Json.dll) ;;
        *) cp "$dll" "$pkg/Runtime/Plugins/" ;;
    esac
done
cp "$work/build/EmbedWs.xml" "$pkg/Runtime/Plugins/" 2>/dev/null || true
cp "$repo/LICENSE" "$pkg/LICENSE.md"
cat > "$pkg/package.json" <<JSON
{
  "name": "com.embedws.embedws",
  "version": "$version",
  "displayName": "EmbedWs",
  "description": "An embeddable RFC 6455 WebSocket server (the netstandard2.1 build of the EmbedWs NuGet package).",
  "unity": "2021.2",
  "license": "MIT",
  "dependencies": {
    "com.unity.nuget.newtonsoft-json": "3.2.1"
  }
}
JSON

guid() { printf '%s' "com.embedws.embedws/$1" | md5sum | cut -c1-32; }
while IFS= read -r path; do
    rel="${path#"$pkg"/}"
    if [ -d "$path" ]; then
        printf 'fileFormatVersion: 2\nguid: %s\nfolderAsset: yes\nDefaultImporter:\n  externalObjects: {}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n' "$(guid "$rel")" > "$path.meta"
    elif [[ "$path" == *.dll ]]; then
        printf 'fileFormatVersion: 2\nguid: %s\nPluginImporter:\n  externalObjects: {}\n  serializedVersion: 2\n  iconMap: {}\n  executionOrder: {}\n  defineConstraints: []\n  isPreloaded: 0\n  isOverridable: 0\n  isExplicitlyReferenced: 0\n  validateReferences: 1\n  platformData:\n  - first:\n      Any: \n    second:\n      enabled: 1\n      settings: {}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n' "$(guid "$rel")" > "$path.meta"
    else
        printf 'fileFormatVersion: 2\nguid: %s\nTextScriptImporter:\n  externalObjects: {}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n' "$(guid "$rel")" > "$path.meta"
    fi
done < <(find "$pkg" -mindepth 1 ! -name '*.meta' | sort)

mkdir -p "$out"
tar -czf "$out/com.embedws.embedws-$version.tgz" -C "$work" package
echo "$out/com.embedws.embedws-$version.tgz"
tar -tzf "$out/com.embedws.embedws-$version.tgz" | grep -v '\.meta$' | sed 's/^/  /'
