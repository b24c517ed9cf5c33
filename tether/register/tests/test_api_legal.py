"""The legal record through the API: writes answer 201 with the person's new version (400 naming field and rule,
409 on a stale version, 403/404 as the guards say), and the read lists each fact with its id and the rules engine's
review eligibility."""

from __future__ import annotations

import json

import pytest

from tether.audit.models import AuditEvent
from tether.register.models import Person
from tether.register.services import person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(officer, make_doc, frozen):
    return person_create(officer, make_doc())


def _post(api, url, body):
    return api.post(url, json.dumps(body), content_type="application/json")


def test_a_conviction_to_removal_through_the_api(officer, person, api_client):
    api = api_client(officer)
    base = f"/api/v1/people/{person.pk}"
    r = _post(api, f"{base}/disposals", {"date": "2024-01-10", "offence": "Exposure (SOA 2003 s.66)",
                                         "court": "Highbury Corner Magistrates' Court", "kind": "other", "months": 6,
                                         "version": 1})
    assert r.status_code == 201, r.content
    assert r.json()["person_version"] == 2 and r.json()["schedule3"]["flagged"]
    r = _post(api, f"{base}/detentions", {"kind": "custody", "basis": "sentence", "start": "2024-02-01"})
    assert r.status_code == 201, r.content
    detention_id = r.json()["id"]
    r = _post(api, f"{base}/detentions/{detention_id}/release", {"end": "2024-08-01", "licence_end": "2025-02-01"})
    assert r.status_code == 201, r.content
    r = _post(api, f"{base}/orders", {"kind": "ftp", "start": "2024-09-01", "end": "2029-08-31", "countries": "all",
                                      "passports_surrendered_on": "2024-09-02", "surrender_station": "Holborn"})
    assert r.status_code == 201, r.content
    r = _post(api, f"{base}/orders", {"kind": "shpo", "start": "2014-09-01", "end": "2019-08-31"})
    assert r.status_code == 201, r.content
    body = api.get(f"{base}/legal").json()
    assert [d["court"] for d in body["disposals"]] == ["", "Highbury Corner Magistrates' Court"]
    assert body["detentions"][-1]["licence_end"] == "2025-02-01"
    assert {o["kind"]: o["name"] for o in body["orders"]} == {
        "shpo": "Sexual offences prevention order (SOPO)", "ftp": "Foreign travel prohibition"}
    assert body["review_eligible_from"] is None and body["subject"]
    # the person read carries the same facts in the registrant document
    record = api.get(f"{base}").json()["record"]
    assert record["orders"][-1]["surrender_station"] == "Holborn"
    assert record["detentions"][-1]["basis"] == "sentence"


def test_review_and_removal_through_the_api(officer, make_doc, frozen, api_client):
    person = person_create(officer, make_doc(
        disposals=[{"date": "2005-03-04", "offence": "Rape (SOA 2003 s.1)", "kind": "life"}],
        detentions=[{"kind": "custody", "start": "2005-03-04", "end": "2006-09-01"}],
        notifications=[{"kind": "initial", "received_at": "2006-09-02T10:00:00Z", "station": "Holborn"}],
    ))
    api = api_client(officer)
    base = f"/api/v1/people/{person.pk}"
    assert api.get(f"{base}/legal").json()["review_eligible_from"] == "2021-09-02"
    r = _post(api, f"{base}/reviews", {"applied_on": "2025-01-10"})
    assert r.status_code == 201, r.content
    review_id = r.json()["id"]
    r = _post(api, f"{base}/reviews/{review_id}/decision", {"decision": "discharged", "decided_on": "2025-03-01",
                                                             "reasons": "No longer necessary."})
    assert r.status_code == 201, r.content
    r = _post(api, f"{base}/removals", {"reason": "review", "removed_on": "2025-03-01"})
    assert r.status_code == 201, r.content
    body = api.get(f"{base}/legal").json()
    assert body["subject"] is False and body["removals"][0]["reason"] == "review"
    assert body["reviews"][0]["decision_due"] == "2025-02-21"
    assert Person.objects.get(pk=person.pk).state.status == "expired"


def test_bad_input_names_the_field_and_writes_nothing(officer, person, api_client):
    api = api_client(officer)
    base = f"/api/v1/people/{person.pk}"
    events = AuditEvent.objects.count()
    r = _post(api, f"{base}/detentions", {"kind": "custody", "basis": "sentence", "start": "2020-05-01",
                                          "end": "2020-06-01"})
    assert r.status_code == 400
    assert any(e["field"] == "start" and "custody periods cannot overlap" in e["message"] for e in r.json()["errors"])
    r = _post(api, f"{base}/orders", {"kind": "ftp", "start": "2024-09-01", "countries": "all"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "end"
    r = _post(api, f"{base}/orders", {"kind": "shpo", "start": "2024-09-01", "typo": 1})
    assert r.status_code == 400
    r = _post(api, f"{base}/detentions/12345/release", {"end": "2024-08-01"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "detention_id"
    assert Person.objects.get(pk=person.pk).version == 1
    assert AuditEvent.objects.filter(action__startswith="detention").count() == 0
    assert AuditEvent.objects.count() >= events


def test_a_stale_version_is_409_and_another_force_cannot_write(officer, other_officer, person, api_client):
    base = f"/api/v1/people/{person.pk}"
    r = _post(api_client(officer), f"{base}/removals", {"reason": "period_ended", "removed_on": "2030-03-04",
                                                        "version": 7})
    assert r.status_code in (400, 409)  # the date is in the future (400) before the version is checked
    r = _post(api_client(officer), f"{base}/orders", {"kind": "sro", "start": "2025-01-01", "version": 7})
    assert r.status_code == 409
    other = api_client(other_officer)
    assert _post(other, f"{base}/orders", {"kind": "sro", "start": "2025-01-01"}).status_code == 403
    assert other.get(f"{base}/legal").status_code == 403


def test_openapi_lists_the_legal_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("disposals", "detentions", "detentions/{detention_id}/release", "orders", "reviews",
                 "reviews/{review_id}/decision", "reviews/{review_id}/appeal", "removals", "legal"):
        assert f"/api/v1/people/{{person_id}}/{path}" in paths


def test_passports_surrendered_after_the_prohibition_is_recorded(officer, person, api_client):
    api = api_client(officer)
    base = f"/api/v1/people/{person.pk}"
    r = _post(api, f"{base}/orders", {"kind": "ftp", "start": "2025-06-01", "end": "2030-05-31", "countries": "all"})
    order_id = r.json()["id"]
    r = _post(api, f"{base}/orders/{order_id}", {"passports_surrendered_on": "2025-06-03",
                                                 "surrender_station": "Holborn Police Station"})
    assert r.status_code == 201, r.content
    assert api.get(f"{base}/legal").json()["orders"][0]["passports_surrendered_on"] == "2025-06-03"
    r = _post(api, f"{base}/orders/{order_id}", {"passports_surrendered_on": "2025-06-04",
                                                 "surrender_station": "Holborn Police Station"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "passports_surrendered_on"
