"""A change that changes nothing writes nothing: no version bump, no audit event, a 400 naming why."""

from __future__ import annotations

import pytest

from tether.audit.models import AuditEvent
from tether.core.errors import ValidationFailed
from tether.register.models import Person
from tether.register.services import address_record, identity_update, name_record, person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(officer, make_doc, frozen):
    return person_create(officer, make_doc())


def _state(person):
    return Person.objects.get(pk=person.pk).version, AuditEvent.objects.count()


@pytest.mark.parametrize("body", [{}, [], None, "s", 1, {"version": None}])
def test_an_empty_identity_patch_is_refused_and_writes_nothing(api_client, officer, person, body):
    before = _state(person)
    response = api_client(officer).patch(f"/api/v1/people/{person.pk}/identity", body,
                                         content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]
    after = _state(person)
    assert after[0] == before[0]
    assert not AuditEvent.objects.filter(action="person.identity_update").exists()


def test_an_identity_patch_with_the_values_already_held_writes_nothing(api_client, officer, person):
    before = _state(person)[0]
    response = api_client(officer).patch(
        f"/api/v1/people/{person.pk}/identity",
        {"sex": person.sex, "ni_number": person.ni_number.lower(), "version": person.version},
        content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "identity",
                                          "message": "nothing would change: the record already holds these values"}]
    assert _state(person)[0] == before
    assert not AuditEvent.objects.filter(action="person.identity_update").exists()


def test_only_what_differs_is_recorded_as_changed(officer, person):
    identity_update(officer, person.pk, {"sex": person.sex, "ni_number": "JK123456C"})
    event = AuditEvent.objects.get(action="person.identity_update")
    assert set(event.personal["after"]) == {"ni_number"} and event.detail == {"changed": ["ni_number"]}


def test_recording_the_open_name_or_address_again_writes_nothing(officer, person):
    new_name = {"kind": "current", "given_names": "Alan", "family_name": "Newname", "valid_from": "2025-01-01"}
    name_record(officer, person.pk, new_name)
    version, events = _state(person)
    with pytest.raises(ValidationFailed) as caught:
        name_record(officer, person.pk, {**new_name, "valid_from": "2025-02-01"})
    assert "nothing would change" in caught.value.errors["given_names"][0]
    home = person.addresses.get(valid_to__isnull=True)
    with pytest.raises(ValidationFailed):
        address_record(officer, person.pk, {"kind": home.kind, "line1": home.line1, "line2": home.line2,
                                            "town": home.town, "postcode": home.postcode,
                                            "valid_from": "2025-01-01"})
    assert _state(person) == (version, events)
    assert not AuditEvent.objects.filter(action="person.address_record").exists()


@pytest.mark.parametrize(("force", "dob", "disposal", "age"), [
    ("MPS", "2018-01-01", "2020-03-04", 2),
    ("MPS", "2010-03-05", "2020-03-04", 9),
    ("PSNI", "2010-03-05", "2020-03-04", 9),
    ("PSOS", "2010-03-05", "2022-03-04", 11),
])
def test_a_disposal_below_the_age_of_criminal_responsibility_is_refused(officer, national_admin, make_doc, frozen,
                                                                       force, dob, disposal, age):
    doc = make_doc(force=force, date_of_birth=dob, names=[{"kind": "birth", "given_names": "A", "family_name": "B",
                                                           "valid_from": dob}])
    doc["disposals"][0]["date"] = disposal
    doc.pop("detentions")
    doc["notifications"] = []
    with pytest.raises(ValidationFailed) as caught:
        person_create(national_admin, doc)
    message = caught.value.errors["disposals[0].date"][0]
    assert message.startswith(f"the person was {age} on that date: under the age of criminal responsibility")


@pytest.mark.parametrize(("dob", "disposal"), [("2010-03-04", "2020-03-04"), ("2009-03-05", "2021-03-04")])
def test_ten_year_olds_may_be_cautioned_in_england(national_admin, make_doc, frozen, dob, disposal):
    doc = make_doc(date_of_birth=dob, names=[{"kind": "birth", "given_names": "A", "family_name": "B",
                                              "valid_from": dob}])
    doc["disposals"][0].update(date=disposal, kind="caution", months=None)
    doc.pop("detentions")
    doc["notifications"] = []
    person_create(national_admin, doc)


def test_a_corrected_date_of_birth_is_checked_against_the_disposals(officer, person):
    with pytest.raises(ValidationFailed) as caught:
        identity_update(officer, person.pk, {"date_of_birth": "2012-01-01"})
    assert "under the age of criminal responsibility" in caught.value.errors["date_of_birth"][0]
