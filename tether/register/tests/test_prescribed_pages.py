"""The pages of the 2012 prescribed items (register.views_prescribed) and the notification page's new parts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tether.audit.models import AuditEvent
from tether.register.models import Person, PrescribedItem
from tether.register.services import person_create

pytestmark = pytest.mark.django_db

CARD = "4111111111111111"


@pytest.fixture
def person(officer: Any, make_doc: Any, frozen: Any) -> Person:
    return person_create(officer, make_doc())


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def card_form(person: Any, **overrides: str) -> dict[str, str]:
    return {"kind": "debit", "institution": "Synthetic Bank", "number": CARD, "valid_from_day": "10",
            "valid_from_month": "6", "valid_from_year": "2025", "version": str(person.version), **overrides}


def test_record_a_card_and_see_only_its_last_4(client: Any, officer: Any, person: Person) -> None:
    client.force_login(officer)
    url = f"/people/{person.pk}/prescribed/payment_card/new/"
    page = client.get(url)
    assert page.status_code == 200 and "Record a debit or credit card" in text(page)
    response = client.post(url, card_form(person))
    assert response.status_code == 302 and response["Location"].endswith("#prescribed")
    detail = text(client.get(f"/people/{person.pk}/"))
    assert "Passports, bank and household" in detail
    assert "Synthetic Bank debit card ending 1111" in detail and CARD not in detail
    assert "SOA 2003 s.84(1); SI 2012/1876" in detail  # the duty the card's start made


def test_a_bad_card_number_names_the_field_and_the_number_is_not_shown_back(client: Any, officer: Any,
                                                                            person: Person) -> None:
    client.force_login(officer)
    bad = "4111111111111112"
    response = client.post(f"/people/{person.pk}/prescribed/payment_card/new/", card_form(person, number=bad,
                                                                                           institution=""))
    body = text(response)
    assert response.status_code == 400
    assert "Number is not a card number: its last digit does not match the others (the Luhn check)" in body
    assert "Bank or card issuer" in body and 'href="#number"' in body
    assert bad not in body
    assert not PrescribedItem.objects.exists()


def test_the_same_item_twice_writes_nothing(client: Any, officer: Any, person: Person) -> None:
    client.force_login(officer)
    url = f"/people/{person.pk}/prescribed/payment_card/new/"
    assert client.post(url, card_form(person)).status_code == 302
    person.refresh_from_db()
    response = client.post(url, card_form(person))
    assert response.status_code == 400 and "nothing would change" in text(response)
    assert PrescribedItem.objects.count() == 1


def test_record_a_household_and_end_it(client: Any, officer: Any, person: Person) -> None:
    client.force_login(officer)
    response = client.post(f"/people/{person.pk}/prescribed/relevant_household/new/", {
        "line1": "2 Synthetic Road", "postcode": "sw1a 2aa", "valid_from_day": "1", "valid_from_month": "6",
        "valid_from_year": "2025", "intended_from_day": "1", "intended_from_month": "6", "intended_from_year": "2025",
        "intended_to_day": "3", "intended_to_month": "6", "intended_to_year": "2025", "version": "1"})
    assert response.status_code == 302
    item = PrescribedItem.objects.get()
    assert item.intended_periods == [{"start": "2025-06-01", "end": "2025-06-03"}]
    end_url = f"/people/{person.pk}/prescribed/{item.pk}/end/"
    assert "2 Synthetic Road, SW1A 2AA" in text(client.get(end_url))
    blank = client.post(end_url, {"version": "2"})
    assert blank.status_code == 400 and "Enter the date they stopped holding it" in text(blank)
    done = client.post(end_url, {"valid_to_day": "14", "valid_to_month": "6", "valid_to_year": "2025",
                                 "version": "2"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.valid_to.isoformat() == "2025-06-14"
    assert AuditEvent.objects.filter(action="person.prescribed_end").count() == 1


def test_unknown_items_and_other_peoples_items_are_not_found(client: Any, officer: Any, person: Person,
                                                            gmp_person: Any, other_officer: Any) -> None:
    client.force_login(officer)
    assert client.get(f"/people/{person.pk}/prescribed/yacht/new/").status_code == 404
    client.force_login(other_officer)
    client.post(f"/people/{gmp_person.pk}/prescribed/payment_card/new/", card_form(gmp_person))
    theirs = PrescribedItem.objects.get(person=gmp_person)
    client.force_login(officer)
    assert client.get(f"/people/{person.pk}/prescribed/{theirs.pk}/end/").status_code == 404


def test_the_notification_page_starts_the_details_given_from_the_record_and_records_the_change(
        client: Any, officer: Any, person: Person) -> None:
    client.force_login(officer)
    url = f"/people/{person.pk}/notifications/new/"
    page = text(client.get(url))
    assert 'value="Testperson"' in page and 'value="SW1A 1AA"' in page and 'value="AB123456C"' in page
    form = {"kind": "change", "received_day": "16", "received_month": "6", "received_year": "2025",
            "received_time": "10:00", "station": "Charing Cross Police Station", "given_given_names": "Alan",
            "given_family_name": "Newname", "given_line1": "1 Synthetic Street", "given_postcode": "SW1A 1AA",
            "given_ni_number": "AB123456C", "version": "1"}
    missing = client.post(url, form)
    assert missing.status_code == 400
    assert "Select which change they notified" in text(missing)
    assert "Enter the date the change happened" in text(missing)
    saved = client.post(url, {**form, "change": "name", "changed_on_day": "15", "changed_on_month": "6",
                              "changed_on_year": "2025"})
    assert saved.status_code == 302
    note = person.notifications.order_by("-id").first()
    assert (note.change, note.changed_on.isoformat()) == ("name", "2025-06-15")
    assert note.given["names"] == [{"given_names": "Alan", "family_name": "Newname"}]
    detail = text(client.get(f"/people/{person.pk}/"))
    assert "A name not notified before on 15 June 2025" in detail and "Details they gave" in detail


def test_a_travel_notification_does_not_carry_the_details_filled_in(client: Any, officer: Any,
                                                                    person: Person) -> None:
    client.force_login(officer)
    response = client.post(f"/people/{person.pk}/notifications/new/", {
        "kind": "travel", "received_day": "16", "received_month": "6", "received_year": "2025",
        "received_time": "10:00", "station": "Charing Cross Police Station", "given_given_names": "Alan",
        "given_family_name": "Testperson", "given_line1": "1 Synthetic Street", "given_postcode": "SW1A 1AA",
        "version": "1"})
    assert response.status_code == 302
    assert person.notifications.order_by("-id").first().given == {}


def test_a_bad_postcode_given_names_its_field(client: Any, officer: Any, person: Person) -> None:
    client.force_login(officer)
    response = client.post(f"/people/{person.pk}/notifications/new/", {
        "kind": "periodic", "received_day": "16", "received_month": "6", "received_year": "2025",
        "received_time": "10:00", "station": "Charing Cross Police Station", "given_given_names": "Alan",
        "given_family_name": "Testperson", "given_line1": "1 Synthetic Street", "given_postcode": "NOPE",
        "version": "1"})
    body = text(response)
    assert response.status_code == 400 and '<a href="#given_postcode">Enter a real UK postcode' in body
