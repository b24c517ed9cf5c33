"""/api/v1/tracing/...: the queue, a lead, a decision; scoped to the force and audited."""

from __future__ import annotations

import pytest

from tether.audit.models import AuditEvent
from tether.tracing import services
from tether.tracing.models import Lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def ran(loaded, officer):
    services.linkage_run(officer, loaded["source"], scope="missing")
    return loaded


def test_queue_lead_and_decision(ran, officer, api_client):
    client = api_client(officer)
    queue = client.get("/api/v1/tracing/leads").json()["results"]
    assert queue[0]["reference"] == ran["people"][0].reference
    lead_id = queue[0]["id"]
    detail = client.get(f"/api/v1/tracing/leads/{lead_id}").json()
    assert detail["explanation"][0]["field"] == "prior" and detail["registrant"]["names"]
    assert AuditEvent.objects.filter(action="tracing.lead_view", detail__lead=lead_id).exists()
    bad = client.post(f"/api/v1/tracing/leads/{lead_id}/decision", {"decision": "reject"},
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "reason"
    ok = client.post(f"/api/v1/tracing/leads/{lead_id}/decision", {"decision": "accept", "reason": "Seen there"},
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["state"] == "accepted" and ok.json()["case_action_id"]


def test_other_forces_and_roles_see_nothing(ran, other_officer, analyst, api_client):
    lead = Lead.objects.first()
    assert api_client(other_officer).get("/api/v1/tracing/leads").json()["count"] == 0
    assert api_client(other_officer).get(f"/api/v1/tracing/leads/{lead.pk}").status_code == 404
    assert api_client(analyst).get("/api/v1/tracing/leads").status_code == 403
    assert api_client(analyst).get("/api/v1/tracing/sources").status_code == 403


def test_sources_and_runs(ran, officer, api_client):
    client = api_client(officer)
    sources = client.get("/api/v1/tracing/sources").json()["results"]
    assert sources[0]["name"] == "DWP test extract" and sources[0]["extract"]["rows"] == len(ran["rows"])
    runs = client.get("/api/v1/tracing/runs").json()["results"]
    assert runs[0]["leads"] >= 1
    made = client.post("/api/v1/tracing/runs", {"source": "DWP test extract", "scope": "register"},
                       content_type="application/json")
    assert made.status_code == 201 and made.json()["scope"] == "register"
