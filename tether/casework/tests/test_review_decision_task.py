"""An application for review of indefinite notification gives the owning force a task due on the decision date,
closed when the decision is recorded (on the service and the API); it cannot be completed on its own."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps

from tether.access.testing import VerifiedClient
from tether.casework.constants import Outcome, TaskKind, TaskState
from tether.casework.models import Task
from tether.casework.selectors import queue_tasks
from tether.casework.services import task_complete
from tether.core.errors import ValidationFailed
from tether.register.legal import review_apply, review_decide
from tether.register.services import person_create

pytestmark = pytest.mark.django_db

NOTE = "Charing Cross Police Station"
DECIDED = {"decision": "refused", "decided_on": "2025-06-16", "reasons": "Risk remains.", "further_date": "2030-06-17"}


@pytest.fixture
def indefinite(officer, make_doc, frozen):
    """Imprisoned 36 months in 2005 (indefinite), released 2006: eligible for review."""
    return person_create(officer, make_doc(
        disposals=[{"date": "2005-03-04", "offence": "Rape (SOA 2003 s.1)", "kind": "imprisonment", "months": 36}],
        detentions=[{"kind": "custody", "start": "2005-03-04", "end": "2006-09-01"}],
        notifications=[{"kind": "initial", "received_at": "2006-09-02T10:00:00Z", "station": NOTE},
                       {"kind": "periodic", "received_at": "2024-09-01T10:00:00Z", "station": NOTE}],
    ))


def _review_tasks():
    return Task.objects.filter(kind=TaskKind.REVIEW_DECISION)


def test_an_application_makes_a_task_due_on_the_decision_date_closed_by_the_decision(
        officer, supervisor, indefinite, frozen):
    review = review_apply(officer, indefinite.pk, {"applied_on": "2025-06-02", "decision_due": "2025-07-10"})
    task = _review_tasks().get()
    assert (task.force.code, task.due_on, task.state, task.assignee) == ("MPS", date(2025, 7, 10), "open", None)
    assert "2 June 2025" in task.title
    assert task.pk in [r["id"] for r in queue_tasks(supervisor)]  # the unit queue: no offender manager
    assert not task.past_deadline(date(2025, 7, 10)) and task.past_deadline(date(2025, 7, 11))
    with pytest.raises(ValidationFailed) as exc:
        task_complete(officer, task.pk, "complied_late")
    assert "legal record" in exc.value.errors["outcome"][0]
    with pytest.raises(ValidationFailed):  # a decision refused names its field and closes nothing
        review_decide(officer, indefinite.pk, review.pk, {**DECIDED, "decided_on": "2025-05-01"})
    assert _review_tasks().get().state == TaskState.OPEN
    review_decide(officer, indefinite.pk, review.pk, DECIDED)
    task.refresh_from_db()
    assert (task.state, task.outcome, task.completed_by) == (TaskState.DONE, Outcome.REVIEW_DECIDED, officer)
    assert _review_tasks().count() == 1


def test_through_the_api_and_the_task_page(officer, indefinite, api_client, frozen):
    api = api_client(officer)
    r = api.post(f"/api/v1/people/{indefinite.pk}/reviews", {"applied_on": "2025-05-01"},
                 content_type="application/json")
    assert r.status_code == 201, r.content
    task = _review_tasks().get()
    assert task.due_on == date(2025, 6, 12) and task.past_deadline(date(2025, 6, 16))  # 6 weeks on: late today
    client = VerifiedClient()
    client.force_login(officer)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "completes itself when the decision is recorded" in page and "#legal-record" in page
    r = api.post(f"/api/v1/people/{indefinite.pk}/reviews/{r.json()['id']}/decision", DECIDED,
                 content_type="application/json")
    assert r.status_code == 201, r.content
    assert _review_tasks().get().state == TaskState.DONE


def test_the_migration_gives_a_waiting_application_its_task(officer, indefinite, frozen):
    from importlib import import_module

    review_apply(officer, indefinite.pk, {"applied_on": "2025-06-02"})
    _review_tasks().delete()
    step = import_module("tether.casework.migrations.0005_review_decision_task").tasks_for_pending_reviews
    step(apps, None)
    step(apps, None)  # once only
    task = _review_tasks().get()
    assert task.due_on == date(2025, 7, 14) and task.state == TaskState.OPEN


def test_an_imported_waiting_application_has_its_task_and_a_decided_one_none(officer, make_doc, frozen):
    import json

    from tether.register.jsonl import import_jsonl

    history = {
        "disposals": [{"date": "2005-03-04", "offence": "Rape (SOA 2003 s.1)", "kind": "imprisonment", "months": 36}],
        "detentions": [{"kind": "custody", "start": "2005-03-04", "end": "2006-09-01"}],
        "notifications": [{"kind": "initial", "received_at": "2006-09-02T10:00:00Z", "station": NOTE},
                          {"kind": "periodic", "received_at": "2024-09-01T10:00:00Z", "station": NOTE}],
    }
    waiting = make_doc(**history, reviews=[{"applied_on": "2025-06-02", "decision_due": "2025-07-10"}])
    decided = make_doc(**history, force="GMP", reviews=[{"applied_on": "2025-05-01", "decision_due": "2025-06-12",
                                                         **DECIDED, "decided_on": "2025-06-10"}])
    import_jsonl([json.dumps(waiting), json.dumps(decided)], actor_label="cli:test")
    task = _review_tasks().get()  # the decided application has none
    assert (task.force.code, task.due_on, task.state, task.assignee) == ("MPS", date(2025, 7, 10), "open", None)
    assert "2 June 2025" in task.title and task.person.reviews.get().decided_on is None
    review_decide(officer, task.person_id, task.person.reviews.get().pk, DECIDED)  # closed by it, as on the web
    task.refresh_from_db()
    assert (task.state, task.outcome) == (TaskState.DONE, Outcome.REVIEW_DECIDED)
