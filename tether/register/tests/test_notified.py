"""What a notification carries (register.notified): the full details given on s.83/s.84/s.85 notifications, and
which s.84 change was notified with its date. Same field rules as the person's own names, addresses, identifiers."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest

from tether.audit.models import AuditEvent
from tether.core.errors import ValidationFailed
from tether.register.jsonl import ImportFailed, export_jsonl, import_jsonl
from tether.register.models import Notification, Person
from tether.register.services import notification_record, person_create

pytestmark = pytest.mark.django_db

STATION = "Charing Cross Police Station"
GIVEN = {
    "names": [{"given_names": "Alan", "family_name": "Testperson"}, {"given_names": "Al", "family_name": "Tester"}],
    "home_address": {"line1": "1 Synthetic Street", "town": "London", "postcode": "sw1a1aa"},
    "other_addresses": [{"line1": "9 Other Road", "postcode": "SW1A 2AA"}],
    "ni_number": "ab 12 34 56 c",
}


@pytest.fixture
def person(officer: Any, make_doc: Any, frozen: Any) -> Person:
    return person_create(officer, make_doc())


def _note(**extra: Any) -> dict[str, Any]:
    return {"kind": "periodic", "received_at": "2025-06-16T09:00:00Z", "station": STATION, **extra}


def test_a_periodic_notification_keeps_the_full_details_given_normalised(officer: Any, person: Person) -> None:
    note = notification_record(officer, person.pk, _note(given=GIVEN))
    note.refresh_from_db()
    assert note.given == {
        "names": [{"given_names": "Alan", "family_name": "Testperson"}, {"given_names": "Al", "family_name": "Tester"}],
        "home_address": {"line1": "1 Synthetic Street", "line2": "", "town": "London", "postcode": "SW1A 1AA"},
        "other_addresses": [{"line1": "9 Other Road", "line2": "", "town": "", "postcode": "SW1A 2AA"}],
        "ni_number": "AB123456C",
    }
    event = AuditEvent.objects.get(action="notification.record")
    assert event.detail["given"] == ["home_address", "names", "ni_number", "other_addresses"]
    assert "AB123456C" not in json.dumps(event.detail) and "Synthetic" not in json.dumps(event.detail)


def test_a_change_notification_says_which_change_and_when(officer: Any, person: Person) -> None:
    note = notification_record(officer, person.pk, _note(kind="change", change="home_address",
                                                         changed_on="2025-06-14", given=GIVEN))
    note.refresh_from_db()
    assert (note.change, note.changed_on) == ("home_address", date(2025, 6, 14))
    event = AuditEvent.objects.get(action="notification.record")
    assert event.detail["change"] == "home_address" and event.detail["changed_on"] == "2025-06-14"


@pytest.mark.parametrize(
    ("extra", "field", "rule"),
    [
        ({"change": "home_address", "changed_on": "2025-06-14"}, "change", "only for change notifications"),
        ({"kind": "change", "change": "moved", "changed_on": "2025-06-14"}, "change", "must be one of"),
        ({"kind": "change", "change": "name"}, "changed_on", "is required with change"),
        ({"kind": "change", "changed_on": "2025-06-14"}, "change", "is required with changed_on"),
        ({"kind": "change", "change": "name", "changed_on": "2025-06-17"}, "changed_on", "must not be after"),
        ({"kind": "change", "change": "name", "changed_on": "1970-01-01"}, "changed_on", "date of birth"),
        ({"kind": "travel", "given": GIVEN}, "given", "only for initial, change and periodic"),
        ({"given": {**GIVEN, "home_address": {"line1": "1 Synthetic Street", "postcode": "NOPE"}}},
         "given.home_address.postcode", "postcode"),
        ({"given": {**GIVEN, "ni_number": "QQ123"}}, "given.ni_number", "National Insurance number"),
        ({"given": {**GIVEN, "names": []}}, "given.names", "at least one name"),
        ({"given": {**GIVEN, "names": [{"given_names": "A\u2028B", "family_name": "C"}]}},
         "given.names[0].given_names", "control characters"),
        ({"given": {"names": GIVEN["names"]}}, "given.home_address", "is required"),
        ({"given": {**GIVEN, "passport": "x"}}, "given.passport", "is not a detail"),
    ],
)
def test_what_was_notified_is_checked_by_the_same_field_rules(officer: Any, person: Person, extra: dict[str, Any],
                                                              field: str, rule: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        notification_record(officer, person.pk, _note(**extra))
    assert field in exc.value.errors, exc.value.errors
    assert rule in " ".join(exc.value.errors[field])
    person.refresh_from_db()
    assert person.version == 1 and Notification.objects.filter(person=person).count() == 2


def test_the_file_carries_what_was_notified_and_round_trips(make_doc: Any, frozen: Any) -> None:
    doc = make_doc()
    doc["notifications"].append({"kind": "change", "received_at": "2022-01-05T10:00:00Z", "station": STATION,
                                 "officer": "PC 1", "change": "name", "changed_on": "2022-01-03", "given": GIVEN})
    import_jsonl([json.dumps(doc)])
    first = io.StringIO()
    export_jsonl(first)
    notes = json.loads(first.getvalue())["notifications"]
    assert "change" not in notes[0] and "given" not in notes[0]  # nothing recorded: exported as before
    assert notes[2]["change"] == "name" and notes[2]["changed_on"] == "2022-01-03"
    assert notes[2]["given"]["ni_number"] == "AB123456C"
    assert list(notes[2]["given"]) == ["names", "home_address", "other_addresses", "ni_number"]
    Person.objects.all().delete()
    import_jsonl(first.getvalue().splitlines())
    second = io.StringIO()
    export_jsonl(second)
    assert second.getvalue() == first.getvalue()


def test_an_old_file_still_imports(make_doc: Any, frozen: Any) -> None:
    """A format 1 line (no change, changed_on or given; free details) imports unchanged."""
    doc = {**make_doc(), "format": 1}
    doc["notifications"][0]["details"] = {"note": "Attended with a solicitor"}
    assert import_jsonl([json.dumps(doc)]).imported == 1


def test_a_bad_notified_detail_in_a_file_is_a_line_error(make_doc: Any, frozen: Any) -> None:
    doc = make_doc()
    doc["notifications"][1]["change"] = "name"
    doc["notifications"][1]["changed_on"] = "2021-06-30"
    with pytest.raises(ImportFailed) as exc:
        import_jsonl([json.dumps(doc)])
    assert [(e.field, e.message) for e in exc.value.errors] == [
        ("notifications[1].change", "is only for change notifications (s.84): say which change, and when")]
