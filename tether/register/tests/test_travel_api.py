"""The travel, stay and advance-notice API: writes through the one write path, reads audited, scoped by force."""

from __future__ import annotations

import json

import pytest

from tether.audit.models import AuditEvent
from tether.register.services import person_create

pytestmark = pytest.mark.django_db

STATION = "Charing Cross Police Station"


@pytest.fixture
def person(officer, make_doc, frozen):
    return person_create(officer, make_doc())


def _post(api, url, body):
    return api.post(url, json.dumps(body), content_type="application/json")


def test_a_trip_is_recorded_read_returned_and_listed(officer, person, api_client, frozen):
    api = api_client(officer)
    base = f"/api/v1/people/{person.pk}"
    r = _post(api, f"{base}/trips", {"departure": "2025-06-20", "countries": ["fr"], "return_date": "2025-06-25",
                                      "arrival_points": "Calais", "station": STATION, "version": 1})
    assert r.status_code == 201, r.content
    assert r.json() == {"person_version": 2, "id": r.json()["id"], "number": 1}
    body = api.get(f"{base}/travel").json()
    assert body["trips"][0]["countries"] == ["FR"] and body["trips"][0]["versions"] == 1
    notified = body["trips"][0]["notified_on"]  # the day of its travel notification (today: the default)
    assert notified is not None and notified <= "2025-06-20"
    one = api.get(base).json()
    assert one["record"]["trips"][0]["departure"] == "2025-06-20"
    assert any(o["kind"] == "travel" and o["status"] == "met" for o in one["obligations"])

    frozen.move_to("2025-06-22T10:00:00Z")
    listed = api.get("/api/v1/travelling-now").json()
    assert [(x["reference"], x["number"]) for x in listed["results"]] == [(person.reference, 1)]
    assert (listed["count"], listed["page"], listed["pages"]) == (1, 1, 1)
    assert AuditEvent.objects.filter(action="travel.list").exists()
    assert api.get("/api/v1/travelling-now", {"as_of": "2025-06-26"}).json() == {"count": 0, "page": 1, "pages": 1,
                                                                               "results": []}

    frozen.move_to("2025-06-26T10:00:00Z")
    r = _post(api, f"{base}/trips/1/return", {"return_date": "2025-06-25"})
    assert r.status_code == 201, r.content
    r = _post(api, f"{base}/trips/1/return", {"return_date": "2025-06-25"})
    assert r.status_code == 400 and "nothing would change" in r.json()["errors"][0]["message"]
    trip = api.get(f"{base}/travel").json()["trips"][0]
    assert (trip["versions"], trip["notified_on"]) == (2, notified)  # a return is not a travel notification


def test_a_trip_without_a_linked_notification_reads_null(officer, person, api_client):
    from tether.register.models import Trip

    Trip.objects.create(person=person, number=1, departure="2025-05-01", countries="FR", created_at=person.created_at)
    trip = api_client(officer).get(f"/api/v1/people/{person.pk}/travel").json()["trips"][0]
    assert trip["number"] == 1 and trip["notified_on"] is None


def test_validation_names_the_field(officer, person, api_client):
    api = api_client(officer)
    r = _post(api, f"/api/v1/people/{person.pk}/trips", {"departure": "2025-06-20", "countries": ["GB"],
                                                          "return_date": "2025-06-10", "station": STATION})
    assert r.status_code == 400
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"countries", "return_date"}
    r = _post(api, f"/api/v1/people/{person.pk}/trips", {"departure": "2025-06-20", "countries": ["FR"],
                                                          "station": STATION, "surprise": 1})
    assert r.status_code == 400


