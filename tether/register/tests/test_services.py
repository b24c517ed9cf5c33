from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tether.audit.models import AuditEvent
from tether.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tether.register.models import Notification, Person, RegisterState
from tether.register.services import notification_record, person_create

pytestmark = pytest.mark.django_db


def test_person_create_writes_history_state_and_audit(officer, make_doc, frozen):
    person = person_create(officer, make_doc())
    assert person.reference.startswith("TTH-")
    assert person.owning_force.code == "MPS"
    assert person.display_name == "TESTPERSON, Alan"
    assert person.ownerships.count() == 1
    assert person.notifications.count() == 2
    state = RegisterState.objects.get(person=person)
    assert state.jurisdiction == "england-wales"
    assert state.subject  # 8 months' imprisonment in 2020: 10 years
    assert state.registration_end is not None and state.registration_end.year == 2030
    assert state.next_due is not None
    event = AuditEvent.objects.get(action="person.create")
    assert event.actor == officer and event.object_id == str(person.pk)


def test_references_are_sequential_and_unique(officer, make_doc, frozen):
    a = person_create(officer, make_doc())
    b = person_create(officer, make_doc())
    assert int(b.reference[4:]) == int(a.reference[4:]) + 1


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"ni_number": "QQ12345"}, "ni_number", "National Insurance"),
        ({"ni_number": "BG123456A"}, "ni_number", "National Insurance"),
        ({"pnc_id": "2001/0123456Z"}, "pnc_id", "check character"),
        ({"date_of_birth": "2030-01-01"}, "date_of_birth", "past"),
        ({"date_of_birth": "1980-02-30"}, "date_of_birth", "real date"),
        ({"sex": "robot"}, "sex", "one of"),
        ({"names": []}, "names", "at least one"),
        ({"disposals": []}, "disposals", "at least one"),
        ({"addresses": [{"kind": "home", "line1": "1 Road", "postcode": "NOT A CODE", "valid_from": "2020-01-01"}]},
         "addresses[0].postcode", "postcode"),
        ({"disposals": [{"date": "2020-01-01", "offence": "x", "kind": "imprisonment"}]},
         "disposals[0].months", "required"),
        ({"disposals": [{"date": "2020-01-01", "offence": "x", "kind": "flogging"}]},
         "disposals[0].kind", "one of"),
        ({"disposals": [{"date": "1970-01-01", "offence": "x", "kind": "caution"}]},
         "disposals[0].date", "before the date of birth"),
        ({"detentions": [{"kind": "custody", "start": "2020-05-01", "end": "2020-04-01"}]},
         "detentions[0].end", "before the start"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(officer, make_doc, frozen, overrides, field, fragment):
    before = (Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        person_create(officer, make_doc(**overrides))
    assert field in exc.value.errors, exc.value.errors
    assert any(fragment in m for m in exc.value.errors[field]), exc.value.errors[field]
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_unknown_force_is_rejected_for_national_admin(national_admin, make_doc, frozen):
    with pytest.raises(ValidationFailed) as exc:
        person_create(national_admin, make_doc(force="XYZ"))
    assert "unknown force" in exc.value.errors["force"][0]
    assert Person.objects.count() == 0


def test_officer_cannot_create_for_another_force(officer, make_doc, frozen):
    with pytest.raises(ValidationFailed) as exc:
        person_create(officer, make_doc(force="GMP"))
    assert "own force" in exc.value.errors["force"][0]


def test_analyst_cannot_write(analyst, make_doc, frozen):
    with pytest.raises(Forbidden):
        person_create(analyst, make_doc())


def test_notification_record_rematerialises_and_audits(officer, make_doc, frozen):
    person = person_create(officer, make_doc())
    before_due = RegisterState.objects.get(person=person).next_due
    note = notification_record(
        officer, person.pk,
        {"kind": "periodic", "received_at": datetime(2025, 6, 16, 10, 0, tzinfo=UTC), "station": "Brixton"},
        expected_version=person.version,
    )
    assert note.received_on.isoformat() == "2025-06-16"
    state = RegisterState.objects.get(person=person)
    assert state.next_due is not None and state.next_due > before_due
    person.refresh_from_db()
    assert person.version == 2
    assert AuditEvent.objects.filter(action="notification.record", object_id=str(person.pk)).count() == 1


def test_notification_conflict_when_version_is_stale(officer, supervisor, make_doc, frozen):
    person = person_create(officer, make_doc())
    notification_record(supervisor, person.pk, {"kind": "prescribed", "station": "Brixton"}, expected_version=1)
    with pytest.raises(Conflict):
        notification_record(officer, person.pk, {"kind": "periodic", "station": "Brixton"}, expected_version=1)
    assert person.notifications.count() == 3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "weekly", "station": "X"}, "kind"),
        ({"kind": "periodic", "station": ""}, "station"),
        ({"kind": "periodic", "station": "X", "received_at": "2031-01-01T10:00:00Z"}, "received_at"),
        ({"kind": "periodic", "station": "X", "received_at": "yesterday"}, "received_at"),
    ],
)
def test_bad_notification_is_rejected(officer, make_doc, frozen, data, field):
    person = person_create(officer, make_doc())
    with pytest.raises(ValidationFailed) as exc:
        notification_record(officer, person.pk, data)
    assert field in exc.value.errors
    assert person.notifications.count() == 2


def test_other_force_cannot_record_without_reason(officer, other_officer, make_doc, frozen):
    person = person_create(officer, make_doc())
    with pytest.raises(Forbidden):
        notification_record(other_officer, person.pk, {"kind": "periodic", "station": "Salford"})


def test_notifications_are_append_only(officer, make_doc, frozen):
    person = person_create(officer, make_doc())
    note = person.notifications.first()
    note.station = "Edited"
    with pytest.raises(RuntimeError):
        note.save()
    with pytest.raises(RuntimeError):
        Notification.objects.filter(person=person).update(station="Edited")


def test_unknown_person_is_not_found(officer, frozen):
    with pytest.raises(NotFound):
        notification_record(officer, "00000000-0000-0000-0000-000000000000", {"kind": "periodic", "station": "X"})
