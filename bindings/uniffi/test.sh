#!/usr/bin/env bash
# Tests the uniffi layer: checks that the committed Kotlin/Swift sources match a fresh
# generation (drift), generates uniffi's Python backend, loads the cdylib and runs every file of
# ../shared/vectors/ through it (cases through Policy.evaluate, typed and JSON; scenarios
# through Engine) plus error tests. Ends with the line `N passed, M failed`.
# Installs what it needs into .venv at the project root (pyyaml from PyPI).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

if [ ! -d ../shared/vectors ]; then
  echo "error: ../shared/vectors is missing: the conformance vectors must sit beside the project" >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  # Debian's system python3 needs python3-venv for this; pyenv and python.org builds have it.
  python3 -m venv .venv || {
    rm -rf .venv
    apt-get update -qq && apt-get install -y -qq python3-venv && python3 -m venv .venv
  }
fi
.venv/bin/python -c "import yaml" >/dev/null 2>&1 ||
  .venv/bin/python -m pip install -q --disable-pip-version-check pyyaml

gen="$here/build/python"
rm -rf "$gen"
drift=ok
"$here/generate.sh" --check --python "$gen" || drift=stale
exec .venv/bin/python "$here/tests/run_vectors.py" "$gen" "$root/../shared/vectors" --drift "$drift"
