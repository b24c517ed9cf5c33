from __future__ import annotations

from datetime import timedelta

import pytest

from tether.access.models import AccessGrant
from tether.audit.models import AuditEvent
from tether.core.errors import NotFound, ValidationFailed
from tether.identity.search import SearchTerms, search_people
from tether.register.guards import FULL, LIMITED, access_person_by_id
from tether.register.services import person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(officer, make_doc, frozen):
    return person_create(officer, make_doc())


def test_own_force_sees_full_record_and_the_view_is_audited(officer, person):
    access = access_person_by_id(officer, person.pk)
    assert access.level == FULL
    ev = AuditEvent.objects.filter(action="person.view").last()
    assert ev.actor == officer and ev.detail["level"] == FULL


def test_other_force_sees_limited_until_a_reason_is_recorded(other_officer, person, frozen):
    assert access_person_by_id(other_officer, person.pk).level == LIMITED
    with pytest.raises(ValidationFailed):
        access_person_by_id(other_officer, person.pk, reason="why")
    access = access_person_by_id(other_officer, person.pk, reason="Arrested in Salford on warrant 123")
    assert access.level == FULL
    assert AuditEvent.objects.filter(action="access.grant", reason__contains="Salford").exists()
    # the grant lasts 24 hours, then the record closes again
    assert access_person_by_id(other_officer, person.pk).level == FULL
    frozen.shift(timedelta(hours=24, seconds=1))
    assert access_person_by_id(other_officer, person.pk).level == LIMITED
    assert AccessGrant.objects.count() == 1


@pytest.mark.parametrize("persona", ["analyst", "auditor"])
def test_roles_without_personal_data_get_not_found(request, persona, person):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotFound):
        access_person_by_id(user, person.pk)


def test_missing_and_forbidden_look_the_same(analyst, officer, person):
    with pytest.raises(NotFound) as missing:
        access_person_by_id(officer, "11111111-1111-1111-1111-111111111111")
    with pytest.raises(NotFound) as forbidden:
        access_person_by_id(analyst, person.pk)
    assert str(missing.value) == str(forbidden.value)
    with pytest.raises(NotFound):
        access_person_by_id(officer, "not-a-uuid")


def test_national_admin_sees_everything(national_admin, person):
    assert access_person_by_id(national_admin, person.pk).level == FULL


def test_search_scopes_to_own_force_and_marks_national_index_rows(officer, other_officer, person):
    _, rows = search_people(other_officer, SearchTerms(name="testperson"))
    assert rows == []  # own force by default
    _, rows = search_people(other_officer, SearchTerms(name="testperson", force="ALL"))
    assert [r.level for r in rows] == [LIMITED]
    _, rows = search_people(officer, SearchTerms(name="alan test"))
    assert [r.level for r in rows] == [FULL]
    ev = AuditEvent.objects.filter(action="person.search").last()
    assert ev.personal["name"] == "alan test" and "alan" not in str(ev.detail)


def test_search_matches_aliases_and_ignores_accents(officer, make_doc, frozen):
    names = [
        {"kind": "birth", "given_names": "José", "family_name": "Núñez", "valid_from": "1980-04-02"},
        {"kind": "alias", "given_names": "Joe", "family_name": "Newman", "valid_from": "2019-01-01"},
    ]
    person_create(officer, make_doc(names=names))
    assert len(search_people(officer, SearchTerms(name="jose nunez"))[1]) == 1
    assert len(search_people(officer, SearchTerms(name="NEWMAN"))[1]) == 1
    assert len(search_people(officer, SearchTerms(name="ewman"))[1]) == 0


def test_partner_sees_only_assigned_registrants(partner, supervisor, officer, make_doc, person, frozen):
    from tether.core.errors import Forbidden
    from tether.register.partners import partner_assign

    other = person_create(officer, make_doc())
    with pytest.raises(NotFound):
        access_person_by_id(partner, person.pk)
    assert search_people(partner, SearchTerms(force="ALL"))[1] == []
    with pytest.raises(Forbidden):
        partner_assign(officer, partner, person.pk)
    partner_assign(supervisor, partner, person.pk)
    assert access_person_by_id(partner, person.pk).level == FULL
    with pytest.raises(NotFound):
        access_person_by_id(partner, other.pk)
    _, rows = search_people(partner, SearchTerms(force="ALL"))
    assert [r.person.pk for r in rows] == [person.pk]
    assert AuditEvent.objects.filter(action="access.partner_assign").count() == 1


def test_partner_cannot_be_assigned_across_forces(partner, other_officer, person, frozen):
    from tether.access.constants import Role
    from tether.core.errors import Forbidden
    from tether.register.partners import partner_assign

    other_officer.role = Role.SUPERVISOR
    other_officer.save()
    with pytest.raises(Forbidden):
        partner_assign(other_officer, partner, person.pk)


@pytest.mark.parametrize("reason", [
    "\u200b" * 10,  # zero-width spaces
    "\u3164" * 10,  # Hangul filler: a "letter" that shows nothing
    "\x01" * 10,
    "1234567890",
    "..........",
    "aaaaaaaaaaaaaaa",  # one letter repeated: not words
    "x" * 60_000,
    "Joint work\u2028with GMP",
])
def test_a_reason_without_real_words_opens_nothing(other_officer, person, reason):
    from tether.access.models import AccessGrant
    from tether.core.errors import ValidationFailed
    from tether.register.guards import access_person_by_id

    with pytest.raises(ValidationFailed) as caught:
        access_person_by_id(other_officer, person.pk, reason=reason)
    assert "reason" in caught.value.errors
    assert not AccessGrant.objects.filter(user=other_officer).exists()


def test_a_reason_in_words_opens_the_record(other_officer, person):
    from tether.register.guards import access_person_by_id

    access = access_person_by_id(other_officer, person.pk, reason="Joint investigation with GMP, ref 24/1234")
    assert access.full and access.grant is not None


def test_the_api_caps_and_checks_the_reason_like_the_web(api_client, other_officer, person):
    client = api_client(other_officer)
    assert client.get(f"/api/v1/people/{person.pk}", {"reason": "\u200b" * 10}).status_code == 400
    assert client.get(f"/api/v1/people/{person.pk}", {"reason": "x" * 3000}).status_code == 400
    ok = client.get(f"/api/v1/people/{person.pk}", {"reason": "Joint investigation with GMP, ref 24/1234"})
    assert ok.status_code == 200 and ok.json()["access"] == "full"
