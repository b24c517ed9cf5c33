"""The daily sweep notices obligations that appear with the passage of time, on their first day, without a
recompute: it re-evaluates every registrant whose stored ``changes_on`` has come."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from tether.casework.models import Breach
from tether.casework.services import sweep
from tether.obligations import types as t
from tether.register import facts as register_facts
from tether.register.models import RegisterState
from tether.register.services import notification_record, person_create

from .conftest import STATION

pytestmark = pytest.mark.django_db


def _notes(*days: str) -> list[dict[str, Any]]:
    kinds = ["initial"] + ["periodic"] * (len(days) - 1)
    return [{"kind": k, "received_at": f"{d}T10:00:00Z", "station": STATION} for k, d in zip(kinds, days, strict=True)]


def _night_of(day: date, frozen: Any) -> None:
    """The clock at 01:15 UK time on ``day``, when the daily sweep runs."""
    frozen.move_to(datetime(day.year, day.month, day.day, 0, 15, tzinfo=UTC))


def test_a_release_on_a_recorded_date_is_breached_the_day_after_its_deadline(officer, make_doc, frozen):
    # Back in custody from 1 May 2025 with a release date of 1 July on record; periodic due in November.
    doc = make_doc(
        detentions=[{"kind": "custody", "start": "2020-03-04", "end": "2020-07-01"},
                    {"kind": "custody", "start": "2025-05-01", "end": "2025-07-01"}],
        notifications=_notes("2020-07-02", "2021-07-01", "2022-06-30", "2023-06-29", "2024-11-01"),
    )
    person = person_create(officer, doc)  # evaluated on 16 June 2025: no release duty yet
    state = RegisterState.objects.get(person=person)
    assert state.changes_on == date(2025, 7, 1) and state.next_due == date(2025, 11, 1)

    _night_of(date(2025, 7, 4), frozen)  # the release duty ran 1-3 July and was not met
    summary = sweep()

    assert summary["reevaluated_due_to_time"] == 1 and summary["new_breaches"] == 1
    breach = Breach.objects.get()
    assert (breach.person_id, breach.kind, breach.trigger, breach.due) == (
        person.pk, "change", date(2025, 7, 1), date(2025, 7, 3))
    assert RegisterState.objects.get(person=person).changes_on > date(2025, 7, 4)
    again = sweep()
    assert again["reevaluated_due_to_time"] == 0 and again["new_breaches"] == 0


def test_a_change_notified_in_advance_that_did_not_happen(officer, make_doc, frozen, monkeypatch):
    """s.84(4)(b): notified on 16 June that he would move on 23 June; the move did not happen, so he had to
    say so by 28 June (6 days beginning with the 23rd). The sweep of 29 June records the breach.

    The register does not yet record the date an advance notification gives, so the intended move is added
    to the facts here the way the register would give it to the rules engine."""
    intended = t.Event(kind="address_change", start=date(2099, 1, 1), advance_notice_for=date(2025, 6, 23))

    def with_intended_move(h: register_facts.History) -> t.Facts:
        f = register_facts.facts_from(h)
        return replace(f, events=(*f.events, intended)) if h.date_of_birth == date(1980, 4, 2) else f

    monkeypatch.setattr("tether.register.outcomes.facts_from", with_intended_move)
    person = person_create(officer, make_doc(notifications=_notes("2020-07-02", "2024-11-01")))
    notification_record(officer, person.pk, {"kind": "change", "station": STATION,
                                             "details": {"note": "moving on 23 June"}})
    state = RegisterState.objects.get(person=person)
    assert state.changes_on == date(2025, 6, 23) and state.next_due == date(2026, 6, 16)

    for day in (date(2025, 6, 23), date(2025, 6, 24), date(2025, 6, 26), date(2025, 6, 28)):
        _night_of(day, frozen)
        assert sweep()["new_breaches"] == 0, day
    assert RegisterState.objects.get(person=person).next_due == date(2025, 6, 28)  # seen on the 26th

    _night_of(date(2025, 6, 29), frozen)
    summary = sweep()
    assert summary["new_breaches"] == 1
    breach = Breach.objects.get()
    assert (breach.kind, breach.trigger, breach.due) == ("non_occurrence", date(2025, 6, 23), date(2025, 6, 28))


def test_nothing_due_by_time_means_nothing_re_evaluated(officer, make_doc, frozen):
    person_create(officer, make_doc(notifications=_notes("2020-07-02", "2025-06-01")))
    summary = sweep()
    assert summary["reevaluated_due_to_time"] == 0 and summary["new_breaches"] == 0


def test_a_catch_up_for_an_earlier_day_leaves_newer_outcomes_alone(officer, make_doc, frozen):
    person = person_create(officer, make_doc(notifications=_notes("2020-07-02", "2024-11-01")))
    RegisterState.objects.filter(person=person).update(changes_on=date(2025, 6, 1))
    assert sweep(as_of=date(2025, 6, 10))["reevaluated_due_to_time"] == 0  # evaluated on the 16th: kept
    assert sweep()["reevaluated_due_to_time"] == 1
    assert RegisterState.objects.get(person=person).changes_on == date(2025, 11, 2)
