"""For a history wholly after the last commencement date, the date-aware engine gives the same outcome as
the engine before it (``reference_2026_11``, a verbatim copy of the 2026.11.1 package), except for
``rules_version`` and the fields added since (``eligibility``)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tether.obligations import constants as C
from tether.obligations import evaluate, outcome_to_dict
from tether.obligations.engine import JURISDICTION_RULES
from tether.obligations.types import (
    EVENT_KINDS,
    Detention,
    Disposal,
    Event,
    Facts,
    Jurisdiction,
    Notification,
)
from tether.obligations.uk import UKRules

from . import reference_2026_11 as reference
from .test_properties import PROPERTY, fact_sets

LAST_COMMENCEMENT = max(
    [C.SOA_2003_COMMENCEMENT]
    + [d for r in JURISDICTION_RULES.values() if isinstance(r, UKRules) for d in r.commencements()]
)
AFTER = LAST_COMMENCEMENT.toordinal() + 1
OLD_EVENT_KINDS = tuple(k for k in EVENT_KINDS if k != "prescribed_change")
NEW_FIELDS = frozenset({"rules_version", "eligibility"})


def _compare(facts: Facts, as_of: date) -> None:
    new = {k: v for k, v in outcome_to_dict(evaluate(facts, as_of)).items() if k not in NEW_FIELDS}
    old = {k: v for k, v in reference.outcome_to_dict(reference.evaluate(facts, as_of)).items() if k != "rules_version"}
    assert new == old


def test_the_last_commencement_date_is_the_scottish_shpo() -> None:
    assert LAST_COMMENCEMENT == C.SCOTLAND_SHPO_COMMENCEMENT


@settings(PROPERTY, max_examples=400)
@given(fact_sets(base=AFTER, span=365 * 12, event_kinds=OLD_EVENT_KINDS))
def test_unchanged_after_the_last_commencement(case: tuple[Facts, date]) -> None:
    facts, as_of = case
    assert min(d.date for d in facts.disposals) > LAST_COMMENCEMENT
    _compare(facts, as_of)


@PROPERTY
@given(fact_sets(base=AFTER, span=365 * 3, event_kinds=OLD_EVENT_KINDS, jurisdiction="northern-ireland"))
def test_unchanged_after_the_last_commencement_in_northern_ireland(case: tuple[Facts, date]) -> None:
    _compare(*case)


def _bench_like(rng: random.Random) -> tuple[Facts, date]:
    """A typical history as the bench makes them (bench/bench_rules.py), begun after the last commencement."""
    jurisdiction: Jurisdiction = rng.choice(["england-wales"] * 6 + ["scotland", "northern-ireland", "us-sorna"])
    first = LAST_COMMENCEMENT + timedelta(days=1 + rng.randrange(0, 365 * 3))
    dob = first - timedelta(days=rng.randrange(365 * 16, 365 * 60))
    second = first + timedelta(days=rng.randrange(200, 2000))
    kinds: list[Any] = ["imprisonment", "imprisonment", "other", "life"]
    if jurisdiction != "us-sorna":
        kinds += ["caution", "hospital_order"]
    disposals = []
    for when in (first, second):
        kind = rng.choice(kinds)
        disposals.append(
            Disposal(
                date=when,
                kind=kind,
                months=rng.choice([4, 8, 18, 24, 36]) if kind == "imprisonment" else None,
                tier=rng.randint(1, 3) if jurisdiction == "us-sorna" else None,
            )
        )
    release = first + timedelta(days=rng.randrange(30, 700))
    notes = [Notification(kind="initial", date=release + timedelta(days=rng.randrange(0, 3)))]
    cur = notes[0].date
    for _ in range(14):
        cur += timedelta(days=rng.randrange(150, 366))
        kind_n: Any = rng.choices(["periodic", "change", "travel", "prescribed"], weights=[6, 3, 1, 1])[0]
        notes.append(Notification(kind=kind_n, date=cur, no_fixed_abode=rng.random() < 0.05))
    stay = release + timedelta(days=rng.randrange(100, 3000))
    events = (
        Event(kind="address_change", start=release + timedelta(days=rng.randrange(100, 2000))),
        Event(kind="stay", start=stay, end=stay + timedelta(days=rng.randrange(2, 10)), address="2 Station Road"),
        Event(kind="departure", start=release + timedelta(days=rng.randrange(100, 4000)), country="FR"),
    )
    facts = Facts(
        jurisdiction=jurisdiction,
        date_of_birth=dob,
        disposals=tuple(disposals),
        detentions=(Detention(kind="custody", start=first, end=release),),
        notifications=tuple(notes),
        events=events,
    )
    return facts, cur + timedelta(days=rng.randrange(0, 400))


def test_unchanged_on_bench_histories_after_the_last_commencement() -> None:
    rng = random.Random(20261201)
    for _ in range(2000):
        facts, as_of = _bench_like(rng)
        _compare(facts, as_of)
        # and at a few other dates of the same history
        for days in (-400, -30, 365):
            _compare(facts, max(as_of + timedelta(days=days), facts.disposals[0].date))


@PROPERTY
@given(fact_sets(base=AFTER, span=365 * 3, event_kinds=OLD_EVENT_KINDS), st.integers(-3, 3))
def test_unchanged_with_as_of_near_a_fact(case: tuple[Facts, date], shift: int) -> None:
    facts, _ = case
    anchor = min(d.date for d in facts.disposals)
    _compare(facts, anchor + timedelta(days=shift + 3))
    _compare(replace(facts, sorna_clean_record=not facts.sorna_clean_record), anchor + timedelta(days=400 + shift))
