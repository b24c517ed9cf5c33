"""The compliance pages through the Django test client, on tasks the real sweep made on a frozen clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from tether.access.testing import verified_login
from tether.audit.models import AuditEvent
from tether.casework.models import Case, Playbook, Task
from tether.casework.services import sweep, task_complete
from tether.register.services import person_create

from .conftest import DUE, at, yearly_doc

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    verified_login(client, user)
    return client


@pytest.fixture
def task(registrant, frozen):
    """Swept on Saturday 21 June; the clock then moves to Tuesday 24 June (the task is 3 days late)."""
    frozen.move_to(at(DUE + timedelta(days=1)))
    sweep()
    frozen.move_to(at(date(2025, 6, 24)))
    return Task.objects.get()


@pytest.fixture
def queued(officer, make_doc, task):
    """A second registrant with no offender manager: their task goes to the unit queue (found on 24 June)."""
    doc = yearly_doc(make_doc, names=[{"kind": "current", "given_names": "Alan", "family_name": "Quayle"}])
    doc["ni_number"], doc["pnc_id"] = None, None
    person = person_create(officer, doc)
    sweep()
    return Task.objects.get(person=person)


def test_my_tasks_overdue_first_with_days_late(officer, task):
    response = client_for(officer).get("/tasks/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'data-task="{task.pk}"' in body and "3 days late" in body
    assert f"/people/{task.person_id}/" in body
    assert AuditEvent.objects.filter(action="task.list", actor=officer).exists()


def test_my_tasks_as_of_and_the_unit_queue(officer, task, queued):
    client = client_for(officer)
    body = client.get("/tasks/?as_of=2025-06-21").content.decode()
    assert "days late" not in body and f'data-task="{queued.pk}"' not in body
    with_queue = client.get("/tasks/?queue=yes").content.decode()
    # overdue (due 21 June) before not yet overdue (due 24 June)
    assert with_queue.index(f'data-task="{task.pk}"') < with_queue.index(f'data-task="{queued.pk}"')


def test_a_bad_as_of_date_is_a_clear_error(officer, task):
    response = client_for(officer).get("/tasks/?as_of=24/06/2025")
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body and "YYYY-MM-DD" in body and 'href="#as_of"' in body


def test_roles_without_compliance_work_are_refused(analyst, auditor, partner, task):
    for user in (analyst, auditor, partner):
        client = client_for(user)
        assert client.get("/tasks/").status_code == 403
        assert client.get("/compliance/overdue/").status_code == 403
        assert client.get(f"/tasks/{task.pk}/").status_code == 404


def test_another_forces_task_is_not_found(other_officer, task):
    assert client_for(other_officer).get(f"/tasks/{task.pk}/").status_code == 404
    assert client_for(other_officer).get("/compliance/overdue/?force=MPS").status_code == 403


def test_complete_a_task_with_an_excuse(officer, task):
    client = client_for(officer)
    page = client.get(f"/tasks/{task.pk}/")
    assert page.status_code == 200 and "Complete the task" in page.content.decode()
    response = client.post(f"/tasks/{task.pk}/", {"outcome": "excuse_accepted", "version": task.version,
                                                 "note": "In hospital 18 to 22 June; discharge letter seen."})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == "done" and task.outcome == "excuse_accepted"
    assert "Reasonable excuse accepted" in client.get(response["Location"]).content.decode()


def test_completion_errors_use_the_error_summary(officer, task):
    client = client_for(officer)
    response = client.post(f"/tasks/{task.pk}/", {"version": task.version})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and 'href="#outcome"' in body and "Select what you found" in body
    response = client.post(f"/tasks/{task.pk}/", {"outcome": "whereabouts_unknown", "note": "short",
                                                 "version": task.version})
    assert response.status_code == 400 and 'href="#note"' in response.content.decode()
    response = client.post(f"/tasks/{task.pk}/", {"outcome": "whereabouts_unknown", "version": task.version,
                                                 "note": "No trace anywhere.", "warrant_on_day": "31",
                                                 "warrant_on_month": "2", "warrant_on_year": "2025"})
    assert response.status_code == 400 and "must be a real date" in response.content.decode()
    task.refresh_from_db()
    assert task.state == "open" and not Case.objects.exists()


def test_whereabouts_unknown_opens_a_wanted_case(officer, task):
    response = client_for(officer).post(f"/tasks/{task.pk}/", {
        "outcome": "whereabouts_unknown", "note": "No trace at any known address.", "version": task.version,
        "warrant_on_day": "23", "warrant_on_month": "6", "warrant_on_year": "2025", "believed_abroad": "yes"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.kind == "wanted" and case.believed_abroad and case.warrant_on == date(2025, 6, 23)


def test_a_stale_version_is_a_conflict(officer, supervisor, task):
    task_complete(supervisor, task.pk, "excuse_accepted", "Seen in person with a sick note from 19 June.")
    response = client_for(officer).post(f"/tasks/{task.pk}/", {"outcome": "excuse_accepted", "version": 1,
                                                              "note": "In hospital, discharge letter seen."})
    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.content.decode()


def test_queue_and_assign(supervisor, officer, queued):
    client = client_for(supervisor)
    body = client.get("/tasks/queue/").content.decode()
    assert f'data-task="{queued.pk}"' in body and f'<option value="{officer.pk}"' in body
    response = client.post(f"/tasks/{queued.pk}/assign/", {"assignee": officer.pk, "version": queued.version,
                                                          "back": "queue"})
    assert response.status_code == 302 and response["Location"] == "/tasks/queue/"
    queued.refresh_from_db()
    assert queued.assignee == officer
    # an officer cannot work the queue page, and cannot give a task to someone else
    assert client_for(officer).get("/tasks/queue/").status_code == 403
    response = client_for(officer).post(f"/tasks/{queued.pk}/assign/", {"assignee": "", "version": queued.version})
    assert response.status_code == 403


def test_overdue_by_days_most_first(officer, national_admin, task, queued):
    body = client_for(officer).get("/compliance/overdue/").content.decode()
    assert body.count('data-testid="days-overdue"') == 2
    national = client_for(national_admin)
    assert national.get("/compliance/overdue/?force=MPS").status_code == 200
    assert national.get("/compliance/overdue/?force=GMP").content.decode().count('data-testid="days-overdue"') == 0
    unknown = national.get("/compliance/overdue/?force=ZZZ")
    assert unknown.status_code == 400 and "No force with code ZZZ" in unknown.content.decode()


def test_sla_breaches_lists_late_tasks(officer, task):
    body = client_for(officer).get("/compliance/sla/").content.decode()
    assert task.title in body and "Open past its deadline" in body
    assert task.title not in client_for(officer).get("/compliance/sla/?as_of=2025-06-21").content.decode()


def test_playbook_edit_with_a_reason(force_admin, officer, task):
    client = client_for(force_admin)
    page = client.get("/compliance/playbook/")
    assert page.status_code == 200 and "Version 0" in page.content.decode()
    form = {"overdue__due_days": "1", "outcomes__not_at_address__due_days": "2",
            "case__pnc_circulation_hours": "12", "case__probation_informed_days": "1",
            "case__mappa_informed_days": "1", "case__sio_assigned_days": "1", "case__review_every_days": "28",
            "case__abroad_review_every_days": "90", "case__media_decision_days": "7",
            "transfer__accept_days": "14", "not_at_address_action": "follow_up", "version": "0"}
    bad = client.post("/compliance/playbook/", {**form, "case__pnc_circulation_hours": "48", "reason": "x"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert 'href="#case__pnc_circulation_hours"' in body and "from 1 to 24" in body and 'href="#reason"' in body
    ok = client.post("/compliance/playbook/", {**form, "reason": "Local PNC target agreed with the ACC."})
    assert ok.status_code == 302
    assert Playbook.objects.get().data["case"]["pnc_circulation_hours"] == 12
    stale = client.post("/compliance/playbook/", {**form, "case__review_every_days": "21",
                                                 "reason": "Monthly reviews too slow."})
    assert stale.status_code == 409
    # officers see it but cannot change it
    seen = client_for(officer).get("/compliance/playbook/")
    assert seen.status_code == 200 and "Save as a new version" not in seen.content.decode()
    assert client_for(officer).post("/compliance/playbook/", {**form, "reason": "I would like it."}).status_code == 403


def test_dashboard_shows_my_open_tasks(officer, task):
    body = client_for(officer).get("/").content.decode()
    assert 'data-testid="dashboard-tasks"' in body and "1 open task" in body and "past its deadline" in body
