#!/usr/bin/env bash
# Builds the jitaccess cdylib, compiles the C# wrapper (NativeMethods.g.cs from csbindgen +
# JitAccess.cs) and its tests with Mono's mcs as C# 7.2, and runs them with mono over every
# conformance vector (../shared/vectors/*.yaml) plus error, disposal and threading tests.
# Installs Debian's mono-mcs, mono-runtime and libmono-system-core4.0-cil when missing.
# Last line: "N passed, M failed". `--bench` instead prints the per-call cost of evaluate.
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v mcs >/dev/null 2>&1 || need+=(mono-mcs)
command -v mono >/dev/null 2>&1 || need+=(mono-runtime)
dpkg -s libmono-system-core4.0-cil >/dev/null 2>&1 || need+=(libmono-system-core4.0-cil)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

profile=debug
if [ "${1:-}" = --bench ]; then profile=release; fi
if [ "$profile" = release ]; then
  cargo build -q -p jitaccess-ffi --locked --release
else
  cargo build -q -p jitaccess-ffi --locked
fi
out="target/bindings-cs"
mkdir -p "$out"
mcs -langversion:7.2 -unsafe -warnaserror -nowarn:1691 -target:library -out:"$out/JitAccess.dll" \
  bindings/csharp/NativeMethods.g.cs bindings/csharp/JitAccess.cs
mcs -langversion:7.2 -warnaserror -target:exe -out:"$out/Tests.exe" -r:"$out/JitAccess.dll" \
  bindings/csharp/tests/Tests.cs

# DllImport("jitaccess_ffi") resolves to libjitaccess_ffi.so on the library path.
export LD_LIBRARY_PATH="$PWD/target/$profile${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ "${1:-}" = --bench ]; then
  exec mono --optimize=all "$out/Tests.exe" --bench "${2:-200000}"
fi
exec mono --debug "$out/Tests.exe" ../shared/vectors/*.yaml
