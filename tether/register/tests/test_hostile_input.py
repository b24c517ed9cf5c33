"""Markup and SQL typed into any text field are stored and returned exactly as typed, never run."""

from __future__ import annotations

import pytest

from tether.register.models import Person

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "Robert'); DROP TABLE people_person;--",
    "' OR '1'='1",
    "{{ 7*7 }} {% debug %}",
    "%(name)s %s $1 \\x00",
]

TEXT_FIELDS = [
    ("names", 0, "given_names"),
    ("names", 0, "family_name"),
    ("addresses", 0, "line1"),
    ("addresses", 0, "line2"),
    ("addresses", 0, "town"),
    ("disposals", 0, "offence"),
    ("disposals", 0, "offence_code"),
]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(("section", "index", "field"), TEXT_FIELDS)
def test_every_create_text_field_keeps_hostile_text_verbatim(officer, make_doc, frozen, payload, section, index, field,
                                                             api_client):
    doc = make_doc()
    for key in ("force", "synthetic", "notifications"):
        doc.pop(key)
    value = payload[:20] if field == "offence_code" else payload
    doc[section][index][field] = value
    api = api_client(officer)
    r = api.post("/api/v1/people", doc, content_type="application/json")
    assert r.status_code == 201, r.content
    record = r.json()["record"]
    assert record[section][index][field] == value
    assert Person.objects.count() == 1  # the table is still there


@pytest.mark.parametrize("payload", PAYLOADS)
def test_notification_station_and_details_and_search_terms(officer, make_doc, frozen, payload, api_client):
    from tether.register.services import person_create

    person = person_create(officer, make_doc())
    api = api_client(officer)
    r = api.post(f"/api/v1/people/{person.pk}/notifications",
                 {"kind": "periodic", "station": payload, "details": {"note": payload}},
                 content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["station"] == payload
    note = api.get(f"/api/v1/people/{person.pk}").json()["record"]["notifications"][-1]
    assert note["details"] == {"note": payload}
    for term in ("name", "reference", "force", "status", "dob", "postcode", "ni", "pnc"):
        r = api.get("/api/v1/people", {term: payload})
        # searched as text, or refused naming the field (a reference, force or date cannot look like this)
        assert r.status_code == 200 or (r.status_code == 400 and {e["field"] for e in r.json()["errors"]} == {term})
