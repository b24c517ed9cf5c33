"""The daily sweep notices a missed home visit the next morning: a breach and a task for the offender manager."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from tether.audit.models import AuditEvent
from tether.casework.constants import TaskKind
from tether.casework.models import Breach, Task
from tether.casework.services import sweep
from tether.management.models import ManagementState
from tether.management.services import visit_record

from .conftest import VISIT_DUE, visit

pytestmark = pytest.mark.django_db


def test_a_missed_visit_becomes_a_task_the_next_morning(managed, officer, frozen):
    state = ManagementState.objects.get(person=managed)
    assert state.visit_due == VISIT_DUE and state.risk_level == "high"
    # the last day itself: not yet missed
    sweep(as_of=VISIT_DUE)
    assert not Breach.objects.filter(kind="home_visit").exists()
    frozen.move_to("2025-06-17T06:00:00+01:00")  # the next morning
    summary = sweep()
    assert summary["management"]["tasks_created"] >= 1
    breach = Breach.objects.get(kind="home_visit")
    assert breach.due == VISIT_DUE and breach.detected_on == date(2025, 6, 17) and "§8.3" in breach.citation
    task = Task.objects.get(breach=breach)
    assert task.kind == TaskKind.ESTABLISH_COMPLIANCE and task.assignee == officer
    assert task.title == "Home visit due 16 June 2025 not done"
    assert AuditEvent.objects.filter(action="compliance.breach", detail__kind="home_visit").count() == 1
    # idempotent: a second run finds nothing new
    assert sweep()["management"]["new_breaches"] == 0


def test_duties_found_overdue_are_evaluated_again_whatever_the_legal_outcome_that_day(managed, officer, frozen):
    """The legal outcome written that day (a change, the sweep's own re-evaluation) does not tell whether the duties
    were evaluated with it: the management step evaluates the missed visit's registrant again before recording it."""
    from tether.register.models import RegisterState

    frozen.move_to("2025-06-17T06:00:00+01:00")
    RegisterState.objects.filter(person=managed).update(evaluated_on=date(2025, 6, 17))
    summary = sweep()
    assert summary["management"]["evaluated"] == 1 and summary["management"]["new_breaches"] >= 1
    assert Breach.objects.get(kind="home_visit").due == VISIT_DUE


def test_an_obligation_falling_due_does_not_evaluate_the_duties_again(officer, make_doc, frozen, monkeypatch):
    """The sweep re-evaluates a registrant whose periodic notification falls overdue with time (``changes_on``):
    their registration and status are as they were, so the outcomes-written hook does not evaluate management's
    duties (which read only those of the register) with it."""
    from tether.casework.tests.conftest import DUE, yearly_doc
    from tether.management import outcomes
    from tether.register.models import PersonObligation, RegisterState
    from tether.register.services import person_create

    person = person_create(officer, yearly_doc(make_doc))
    state = RegisterState.objects.get(person=person)
    assert state.next_due == DUE and state.changes_on == DUE + timedelta(days=1)
    told: list[object] = []
    real = outcomes.materialise

    def counted(ids: list[object], as_of: date | None = None) -> int:
        told.extend(ids)
        return real(ids, as_of)

    monkeypatch.setattr(outcomes, "materialise", counted)  # what the hook calls (the step has its own name for it)
    before = (state.status, state.subject, state.registration_start, state.registration_end, state.indefinite)
    summary = sweep(as_of=DUE + timedelta(days=1))
    after = RegisterState.objects.get(person=person)
    assert summary["reevaluated_due_to_time"] == 1 and summary["new_breaches"] == 1
    assert PersonObligation.objects.get(person=person, due=DUE).status == "overdue"
    assert (after.status, after.subject, after.registration_start, after.registration_end, after.indefinite) == before
    assert after.evaluated_on == DUE + timedelta(days=1) and told == []


def test_a_visit_made_before_the_sweep_means_no_breach(managed, officer, frozen):
    visit_record(officer, managed.pk, visit())
    frozen.move_to("2025-06-17T06:00:00+01:00")
    sweep()
    assert not Breach.objects.filter(kind="home_visit").exists()
    assert ManagementState.objects.get(person=managed).visit_due == date(2025, 9, 16)


def test_registrants_of_a_force_not_yet_managing_in_tether_are_not_swept(officer, make_doc, frozen):
    from tether.register.services import person_create

    person = person_create(officer, make_doc())
    assert ManagementState.objects.get(person=person).next_due is None  # no visit policy, no management record
    summary = sweep(as_of=VISIT_DUE + timedelta(days=30))
    assert summary["management"]["new_breaches"] == 0


def test_duties_start_from_release_without_any_management_record(officer, force_admin, make_doc, frozen):
    """Once the force manages in Tether (a visit policy), a registrant released on 10 June 2025 with nothing of
    management recorded owes an ARMS assessment by 24 June (15 days) and a first home visit; the sweep on the
    morning of 25 June records the missed assessment and a task."""
    from tether.management.services import policy_set
    from tether.register.services import person_create

    policy_set(force_admin, None, {"kind": "fixed"})
    person = person_create(officer, make_doc(detentions=[{"kind": "custody", "start": "2020-03-04",
                                                           "end": "2025-06-10"}], notifications=[]))
    state = ManagementState.objects.get(person=person)
    assert state.assessment_kind == "arms_initial" and state.assessment_due == date(2025, 6, 24)
    assert state.visit_due == date(2026, 6, 10)  # no risk level yet: the low-risk minimum, from the release
    sweep(as_of=date(2025, 6, 24))
    assert not Breach.objects.filter(person=person, kind__in=("arms_initial", "home_visit")).exists()
    frozen.move_to("2025-06-25T06:00:00+01:00")
    sweep()
    breach = Breach.objects.get(person=person, kind="arms_initial")
    assert breach.due == date(2025, 6, 24) and breach.detected_on == date(2025, 6, 25)
    assert Task.objects.get(breach=breach).title == "ARMS assessment due 24 June 2025 not done"


def test_a_custody_record_moves_the_duties_at_once(officer, force_admin, make_doc, frozen):
    """A register change (here a new registrant back in custody) re-evaluates management duties in the same write."""
    from tether.management.services import policy_set
    from tether.register.services import person_create

    policy_set(force_admin, None, {"kind": "fixed"})
    person = person_create(officer, make_doc(detentions=[{"kind": "custody", "start": "2025-06-01"}]))
    state = ManagementState.objects.get(person=person)
    assert state.next_due is None and state.recheck_on is not None


def test_an_overdue_assessment_is_noticed_too(managed, frozen):
    # no ARMS since release (1 July 2020): the initial assessment was due by 15 July 2020
    with time_machine.travel("2025-06-16T12:00:00Z", tick=False):
        sweep()
    assert Breach.objects.filter(kind="arms_initial", due=date(2020, 7, 15)).exists()