def test_stays_addresses_and_advance_notices(officer, person, api_client):
    api = api_client(officer)
    base = f"/api/v1/people/{person.pk}"
    r = _post(api, f"{base}/stays", {"line1": "4 Other Road", "postcode": "SW1A 2AA", "start": "2025-06-10"})
    assert r.status_code == 201, r.content
    stay_id = r.json()["id"]
    assert _post(api, f"{base}/stays/{stay_id}/end", {"end": "2025-06-12"}).status_code == 201
    r = _post(api, f"{base}/advance-notices", {"change": "name", "expected_on": "2025-07-01", "station": STATION})
    assert r.status_code == 201, r.content
    body = api.get(f"{base}/travel").json()
    assert body["stays"][0]["end"] == "2025-06-12"
    assert body["advance_notices"][0]["change"] == "name"
    home = person.addresses.get(kind="home")
    r = _post(api, f"{base}/addresses/{home.pk}/end", {"valid_to": "2025-06-01"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "address"


def test_another_force_and_roles(officer, other_officer, analyst, person, api_client):
    other = api_client(other_officer)
    assert other.get(f"/api/v1/people/{person.pk}/travel").status_code == 403
    r = _post(other, f"/api/v1/people/{person.pk}/trips", {"departure": "2025-06-20", "countries": ["FR"],
                                                            "station": STATION})
    assert r.status_code == 403
    assert api_client(analyst).get("/api/v1/travelling-now").status_code == 403


def test_the_travelling_command(officer, analyst, person, frozen):
    from typer.testing import CliRunner

    from tether.cli import app
    from tether.register.services_travel import trip_record

    trip_record(officer, person.pk, {"departure": "2025-06-10", "countries": ["PT"], "station": STATION,
                                     "received_at": "2025-06-01T10:00:00Z"})
    runner = CliRunner()
    out = runner.invoke(app, ["travelling", "--json", "--as", "officer.mps", "--as-of", "2025-06-12"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)[0]["countries"] == ["PT"]
    out = runner.invoke(app, ["travelling", "--as", "officer.mps", "--as-of", "2025-06-09"])
    assert out.exit_code == 0 and "0 registrant(s) abroad." in out.output
    assert runner.invoke(app, ["travelling", "--as", "analyst.mps"]).exit_code == 1
    assert runner.invoke(app, ["travelling", "--as", "officer.mps", "--as-of", "2025-13-01"]).exit_code == 2


def test_travelling_now_is_paged_in_the_api_and_on_the_page(officer, make_doc, api_client, client, frozen,
                                                             monkeypatch):
    from tether.access.testing import verified_login

    api = api_client(officer)
    people = [person_create(officer, make_doc()) for _ in range(3)]
    for i, p in enumerate(people):  # back on the 25th, 26th and 27th: that order
        r = _post(api, f"/api/v1/people/{p.pk}/trips", {"departure": "2025-06-20", "countries": ["fr"],
                                                         "return_date": f"2025-06-2{5 + i}", "station": STATION,
                                                         "version": 1})
        assert r.status_code == 201, r.content
    frozen.move_to("2025-06-22T10:00:00Z")
    whole = api.get("/api/v1/travelling-now")
    assert [x["reference"] for x in whole.json()["results"]] == [p.reference for p in people]
    assert (whole.json()["count"], whole.json()["pages"]) == (3, 1)
    assert (whole["X-Total-Count"], whole["X-Page-Count"]) == ("3", "1")
    second = api.get("/api/v1/travelling-now", {"per_page": 2, "page": 2})
    assert [x["reference"] for x in second.json()["results"]] == [people[2].reference]
    assert (second.json()["count"], second.json()["page"], second.json()["pages"]) == (3, 2, 2)
    assert second["X-Page-Count"] == "2"
    for bad in ({"per_page": 501}, {"page": 0}, {"page": "x"}):
        r = api.get("/api/v1/travelling-now", bad)
        assert r.status_code == 400 and next(iter(bad)) in r.content.decode(), bad
    event = AuditEvent.objects.filter(action="travel.list").latest("id")
    assert (event.detail["results"], event.detail["page"], event.detail["shown"]) == (3, 2, 1)

    from tether.register import views_travel

    monkeypatch.setattr(views_travel, "TRAVELLING_PER_PAGE", 2)  # two a page on the web page
    verified_login(client, officer)
    html = client.get("/travelling-now/?page=2").content.decode()
    assert "Page 2 of 2" in html and "govuk-pagination" in html and "3 registrants abroad" in html
    assert people[2].reference in html and people[0].reference not in html
    for bad in ("nope", "9" * 10_000, " ".join(["1"] * 1000)):  # refused naming the field
        refused = client.get("/travelling-now/", {"page": bad})
        assert refused.status_code == 400 and "Page must be a whole number" in refused.content.decode(), bad[:10]
