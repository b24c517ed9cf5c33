"""Benchmark the rules engine: evaluations per second on one core over typical synthetic histories.

Run: ``.venv/bin/python bench/bench_rules.py [--size N] [--repeats R] [--seed S]``

Single-threaded, so it uses one core. A typical history: 2 disposals, 1 custody period, about 15
notifications and 3 events (mostly England and Wales, with a share of the other jurisdictions).
Prints one JSON object; the target is a figure to compare against, not an assertion.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import pct  # the one percentile helper of the benchmarks

from tether.obligations import evaluate
from tether.obligations.tests.histories import histories

TARGET_PER_SECOND = 20_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000, help="number of synthetic fact sets")
    parser.add_argument("--repeats", type=int, default=7, help="timed passes over all fact sets")
    parser.add_argument("--seed", type=int, default=20261101)
    args = parser.parse_args()

    cases = histories(args.size, args.seed)
    for facts, as_of in cases:  # warm-up and sanity: every case evaluates
        evaluate(facts, as_of)

    timings: list[float] = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for facts, as_of in cases:
            evaluate(facts, as_of)
        timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    p95 = pct(timings, 0.95)
    print(
        json.dumps(
            {
                "benchmark": "rules_evaluate",
                "size": args.size,
                "repeats": args.repeats,
                "median_s": round(median, 6),
                "p95_s": round(p95, 6),
                "evaluations_per_second": round(args.size / median),
                "target_per_second": TARGET_PER_SECOND,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
