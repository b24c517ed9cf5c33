"""Changes to a registrant: nothing overwritten, versions checked, before and after audited."""

from __future__ import annotations

import pytest

from tether.audit.models import AuditEvent
from tether.core.errors import Conflict, Forbidden, ValidationFailed
from tether.register.models import Person
from tether.register.services import address_record, identity_update, name_record, person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(officer, make_doc, frozen):
    return person_create(officer, make_doc())


def test_change_of_name_closes_the_old_one_and_raises_a_change_obligation(officer, person):
    name_record(officer, person.pk, {"kind": "current", "given_names": "Alan", "family_name": "Newname",
                                     "valid_from": "2025-06-10"}, expected_version=1)
    person.refresh_from_db()
    assert person.display_name == "NEWNAME, Alan" and person.version == 2
    current = person.names.filter(kind="current").get()
    assert current.valid_to is None and current.valid_from.isoformat() == "2025-06-10"
    assert person.names.count() == 2  # the birth name is kept
    assert person.obligations.filter(kind="change", trigger="2025-06-10").exists()
    ev = AuditEvent.objects.get(action="person.name_record")
    assert ev.personal["before"]["display_name"] == "TESTPERSON, Alan"
    assert ev.personal["after"]["display_name"] == "NEWNAME, Alan"


def test_second_current_name_closes_the_first(officer, person):
    name_record(officer, person.pk, {"kind": "current", "given_names": "A", "family_name": "One",
                                     "valid_from": "2024-01-01"})
    name_record(officer, person.pk, {"kind": "current", "given_names": "A", "family_name": "Two",
                                     "valid_from": "2025-01-01"})
    rows = list(person.names.filter(kind="current").order_by("valid_from").values_list("family_name", "valid_to"))
    assert [r[0] for r in rows] == ["One", "Two"]
    assert rows[0][1].isoformat() == "2025-01-01" and rows[1][1] is None
    with pytest.raises(ValidationFailed) as exc:
        name_record(officer, person.pk, {"kind": "current", "given_names": "A", "family_name": "Back",
                                         "valid_from": "2024-06-01"})
    assert "valid_from" in exc.value.errors


def test_alias_is_added_without_closing_anything(officer, person):
    name_record(officer, person.pk, {"kind": "alias", "given_names": "Al", "family_name": "Tee",
                                     "valid_from": "2025-05-01"})
    person.refresh_from_db()
    assert person.display_name == "TESTPERSON, Alan"
    assert person.names.filter(valid_to__isnull=False).count() == 0


def test_move_closes_the_home_address(officer, person):
    address_record(officer, person.pk, {"kind": "home", "line1": "2 New Road", "postcode": "m1 1ae",
                                        "valid_from": "2025-06-01"}, expected_version=1)
    homes = list(person.addresses.order_by("valid_from").values_list("postcode", "valid_to"))
    assert homes[0][1].isoformat() == "2025-06-01" and homes[1] == ("M1 1AE", None)
    assert person.obligations.filter(kind="change", trigger="2025-06-01").exists()


def test_identity_update_audits_before_and_after(officer, person):
    identity_update(officer, person.pk, {"ni_number": "ce 10 20 30 b", "sex": "unknown"}, expected_version=1)
    person.refresh_from_db()
    assert person.ni_number == "CE102030B"
    ev = AuditEvent.objects.get(action="person.identity_update")
    assert ev.personal["before"] == {"ni_number": "AB123456C", "sex": "male"}
    assert ev.personal["after"] == {"ni_number": "CE102030B", "sex": "unknown"}


@pytest.mark.parametrize(
    ("data", "field"),
    [({"ni_number": "nope"}, "ni_number"), ({"date_of_birth": "2021-01-01"}, "date_of_birth"),
     ({"reference": "TTH-1"}, "reference"), ({"pnc_id": "2001/1A"}, "pnc_id")],
)
def test_bad_identity_changes_write_nothing(officer, person, data, field):
    with pytest.raises(ValidationFailed) as exc:
        identity_update(officer, person.pk, data)
    assert field in exc.value.errors
    person.refresh_from_db()
    assert person.version == 1 and person.ni_number == "AB123456C"


def test_two_officers_editing_the_same_version_conflict(officer, supervisor, person):
    name_record(supervisor, person.pk, {"kind": "alias", "given_names": "B", "family_name": "C",
                                        "valid_from": "2025-01-01"}, expected_version=1)
    with pytest.raises(Conflict):
        address_record(officer, person.pk, {"kind": "home", "line1": "x", "postcode": "M1 1AE",
                                            "valid_from": "2025-06-01"}, expected_version=1)
    assert Person.objects.get(pk=person.pk).version == 2
    assert person.addresses.count() == 1


def test_other_force_and_analyst_cannot_change(other_officer, analyst, person):
    with pytest.raises(Forbidden):
        identity_update(other_officer, person.pk, {"sex": "female"})
    with pytest.raises(Forbidden):
        identity_update(analyst, person.pk, {"sex": "female"})
