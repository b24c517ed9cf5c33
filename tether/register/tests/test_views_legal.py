"""The legal record pages: each records through its service, shows field-named errors (the form's and the
service's together), refuses what changes nothing, and the person page's panel lists what was recorded."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tether.audit.models import AuditEvent
from tether.register.legal import review_apply, review_decide
from tether.register.models import Person
from tether.register.services import person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(officer, make_doc, frozen):
    return person_create(officer, make_doc())


def squash(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def parts(name: str, iso: str) -> dict[str, str]:
    y, m, d = iso.split("-")
    return {f"{name}_day": d, f"{name}_month": m, f"{name}_year": y}


def test_recording_a_disposal_shows_the_schedule3_flag(client, officer, person):
    client.force_login(officer)
    url = f"/people/{person.pk}/disposals/new/"
    assert client.get(url).status_code == 200
    r = client.post(url, {**parts("date", "2024-01-10"), "offence": "Exposure (SOA 2003 s.66)", "kind": "other",
                          "months": "6", "court": "Highbury Corner Magistrates' Court", "version": "1"}, follow=True)
    page = squash(r)
    assert r.status_code == 200 and "was recorded" in page
    assert "flagged for review" in page
    assert Person.objects.get(pk=person.pk).disposals.filter(court__startswith="Highbury").exists()


def test_errors_name_the_field_from_the_form_and_the_service(client, officer, person):
    client.force_login(officer)
    url = f"/people/{person.pk}/disposals/new/"
    r = client.post(url, {**parts("date", "2024-02-31"), "offence": "", "kind": "imprisonment", "version": "1"})
    page = squash(r)
    assert r.status_code == 400
    assert "Date of conviction, caution or finding must be a real date" in page
    assert "Enter the offence" in page
    assert "Length in months is required for imprisonment" in page
    assert 'href="#date_day"' in page and 'href="#months"' in page
    assert AuditEvent.objects.filter(action="disposal.record").count() == 0


def test_a_period_a_release_and_its_contradictions(client, officer, person):
    client.force_login(officer)
    url = f"/people/{person.pk}/periods/new/"
    r = client.post(url, {"kind": "custody", "basis": "sentence", **parts("start", "2020-05-01"),
                          **parts("end", "2020-06-01"), "version": "1"})
    assert r.status_code == 400 and "custody periods cannot overlap" in squash(r)
    r = client.post(url, {"kind": "custody", "basis": "remand", **parts("start", "2025-05-01"), "version": "1"})
    assert r.status_code == 302
    detention = Person.objects.get(pk=person.pk).detentions.get(start="2025-05-01")
    page = squash(client.get(f"/people/{person.pk}/"))
    assert "Remanded in custody" in page and "Record release" in page
    release = f"/people/{person.pk}/periods/{detention.pk}/release/"
    r = client.post(release, {**parts("end", "2025-06-10"), **parts("licence_end", "2026-06-09"), "version": "2"})
    assert r.status_code == 302, squash(r)
    r = client.post(release, {**parts("end", "2025-06-10"), "version": "3"})
    assert r.status_code == 400 and "nothing would change" in squash(r)
    assert client.get(f"/people/{person.pk}/periods/99999/release/").status_code == 404


def test_an_order_and_a_travel_prohibition(client, officer, person):
    client.force_login(officer)
    url = f"/people/{person.pk}/orders/new/"
    r = client.post(url, {"kind": "ftp", **parts("start", "2025-01-01"), **parts("end", "2031-01-01"),
                          "countries": "all", "version": "1"})
    assert r.status_code == 400 and "not more than 5 years" in squash(r)
    r = client.post(url, {"kind": "ftp", **parts("start", "2025-01-01"), **parts("end", "2029-12-31"),
                          "countries": "all", **parts("passports_surrendered_on", "2025-01-02"),
                          "surrender_station": "Holborn Police Station", "version": "1"})
    assert r.status_code == 302
    page = squash(client.get(f"/people/{person.pk}/"))
    assert "Foreign travel prohibition" in page and "Passports surrendered 2 Jan 2025 at Holborn" in page


def test_review_decision_and_removal_pages(client, officer, make_doc, frozen):
    person = person_create(officer, make_doc(
        disposals=[{"date": "2005-03-04", "offence": "Rape (SOA 2003 s.1)", "kind": "life"}],
        detentions=[{"kind": "custody", "start": "2005-03-04", "end": "2006-09-01"}],
        notifications=[{"kind": "initial", "received_at": "2006-09-02T10:00:00Z", "station": "Holborn"}],
    ))
    client.force_login(officer)
    page = squash(client.get(f"/people/{person.pk}/"))
    assert "Eligible to apply from 2 September 2021" in page
    r = client.post(f"/people/{person.pk}/reviews/new/", {**parts("applied_on", "2025-01-10"), "version": "1"})
    assert r.status_code == 302
    review = person.reviews.get()
    url = f"/people/{person.pk}/reviews/{review.pk}/decision/"
    r = client.post(url, {"decision": "discharged", **parts("decided_on", "2025-03-01"), "version": "2"})
    assert r.status_code == 400 and "Reasons" in squash(r)
    r = client.post(url, {"decision": "discharged", **parts("decided_on", "2025-03-01"), "reasons": "Low risk.",
                          "version": "2"})
    assert r.status_code == 302
    r = client.post(f"/people/{person.pk}/removals/new/", {"reason": "review", **parts("removed_on", "2025-03-01"),
                                                           "version": "3"}, follow=True)
    page = squash(r)
    assert "The removal on 1 March 2025 was recorded" in page and "Discharged on review" in page
    assert "No longer subject" in page


def test_another_force_records_a_reason_first_and_readers_cannot_record(client, other_officer, analyst, person):
    client.force_login(other_officer)
    r = client.get(f"/people/{person.pk}/orders/new/")
    assert r.status_code == 302 and r["Location"] == f"/people/{person.pk}/"
    client.force_login(analyst)
    assert client.get(f"/people/{person.pk}/orders/new/").status_code == 403


def test_a_decided_review_links_an_appeal_only_when_refused(client, officer, make_doc, frozen):
    person = person_create(officer, make_doc(
        disposals=[{"date": "2005-03-04", "offence": "Rape (SOA 2003 s.1)", "kind": "life"}],
        notifications=[{"kind": "initial", "received_at": "2006-09-02T10:00:00Z", "station": "Holborn"}],
        detentions=[],
    ))
    review = review_apply(officer, person.pk, {"applied_on": "2025-01-10"})
    review_decide(officer, person.pk, review.pk, {"decision": "refused", "decided_on": "2025-02-01",
                                                  "reasons": "Risk remains."})
    client.force_login(officer)
    page = squash(client.get(f"/people/{person.pk}/"))
    assert f"/reviews/{review.pk}/appeal/" in page and "Eligible to apply from 1 February 2033" in page
    r = client.post(f"/people/{person.pk}/reviews/{review.pk}/appeal/",
                    {**parts("appeal_lodged_on", "2025-02-10"), "version": "3"})
    assert r.status_code == 302


def test_the_end_of_an_order_page(client, officer, person):
    from tether.register.legal import order_record

    order = order_record(officer, person.pk, {"kind": "shpo", "start": "2024-01-01"})
    client.force_login(officer)
    page = squash(client.get(f"/people/{person.pk}/"))
    assert f"/orders/{order.pk}/" in page and "Record the end" in page
    url = f"/people/{person.pk}/orders/{order.pk}/"
    assert "Until further order" in squash(client.get(url))
    r = client.post(url, {**parts("end", "2025-05-31"), "version": "2"})
    assert r.status_code == 302
    order.refresh_from_db()
    assert str(order.end) == "2025-05-31"
    assert client.get(f"/people/{person.pk}/orders/99999/").status_code == 404
