"""The audit trail must not become a way to read personal data: identity changes, names, postcodes and query
strings are kept apart (``AuditEvent.personal``), never shown to auditors, revealed one event at a time to a
national administrator or the force's supervisor (audited), and the chain still verifies."""

from __future__ import annotations

import json

import pytest

from tether.audit.models import AuditEvent
from tether.audit.selectors import verify_chain
from tether.register.services import address_record, identity_update, person_create

pytestmark = pytest.mark.django_db

REASON = "Complaint 2025/114: checking which address was recorded"


@pytest.fixture
def changed(officer, make_doc, frozen):
    person = person_create(officer, make_doc())
    identity_update(officer, person.pk, {"date_of_birth": "1980-04-03", "ni_number": "JK123456C"})
    address_record(officer, person.pk, {"kind": "home", "line1": "9 New Road", "town": "London",
                                        "postcode": "E1 6AN", "valid_from": "2025-06-01"})
    return person


def test_auditors_see_no_personal_values(api_client, auditor, officer, changed):
    client = api_client(auditor)
    client_officer = api_client(officer)
    client_officer.get("/api/v1/people", {"name": "Testperson"})
    body = client.get("/api/v1/audit/events", {"page_size": 100}).content.decode()
    for value in ("1980-04-03", "JK123456C", "E1 6AN", "Testperson", "AB123456C"):
        assert value not in body, value
    events = json.loads(body)["results"]
    assert any(e["personal_withheld"] for e in events)
    identity = next(e for e in events if e["action"] == "person.identity_update")
    assert identity["detail"] == {"changed": ["date_of_birth", "ni_number"]}
    assert client.get(f"/api/v1/audit/events/{identity['seq']}/personal").status_code == 404


def test_a_national_admin_reveals_one_event_and_that_is_audited(api_client, national_admin, changed):
    ev = AuditEvent.objects.get(action="person.identity_update")
    api = api_client(national_admin)
    refused = api.get(f"/api/v1/audit/events/{ev.seq}/personal", {"reason": "x"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "reason"
    assert not AuditEvent.objects.filter(action="audit.reveal").exists()
    response = api.get(f"/api/v1/audit/events/{ev.seq}/personal", {"reason": REASON})
    assert response.status_code == 200
    assert response.json()["personal"]["after"]["date_of_birth"] == "1980-04-03"
    reveal = AuditEvent.objects.get(action="audit.reveal")
    assert reveal.detail["seq"] == ev.seq and "1980-04-03" not in json.dumps(reveal.detail)
    assert reveal.reason == REASON


def test_a_supervisor_reveals_only_their_own_forces_events(api_client, supervisor, changed):
    ev = AuditEvent.objects.get(action="person.address_record")
    assert api_client(supervisor).get(f"/api/v1/audit/events/{ev.seq}/personal",
                                      {"reason": REASON}).status_code == 200


def test_the_chain_still_verifies_and_catches_an_edited_personal_value(changed):
    assert verify_chain().ok
    from django.db import connection

    ev = AuditEvent.objects.get(action="person.identity_update")
    if connection.vendor == "postgresql":
        pytest.skip("the database refuses updates to audit events on PostgreSQL")
    with connection.cursor() as cur:
        cur.execute("DROP TRIGGER IF EXISTS audit_append_only")
        cur.execute("UPDATE audit_auditevent SET personal = %s WHERE seq = %s",
                    [json.dumps({"before": {}, "after": {"date_of_birth": "1999-01-01"}}), ev.seq])
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == ev.seq
