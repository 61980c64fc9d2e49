#!/usr/bin/env bash
# Runs every test of the project: formatting, lints, unit/integration/property tests,
# doctests, the conformance vectors through the CLI, and a short fuzz smoke run.
# Installs what it needs (Rust components; a .venv at the project root with maturin, pytest,
# mypy and pyyaml from PyPI for the Python and uniffi bindings). Safe to run on a fresh machine and in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if [ ! -d ../shared/vectors ]; then
  echo "error: ../shared/vectors is missing: the conformance vectors must sit beside the project" >&2
  exit 2
fi

step "toolchain components"
rustup component add rustfmt clippy >/dev/null 2>&1 || true

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (workspace, all targets, -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test (workspace)"
cargo test --workspace --locked

step "conformance vectors through the CLI"
cargo build -q -p jitaccess-cli --locked
./target/debug/jitaccess test ../shared/vectors/*.yaml
./target/debug/jitaccess test examples/policies/workstations.test.yaml

step "Python package: stubtest + pytest (bindings/python/test.sh)"
bindings/python/test.sh

step "uniffi layer: vectors through the Python backend, Kotlin/Swift drift (bindings/uniffi/test.sh)"
bindings/uniffi/test.sh

step "conformance vectors through the C ABI (gcc, valgrind; installs libcjson-dev, valgrind)"
bindings/c/test.sh

step "conformance vectors through the C# wrapper (mcs -langversion:7.2, mono; installs mono-mcs, mono-runtime, libmono-system-core4.0-cil)"
bindings/csharp/test.sh

step "signed audit log of the lifecycle vectors, then verified"
audit_dir="$(mktemp -d)"
./target/debug/jitaccess audit keygen "$audit_dir/ci-audit" >/dev/null
./target/debug/jitaccess test ../shared/vectors/lifecycle.yaml \
  --audit-log "$audit_dir/audit.log" --audit-key "$audit_dir/ci-audit.key"
./target/debug/jitaccess audit verify "$audit_dir/audit.log" --key "$audit_dir/ci-audit.pub"
rm -rf "$audit_dir"

if [ "${JITACCESS_SKIP_FUZZ:-0}" != "1" ] && [ -x fuzz/smoke.sh ]; then
  step "fuzz smoke run"
  fuzz/smoke.sh
fi

step "all tests passed"
