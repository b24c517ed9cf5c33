"""The synthetic histories of ``bench/bench_rules.py``: one generator shared by the benchmark and the test that
the engine's outcomes on them stay byte-identical (``test_outcome_identity``).

A typical history: 2 disposals, 1 custody period, about 15 notifications and 3 events (mostly England and
Wales, with a share of the other jurisdictions). Changing this generator changes both the benchmark's figure
and the identity fixture, so it is frozen: add a new generator rather than edit this one.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from tether.obligations.types import (
    Detention,
    Disposal,
    Event,
    Facts,
    Jurisdiction,
    Notification,
)

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


def typical(rng: random.Random) -> tuple[Facts, date]:
    """One synthetic history and the day to evaluate it at."""
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


def histories(size: int, seed: int) -> list[tuple[Facts, date]]:
    """``size`` histories from ``seed``, as the benchmark draws them."""
    rng = random.Random(seed)
    return [typical(rng) for _ in range(size)]
