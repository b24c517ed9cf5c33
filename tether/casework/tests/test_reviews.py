"""No open case goes unreviewed: cases that arrived without a review task (imported history) get one."""

from __future__ import annotations

from datetime import date

import pytest

from tether.audit.models import AuditEvent
from tether.casework.case_services import case_open, case_record_action
from tether.casework.constants import TaskKind, TaskState
from tether.casework.models import Task
from tether.casework.services import sweep
from tether.register.services import person_create

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 16)  # the frozen clock's date


def _imported(officer, make_doc, **case):
    return person_create(officer, make_doc(cases=[{"kind": "missing", **case}]))


def test_an_imported_open_case_gets_its_reviews_due_today(officer, make_doc, frozen):
    person = _imported(officer, make_doc, opened="2016-04-15", believed_abroad=True)
    assert not Task.objects.filter(person=person).exists()

    summary = sweep(as_of=TODAY)

    tasks = {t.kind: t for t in Task.objects.filter(person=person, state=TaskState.OPEN)}
    assert set(tasks) == {TaskKind.CASE_REVIEW, TaskKind.ABROAD_REVIEW}
    assert {t.due_on for t in tasks.values()} == {TODAY}  # years overdue: due now, not in 2016
    assert tasks[TaskKind.CASE_REVIEW].title.endswith("(opened 15 April 2016)")
    assert summary["case_reviews_scheduled"] == 2
    events = AuditEvent.objects.filter(action="task.create", object_id=str(person.pk))
    assert events.count() == 2

    again = sweep(as_of=TODAY)  # idempotent
    assert again["case_reviews_scheduled"] == 0
    assert Task.objects.filter(person=person).count() == 2


def test_closed_and_recent_cases(officer, make_doc, frozen):
    closed = _imported(officer, make_doc, opened="2016-04-15", closed="2017-01-10", outcome="located")
    recent = _imported(officer, make_doc, ni_number="CD123456A", opened="2025-06-01")
    sweep(as_of=TODAY)
    assert not Task.objects.filter(person=closed, kind__in=[TaskKind.CASE_REVIEW, TaskKind.ABROAD_REVIEW]).exists()
    review = Task.objects.get(person=recent, kind=TaskKind.CASE_REVIEW)
    assert review.due_on == date(2025, 6, 29)  # 28 days from the opening: not yet due


def test_a_case_opened_in_tether_keeps_its_own_review(officer, make_doc, frozen):
    person = person_create(officer, make_doc())
    case = case_open(officer, person.pk)
    before = set(Task.objects.filter(case=case).values_list("pk", flat=True))
    assert sweep(as_of=TODAY)["case_reviews_scheduled"] == 0
    case_record_action(officer, case.pk, "case_review", {"note": "Reviewed: enquiries continue"})
    assert sweep(as_of=TODAY)["case_reviews_scheduled"] == 0  # the next review was scheduled by the action
    assert before <= set(Task.objects.filter(case=case).values_list("pk", flat=True))
