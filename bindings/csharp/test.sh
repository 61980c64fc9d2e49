#!/usr/bin/env bash
# Builds the jitaccess cdylib, compiles the C# wrapper (NativeMethods.g.cs from csbindgen +
# JitAccess.cs) and its tests with Mono's mcs as C# 7.2, and runs them with mono over every
# conformance vector (../shared/vectors/*.yaml) plus error, disposal and threading tests.
# Also checks the netstandard2.0 project without the .NET SDK (docs/bindings.md): JitAccess.csproj
# is well-formed and lists exactly the sources, which compile as C# 7.2 against the .NET
# Framework 4.6.1 reference assemblies and use only types of .NET Standard 2.0.
# Installs Debian's mono-mcs, mono-runtime, libmono-system-core4.0-cil and mono-devel (reference
# assemblies, the netstandard facade, Mono.Cecil) when missing.
# Last line: "N passed, M failed". `--bench` instead prints the per-call cost of evaluate.
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v mcs >/dev/null 2>&1 || need+=(mono-mcs)
command -v mono >/dev/null 2>&1 || need+=(mono-runtime)
dpkg -s libmono-system-core4.0-cil >/dev/null 2>&1 || need+=(libmono-system-core4.0-cil)
# mono-devel ships /usr/lib/mono/4.7.1-api/Facades/netstandard.dll (the .NET Standard 2.0.0.0
# facade; /usr/lib/mono/4.5/Facades/netstandard.dll is 2.1 and would let 2.1 APIs through), the
# 4.6.1-api reference assemblies and Mono.Cecil (libmono-cecil-private-cil).
netstandard=/usr/lib/mono/4.7.1-api/Facades/netstandard.dll
refs=/usr/lib/mono/4.6.1-api
find_cecil() { ls -d /usr/lib/mono/gac/Mono.Cecil/0.1[1-9]*/Mono.Cecil.dll 2>/dev/null | tail -n 1; }
[ -f "$netstandard" ] && [ -f "$refs/mscorlib.dll" ] && [ -n "$(find_cecil)" ] || need+=(mono-devel)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
cecil="$(find_cecil)"

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

if [ "${1:-}" = --bench ]; then
  export LD_LIBRARY_PATH="$PWD/target/$profile${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  exec mono --optimize=all "$out/Tests.exe" --bench "${2:-200000}"
fi

# The netstandard2.0 project (no `dotnet build` here: the .NET SDK is not installable on this
# machine). Each check counts once in the last line.
ns_passed=0
ns_failed=0
check() {
  local name="$1"
  shift
  if "$@"; then
    echo "ok   netstandard2.0: $name"
    ns_passed=$((ns_passed + 1))
  else
    echo "FAIL netstandard2.0: $name"
    ns_failed=$((ns_failed + 1))
  fi
}
ns="$out/netstandard"
rm -rf "$ns" # no stale assembly may stand in for one that failed to compile
mkdir -p "$ns"
cp "$cecil" "$ns/"
mcs -langversion:7.2 -warnaserror -target:exe -out:"$ns/NetStandardCheck.exe" -r:"$cecil" \
  -r:System.Xml.dll -r:System.Xml.Linq.dll -r:System.Core.dll bindings/csharp/tests/NetStandardCheck.cs
compile_ns() { # OUT.dll SOURCES...: C# 7.2 against the .NET Framework 4.6.1 reference assemblies only
  local dll="$1"
  shift
  mcs -noconfig -nostdlib -langversion:7.2 -unsafe -warnaserror -nowarn:1691 -target:library \
    -out:"$dll" -r:"$refs/mscorlib.dll" -r:"$refs/System.dll" -r:"$refs/System.Core.dll" "$@"
}
sources=()
csproj_ok() {
  local listing
  listing="$(mono "$ns/NetStandardCheck.exe" csproj bindings/csharp/JitAccess.csproj)" || return 1
  mapfile -t sources <<<"$listing"
}
check "JitAccess.csproj is well-formed, targets netstandard2.0 / C# 7.2 and lists exactly the sources" csproj_ok
if [ ${#sources[@]} -gt 0 ]; then
  check "the listed sources compile against the .NET Framework 4.6.1 reference assemblies" \
    compile_ns "$ns/JitAccess.dll" "${sources[@]}"
else
  check "the listed sources compile against the .NET Framework 4.6.1 reference assemblies" false
fi
if [ -f "$ns/JitAccess.dll" ]; then
  check "JitAccess.dll uses only .NET Standard 2.0 types" \
    mono "$ns/NetStandardCheck.exe" surface "$netstandard" "$ns/JitAccess.dll"
else
  check "JitAccess.dll uses only .NET Standard 2.0 types" false
fi
# Negative controls: the checks must be able to fail.
rejects_remoting() {
  compile_ns "$ns/NotNetStandard.dll" bindings/csharp/tests/NotNetStandard.cs &&
    ! mono "$ns/NetStandardCheck.exe" surface "$netstandard" "$ns/NotNetStandard.dll" 2>/dev/null
}
check "negative control: a use of RemotingServices (not in .NET Standard 2.0) is rejected" rejects_remoting
rejects_bad_csproj() {
  local ctl="$ns/control" ok=0
  rm -rf "$ctl"
  mkdir -p "$ctl"
  cp bindings/csharp/*.cs "$ctl/"
  sed 's|<Compile Include="JitAccess.cs" />|<Compile Include="Missing.cs" />|' \
    bindings/csharp/JitAccess.csproj >"$ctl/missing.csproj"
  printf '<Project Sdk="Microsoft.NET.Sdk">\n  <!-- a -- b -->\n</Project>\n' >"$ctl/malformed.csproj"
  mono "$ns/NetStandardCheck.exe" csproj "$ctl/missing.csproj" >/dev/null 2>&1 || ok=$((ok + 1))
  mono "$ns/NetStandardCheck.exe" csproj "$ctl/malformed.csproj" >/dev/null 2>&1 || ok=$((ok + 1))
  [ "$ok" = 2 ]
}
check "negative control: a missing source and a malformed project file are rejected" rejects_bad_csproj

# DllImport("jitaccess_ffi") resolves to libjitaccess_ffi.so on the library path.
export LD_LIBRARY_PATH="$PWD/target/$profile${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
set +e
mono --debug "$out/Tests.exe" ../shared/vectors/*.yaml >"$out/tests.log" 2>&1
rc=$?
set -e
# Tests.exe's own total line is replaced by the total with the netstandard2.0 checks.
last="$(tail -n 1 "$out/tests.log")"
head -n -1 "$out/tests.log"
if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
  passed="${BASH_REMATCH[1]}"
  failed="${BASH_REMATCH[2]}"
else
  echo "$last"
  echo "Tests.exe ended without its summary line (exit code $rc)"
  passed=0
  failed=1
fi
[ "$rc" = 0 ] || [ "$failed" != 0 ] || failed=1
echo "netstandard2.0: $ns_passed passed, $ns_failed failed"
echo "$((passed + ns_passed)) passed, $((failed + ns_failed)) failed"
[ $((failed + ns_failed)) = 0 ]
