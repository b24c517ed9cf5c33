"""A prescribed item entered in error (register.prescribed_services.prescribed_entered_in_error): kept and marked with
the reason, audited, no longer seen by the rules engine (no prescribed-change duty from it); on the web, the API and
in import files."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from typing import Any

import pytest

from tether.access.permissions import can_correct_register_entry
from tether.audit.models import AuditEvent
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.register.facts import history_from_doc
from tether.register.jsonl import ImportFailed, export_jsonl, import_jsonl
from tether.register.models import Person, PersonObligation, PrescribedItem
from tether.register.prescribed_services import prescribed_end, prescribed_entered_in_error, prescribed_record
from tether.register.selectors import load_histories, load_registrant_docs
from tether.register.services import person_create

pytestmark = pytest.mark.django_db

CARD = "4111 1111 1111 1111"  # a test card number (it passes the Luhn check)
CITATION = "SOA 2003 s.84(1); SI 2012/1876"
REASON = "Recorded on the wrong registrant: the card belongs to their partner"


@pytest.fixture
def person(officer: Any, make_doc: Any, frozen: Any) -> Person:
    return person_create(officer, make_doc())


@pytest.fixture
def card(officer: Any, person: Person) -> PrescribedItem:
    return prescribed_record(officer, person.pk, "payment_card", {
        "kind": "debit", "institution": "Synthetic Bank", "number": CARD, "valid_from": "2025-06-10"})


def _duties(person: Person) -> list[Any]:
    return list(PersonObligation.objects.filter(person=person, citation=CITATION).values_list("trigger", "status"))


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- the write path ---------------------------------------------------------------------------------------------


def test_an_item_entered_in_error_is_kept_marked_and_makes_no_duty(officer: Any, person: Person,
                                                                   card: PrescribedItem) -> None:
    assert _duties(person) == [(date(2025, 6, 10), "overdue")]
    version = Person.objects.get(pk=person.pk).version
    row = prescribed_entered_in_error(officer, person.pk, card.pk, {"reason": f"  {REASON}  "},
                                      expected_version=version)
    card.refresh_from_db()
    assert (card.entered_in_error_on, card.error_reason) == (date(2025, 6, 16), REASON)
    assert row.person.version == version + 1
    assert _duties(person) == []  # the engine no longer sees it
    event = AuditEvent.objects.get(action="person.prescribed_entered_in_error")
    assert event.detail == {"item": "payment_card", "prescribed_item_id": card.pk,
                            "entered_in_error_on": "2025-06-16"}
    assert REASON not in json.dumps(event.detail)  # the reason is in the withheld personal part only


def test_both_readers_leave_it_out_of_the_history(officer: Any, person: Person, card: PrescribedItem) -> None:
    prescribed_entered_in_error(officer, person.pk, card.pk, {"reason": REASON})
    doc = load_registrant_docs([person.pk])[person.pk]
    assert load_histories([person.pk])[person.pk] == history_from_doc(doc, "england-wales")
    assert load_histories([person.pk])[person.pk].prescribed == []


def test_marking_it_again_ending_it_or_no_reason_is_refused_and_writes_nothing(officer: Any, person: Person,
                                                                               card: PrescribedItem) -> None:
    with pytest.raises(ValidationFailed) as exc:
        prescribed_entered_in_error(officer, person.pk, card.pk, {"reason": "  "})
    assert exc.value.errors["reason"] == ["is required"]
    prescribed_entered_in_error(officer, person.pk, card.pk, {"reason": REASON})
    person.refresh_from_db()
    version, events = person.version, AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        prescribed_entered_in_error(officer, person.pk, card.pk, {"reason": "Again"})
    assert "nothing would change" in exc.value.errors["reason"][0]
    with pytest.raises(ValidationFailed) as exc:
        prescribed_end(officer, person.pk, card.pk, {"valid_to": "2025-06-12"})
    assert "entered in error" in exc.value.errors["valid_to"][0]
    with pytest.raises(NotFound):
        prescribed_entered_in_error(officer, person.pk, card.pk + 1000, {"reason": REASON})
    person.refresh_from_db()
    assert person.version == version and AuditEvent.objects.count() == events


def test_the_same_item_can_be_recorded_again_once_the_wrong_one_is_marked(officer: Any, person: Person,
                                                                          card: PrescribedItem) -> None:
    prescribed_entered_in_error(officer, person.pk, card.pk, {"reason": REASON})
    again = prescribed_record(officer, person.pk, "payment_card", {
        "kind": "debit", "institution": "Synthetic Bank", "number": CARD, "valid_from": "2025-06-12"})
    assert again.pk != card.pk and _duties(person) == [(date(2025, 6, 12), "overdue")]


def test_who_may_correct_an_entry(officer: Any, supervisor: Any, force_admin: Any, national_admin: Any,
                                  analyst: Any, auditor: Any, partner: Any, person: Person,
                                  card: PrescribedItem) -> None:
    assert all(can_correct_register_entry(u) for u in (officer, supervisor, force_admin, national_admin))
    assert not any(can_correct_register_entry(u) for u in (analyst, auditor, partner, None))
    with pytest.raises(Forbidden):
        prescribed_entered_in_error(analyst, person.pk, card.pk, {"reason": REASON})
    prescribed_entered_in_error(supervisor, person.pk, card.pk, {"reason": REASON})


def test_another_forces_officer_cannot_without_the_full_record(other_officer: Any, person: Person,
                                                               card: PrescribedItem) -> None:
    with pytest.raises((Forbidden, NotFound)):
        prescribed_entered_in_error(other_officer, person.pk, card.pk, {"reason": REASON})
    card.refresh_from_db()
    assert card.entered_in_error_on is None


# --- the web ----------------------------------------------------------------------------------------------------


def test_the_page_marks_it_and_the_person_page_shows_it_marked(client: Any, officer: Any, person: Person,
                                                               card: PrescribedItem) -> None:
    client.force_login(officer)
    detail = text(client.get(f"/people/{person.pk}/"))
    url = f"/people/{person.pk}/prescribed/{card.pk}/entered-in-error/"
    assert f'href="{url}"' in detail
    page = client.get(url)
    assert page.status_code == 200 and "Record that it was entered in error" in text(page)
    assert "Synthetic Bank debit card ending 1111" in text(page)
    person.refresh_from_db()
    blank = client.post(url, {"reason": "", "version": str(person.version)})
    assert blank.status_code == 400 and "Enter why it was entered in error" in text(blank)
    response = client.post(url, {"reason": REASON, "version": str(person.version)})
    assert response.status_code == 302 and response["Location"].endswith("#prescribed")
    detail = text(client.get(f"/people/{person.pk}/"))
    assert "Synthetic Bank debit card ending 1111 was recorded as entered in error." in detail
    assert "Entered in error" in detail and REASON in detail
    assert f'href="{url}"' not in detail  # no link to mark it again, nor to record its end
    assert f"/prescribed/{card.pk}/end/" not in detail
    assert AuditEvent.objects.filter(action="person.prescribed_entered_in_error").count() == 1


def test_the_page_is_for_writer_roles_and_this_persons_items(client: Any, analyst: Any, officer: Any,
                                                             person: Person, card: PrescribedItem) -> None:
    client.force_login(analyst)
    url = f"/people/{person.pk}/prescribed/{card.pk}/entered-in-error/"
    assert client.get(url).status_code == 403
    client.force_login(officer)
    assert client.get(f"/people/{person.pk}/prescribed/{card.pk + 1000}/entered-in-error/").status_code == 404


# --- the API ----------------------------------------------------------------------------------------------------


def test_the_api_marks_it_and_lists_it_marked(officer: Any, person: Person, card: PrescribedItem,
                                              api_client: Any) -> None:
    api = api_client(officer)
    url = f"/api/v1/people/{person.pk}/prescribed/{card.pk}/entered-in-error"
    bad = api.post(url, {"reason": ""}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "reason"
    response = api.post(url, {"reason": REASON}, content_type="application/json")
    assert response.status_code == 201 and response.json()["id"] == card.pk
    again = api.post(url, {"reason": REASON}, content_type="application/json")
    assert again.status_code == 400
    items = api.get(f"/api/v1/people/{person.pk}/prescribed").json()["items"]
    assert [(i["id"], i["entered_in_error_on"], i["error_reason"]) for i in items] == [
        (card.pk, "2025-06-16", REASON)]


# --- import and export ------------------------------------------------------------------------------------------


def test_an_item_entered_in_error_round_trips_byte_identically_and_makes_no_duty(officer: Any, person: Person,
                                                                               card: PrescribedItem) -> None:
    prescribed_entered_in_error(officer, person.pk, card.pk, {"reason": f"{REASON}\nChecked with the bank."})
    first = io.StringIO()
    export_jsonl(first)
    line = json.loads(first.getvalue())
    assert line["payment_cards"][0]["entered_in_error_on"] == "2025-06-16"
    assert line["payment_cards"][0]["error_reason"] == f"{REASON}\nChecked with the bank."
    Person.objects.all().delete()
    import_jsonl(first.getvalue().splitlines())
    second = io.StringIO()
    export_jsonl(second)
    assert second.getvalue() == first.getvalue()
    imported = Person.objects.get()
    assert _duties(imported) == []


def test_an_import_needs_the_day_and_the_reason_together(make_doc: Any, frozen: Any) -> None:
    card = {"institution": "Synthetic Bank", "number": CARD, "valid_from": "2021-01-01"}
    with pytest.raises(ImportFailed) as exc:
        import_jsonl([json.dumps(make_doc(payment_cards=[{**card, "entered_in_error_on": "2024-01-01"}]))])
    assert [(e.field, e.message) for e in exc.value.errors] == [("payment_cards[0].error_reason", "is required")]


def test_a_new_item_cannot_arrive_already_in_error(officer: Any, person: Person) -> None:
    with pytest.raises(ValidationFailed) as exc:
        prescribed_record(officer, person.pk, "payment_card", {
            "institution": "Synthetic Bank", "number": CARD, "valid_from": "2025-06-10",
            "entered_in_error_on": "2025-06-11", "error_reason": REASON})
    assert set(exc.value.errors) == {"entered_in_error_on", "error_reason"}
