"""``statistics.open_cases_on`` reads the stored intervals as they stream past; it must find exactly the cases, states
and open-episode starts that ``transitions.open_episode`` finds on each case's full list of intervals (the figures of
the as-at reports rest on it)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tether.casework import transitions as tr
from tether.casework.models import Case, CaseState
from tether.reports import statistics as st

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 16, 8, 0, tzinfo=UTC)


def _reference(day: date) -> list[tuple[Any, ...]]:
    """The open cases on ``day`` as ``open_episode`` finds them from every case's whole history."""
    out = []
    for cid, (fid, pid, spans) in st._spans_by_case(Case.objects.all(), day).items():
        held = tr.open_episode(spans, day)
        if held is not None:
            out.append((cid, pid, fid, held[0].state, held[0].believed_abroad, held[1]))
    return sorted(out, key=lambda r: r[0])


def _found(day: date, force: Any = None) -> list[tuple[Any, ...]]:
    return sorted(((c.case_id, c.person_id, c.force_id, c.state, c.believed_abroad, c.since)
                   for c in st.open_cases_on(day, force)), key=lambda r: r[0])


def _case(world: dict[str, Any], who: str, intervals: list[tuple[str, bool, str, str | None]]) -> Case:
    """A case with the stored intervals given as (state, believed abroad, from, to), written as they are."""
    person = world["people"][who]
    first = date.fromisoformat(intervals[0][2])
    case = Case.objects.create(person=person, force=person.owning_force, kind="missing", opened_on=first,
                               created_at=NOW)
    for state, abroad, vf, vt in intervals:
        CaseState.objects.create(case=case, state=state, believed_abroad=abroad, valid_from=date.fromisoformat(vf),
                                 valid_to=date.fromisoformat(vt) if vt else None, event="bench", created_at=NOW)
    return case


@pytest.fixture
def odd_histories(world: dict[str, Any]) -> dict[str, Any]:
    """Stored histories beyond what the services write: an empty interval inside an open run, a gap between two
    open intervals, a closed interval beginning the day an open one would hold, and a case with no stored
    history (its intervals come from its summary)."""
    _case(world, "mps_b", [("missing", False, "2018-01-01", "2018-03-01"),
                           ("wanted", False, "2018-03-01", "2018-03-01"),
                           ("wanted", True, "2018-03-01", "2019-01-01"), ("missing", True, "2019-01-01", None)])
    _case(world, "moved", [("missing", False, "2017-01-01", "2017-06-01"), ("wanted", False, "2017-06-05", None)])
    _case(world, "scot", [("missing", False, "2016-01-01", None), ("closed", False, "2020-01-01", None)])
    person = world["people"]["gmp_c"]
    Case.objects.create(person=person, force=person.owning_force, kind="wanted", opened_on=date(2019, 5, 1),
                        warrant_on=date(2019, 5, 1), believed_abroad=True, created_at=NOW)
    return world


def test_the_open_cases_are_those_open_episode_finds(odd_histories: dict[str, Any]) -> None:
    days = [date(2009, 12, 31) + timedelta(days=k) for k in range(0, 16 * 365, 113)]
    days += [date(2017, 6, 1), date(2017, 6, 5), date(2018, 3, 1), date(2019, 1, 1), date(2020, 1, 1),
             date(2024, 11, 20), date(2025, 1, 15), date(2025, 6, 16)]
    seen_states = set()
    for day in days:
        found = _found(day)
        assert found == _reference(day), day
        seen_states |= {(r[3], r[4]) for r in found}
    assert seen_states == {("missing", False), ("missing", True), ("wanted", False), ("wanted", True)}


def test_one_force_only(odd_histories: dict[str, Any]) -> None:
    mps = odd_histories["people"]["mps_a"].owning_force
    day = date(2018, 6, 1)
    assert _found(day, mps) == [r for r in _reference(day) if r[2] == mps.pk]
    assert _found(day, mps)
