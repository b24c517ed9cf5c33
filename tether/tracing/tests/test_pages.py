"""The tracing pages: sources, the queue, a lead and its decision, the upload; audited, force-scoped."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tether.access.testing import verified_login
from tether.audit.models import AuditEvent
from tether.tracing import services
from tether.tracing.models import Extract, Lead, LeadState

from .conftest import LAWFUL_BASIS

pytestmark = pytest.mark.django_db


def test_queue_lead_and_decision(loaded, officer, verified_client):
    services.linkage_run(officer, loaded["source"], scope="missing")
    client = verified_login(verified_client, officer)
    index = client.get("/tracing/")
    assert index.status_code == 200 and "DWP test extract" in index.content.decode()
    queue = client.get("/tracing/leads/")
    assert loaded["people"][0].reference in queue.content.decode()
    assert AuditEvent.objects.filter(action="tracing.lead_list").exists()
    lead = Lead.objects.order_by("-probability").first()
    page = client.get(f"/tracing/leads/{lead.pk}/")
    body = page.content.decode()
    assert "Day and month swapped" in body and "12 Canal Wharf" in body and 'name="viewport"' in body
    refused = client.post(f"/tracing/leads/{lead.pk}/", {"decision": "reject"})
    assert refused.status_code == 400 and "say why" in refused.content.decode()
    done = client.post(f"/tracing/leads/{lead.pk}/", {"decision": "accept", "reason": "Seen there"})
    assert done.status_code == 302
    lead.refresh_from_db()
    assert lead.state == LeadState.ACCEPTED


def test_another_forces_officer_gets_not_found(loaded, officer, other_officer, verified_client):
    services.linkage_run(officer, loaded["source"], scope="missing")
    lead = Lead.objects.first()
    client = verified_login(verified_client, other_officer)
    assert client.get(f"/tracing/leads/{lead.pk}/").status_code == 404
    assert loaded["people"][0].reference not in client.get("/tracing/leads/").content.decode()


def test_upload_all_or_nothing(traced, force_admin, verified_client):
    client = verified_login(verified_client, force_admin)
    form = {"source": "Housing", "kind": "housing", "lawful_basis": LAWFUL_BASIS, "retain_days": "60"}
    bad = traced["csv"].replace(b"DWP-0001,Bill,Hartly,1979-07-03", b"DWP-0001,Bill,Hartly,1979-99-03")
    response = client.post("/tracing/upload/", {**form, "file": SimpleUploadedFile("h.csv", bad)})
    assert response.status_code == 400 and "line 2: date_of_birth" in response.content.decode()
    assert not Extract.objects.exists()
    response = client.post("/tracing/upload/", {**form, "file": SimpleUploadedFile("h.csv", traced["csv"])})
    assert response.status_code == 302
    extract = Extract.objects.get()
    assert extract.row_count == len(traced["rows"]) and extract.loaded_by == force_admin
    assert AuditEvent.objects.get(action="tracing.extract_load").detail["checksum"] == extract.checksum


def test_the_person_page_lists_the_registrants_leads(loaded, officer, verified_client):
    services.linkage_run(officer, loaded["source"], scope="missing")
    lead = Lead.objects.order_by("-probability").first()
    client = verified_login(verified_client, officer)
    body = client.get(f"/people/{lead.person_id}/").content.decode()
    assert 'id="tracing"' in body and f"/tracing/leads/{lead.pk}/" in body and "DWP test extract" in body
    other = client.get(f"/people/{loaded['people'][1].pk}/").content.decode()
    assert "No tracing leads." in other
