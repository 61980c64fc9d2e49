"""Throughput of the Python binding: evaluate_many (a list: evaluated on a second thread
while converting; a generator: one thread), single evaluate, and the launch conversion (dict
converted in Rust vs a JSON string).

Build the release extension first:  (cd bindings/python && maturin develop --release)
Run from the project root:          .venv/bin/python bindings/python/bench.py [N]
Wall-clock figures: run on a quiet machine; the best of several rounds is reported.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import jitaccess

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT.parent / "shared" / "vectors" / "policies" / "corp.yaml"
AT = "2026-11-23T09:00:00Z"

# A typical agent launch: user with groups, computer, path, signer, version.
TYPICAL = {
    "user": {"name": "CORP\\alice", "sid": "S-1-5-21-1004336348-1177238915-682003330-1104",
             "groups": ["CORP\\IT Admins", "CORP\\Domain Users"]},
    "computer": {"name": "IT-LAPTOP-07", "tags": ["laptop"]},
    "path": "C:\\Program Files\\Sysinternals\\procmon64.exe",
    "signer": {"publisher": "Microsoft Corporation",
               "thumbprint": "e3ef68e539b84fc43a597dbe79514b369ce54823575cc53f53289e64474c53eb",
               "valid": True},
    "version": {"productName": "Process Monitor", "fileVersion": "4.0.1.0"},
}
MIX = [
    TYPICAL,
    {**TYPICAL, "path": "C:\\Windows\\System32\\cmd.exe"},
    {**TYPICAL, "path": "C:\\Program Files\\Tools\\sub\\thing.exe", "signer": None, "version": None},
    {**TYPICAL, "path": "C:\\Games\\game.exe", "signer": None, "version": None},
]


def best(fn, rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    policy = jitaccess.Policy.from_file(POLICY)
    launches = [MIX[i % len(MIX)] for i in range(n)]
    texts = [json.dumps(l) for l in launches]
    single = launches[: n // 10]

    t_many = best(lambda: policy.evaluate_many(launches, at=AT))
    # A generator has no len(): evaluate_many then converts and evaluates on one thread.
    t_many_1 = best(lambda: policy.evaluate_many(iter(launches), at=AT))
    t_one = best(lambda: [policy.evaluate(l, at=AT) for l in single])
    t_json = best(lambda: [policy.evaluate_json(json.dumps(l), at=AT) for l in single])
    t_json_pre = best(lambda: [policy.evaluate_json(s, at=AT) for s in texts[: n // 10]])

    print(f"evaluate_many: {n} launches in {t_many * 1e3:.1f} ms = {n / t_many:,.0f} decisions/s")
    print(f"evaluate_many (generator: one thread): {n / t_many_1:,.0f} decisions/s")
    print(f"evaluate (dict): {t_one / len(single) * 1e6:.2f} us per call")
    print(f"evaluate_json (json.dumps + JSON parse): {t_json / len(single) * 1e6:.2f} us per call")
    print(f"evaluate_json (text already at hand): {t_json_pre / len(single) * 1e6:.2f} us per call")


if __name__ == "__main__":
    main()
