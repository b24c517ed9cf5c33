"""A person's duties end with them (docs/rules.md, assumption 41): the registration ends on the date of death, a
duty due on or after it lapses, a duty missed while alive keeps its day count stopped at the death."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tether.obligations import evaluate
from tether.obligations.types import Facts

from .factories import D, disp, note

# Imprisonment for 18 months on 4 March 2015 (10 years); notified on 5 March 2015, so the periodic
# notification is due on 5 March 2016.
BASE = Facts(
    jurisdiction="england-wales",
    date_of_birth=D("1980-05-17"),
    disposals=(disp("2015-03-04", "imprisonment", 18),),
    notifications=(note("initial", "2015-03-05"),),
)


def _with_death(day: str, facts: Facts = BASE) -> Facts:
    return replace(facts, date_of_death=D(day))


@pytest.mark.parametrize(
    ("death", "periodic_listed"),
    [
        pytest.param("2016-03-04", False, id="the-day-before-the-deadline: lapses"),
        pytest.param("2016-03-05", False, id="on-the-deadline: lapses"),
        pytest.param("2016-03-06", True, id="the-day-after: missed while alive"),
    ],
)
def test_a_duty_due_on_or_after_death_lapses(death: str, periodic_listed: bool) -> None:
    out = evaluate(_with_death(death), D("2026-01-01"))
    kinds = [o.kind for o in out.obligations]
    assert ("periodic" in kinds) is periodic_listed
    assert out.registration.end == D(death)
    assert not out.registration.subject
    assert "initial" in kinds  # a duty met while alive stays on the record


def test_a_missed_duty_stops_counting_at_death() -> None:
    facts = _with_death("2016-06-01")
    first, later = evaluate(facts, D("2020-01-01")), evaluate(facts, D("2026-01-01"))
    periodic = next(o for o in first.obligations if o.kind == "periodic")
    assert periodic.status == "overdue"
    assert "88 days overdue when they died on 1 June 2016" in periodic.explanation
    assert first.obligations == later.obligations  # the count no longer grows
    assert first.changes_on is None


def test_death_after_as_of_has_not_happened_yet_but_is_when_the_outcome_changes() -> None:
    facts = _with_death("2016-06-01")
    before = evaluate(facts, D("2016-01-01"))
    assert before.registration.subject and before.registration.end == D("2025-03-03")
    assert before.changes_on is not None and before.changes_on <= D("2016-06-01")
    assert evaluate(facts, D("2016-05-31")).registration.subject
    on_the_day = evaluate(facts, D("2016-06-01"))
    assert on_the_day.registration.subject  # the date of death is the last day subject
    assert not evaluate(facts, D("2016-06-02")).registration.subject


def test_an_indefinite_registration_ends_with_the_person_and_no_review_is_due() -> None:
    life = replace(BASE, disposals=(disp("2015-03-04", "life"),))
    alive = evaluate(life, D("2035-01-01"))
    assert alive.registration.indefinite and alive.registration.review_eligible_from is not None
    dead = evaluate(_with_death("2030-01-01", life), D("2035-01-01"))
    assert not dead.registration.indefinite
    assert dead.registration.end == D("2030-01-01")
    assert dead.registration.review_eligible_from is None
    assert all(o.due < D("2030-01-01") for o in dead.obligations)


def test_sorna_duties_end_with_the_person_too() -> None:
    sorna = Facts(jurisdiction="us-sorna", date_of_birth=D("1980-05-17"),
                  disposals=(disp("2015-03-04", "other", tier=3),), notifications=(note("initial", "2015-03-05"),))
    out = evaluate(_with_death("2015-05-01", sorna), D("2026-01-01"))
    assert out.registration.end == D("2015-05-01") and not out.registration.subject
    assert all(o.due < D("2015-05-01") or o.status == "met" for o in out.obligations)
    assert out.next_due is None or out.next_due < D("2015-05-01")
