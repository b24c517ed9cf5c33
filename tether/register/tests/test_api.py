from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from tether.access.services import token_create
from tether.audit.models import AuditEvent
from tether.register.models import Person
from tether.register.services import person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(officer, make_doc, frozen):
    return person_create(officer, make_doc())


def _payload(make_doc, **overrides):
    doc = make_doc(**overrides)
    for key in ("force", "synthetic", "notifications"):
        doc.pop(key, None)
    return doc


def test_openapi_is_published(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "Tether API"
    assert "/api/v1/people" in spec["paths"] and "/api/v1/people/{person_id}/notifications" in spec["paths"]


def test_no_token_or_bad_token_is_401(client, person):
    assert client.get("/api/v1/people").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer tth_nope").get("/api/v1/people").status_code == 401


def test_expired_token_is_401(officer, person, frozen, api_client):
    api = api_client(officer)
    assert api.get("/api/v1/people").status_code == 200
    frozen.shift(timedelta(days=31))
    assert api.get("/api/v1/people").status_code == 401


def test_tokens_are_stored_hashed(officer, frozen):
    raw, token = token_create(officer.username)
    assert raw not in token.token_hash and len(token.token_hash) == 64


def test_list_and_read_own_force(officer, person, api_client):
    api = api_client(officer)
    body = api.get("/api/v1/people", {"name": "testperson"}).json()
    assert body["count"] == 1 and body["results"][0]["access"] == "full"
    one = api.get(f"/api/v1/people/{person.pk}").json()
    assert one["access"] == "full"
    assert one["record"]["ni_number"] == "AB123456C"
    assert one["state"]["jurisdiction"] == "england-wales"
    assert one["obligations"]


def test_other_force_gets_the_index_entry_only(other_officer, person, api_client):
    api = api_client(other_officer)
    one = api.get(f"/api/v1/people/{person.pk}").json()
    assert one["access"] == "limited" and one["record"] is None
    assert "ni_number" not in json.dumps(one)
    full = api.get(f"/api/v1/people/{person.pk}", {"reason": "Stopped in Salford, checking identity"}).json()
    assert full["access"] == "full"


def test_analyst_gets_404_and_403(analyst, person, api_client):
    api = api_client(analyst)
    assert api.get(f"/api/v1/people/{person.pk}").status_code == 404
    assert api.get("/api/v1/people").status_code == 403


def test_create_person(officer, make_doc, frozen, api_client):
    api = api_client(officer)
    r = api.post("/api/v1/people", _payload(make_doc), content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["index"]["owning_force"] == "MPS" and body["index"]["reference"].startswith("TTH-")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ni_number": "12"}, "ni_number"),
        ({"date_of_birth": "2099-01-01"}, "date_of_birth"),
        ({"addresses": [{"line1": "x", "postcode": "ZZZ", "valid_from": "2020-01-01"}]}, "addresses[0].postcode"),
        ({"names": [{"given_names": "A"}]}, "names[0].family_name"),
        ({"disposals": [{"date": "2020-01-01", "offence": "x", "kind": "other", "months": "lots"}]},
         "disposals[0].months"),
    ],
)
def test_create_person_errors_name_the_field(officer, make_doc, frozen, overrides, field, api_client):
    api = api_client(officer)
    r = api.post("/api/v1/people", _payload(make_doc, **overrides), content_type="application/json")
    assert r.status_code == 400, r.content
    assert field in [e["field"] for e in r.json()["errors"]], r.json()
    assert Person.objects.count() == 0


def test_record_notification_and_conflict(officer, person, frozen, api_client):
    api = api_client(officer)
    url = f"/api/v1/people/{person.pk}/notifications"
    r = api.post(url, {"kind": "periodic", "station": "Brixton", "version": 1}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["person_version"] == 2
    stale = api.post(url, {"kind": "periodic", "station": "Brixton", "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    bad = api.post(url, {"kind": "weekly", "station": "Brixton"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "kind"


def test_other_force_cannot_record(other_officer, person, api_client):
    api = api_client(other_officer)
    r = api.post(f"/api/v1/people/{person.pk}/notifications", {"kind": "periodic", "station": "X"},
                 content_type="application/json")
    assert r.status_code == 403


def test_api_reads_are_audited(officer, person, api_client):
    api_client(officer).get(f"/api/v1/people/{person.pk}")
    assert AuditEvent.objects.filter(action="person.view", actor=officer).exists()


def test_token_stops_working_when_the_role_changes(officer, person, api_client):
    from tether.access.constants import Role

    api = api_client(officer)
    assert api.get("/api/v1/people").status_code == 200
    officer.role = Role.ANALYST
    officer.save()
    assert api.get("/api/v1/people").status_code == 401


def test_changes_through_the_api(officer, person, frozen, api_client):
    api = api_client(officer)
    base = f"/api/v1/people/{person.pk}"
    r = api.post(f"{base}/names", {"kind": "current", "given_names": "A", "family_name": "B",
                                   "valid_from": "2025-06-01", "version": 1}, content_type="application/json")
    assert r.status_code == 201 and r.json()["person_version"] == 2, r.content
    r = api.post(f"{base}/addresses", {"line1": "1 Road", "postcode": "bad", "valid_from": "2025-06-01"},
                 content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "postcode"
    r = api.patch(f"{base}/identity", {"sex": "unknown", "version": 1}, content_type="application/json")
    assert r.status_code == 409
    r = api.patch(f"{base}/identity", {"sex": "unknown", "version": 2}, content_type="application/json")
    assert r.status_code == 201
    record = api.get(base).json()["record"]
    assert record["sex"] == "unknown" and record["names"][-1]["family_name"] == "B"
