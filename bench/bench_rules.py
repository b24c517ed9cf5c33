"""Benchmark the rules engine: evaluations per second on one core over typical synthetic histories.

Run: ``.venv/bin/python bench/bench_rules.py [--size N] [--repeats R] [--seed S]``

Single-threaded, so it uses one core. A typical history: 2 disposals, 1 custody period, about 15
notifications and 3 events (mostly England and Wales, with a share of the other jurisdictions).
Prints one JSON object; the target is a figure to compare against, not an assertion.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import pct  # the one percentile helper of the benchmarks

from tether.obligations import evaluate
from tether.obligations.types import (
    Detention,
    Disposal,
    Event,
    Facts,
    Jurisdiction,
    Notification,
)

TARGET_PER_SECOND = 20_000
_JURISDICTIONS: tuple[Jurisdiction, ...] = (
    "england-wales",
    "england-wales",
    "england-wales",
    "england-wales",
    "england-wales",
    "england-wales",
    "scotland",
    "northern-ireland",
    "us-sorna",
    "england-wales",
)


def _typical(rng: random.Random) -> tuple[Facts, date]:
    jurisdiction = rng.choice(_JURISDICTIONS)
    first = date(2004, 1, 1) + timedelta(days=rng.randrange(0, 365 * 12))
    dob = first - timedelta(days=rng.randrange(365 * 16, 365 * 60))
    second = first + timedelta(days=rng.randrange(200, 2000))
    kinds = ["imprisonment", "imprisonment", "other", "caution", "life", "hospital_order"]
    disposals = []
    for when in (first, second):
        kind = rng.choice(kinds)
        disposals.append(
            Disposal(
                date=when,
                kind=kind,  # type: ignore[arg-type]
                months=rng.choice([4, 8, 18, 24, 36]) if kind == "imprisonment" else None,
                tier=rng.randint(1, 3) if jurisdiction == "us-sorna" else None,
            )
        )
    release = first + timedelta(days=rng.randrange(30, 700))
    detentions = (Detention(kind="custody", start=first, end=release),)
    notifications = [Notification(kind="initial", date=release + timedelta(days=rng.randrange(0, 3)))]
    cur = notifications[0].date
    for _ in range(14):
        cur = cur + timedelta(days=rng.randrange(150, 366))
        kind = rng.choices(["periodic", "change", "travel", "prescribed"], weights=[6, 3, 1, 1])[0]
        notifications.append(Notification(kind=kind, date=cur, no_fixed_abode=rng.random() < 0.05))  # type: ignore[arg-type]
    stay_start = release + timedelta(days=rng.randrange(100, 3000))
    events = (
        Event(kind="address_change", start=release + timedelta(days=rng.randrange(100, 2000))),
        Event(
            kind="stay",
            start=stay_start,
            end=stay_start + timedelta(days=rng.randrange(2, 10)),
            address="2 Station Road",
        ),
        Event(kind="departure", start=release + timedelta(days=rng.randrange(100, 4000)), country="FR"),
    )
    as_of = cur + timedelta(days=rng.randrange(0, 400))
    facts = Facts(
        jurisdiction=jurisdiction,
        date_of_birth=dob,
        disposals=tuple(disposals),
        detentions=detentions,
        notifications=tuple(notifications),
        events=events,
    )
    return facts, as_of


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000, help="number of synthetic fact sets")
    parser.add_argument("--repeats", type=int, default=7, help="timed passes over all fact sets")
    parser.add_argument("--seed", type=int, default=20261101)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    cases = [_typical(rng) for _ in range(args.size)]
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
