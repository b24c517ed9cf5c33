from __future__ import annotations

import pytest
from django.test import Client

from tether.audit.models import AuditEvent
from tether.audit.services import record
from tether.register.guards import access_person_by_id

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit/events"


def test_auditor_token_searches_the_trail(auditor, officer, person, frozen, api_client):
    access_person_by_id(officer, person.pk)
    api = api_client(auditor)
    body = api.get(URL, {"action": "person.", "object_id": str(person.pk)}).json()
    assert body["count"] == 2 and body["pages"] == 1 and body["count_capped"] is False
    view = body["results"][0]
    assert view["action"] == "person.view" and view["actor_username"] == "officer.mps"
    assert view["detail"] == {"level": "full", "reference": person.reference}
    assert view["at"].startswith("2025-06-16T11:00:00") and len(view["hash"]) == 64
    assert body["results"][1]["action"] == "person.create"
    ev = AuditEvent.objects.filter(action="audit.search").get()
    assert ev.actor == auditor and ev.detail["via"] == "api"
    assert ev.detail["filters"] == {"action": "person.", "object_id": str(person.pk)}


def test_api_pages_by_number_and_by_cursor(auditor, frozen, api_client):
    for i in range(7):
        record("test.event", detail={"i": i})
    api = api_client(auditor)
    body = api.get(URL, {"action": "test.event", "page_size": 3, "page": 2}).json()
    assert [r["seq"] for r in body["results"]] == [4, 3, 2] and body["pages"] == 3
    first = api.get(URL, {"action": "test.event", "page_size": 3}).json()
    older = api.get(URL, {"action": "test.event", "page_size": 3, "before_seq": first["next_before_seq"]}).json()
    assert [r["seq"] for r in older["results"]] == [4, 3, 2]
    for page in (0, 10_000_000, "x"):  # the page rule of every paged list (1 to 9,999,999)
        refused = api.get(URL, {"page": page})
        assert refused.status_code in (400, 422) and "page" in refused.content.decode(), page


def test_api_dates_are_checked(auditor, frozen, api_client):
    api = api_client(auditor)
    response = api.get(URL, {"date_from": "2025-06-16", "date_to": "2025-06-15"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "date_to"
    response = api.get(URL, {"actor": "a\x00b"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "actor"
    response = api.get(URL, {"date_from": "16/06/2025"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "date_from"


@pytest.mark.parametrize("persona", ["officer", "supervisor", "analyst", "national_admin", "partner"])
def test_other_tokens_get_not_found(request, persona, frozen, api_client):
    api = api_client(request.getfixturevalue(persona))
    response = api.get(URL)
    assert response.status_code == 404 and response.json() == {"detail": "Not found"}
    assert not AuditEvent.objects.filter(action="audit.search").exists()


def test_no_token_is_401(client, db):
    assert client.get(URL).status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer tth_nope").get(URL).status_code == 401


def test_the_endpoint_is_in_the_schema(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert URL in spec["paths"]
