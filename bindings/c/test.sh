#!/usr/bin/env bash
# Builds the jitaccess C ABI, compiles bindings/c/test_vectors.c with gcc and runs every
# conformance vector (../shared/vectors/*.yaml) plus the ABI's error, ownership and threading
# tests through it, under valgrind (no leaks, no invalid access). Installs libcjson-dev and
# valgrind from Debian when missing. Last line: "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
dpkg -s libcjson-dev >/dev/null 2>&1 || need+=(libcjson-dev)
command -v valgrind >/dev/null 2>&1 || need+=(valgrind)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

profile="${JITACCESS_FFI_PROFILE:-debug}"
if [ "$profile" = release ]; then
  cargo build -q -p jitaccess-ffi --locked --release
else
  cargo build -q -p jitaccess-ffi --locked
fi
lib="target/$profile"
out="target/bindings-c"
mkdir -p "$out"
gcc -std=c11 -Wall -Wextra -Werror -g -O1 -Iffi/include bindings/c/test_vectors.c \
  -o "$out/test_vectors" -L"$lib" -ljitaccess_ffi -lcjson -lpthread -Wl,-rpath,"$PWD/$lib"

# The cdylib must be the one just built (not a stale copy elsewhere on the path).
export LD_LIBRARY_PATH="$PWD/$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ "${JITACCESS_NO_VALGRIND:-0}" = 1 ]; then
  exec "$out/test_vectors" ../shared/vectors/*.yaml
fi
exec valgrind -q --leak-check=full --errors-for-leak-kinds=definite,possible \
  --error-exitcode=1 "$out/test_vectors" ../shared/vectors/*.yaml
