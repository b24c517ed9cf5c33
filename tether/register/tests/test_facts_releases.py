"""Releases are derived once, by the rules engine: the register hands over detentions and trips, never a ``release``
event, and the engine reads a release (s.84(1)(c)) from the end of each custody or hospital detention."""

from __future__ import annotations

from datetime import date

import pytest

from tether.obligations import evaluate
from tether.register.facts import History, facts_from


def _history(detentions: list[tuple[str, date, date | None]], trips: list[tuple[date, date | None, str | None, bool]]
             | None = None) -> History:
    return History(
        jurisdiction="england-wales",
        date_of_birth=date(1980, 1, 1),
        disposals=[(date(2020, 1, 10), "imprisonment", 12, None)],
        orders=[],
        detentions=detentions,
        notifications=[("initial", date(2020, 1, 11), False), ("periodic", date(2021, 1, 5), False)],
        name_starts=[],
        home_starts=[],
        status_spans=[],
        trips=trips or [],
    )


# (custody or hospital, end of the detention, the words of the engine's release duty)
CASES = [
    ("custody", date(2021, 3, 1), "release from custody on 1 March 2021"),
    ("hospital", date(2021, 3, 1), "discharge from hospital on 1 March 2021"),
]


@pytest.mark.parametrize(("kind", "end", "words"), CASES, ids=[c[0] for c in CASES])
def test_the_release_comes_from_the_engine_alone(kind: str, end: date, words: str) -> None:
    h = _history([(kind, date(2021, 2, 1), end)])
    facts = facts_from(h)
    assert [e for e in facts.events if e.kind == "release"] == []
    assert [(d.kind, d.start, d.end) for d in facts.detentions] == [(kind, date(2021, 2, 1), end)]
    duties = [o for o in evaluate(facts, date(2021, 6, 1)).obligations if o.kind == "change"]
    assert len(duties) == 1  # one duty for the one release
    assert duties[0].trigger == end and duties[0].due == date(2021, 3, 3)
    assert duties[0].citation == "SOA 2003 s.84(1)" and words in duties[0].explanation


@pytest.mark.parametrize(("as_of", "listed"), [(date(2021, 2, 28), False), (date(2021, 3, 1), True)])
def test_the_release_is_listed_from_the_day_of_release(as_of: date, listed: bool) -> None:
    facts = facts_from(_history([("custody", date(2021, 2, 1), date(2021, 3, 1))]))
    assert any(o.kind == "change" for o in evaluate(facts, as_of).obligations) is listed


def test_a_return_from_abroad_is_not_a_release() -> None:
    """A trip that began before the first disposal and ended after it is time abroad, not a release from detention
    (s.84(1)(c) names custody, imprisonment, service detention and hospital)."""
    h = _history([], trips=[(date(2020, 1, 1), date(2020, 2, 1), "FR", False, None)])
    facts = facts_from(h)
    assert [e.kind for e in facts.events] == []
    assert [(d.kind, d.start, d.end) for d in facts.detentions] == [("abroad", date(2020, 1, 1), date(2020, 2, 1))]
    assert [o for o in evaluate(facts, date(2020, 6, 1)).obligations if o.kind == "change"] == []
