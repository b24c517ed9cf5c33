"""The engine's outcomes on the benchmark's synthetic histories are byte-identical to those of the revision the
fixture was written from (``outcome_digests.txt``): a speed-up may change how the engine works, never what it
says.

Each of ``SIZE`` seeded histories (``histories.typical``, the generator of ``bench/bench_rules.py``) is evaluated
at its own date and two earlier ones, and one in four with a death, one in four with an order, a review, an
advance-notified change, a prescribed change and a stay still going on, one in four with an Irish trip and a
short-notice departure. The canonical text of each outcome is ``repr`` with a field left out when it holds its
default, so a field added later with a default does not change it, and without ``rules_version``, so a bump of the
version alone changes no digest (a digest changes only when what the law says changes). One digest per history, so
a failure names the history.

The fixture was written by ``python -m tether.obligations.tests.test_outcome_identity --write`` with the engine as
it was before it was made faster, under the law of RULES_VERSION 2026.12.3 (notification orders, trips with their
details), and rewritten for 2026.12.4 (the transitional provisions): 1055 of the 2000 digests changed, each a history
subject and notified before 13 August 2012 (E&W), 8 July 2013 (Scotland) or 1 March 2014 (NI) that now has the met
duty to give the prescribed items with its first notification after that day, a few also with a departure in the
14-day travel transitions after 13 August 2012 or 1 March 2014 (the rule before, its citation and wording); nothing
else changed, and no history wholly after 31 March 2023 (``test_reference.py``). 2026.12.5 (a departure's own
notification, ``Event.notified_on``) changed none: the histories carry no such field. Rewrite it only for a deliberate
change to the law (with a new RULES_VERSION), and then from the engine without the speed-ups that are being
checked, never to make a speed-up pass.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tether.obligations import evaluate
from tether.obligations.types import Event, Facts, FactsError, Order, Review

from .histories import histories

SIZE = 2000
SEED = 20261101  # bench_rules.py's default seed
FIXTURE = Path(__file__).with_name("outcome_digests.txt")
_REVIEW_OUTCOMES = ("discharged", "refused", "continued")


def canonical(value: Any) -> str:
    """``repr`` of a value, leaving out each dataclass field that holds its default."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = []
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if f.default is not dataclasses.MISSING and v == f.default:
                continue
            if f.default_factory is not dataclasses.MISSING and v == f.default_factory():
                continue
            parts.append(f"{f.name}={canonical(v)}")
        return f"{type(value).__name__}({', '.join(parts)})"
    if isinstance(value, tuple):
        return "(" + ", ".join(canonical(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def variants(i: int, facts: Facts, as_of: date) -> list[tuple[Facts, date]]:
    """The evaluations made for history ``i``."""
    notes = facts.notifications
    out = [(facts, as_of), (facts, notes[0].date + timedelta(days=1)), (facts, notes[7].date + timedelta(days=200))]
    last = notes[-1].date
    if i % 4 == 0:
        death = last + timedelta(days=(as_of - last).days // 2)
        out.append((replace(facts, date_of_death=death), as_of))
    elif i % 4 == 1:
        second = facts.disposals[1].date
        extra = (
            Event(kind="address_change", start=notes[9].date + timedelta(days=1), advance_notice_for=notes[9].date),
            Event(kind="name_change", start=last + timedelta(days=20), advance_notice_for=last + timedelta(days=10)),
            Event(kind="prescribed_change", start=notes[4].date + timedelta(days=3), item="passport"),
            Event(kind="stay", start=as_of - timedelta(days=5), address="9 Mill Lane"),
        )
        changed = replace(
            facts,
            orders=(Order(kind="shpo", start=second, end=second + timedelta(days=365 * 5) if i % 8 == 1 else None),),
            review=Review(determined_on=notes[12].date, outcome=_REVIEW_OUTCOMES[i % 3]),
            events=facts.events + extra,
        )
        out += [(changed, as_of), (changed, notes[10].date + timedelta(days=30))]
    elif i % 4 == 2:
        extra = (
            Event(
                kind="departure",
                start=notes[6].date + timedelta(days=2),
                end=notes[6].date + timedelta(days=3),
                country="IE",
            ),
            Event(kind="departure", start=notes[11].date + timedelta(days=40), short_notice=True, country="ES"),
            Event(kind="release", start=facts.detentions[0].end or as_of),
        )
        out.append((replace(facts, events=facts.events + extra), as_of))
    return out


def digest(i: int, facts: Facts, as_of: date) -> str:
    h = hashlib.sha256()
    for f, on in variants(i, facts, as_of):
        try:
            text = canonical(replace(evaluate(f, on), rules_version=""))  # a version bump alone changes no digest
        except FactsError as e:
            text = f"FactsError({e.field!r}, {e.message!r})"
        h.update(text.encode())
        h.update(b"\n")
    return h.hexdigest()[:16]


def digests() -> list[str]:
    return [digest(i, f, on) for i, (f, on) in enumerate(histories(SIZE, SEED))]


def test_outcomes_are_byte_identical_to_the_fixture() -> None:
    expected = FIXTURE.read_text().split()
    assert len(expected) == SIZE
    changed = [i for i, (got, want) in enumerate(zip(digests(), expected, strict=True)) if got != want]
    assert not changed, f"{len(changed)} of {SIZE} histories give another outcome, the first: {changed[:10]}"


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        raise SystemExit("usage: python -m tether.obligations.tests.test_outcome_identity --write")
    FIXTURE.write_text("\n".join(digests()) + "\n")
