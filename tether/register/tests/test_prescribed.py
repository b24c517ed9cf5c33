"""The 2012 prescribed items (register.prescribed): field rules, the write path, the engine's duty from recorded
items, and that a full card, account or document number is never kept anywhere."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from django.db import connection

from tether.audit.models import AuditEvent
from tether.core.errors import NotFound, ValidationFailed
from tether.register.facts import facts_from, history_from_doc
from tether.register.jsonl import export_jsonl, import_jsonl
from tether.register.models import Person, PersonObligation, PrescribedItem
from tether.register.prescribed import (
    LUHN_RULE,
    luhn_ok,
    normalise_card_number,
    number_hash,
)
from tether.register.prescribed_services import prescribed_end, prescribed_record
from tether.register.selectors import load_histories, load_registrant_docs
from tether.register.services import notification_record, person_create

pytestmark = pytest.mark.django_db

CARD = "4111 1111 1111 1111"  # a test card number (it passes the Luhn check)
CARD_DIGITS = "4111111111111111"
PASSPORT = "925665416"
ACCOUNT = "31926819"
CITATION = "SOA 2003 s.84(1); SI 2012/1876"


@pytest.fixture
def person(officer: Any, make_doc: Any, frozen: Any) -> Person:
    return person_create(officer, make_doc())


def _card(**extra: Any) -> dict[str, Any]:
    return {"kind": "debit", "institution": "Synthetic Bank", "number": CARD, "valid_from": "2025-06-10", **extra}


def _prescribed_duties(person: Person) -> list[PersonObligation]:
    return list(PersonObligation.objects.filter(person=person, citation=CITATION).order_by("trigger"))


# --- field rules ------------------------------------------------------------------------------------------------


def test_the_luhn_check() -> None:
    assert luhn_ok(CARD_DIGITS) and luhn_ok("79927398713")
    assert not luhn_ok("4111111111111112")
    assert normalise_card_number("4111-1111-1111-1111") == CARD_DIGITS


@pytest.mark.parametrize(
    ("data", "field", "rule"),
    [
        (_card(number="4111 1111 1111 1112"), "number", "Luhn check"),
        (_card(number="41111111111"), "number", "12 to 19 digits"),
        (_card(number="4111 1111 1111 111X"), "number", "12 to 19 digits"),
        (_card(number=""), "number", "is required"),
        (_card(institution=""), "institution", "is required"),
        (_card(kind="gold"), "kind", "must be one of: debit, credit, other"),
        (_card(issued_on="2024-01-01", expires_on="2023-01-01"), "expires_on", "must not be before the start"),
        (_card(valid_from="2025-07-01"), "valid_from", "must not be in the future"),
        (_card(valid_to="2025-06-01"), "valid_to", "must not be before the start"),
        (_card(number_last4="1111", number_hash="0" * 64), "number_last4", "give the full number"),
    ],
)
def test_a_bad_card_names_the_field_and_the_rule_and_never_repeats_the_number(
        officer: Any, person: Person, data: dict[str, Any], field: str, rule: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        prescribed_record(officer, person.pk, "payment_card", data)
    assert field in exc.value.errors and rule in " ".join(exc.value.errors[field])
    digits = "".join(ch for ch in str(data.get("number", "")) if ch.isdigit())
    if digits:
        assert digits not in str(exc.value) and data["number"] not in str(exc.value)
    assert not PrescribedItem.objects.exists() and not AuditEvent.objects.filter(
        action="person.prescribed_record").exists()


@pytest.mark.parametrize(
    ("item", "data", "field", "rule"),
    [
        ("passport", {"country": "GBR", "number": PASSPORT, "valid_from": "2020-01-01"}, "country", "2-letter"),
        ("passport", {"country": "GB", "number": "12 3", "valid_from": "2020-01-01"}, "number", "5 to 20"),
        ("bank_account", {"institution": "Bank", "sort_code": "12-34-5", "number": ACCOUNT,
                          "valid_from": "2020-01-01"}, "sort_code", "6 digits"),
        ("bank_account", {"institution": "Bank", "sort_code": "12-34-56", "number": "123",
                          "valid_from": "2020-01-01"}, "number", "6 to 8 digits"),
        ("relevant_household", {"line1": "2 Synthetic Road", "postcode": "NOPE", "valid_from": "2020-01-01"},
         "postcode", "postcode"),
        ("relevant_household", {"line1": "2 Synthetic Road", "postcode": "SW1A 2AA", "valid_from": "2020-01-01",
                                "intended_periods": [{"start": "2025-08-02", "end": "2025-08-01"}]},
         "intended_periods[0].end", "must not be before the start"),
        ("passport", {"country": "GB", "number": PASSPORT, "valid_from": "1970-01-01"}, "valid_from",
         "date of birth"),
    ],
)
def test_each_item_names_the_field_and_the_rule(officer: Any, person: Person, item: str, data: dict[str, Any],
                                                field: str, rule: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        prescribed_record(officer, person.pk, item, data)
    assert field in exc.value.errors and rule in " ".join(exc.value.errors[field]).lower() + " ".join(
        exc.value.errors[field])


# --- the write path -------------------------------------------------------------------------------------------


def _everything_stored() -> str:
    """Every text value in every table of the database (the audit trail included)."""
    out = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            out += [str(value) for row in cur.fetchall() for value in row]
    return "\n".join(out)


def test_the_full_number_is_never_stored_audited_or_exported(officer: Any, person: Person) -> None:
    card = prescribed_record(officer, person.pk, "payment_card", _card())
    account = prescribed_record(officer, person.pk, "bank_account", {
        "institution": "Synthetic Bank", "sort_code": "12-34-56", "number": ACCOUNT, "valid_from": "2025-06-10"})
    passport = prescribed_record(officer, person.pk, "passport", {
        "country": "GB", "number": PASSPORT, "issued_on": "2019-01-01", "expires_on": "2029-01-01",
        "valid_from": "2019-01-01"})
    assert (card.number_last4, card.number_hash) == ("1111", number_hash("payment_card", CARD_DIGITS))
    assert (account.number_last4, account.number_hash) == ("6819", number_hash("bank_account", "123456" + ACCOUNT))
    assert passport.number_last4 == "5416" and len(passport.number_hash) == 64
    stored = _everything_stored()
    exported = io.StringIO()
    export_jsonl(exported)
    for number in (CARD_DIGITS, CARD, ACCOUNT, PASSPORT):
        assert number not in stored
        assert number not in exported.getvalue()
    events = AuditEvent.objects.filter(action="person.prescribed_record").order_by("seq")
    assert [e.detail["item"] for e in events] == ["payment_card", "bank_account", "passport"]
    assert events[0].personal == {"after": {"number_last4": "1111"}}
    assert "1111" not in json.dumps(events[0].detail)  # personal values only in ``personal``


def test_the_same_item_again_writes_nothing(officer: Any, person: Person) -> None:
    prescribed_record(officer, person.pk, "payment_card", _card())
    person.refresh_from_db()
    version, events = person.version, AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        prescribed_record(officer, person.pk, "payment_card", _card(number="4111111111111111"))
    assert "nothing would change" in exc.value.errors["number"][0]
    person.refresh_from_db()
    assert person.version == version and PrescribedItem.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_ending_an_item_keeps_it_and_ending_it_again_is_refused(officer: Any, person: Person) -> None:
    card = prescribed_record(officer, person.pk, "payment_card", _card(valid_from="2021-01-01"))
    with pytest.raises(ValidationFailed) as exc:
        prescribed_end(officer, person.pk, card.pk, {"valid_to": "2020-12-31"})
    assert "must not be before the date it was held from" in exc.value.errors["valid_to"][0]
    prescribed_end(officer, person.pk, card.pk, {"valid_to": "2025-06-12"})
    card.refresh_from_db()
    assert card.valid_to == date(2025, 6, 12)
    with pytest.raises(ValidationFailed) as exc:
        prescribed_end(officer, person.pk, card.pk, {"valid_to": "2025-06-13"})
    assert "nothing would change" in exc.value.errors["valid_to"][0]
    with pytest.raises(NotFound):
        prescribed_end(officer, person.pk, card.pk + 1000, {"valid_to": "2025-06-13"})
    event = AuditEvent.objects.get(action="person.prescribed_end")
    assert event.detail["item"] == "payment_card" and event.detail["valid_to"] == "2025-06-12"


# --- the engine: the duty arises from recorded data -------------------------------------------------------------


def test_an_item_begun_or_ended_after_registration_is_a_duty_to_notify_within_3_days(officer: Any,
                                                                                    person: Person) -> None:
    """E&W from 13 August 2012: a change to a passport, account, card or relevant household is notified within
    3 days beginning with the change (SOA 2003 s.84(1); SI 2012/1876); met by a prescribed (or full)
    notification on or after it."""
    card = prescribed_record(officer, person.pk, "payment_card", _card(valid_from="2025-06-10"))
    duty = _prescribed_duties(person)
    assert [(d.kind, d.trigger, d.due, d.status) for d in duty] == [
        ("change", date(2025, 6, 10), date(2025, 6, 12), "overdue")]
    assert "debit or credit card" in duty[0].explanation
    notification_record(officer, person.pk, {"kind": "prescribed", "received_at": "2025-06-16T09:00:00Z",
                                             "station": "Charing Cross Police Station"})
    assert [(d.status, d.met_on) for d in _prescribed_duties(person)] == [("met", date(2025, 6, 16))]
    prescribed_end(officer, person.pk, card.pk, {"valid_to": "2025-06-16"})
    assert [(d.trigger, d.status) for d in _prescribed_duties(person)] == [
        (date(2025, 6, 10), "met"), (date(2025, 6, 16), "met")]


def test_items_held_at_registration_or_before_2012_make_no_duty(officer: Any, make_doc: Any, frozen: Any) -> None:
    person = person_create(officer, make_doc())  # first disposal 4 March 2020
    prescribed_record(officer, person.pk, "passport", {"country": "GB", "number": PASSPORT,
                                                      "valid_from": "2019-01-01"})
    assert _prescribed_duties(person) == []
    old = make_doc(disposals=[{"date": "2010-03-04", "offence": "Sexual assault (synthetic)", "kind": "life"}],
                   detentions=[], notifications=[])
    earlier = person_create(officer, {**old, "ni_number": None, "pnc_id": None,
                                      "names": [{"kind": "birth", "given_names": "Bert", "family_name": "Earlier"}]})
    prescribed_record(officer, earlier.pk, "relevant_household", {
        "line1": "2 Synthetic Road", "postcode": "SW1A 2AA", "valid_from": "2011-05-01", "valid_to": "2012-08-12"})
    assert _prescribed_duties(earlier) == []  # before the 2012 Regulations (E&W: 13 August 2012)
    prescribed_record(officer, earlier.pk, "relevant_household", {
        "line1": "3 Synthetic Road", "postcode": "SW1A 2AA", "valid_from": "2012-08-13"})
    assert [d.trigger for d in _prescribed_duties(earlier)] == [date(2012, 8, 13)]


def test_both_readers_give_the_engine_the_same_history(officer: Any, person: Person) -> None:
    prescribed_record(officer, person.pk, "payment_card", _card(valid_from="2024-01-01"))
    prescribed_record(officer, person.pk, "relevant_household", {
        "line1": "2 Synthetic Road", "postcode": "SW1A 2AA", "valid_from": "2024-01-01", "valid_to": "2024-02-01"})
    doc = load_registrant_docs([person.pk])[person.pk]
    from_rows = load_histories([person.pk])[person.pk]
    from_doc = history_from_doc(doc, "england-wales")
    assert from_rows == from_doc
    events = [(e.kind, e.start, e.item) for e in facts_from(from_rows).events if e.kind == "prescribed_change"]
    assert events == [("prescribed_change", date(2024, 1, 1), "payment_card"),
                      ("prescribed_change", date(2024, 1, 1), "relevant_household"),
                      ("prescribed_change", date(2024, 2, 1), "relevant_household")]


# --- import and export --------------------------------------------------------------------------------------------


def test_a_file_with_full_numbers_imports_as_last_4_and_hash_and_round_trips_byte_identically(make_doc: Any,
                                                                                              frozen: Any) -> None:
    doc = make_doc(
        identity_documents=[{"kind": "passport", "country": "gb", "number": PASSPORT, "issued_on": "2019-01-01",
                             "expires_on": "2029-01-01", "valid_from": "2019-01-01", "valid_to": None}],
        bank_accounts=[{"institution": "Synthetic Bank", "sort_code": "123456", "number": ACCOUNT,
                        "valid_from": "2021-01-01"}],
        payment_cards=[{"kind": "credit", "institution": "Synthetic Card Co", "number": CARD,
                        "valid_from": "2021-01-01", "valid_to": "2024-01-01"}],
        relevant_households=[{"line1": "2 Synthetic Road", "postcode": "sw1a2aa", "valid_from": "2023-04-01",
                              "intended_periods": [{"start": "2023-04-01", "end": "2023-04-03"}]}],
    )
    import_jsonl([json.dumps(doc)])
    first = io.StringIO()
    export_jsonl(first)
    line = json.loads(first.getvalue())
    assert line["format"] == 2
    assert line["payment_cards"] == [{"kind": "credit", "institution": "Synthetic Card Co", "number_last4": "1111",
                                      "number_hash": number_hash("payment_card", CARD_DIGITS),
                                      "issued_on": None, "expires_on": None, "valid_from": "2021-01-01",
                                      "valid_to": "2024-01-01"}]
    assert line["identity_documents"][0]["country"] == "GB"
    assert line["relevant_households"][0]["postcode"] == "SW1A 2AA"
    assert CARD_DIGITS not in first.getvalue() and PASSPORT not in first.getvalue()

    Person.objects.all().delete()
    import_jsonl(first.getvalue().splitlines())
    second = io.StringIO()
    export_jsonl(second)
    assert second.getvalue() == first.getvalue()


def test_a_registrant_without_items_exports_without_the_keys(make_doc: Any, frozen: Any) -> None:
    import_jsonl([json.dumps(make_doc())])
    out = io.StringIO()
    export_jsonl(out)
    line = json.loads(out.getvalue())
    assert not {"identity_documents", "bank_accounts", "payment_cards", "relevant_households"} & set(line)


def test_a_bad_item_in_a_file_is_a_line_error_naming_the_field(make_doc: Any, frozen: Any) -> None:
    from tether.register.jsonl import ImportFailed

    bad = make_doc(payment_cards=[{"institution": "Bank", "number": "4111111111111112", "valid_from": "2021-01-01"}])
    with pytest.raises(ImportFailed) as exc:
        import_jsonl([json.dumps(bad)])
    assert [(e.line, e.field, e.message) for e in exc.value.errors] == [(1, "payment_cards[0].number", LUHN_RULE)]
    assert "4111111111111112" not in str(exc.value.errors[0])
