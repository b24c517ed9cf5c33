"""The compliance API: task lists, one task, completing and assigning (409 on a stale version), overdue
obligations with their breaches, and missed deadlines. Token auth, force scope and audit as on the web."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tether.audit.models import AuditEvent
from tether.casework.models import Case, Task
from tether.casework.services import sweep

pytestmark = pytest.mark.django_db

AFTER = date(2025, 6, 21)


@pytest.fixture
def task(registrant, frozen):
    sweep(as_of=AFTER)
    return Task.objects.get()


def test_routes_are_documented_with_typed_schemas(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/tasks", "/api/v1/tasks/{task_id}", "/api/v1/tasks/{task_id}/complete",
                 "/api/v1/tasks/{task_id}/assign", "/api/v1/breaches", "/api/v1/sla-breaches"):
        assert path in spec["paths"], path
    task_out = spec["components"]["schemas"]["TaskOut"]["properties"]
    assert {"id", "due_on", "reference", "version", "past_deadline"} <= set(task_out)


def test_my_tasks_and_the_queue(officer, supervisor, task, api_client):
    body = api_client(officer).get("/api/v1/tasks", {"as_of": "2025-07-20"}).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == task.pk and row["reference"].startswith("TTH-") and row["past_deadline"] is True
    assert api_client(supervisor).get("/api/v1/tasks", {"which": "queue"}).json()["count"] == 0
    assert AuditEvent.objects.filter(action="task.list", actor=officer).exists()
    assert AuditEvent.objects.filter(action="api.call", actor=officer).exists()


def test_roles_without_compliance_work_are_refused(analyst, partner, task, api_client):
    for user in (analyst, partner):
        assert api_client(user).get("/api/v1/tasks").status_code == 403
        assert api_client(user).get("/api/v1/breaches").status_code == 403


def test_one_task_is_read_through_the_person_guard(officer, other_officer, task, api_client):
    response = api_client(officer).get(f"/api/v1/tasks/{task.pk}")
    assert response.status_code == 200
    assert response.json()["kind"] == "establish_compliance" and response.json()["state"] == "open"
    assert AuditEvent.objects.filter(action="person.task_view", actor=officer).count() == 1
    assert api_client(other_officer).get(f"/api/v1/tasks/{task.pk}").status_code == 404
    assert api_client(officer).get("/api/v1/tasks/999999").status_code == 404
    assert api_client(officer).get("/api/v1/tasks/0").status_code == 400


def test_complete_names_the_field_and_answers_409_on_a_stale_version(officer, task, api_client):
    c = api_client(officer)
    bad = c.post(f"/api/v1/tasks/{task.pk}/complete", {"outcome": "excuse_accepted"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "note"
    missing = c.post(f"/api/v1/tasks/{task.pk}/complete", {}, content_type="application/json")
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "outcome"
    stale = c.post(f"/api/v1/tasks/{task.pk}/complete", {"outcome": "excuse_accepted", "version": 99,
                                                         "note": "Was in hospital, letter seen."},
                   content_type="application/json")
    assert stale.status_code == 409
    done = c.post(f"/api/v1/tasks/{task.pk}/complete", {"outcome": "excuse_accepted", "version": task.version,
                                                        "note": "Was in hospital, letter seen."},
                  content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "done"
    assert done.json()["outcome"] == "excuse_accepted"
    again = c.post(f"/api/v1/tasks/{task.pk}/complete", {"outcome": "excuse_accepted",
                                                         "note": "Was in hospital, letter seen."},
                   content_type="application/json")
    assert again.status_code == 409
    assert AuditEvent.objects.filter(action="task.complete", actor=officer).count() == 1


def test_whereabouts_unknown_opens_a_wanted_case(officer, task, api_client):
    response = api_client(officer).post(
        f"/api/v1/tasks/{task.pk}/complete",
        {"outcome": "whereabouts_unknown", "note": "Not seen at the address for weeks.", "warrant_on": "2025-06-16",
         "believed_abroad": True}, content_type="application/json")
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.kind == "wanted" and case.believed_abroad and case.warrant_on == date(2025, 6, 16)


def test_assign_to_the_queue_and_back(officer, supervisor, task, api_client):
    c = api_client(supervisor)
    back = c.post(f"/api/v1/tasks/{task.pk}/assign", {"assignee_id": None, "version": task.version},
                  content_type="application/json")
    assert back.status_code == 200 and back.json()["assignee_id"] is None
    assert c.get("/api/v1/tasks", {"which": "queue"}).json()["count"] == 1
    stale = c.post(f"/api/v1/tasks/{task.pk}/assign", {"assignee_id": officer.pk, "version": task.version},
                   content_type="application/json")
    assert stale.status_code == 409
    bad = c.post(f"/api/v1/tasks/{task.pk}/assign", {"assignee_id": 123456}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "assignee"
    ok = c.post(f"/api/v1/tasks/{task.pk}/assign", {"assignee_id": officer.pk}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["assignee_id"] == officer.pk


def test_breaches_and_sla_breaches_by_force_and_date(officer, other_officer, national_admin, task, api_client):
    c = api_client(officer)
    body = c.get("/api/v1/breaches", {"as_of": "2025-06-21"}).json()
    assert body["count"] == 1 and body["results"][0]["breach_id"] == task.breach_id
    assert body["results"][0]["kind"] == "periodic" and body["results"][0]["days_overdue"] == 1
    assert c.get("/api/v1/breaches", {"as_of": "2025-06-20"}).json()["count"] == 0
    assert c.get("/api/v1/breaches", {"force": "GMP"}).status_code == 403
    assert api_client(other_officer).get("/api/v1/breaches", {"as_of": "2025-06-21"}).json()["count"] == 0
    assert api_client(national_admin).get("/api/v1/breaches", {"force": "MPS", "as_of": "2025-06-21"}).json()[
        "count"] == 1
    assert api_client(national_admin).get("/api/v1/breaches", {"force": "NOPE"}).status_code == 404
    late = c.get("/api/v1/sla-breaches", {"as_of": (task.due_on + timedelta(days=1)).isoformat()}).json()
    assert late["count"] == 1 and late["results"][0]["late"] == "open past its deadline"
    assert c.get("/api/v1/sla-breaches", {"as_of": task.due_on.isoformat()}).json()["count"] == 0
    bad = c.get("/api/v1/sla-breaches", {"as_of": "not-a-date"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "as_of"
    assert c.get("/api/v1/sla-breaches", {"as_of": "0001-01-01"}).status_code == 400
    assert AuditEvent.objects.filter(action="compliance.list", actor=officer).count() >= 3
