"""The cases API: open cases on a date, a case with its timeline, transitions, actions, close and reopen.
Token auth, the person guard, the owning force and the audit as on the web; errors name the field."""

from __future__ import annotations

from datetime import date

import pytest

from tether.audit.models import AuditEvent
from tether.casework.case_services import case_open
from tether.casework.constants import TaskKind, TaskState
from tether.casework.models import Case, Task

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def case(officer, registrant):
    return case_open(officer, registrant.pk, {"note": "Not seen since May.", "opened_on": "2025-06-02"})


def test_routes_are_documented(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/cases/{case_id}/transitions",
                 "/api/v1/cases/{case_id}/actions", "/api/v1/cases/{case_id}/close", "/api/v1/cases/{case_id}/reopen"):
        assert path in paths, path


def test_open_cases_as_at_a_date(officer, other_officer, analyst, case, api_client):
    c = api_client(officer)
    body = c.get("/api/v1/cases").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["case_id"] == case.pk and row["state"] == "missing" and row["days_missing"] == 14
    assert c.get("/api/v1/cases", {"as_of": "2025-06-01"}).json()["count"] == 0
    assert api_client(other_officer).get("/api/v1/cases").json()["count"] == 0
    assert c.get("/api/v1/cases", {"force": "GMP"}).status_code == 403
    assert api_client(analyst).get("/api/v1/cases").status_code == 403
    assert AuditEvent.objects.filter(action="case.list", actor=officer).count() == 2


def test_a_case_with_its_timeline_through_the_person_guard(officer, other_officer, case, api_client):
    response = api_client(officer).get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "missing" and body["version"] == case.version
    assert "warrant" in body["allowed_events"] and "close" in body["allowed_events"]
    types = [e["type"] for e in body["entries"]]
    assert types[0] == "state" and "task" in types
    assert AuditEvent.objects.filter(action="person.case_view", actor=officer).count() == 1
    assert api_client(other_officer).get(f"/api/v1/cases/{case.pk}").status_code == 403
    assert api_client(officer).get("/api/v1/cases/987654").status_code == 404


def test_transitions_name_the_field_and_check_the_version(officer, case, api_client):
    c = api_client(officer)
    url = f"/api/v1/cases/{case.pk}/transitions"
    missing = c.post(url, {"event": "warrant"}, content_type=JSON)
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "warrant_on"
    bad = c.post(url, {"event": "fly"}, content_type=JSON)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "event"
    future = c.post(url, {"event": "warrant", "warrant_on": "2030-01-01"}, content_type=JSON)
    assert future.status_code == 400 and future.json()["errors"][0]["field"] == "warrant_on"
    stale = c.post(url, {"event": "abroad", "version": 99}, content_type=JSON)
    assert stale.status_code == 409
    ok = c.post(url, {"event": "warrant", "warrant_on": "2025-06-10", "version": case.version}, content_type=JSON)
    assert ok.status_code == 200
    assert ok.json()["state"] == "wanted" and ok.json()["warrant_on"] == "2025-06-10"
    assert ok.json()["version"] == case.version + 1
    abroad = c.post(url, {"event": "abroad", "note": "Flight to Alicante"}, content_type=JSON)
    assert abroad.status_code == 200 and abroad.json()["believed_abroad"] is True
    assert Task.objects.filter(case=case, kind=TaskKind.ABROAD_REVIEW, state=TaskState.OPEN).exists()
    assert AuditEvent.objects.filter(action="case.warrant", actor=officer).count() == 1


def test_actions_complete_their_tasks(officer, inspector, case, api_client):
    c = api_client(officer)
    url = f"/api/v1/cases/{case.pk}/actions"
    bad = c.post(url, {"kind": "pnc_circulation"}, content_type=JSON)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "reference"
    unknown = c.post(url, {"kind": "sing"}, content_type=JSON)
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "kind"
    done = c.post(url, {"kind": "pnc_circulation", "reference": "25/123456X"}, content_type=JSON)
    assert done.status_code == 201 and done.json()["kind"] == "pnc_circulation"
    assert not Task.objects.filter(case=case, kind=TaskKind.PNC_CIRCULATION, state=TaskState.OPEN).exists()
    sio = c.post(url, {"kind": "sio_assigned", "sio": str(inspector.pk)}, content_type=JSON)
    assert sio.status_code == 201
    huge = c.post(url, {"kind": "sio_assigned", "sio": "99999999999999999999"}, content_type=JSON)
    assert huge.status_code == 400 and huge.json()["errors"][0]["field"] == "sio"
    case.refresh_from_db()
    assert case.pnc_reference == "25/123456X" and case.sio == inspector
    assert AuditEvent.objects.filter(action="case.action.pnc_circulation", actor=officer).count() == 1


def test_close_and_reopen(officer, other_officer, registrant, case, api_client):
    c = api_client(officer)
    assert c.post(f"/api/v1/cases/{case.pk}/close", {}, content_type=JSON).json()["errors"][0]["field"] == "outcome"
    returned = c.post(f"/api/v1/cases/{case.pk}/close", {"outcome": "returned"}, content_type=JSON)
    assert returned.status_code == 400 and returned.json()["errors"][0]["field"] == "outcome"
    assert api_client(other_officer).post(f"/api/v1/cases/{case.pk}/close", {"outcome": "located"},
                                       content_type=JSON).status_code == 403
    closed = c.post(f"/api/v1/cases/{case.pk}/close", {"outcome": "located", "on": "2025-06-15"}, content_type=JSON)
    assert closed.status_code == 200
    assert closed.json()["state"] == "closed" and closed.json()["closed_on"] == "2025-06-15"
    assert not Task.objects.filter(case=case, state=TaskState.OPEN).exists()
    short = c.post(f"/api/v1/cases/{case.pk}/reopen", {"reason": "no"}, content_type=JSON)
    assert short.status_code == 400 and short.json()["errors"][0]["field"] == "reason"
    reopened = c.post(f"/api/v1/cases/{case.pk}/reopen", {"reason": "Seen leaving the address again."},
                      content_type=JSON)
    assert reopened.status_code == 200 and reopened.json()["state"] == "missing"
    assert Case.objects.get().closed_on is None
    # the closed spell shows in the open-cases list as at a past date
    assert c.get("/api/v1/cases", {"as_of": "2025-06-15"}).json()["count"] == 0
    assert c.get("/api/v1/cases", {"as_of": "2025-06-14"}).json()["count"] == 1
    assert date(2025, 6, 16) == Case.objects.get().states.order_by("-id").first().valid_from
