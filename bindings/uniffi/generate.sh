#!/usr/bin/env bash
# Generates the Kotlin and Swift sources of the uniffi bindings (library mode over the built
# cdylib) into bindings/uniffi/generated/{kotlin,swift}, which are committed.
#   generate.sh            regenerate the committed sources
#   generate.sh --check    regenerate into a temporary folder and fail if they differ (drift)
#   generate.sh --python DIR   also write the Python backend (used by test.sh) into DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

check=0
python_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1 ;;
    --python) python_dir="$2"; shift ;;
    *) echo "usage: generate.sh [--check] [--python DIR]" >&2; exit 2 ;;
  esac
  shift
done

cargo build -q -p jitaccess-uniffi --locked
cargo build -q -p jitaccess-uniffi --features cli --bin uniffi-bindgen --locked
lib="$root/target/debug/libjitaccess_uniffi.so"
bindgen="$root/target/debug/uniffi-bindgen"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# --no-format: the output must not depend on whether ktlint/swiftformat happen to be installed.
"$bindgen" generate --no-format --metadata-no-deps -l kotlin -o "$tmp/kotlin" "$lib" >/dev/null
"$bindgen" generate --no-format --metadata-no-deps -l swift -o "$tmp/swift" "$lib" >/dev/null

if [ -n "$python_dir" ]; then
  mkdir -p "$python_dir"
  "$bindgen" generate --no-format --metadata-no-deps -l python -o "$python_dir" "$lib" >/dev/null
  cp "$lib" "$python_dir/"
fi

out="$here/generated"
if [ "$check" = 1 ]; then
  if diff -ru "$out" "$tmp" >"$tmp.diff" 2>&1; then
    echo "generated Kotlin/Swift sources are up to date"
    rm -f "$tmp.diff"
  else
    head -40 "$tmp.diff" >&2
    rm -f "$tmp.diff"
    echo "error: bindings/uniffi/generated is stale: run bindings/uniffi/generate.sh and commit" >&2
    exit 1
  fi
else
  rm -rf "$out"
  mkdir -p "$out"
  cp -r "$tmp/kotlin" "$tmp/swift" "$out/"
  echo "wrote $(find "$out" -type f | wc -l) files under bindings/uniffi/generated"
fi
