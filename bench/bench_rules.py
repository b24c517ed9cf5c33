"""Benchmark the rules engine: evaluations per second on one core over typical synthetic histories.

Run: ``.venv/bin/python bench/bench_rules.py [--size N] [--repeats R] [--seed S]``

Single-threaded, so it uses one core. A typical history: 2 disposals, 1 custody period, about 15
notifications and 3 events (mostly England and Wales, with a share of the other jurisdictions).
The engine runs compiled when a build of its current source exists (``tether/obligations/native.py``; ``make
install`` builds it): the baseline is the same run on the source (``TETHER_ENGINE=python``, in a child process),
and ``ratio_to_source`` the speed-up. ``--no-baseline``: this engine only.
Prints one JSON object; the target is a figure to compare against, not an assertion.

Wall-clock moves with the load of a shared machine: ``bench/rules_instructions.py`` counts the instructions of one
evaluation with callgrind (a figure that does not move), and ``bench/rules_identity.py --write/--check`` shows a
change to the engine leaves its outcomes byte-identical on 50,000 of these histories and the demo register's people.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import pct  # the one percentile helper of the benchmarks

from tether.obligations import evaluate, native
from tether.obligations.tests.histories import histories

TARGET_PER_SECOND = 40_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000, help="number of synthetic fact sets")
    parser.add_argument("--repeats", type=int, default=7, help="timed passes over all fact sets")
    parser.add_argument("--seed", type=int, default=20261101)
    parser.add_argument("--no-baseline", action="store_true", help="do not run the source engine as the baseline")
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
    out = {
        "benchmark": "rules_evaluate",
        "engine": native.active(),
        "size": args.size,
        "repeats": args.repeats,
        "median_s": round(median, 6),
        "p95_s": round(p95, 6),
        "evaluations_per_second": round(args.size / median),
        "target_per_second": TARGET_PER_SECOND,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if not args.no_baseline and out["engine"] != "python":
        child = subprocess.run(  # this script, with the source engine
            [sys.executable, __file__, "--size", str(args.size), "--repeats", str(args.repeats), "--seed",
             str(args.seed), "--no-baseline"],
            env={**os.environ, "TETHER_ENGINE": "python"}, capture_output=True, text=True, check=True)
        source = json.loads(child.stdout)
        out["source_engine"] = {k: source[k] for k in ("engine", "median_s", "p95_s", "evaluations_per_second")}
        out["ratio_to_source"] = round(source["median_s"] / median, 2)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
