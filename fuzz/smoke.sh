#!/usr/bin/env bash
# CI smoke run of the fuzz targets: builds them (with AddressSanitizer), replays the committed
# regression inputs, then fuzzes each target for SMOKE_SECONDS (default 20) from the seeds.
# Exits non-zero if any target crashes, times out, runs out of memory or fails to build.
#
#   fuzz/smoke.sh                       # all targets
#   fuzz/smoke.sh path_normalize        # some targets
#   SMOKE_SECONDS=60 SANITIZER=none fuzz/smoke.sh
#   SMOKE_FUZZ_ARGS='-max_len=8192' fuzz/smoke.sh     # extra libFuzzer flags
#
# cargo-fuzz passes nightly-only flags (-Zsanitizer, …); RUSTC_BOOTSTRAP=1 lets the stable
# toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")"

SECONDS_PER_TARGET="${SMOKE_SECONDS:-20}"
SANITIZER="${SANITIZER:-address}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "smoke: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

cargo fuzz build -O --sanitizer "$SANITIZER"

failed=()
for t in "${targets[@]}"; do
    dirs=("corpus/$t" "seeds/$t")
    mkdir -p "corpus/$t"
    # Committed crash inputs: libFuzzer runs every input of these directories at start-up.
    if [ -d "regressions/$t" ] && [ -n "$(ls -A "regressions/$t")" ]; then
        dirs+=("regressions/$t")
    fi
    echo "smoke: $t for ${SECONDS_PER_TARGET}s" >&2
    log="artifacts/smoke-$t.log"
    mkdir -p artifacts
    if cargo fuzz run -O --sanitizer "$SANITIZER" "$t" "${dirs[@]}" -- \
        -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 ${SMOKE_FUZZ_ARGS:-} >"$log" 2>&1; then
        grep -E '^(Done|stat::number_of_executed_units)' "$log" >&2 || true
    else
        # The panic message, stack and reproduction command are at the end of the log.
        tail -n 80 "$log" >&2
        failed+=("$t")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "smoke: FAILED: ${failed[*]} (inputs in fuzz/artifacts/<target>/)" >&2
    exit 1
fi
echo "smoke: all ${#targets[@]} targets ran ${SECONDS_PER_TARGET}s without a finding" >&2
