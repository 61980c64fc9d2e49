"""Fixed amount of binding work for instruction counting (callgrind): the launch mix of
bench.py, either one `evaluate_many` call over N launches or N single `evaluate` calls.

  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
      .venv/bin/python bindings/python/profile_calls.py many 20000
Run it once with N = 0 too and subtract: (total(N) - total(0)) / N = instructions per decision.
"""

from __future__ import annotations

import sys

import jitaccess

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from bench import AT, MIX, POLICY  # noqa: E402


def main() -> None:
    mode, n = sys.argv[1], int(sys.argv[2])
    policy = jitaccess.Policy.from_file(POLICY)
    launches = [MIX[i % len(MIX)] for i in range(n)]
    policy.evaluate(MIX[0], at=AT)  # warm up: first-call costs are not per decision
    if mode == "many":
        policy.evaluate_many(launches, at=AT)
    elif mode == "one":
        for launch in launches:
            policy.evaluate(launch, at=AT)
    else:
        raise SystemExit(f"unknown mode {mode!r}: many or one")


if __name__ == "__main__":
    main()
