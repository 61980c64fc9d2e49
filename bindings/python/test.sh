#!/usr/bin/env bash
# Builds the Python package (maturin develop into .venv at the project root), checks the type
# stubs with mypy's stubtest and runs the pytest suite (conformance vectors, lifecycle, errors).
# Installs what it needs into .venv (maturin, pytest, mypy, pyyaml from PyPI).
# Usage: bindings/python/test.sh [--release] [pytest args…]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

profile=()
if [ "${1:-}" = "--release" ]; then
  profile=(--release)
  shift
fi

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
export VIRTUAL_ENV="$root/.venv"
export PATH="$VIRTUAL_ENV/bin:$PATH"
need=()
for mod in maturin pytest mypy yaml; do
  python -c "import $mod" >/dev/null 2>&1 || need+=("$mod")
done
if [ "${#need[@]}" -gt 0 ]; then
  python -m pip install -q --disable-pip-version-check 'maturin>=1.5,<2' pytest mypy pyyaml
fi

echo "--> maturin develop ${profile[*]:-}"
(cd "$here" && maturin develop -q --locked "${profile[@]}")

echo "--> mypy stubtest jitaccess"
python -m mypy.stubtest jitaccess

echo "--> mypy (type check of the tests against the stubs)"
(cd "$here/tests" && python -m mypy --ignore-missing-imports --check-untyped-defs --no-error-summary . )

echo "--> pytest"
cd "$here/tests"
exec python -m pytest -q -p no:cacheprovider "$@"
