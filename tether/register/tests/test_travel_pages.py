"""The travel, stay and advance-notice pages: GOV.UK date inputs, field-named errors, writes through the services, the
person page's section and the force's "travelling now" list (own force; a national administrator every force)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tether.access.testing import verified_login
from tether.audit.models import AuditEvent
from tether.register.models import AdvanceNotice, Stay, Trip
from tether.register.services import person_create
from tether.register.services_travel import trip_record

pytestmark = pytest.mark.django_db


def squash(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def person(officer, make_doc, frozen):
    return person_create(officer, make_doc())


@pytest.fixture
def officer_client(verified_client, officer):
    return verified_login(verified_client, officer)


def _trip_form(person: Any, **over: str) -> dict[str, str]:
    return {"departure_day": "1", "departure_month": "7", "departure_year": "2025", "countries": "fr, es",
            "arrival_points": "Paris", "accommodation": "Hotel", "return_date_day": "8", "return_date_month": "7",
            "return_date_year": "2025", "received_day": "16", "received_month": "6", "received_year": "2025",
            "received_time": "10:00", "station": "Charing Cross Police Station", "version": str(person.version),
            **over}


def test_the_travel_form_records_a_trip(officer_client, person):
    url = f"/people/{person.pk}/trips/new/"
    page = squash(officer_client.get(url))
    assert 'id="departure_day"' in page and 'name="received_time"' in page and "Record travel" in page
    response = officer_client.post(url, _trip_form(person))
    assert response.status_code == 302 and response["Location"].endswith("#travel")
    t = Trip.objects.get(person=person)
    assert t.countries == "FR ES" and t.notification.kind == "travel"
    page = squash(officer_client.get(f"/people/{person.pk}/"))
    assert 'id="travel"' in page and "FR, ES" in page and "Record a notification of travel" in page
    assert 'data-testid="trip-notified">notified 16 Jun 2025<' in page  # the day of its travel notification


def test_a_travel_form_with_mistakes_names_each_field(officer_client, person):
    url = f"/people/{person.pk}/trips/new/"
    response = officer_client.post(url, _trip_form(person, countries="GB", return_date_day="30",
                                                   return_date_month="6", station=""))
    assert response.status_code == 400
    page = squash(response)
    assert "Countries must not include GB: that is the UK (the rule: a trip goes outside the UK)" in page
    assert "Return date must not be before the departure date" in page
    assert 'href="#station"' in page and 'href="#return_date_day"' in page
    assert not Trip.objects.exists()
    response = officer_client.post(url, _trip_form(person, departure_day="", received_time="25:99"))
    page = squash(response)
    assert response.status_code == 400 and "Departure date must include a day" in page and "must be a real time" in page


def test_new_details_return_and_cancel(officer, officer_client, person):
    trip_record(officer, person.pk, {"departure": "2025-07-01", "countries": ["FR"], "station": "Station"})
    person.refresh_from_db()
    page = squash(officer_client.get(f"/people/{person.pk}/trips/1/"))
    assert 'name="countries" type="text" value="FR"' in page
    response = officer_client.post(f"/people/{person.pk}/trips/1/", _trip_form(person, countries="DE"))
    assert response.status_code == 302
    person.refresh_from_db()
    response = officer_client.post(f"/people/{person.pk}/trips/1/return/", {
        "return_date_day": "10", "return_date_month": "6", "return_date_year": "2025", "version": person.version})
    assert response.status_code == 400  # before the departure on 1 July
    assert "Return date must not be before the departure" in squash(response)
    response = officer_client.post(f"/people/{person.pk}/trips/1/cancel/", {"version": person.version})
    assert response.status_code == 302
    assert Trip.objects.filter(person=person, number=1).order_by("-id").first().cancelled


def test_stay_and_advance_notice_forms(officer_client, person):
    response = officer_client.post(f"/people/{person.pk}/stays/new/", {
        "line1": "4 Other Road", "postcode": "sw1a 2aa", "start_day": "1", "start_month": "6", "start_year": "2025",
        "version": person.version})
    assert response.status_code == 302, squash(response)
    stay = Stay.objects.get(person=person)
    person.refresh_from_db()
    response = officer_client.post(f"/people/{person.pk}/stays/{stay.pk}/end/", {
        "end_day": "1", "end_month": "5", "end_year": "2025", "version": person.version})
    assert response.status_code == 400 and "the rule: a stay ends on or after it starts" in squash(response)
    response = officer_client.post(f"/people/{person.pk}/advance-notices/new/", {"version": person.version})
    page = squash(response)
    assert response.status_code == 400
    for message in ("Select which change they gave notice of", "Enter the date they expect the change",
                    "Enter the date the notification was received"):
        assert message in page
    response = officer_client.post(f"/people/{person.pk}/advance-notices/new/", {
        "change": "home_address", "expected_on_day": "20", "expected_on_month": "6", "expected_on_year": "2025",
        "received_day": "16", "received_month": "6", "received_year": "2025", "received_time": "09:00",
        "station": "Charing Cross Police Station", "version": person.version})
    assert response.status_code == 302, squash(response)
    assert AdvanceNotice.objects.get(person=person).notification.kind == "change"
    page = squash(officer_client.get(f"/people/{person.pk}/"))
    assert "A move to a new home address, expected 20 June 2025" in page


def test_travelling_now_lists_own_force_and_national_sees_all(officer, other_officer, national_admin,
                                                              verified_client, person, make_doc, frozen):
    trip_record(officer, person.pk, {"departure": "2025-06-10", "countries": ["FR"], "station": "Station",
                                     "received_at": "2025-06-01T10:00:00Z"})
    gmp = person_create(other_officer, make_doc(force="GMP", ni_number="AB123457C"))
    trip_record(other_officer, gmp.pk, {"departure": "2025-06-12", "return_date": "2025-06-30",
                                        "countries": ["ES"], "station": "Station",
                                        "received_at": "2025-06-01T10:00:00Z"})
    client = verified_login(verified_client, officer)
    page = squash(client.get("/travelling-now/"))
    assert person.reference in page and gmp.reference not in page
    assert "Nobody is recorded as abroad" in squash(client.get("/travelling-now/?as_of=2025-06-09"))
    assert client.get("/travelling-now/?as_of=2025-02-30").status_code == 400
    admin = verified_login(verified_client, national_admin)
    page = squash(admin.get("/travelling-now/"))
    assert person.reference in page and gmp.reference in page
    page = squash(admin.get("/travelling-now/?force=GMP"))
    assert person.reference not in page and gmp.reference in page
    assert admin.get("/travelling-now/?force=NOPE").status_code == 400
    ev = AuditEvent.objects.filter(action="travel.list").order_by("-seq").first()
    assert ev.detail["force"] == "GMP" and ev.personal in ({}, None)


def test_the_rules_explorer_brings_over_an_advance_notice_not_yet_happened(officer, officer_client, person, frozen):
    from tether.register.services_travel import advance_notice_record

    advance_notice_record(officer, person.pk, {"change": "name", "expected_on": "2025-06-01", "station": "Station",
                                               "received_at": "2025-05-20T10:00:00Z"})
    response = officer_client.get(f"/rules/?person={person.pk}")
    assert response.status_code == 200
    page = squash(response)
    assert "did not happen within 3 days of it" in page  # the non-occurrence duty, from the record
