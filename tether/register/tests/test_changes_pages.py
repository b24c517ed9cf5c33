"""The change pages: a change of name or an alias, a move or another address, and identity corrections."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from tether.access.testing import verified_login
from tether.audit.models import AuditEvent
from tether.conftest import FROZEN_AT
from tether.register.models import Address, Person, PersonName

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]  # dates below are the frozen clock's
TODAY = FROZEN_AT.date()

STARTED = TODAY - timedelta(days=10)
TOMORROW = TODAY + timedelta(days=1)


def text(response: Any) -> str:
    return response.content.decode()


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def parts(name: str, day: date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def name_form(person: Any, **overrides: str) -> dict[str, str]:
    data = {"kind": "current", "given_names": "Johnny", "family_name": "Newman", **parts("valid_from", STARTED),
            "version": str(person.version)}
    data.update(overrides)
    return data


def address_form(person: Any, **overrides: str) -> dict[str, str]:
    data = {"kind": "home", "line1": "22 Canal Street", "line2": "", "town": "Manchester", "postcode": "m1 3he",
            **parts("valid_from", STARTED), "version": str(person.version)}
    data.update(overrides)
    return data


def identity_form(person: Any, **overrides: str) -> dict[str, str]:
    data = {**parts("date_of_birth", person.date_of_birth), "sex": person.sex, "ni_number": person.ni_number,
            "pnc_id": person.pnc_id, "version": str(person.version)}
    data.update(overrides)
    return data


def urls(person: Any) -> dict[str, str]:
    return {"name": f"/people/{person.pk}/names/new/", "address": f"/people/{person.pk}/addresses/new/",
            "identity": f"/people/{person.pk}/identity/"}


FORMS = {"name": name_form, "address": address_form, "identity": identity_form}
# a valid change for each page, so the conflict and access tests exercise a real write
CHANGES: dict[str, dict[str, str]] = {"name": {}, "address": {}, "identity": {"ni_number": "CE 10 20 30 B"}}


def unchanged(person: Any) -> None:
    """Nothing was written: the version, names, addresses and identity are as created."""
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.version == person.version
    assert (fresh.ni_number, fresh.sex, fresh.date_of_birth) == (person.ni_number, person.sex, person.date_of_birth)
    assert PersonName.objects.filter(person=person).count() == 1
    assert Address.objects.filter(person=person).count() == 1
    assert not AuditEvent.objects.filter(action__in=["person.name_record", "person.address_record",
                                                     "person.identity_update"]).exists()


# --- rendering -------------------------------------------------------------------------------------------------


def test_person_page_links_to_the_change_pages(other_officer_client: Any, gmp_person: Any) -> None:
    html = text(other_officer_client.get(f"/people/{gmp_person.pk}/"))
    assert 'data-testid="change-links"' in html
    for url in urls(gmp_person).values():
        assert f'href="{url}"' in html, url
    for label in ("Record a change of name or an alias", "Record a move or another address",
                  "Correct identifying details"):
        assert label in html


def test_name_page_renders(other_officer_client: Any, gmp_person: Any) -> None:
    response = other_officer_client.get(urls(gmp_person)["name"])
    assert response.status_code == 200
    html = text(response)
    assert "Record a change of name or an alias" in html
    assert f'name="version" value="{gmp_person.version}"' in html
    assert "They now use a new name" in html and 'value="alias"' in html
    for name in ("given_names", "family_name", "valid_from_day", "valid_from_month", "valid_from_year"):
        assert f'name="{name}"' in html, name
    assert f'action="{urls(gmp_person)["name"]}"' in html


def test_address_page_renders(other_officer_client: Any, gmp_person: Any) -> None:
    response = other_officer_client.get(urls(gmp_person)["address"])
    assert response.status_code == 200
    html = text(response)
    assert "Record a move or another address" in html
    assert f'name="version" value="{gmp_person.version}"' in html
    for value in ("home", "other", "nfa"):
        assert f'name="kind" type="radio" value="{value}"' in html, value
    for name in ("line1", "line2", "town", "postcode", "valid_from_day", "child_under_18"):
        assert f'name="{name}"' in html, name
    assert 'type="checkbox"' in html


def test_identity_page_is_prefilled(other_officer_client: Any, gmp_person: Any) -> None:
    response = other_officer_client.get(urls(gmp_person)["identity"])
    assert response.status_code == 200
    html = text(response)
    assert "Correct identifying details" in html
    assert f'name="version" value="{gmp_person.version}"' in html
    assert 'name="date_of_birth_day" type="text" inputmode="numeric" value="2"' in html
    assert 'name="date_of_birth_month" type="text" inputmode="numeric" value="4"' in html
    assert 'name="date_of_birth_year" type="text" inputmode="numeric" value="1980"' in html
    assert 'name="sex" type="radio" value="male" checked' in html
    assert 'name="ni_number" type="text" value="JK123456C"' in html
    assert 'name="pnc_id" type="text" value=""' in html


def test_anonymous_users_are_sent_to_sign_in(client: Any, gmp_person: Any) -> None:
    for url in urls(gmp_person).values():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/sign-in/?next="), url


# --- valid changes ---------------------------------------------------------------------------------------------


def test_change_of_name_shows_on_the_person_page(other_officer_client: Any, gmp_person: Any) -> None:
    response = other_officer_client.post(urls(gmp_person)["name"], name_form(gmp_person))
    assert response.status_code == 302, text(response)
    assert response["Location"] == f"/people/{gmp_person.pk}/#names"
    html = squash(text(other_officer_client.get(f"/people/{gmp_person.pk}/")))
    assert "The change of name to NEWMAN, Johnny was recorded." in html
    assert "NEWMAN, Johnny" in html and "Johnny Newman" in html and "John Smith" in html
    assert STARTED.strftime("%-d %b %Y") in html  # the new name's start, and the old one's end
    old = PersonName.objects.get(person=gmp_person, family_name="Smith")
    assert old.valid_to == STARTED
    person = Person.objects.get(pk=gmp_person.pk)
    assert person.version == 2 and person.display_name == "NEWMAN, Johnny"
    assert AuditEvent.objects.filter(action="person.name_record", object_id=str(gmp_person.pk)).exists()


def test_alias_keeps_the_current_name(other_officer_client: Any, gmp_person: Any) -> None:
    response = other_officer_client.post(urls(gmp_person)["name"],
                                   name_form(gmp_person, kind="alias", given_names="Jack", family_name="Smyth"))
    assert response.status_code == 302
    html = squash(text(other_officer_client.get(f"/people/{gmp_person.pk}/")))
    assert "The alias Jack Smyth was recorded." in html
    assert "Alias" in html and "Jack Smyth" in html
    assert Person.objects.get(pk=gmp_person.pk).display_name == "SMITH, John"
    assert not PersonName.objects.filter(person=gmp_person, valid_to__isnull=False).exists()


def test_move_shows_on_the_person_page(other_officer_client: Any, gmp_person: Any) -> None:
    response = other_officer_client.post(urls(gmp_person)["address"], address_form(gmp_person, child_under_18="yes"))
    assert response.status_code == 302, text(response)
    assert response["Location"] == f"/people/{gmp_person.pk}/#addresses"
    html = squash(text(other_officer_client.get(f"/people/{gmp_person.pk}/")))
    assert "The move to 22 Canal Street, M1 3HE was recorded." in html
    assert "22 Canal Street, Manchester," in html and "M1 3HE" in html and "1 High Street" in html
    new = Address.objects.get(person=gmp_person, postcode="M1 3HE")
    assert new.kind == "home" and new.child_under_18 and new.valid_from == STARTED and new.valid_to is None
    assert Address.objects.get(person=gmp_person, postcode="M1 1AA").valid_to == STARTED
    assert Person.objects.get(pk=gmp_person.pk).version == 2


def test_other_address_leaves_the_home_open(other_officer_client: Any, gmp_person: Any) -> None:
    response = other_officer_client.post(urls(gmp_person)["address"], address_form(gmp_person, kind="other"))
    assert response.status_code == 302
    assert "Other regular address" in text(other_officer_client.get(f"/people/{gmp_person.pk}/"))
    assert not Address.objects.filter(person=gmp_person, valid_to__isnull=False).exists()
    assert not Address.objects.get(person=gmp_person, postcode="M1 3HE").child_under_18


def test_identity_correction_sends_only_what_changed(other_officer_client: Any, gmp_person: Any) -> None:
    response = other_officer_client.post(urls(gmp_person)["identity"],
                                   identity_form(gmp_person, ni_number="ce 10 20 30 b", pnc_id=" "))
    assert response.status_code == 302, text(response)
    assert response["Location"] == f"/people/{gmp_person.pk}/#summary"
    html = squash(text(other_officer_client.get(f"/people/{gmp_person.pk}/")))
    assert "The National Insurance number was corrected." in html
    assert "CE102030B" in html and "JK123456C" not in html
    event = AuditEvent.objects.get(action="person.identity_update")
    assert event.personal["before"] == {"ni_number": "JK123456C"}
    assert event.personal["after"] == {"ni_number": "CE102030B"}


def test_identity_correction_of_several_details(other_officer_client: Any, gmp_person: Any) -> None:
    response = other_officer_client.post(urls(gmp_person)["identity"],
                                   identity_form(gmp_person, sex="unknown", **parts("date_of_birth", date(1981, 5, 6))))
    assert response.status_code == 302, text(response)
    html = squash(text(other_officer_client.get(f"/people/{gmp_person.pk}/")))
    assert "The date of birth and sex were corrected." in html
    assert "6 May 1981" in html and "Not known" in html
    assert set(AuditEvent.objects.get(action="person.identity_update").personal["before"]) == {"date_of_birth", "sex"}


def test_identity_unchanged_says_so_and_writes_nothing(other_officer_client: Any, gmp_person: Any) -> None:
    form = identity_form(gmp_person, ni_number="jk 12 34 56 c")
    response = other_officer_client.post(urls(gmp_person)["identity"], form)
    assert response.status_code == 200
    html = text(response)
    assert "You have not changed any details, so nothing was saved." in html
    assert "govuk-error-summary" not in html
    unchanged(gmp_person)


# --- errors write nothing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "overrides", "anchor", "message"),
    [
        ("address", {"postcode": "NOT A POSTCODE"}, "#postcode", "Enter a real UK postcode"),
        ("address", {"postcode": ""}, "#postcode", "Enter the postcode"),
        ("address", {"line1": ""}, "#line1", "Enter the address line 1"),
        ("address", {"kind": ""}, "#kind", "Select what kind of address this is"),
        ("address", parts("valid_from", TOMORROW), "#valid_from_day", "Start date must not be in the future"),
        ("address", {"valid_from_day": ""}, "#valid_from_day", "Start date must include a day"),
        ("name", parts("valid_from", TOMORROW), "#valid_from_day",
         "Date they started using the name must not be in the future"),
        ("name", {"valid_from_day": "", "valid_from_month": "", "valid_from_year": ""}, "#valid_from_day",
         "Enter the date they started using the name"),
        ("name", {"valid_from_month": "13"}, "#valid_from_day", "must be a real date"),
        ("name", {"family_name": ""}, "#family_name", "Enter the family name"),
        ("name", {"kind": ""}, "#kind", "Select whether they now use this name or it is an alias"),
        ("name", {"kind": "birth"}, "#kind", "a birth name cannot be added later"),
        ("identity", {"ni_number": "AB 12 34"}, "#ni_number", "Enter a National Insurance number in the correct"),
        ("identity", {"pnc_id": "2001/XYZ"}, "#pnc_id", "Enter a PNC ID in the format"),
        ("identity", {"pnc_id": "2001/1A"}, "#pnc_id", "PNC ID check character is wrong"),
        ("identity", parts("date_of_birth", TOMORROW), "#date_of_birth_day", "Date of birth must be in the past"),
        ("identity", parts("date_of_birth", TODAY - timedelta(days=300)), "#date_of_birth_day",
         "must not be after a conviction, caution or finding"),
        ("identity", {"sex": ""}, "#sex", "Select their sex"),
    ],
)
def test_errors_name_the_field_and_write_nothing(other_officer_client: Any, gmp_person: Any, page: str,
                                                 overrides: dict[str, str], anchor: str, message: str) -> None:
    response = other_officer_client.post(urls(gmp_person)[page], FORMS[page](gmp_person, **overrides))
    assert response.status_code == 400
    html = text(response)
    assert "There is a problem" in html
    assert f'<a href="{anchor}">' in html
    assert message in html
    assert "<title>Error:" in html
    assert "govuk-form-group--error" in html
    unchanged(gmp_person)


def test_every_problem_is_listed_at_once(other_officer_client: Any, gmp_person: Any) -> None:
    response = other_officer_client.post(urls(gmp_person)["address"],
                                   address_form(gmp_person, kind="", postcode="XX", valid_from_year="20"))
    assert response.status_code == 400
    html = text(response)
    for anchor in ("#kind", "#postcode", "#valid_from_day"):
        assert f'<a href="{anchor}">' in html, anchor
    assert 'value="22 Canal Street"' in html  # what was typed is kept
    unchanged(gmp_person)


def test_a_name_that_starts_before_the_current_one_is_refused(other_officer_client: Any, gmp_person: Any) -> None:
    other_officer_client.post(urls(gmp_person)["name"], name_form(gmp_person))
    person = Person.objects.get(pk=gmp_person.pk)
    earlier = STARTED - timedelta(days=5)
    response = other_officer_client.post(urls(gmp_person)["name"],
                                   name_form(person, family_name="Older", **parts("valid_from", earlier)))
    assert response.status_code == 400
    assert "must not be before the current one started" in text(response)
    assert not PersonName.objects.filter(person=gmp_person, family_name="Older").exists()


# --- someone else changed the record ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["name", "address", "identity"])
def test_stale_version_shows_the_conflict_banner(other_officer_client: Any, gmp_person: Any, page: str) -> None:
    # someone else records an alias first: the record is now at version 2
    other = name_form(gmp_person, kind="alias", given_names="Other", family_name="Change")
    assert other_officer_client.post(urls(gmp_person)["name"], other).status_code == 302
    before = Person.objects.get(pk=gmp_person.pk)
    names, addresses = PersonName.objects.count(), Address.objects.count()

    stale = FORMS[page](gmp_person, **CHANGES[page], version="1")
    response = other_officer_client.post(urls(gmp_person)[page], stale)
    assert response.status_code == 409
    html = text(response)
    assert "Someone else changed this record" in html and 'data-testid="conflict"' in html
    assert "changed by someone else since you opened it" in html
    assert 'name="version" value="2"' in html  # a deliberate resubmission can go through
    assert "<title>Error:" in html
    after = Person.objects.get(pk=gmp_person.pk)
    assert after.version == 2 and after.ni_number == before.ni_number
    assert (PersonName.objects.count(), Address.objects.count()) == (names, addresses)

    resubmit = FORMS[page](after, **CHANGES[page])
    assert other_officer_client.post(urls(gmp_person)[page], resubmit).status_code == 302
    assert Person.objects.get(pk=gmp_person.pk).version == 3


def test_conflict_keeps_what_was_typed(other_officer_client: Any, gmp_person: Any) -> None:
    other_officer_client.post(urls(gmp_person)["identity"], identity_form(gmp_person, sex="unknown"))
    response = other_officer_client.post(urls(gmp_person)["address"], address_form(gmp_person, version="1"))
    assert response.status_code == 409
    html = text(response)
    assert 'value="22 Canal Street"' in html and 'value="m1 3he"' in html
    assert 'name="kind" type="radio" value="home" checked' in html


# --- who may change a record -----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["name", "address", "identity"])
def test_other_force_officer_is_sent_to_record_a_reason(other_officer_client: Any, mps_person: Any, page: str) -> None:
    url = urls(mps_person)[page]
    response = other_officer_client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/people/{mps_person.pk}/"
    html = text(other_officer_client.get(response["Location"]))
    assert "Record why you need the full record before you" in html
    assert "CE123456D" not in html

    response = other_officer_client.post(url, FORMS[page](mps_person, **CHANGES[page]))
    assert response.status_code == 302 and response["Location"] == f"/people/{mps_person.pk}/"
    unchanged(mps_person)


def test_other_force_officer_can_change_after_giving_a_reason(other_officer_client: Any, mps_person: Any) -> None:
    other_officer_client.post(f"/people/{mps_person.pk}/", {"reason": "Intelligence report 2024/118 names this person"})
    html = text(other_officer_client.get(f"/people/{mps_person.pk}/"))
    assert 'data-testid="change-links"' in html
    response = other_officer_client.post(urls(mps_person)["address"], address_form(mps_person))
    assert response.status_code == 302
    assert Address.objects.filter(person=mps_person, postcode="M1 3HE").exists()


@pytest.mark.parametrize("role_fixture", ["analyst", "auditor"])
@pytest.mark.parametrize("page", ["name", "address", "identity"])
def test_roles_that_cannot_write_are_refused(client: Any, request: Any, role_fixture: str, gmp_person: Any,
                                             page: str) -> None:
    verified_login(client, request.getfixturevalue(role_fixture))
    url = urls(gmp_person)[page]
    assert client.get(url).status_code == 403
    response = client.post(url, FORMS[page](gmp_person, **CHANGES[page]))
    assert response.status_code == 403
    assert "John" not in text(response)
    unchanged(gmp_person)


def test_unknown_person_is_404(other_officer_client: Any) -> None:
    for url in urls(type("P", (), {"pk": uuid.uuid4()})()).values():
        assert other_officer_client.get(url).status_code == 404, url


def test_change_links_are_not_shown_without_write_access(other_officer_client: Any, mps_person: Any) -> None:
    html = text(other_officer_client.get(f"/people/{mps_person.pk}/"))  # the limited index entry
    assert 'data-testid="change-links"' not in html
    assert urls(mps_person)["name"] not in html


# --- escaping --------------------------------------------------------------------------------------------------


def test_markup_typed_in_a_name_is_shown_escaped(other_officer_client: Any, gmp_person: Any) -> None:
    evil = "<script>alert(1)</script>"
    response = other_officer_client.post(urls(gmp_person)["name"], name_form(gmp_person, given_names=evil,
                                                                          family_name="O'Brien <b>bold</b>"))
    assert response.status_code == 302, text(response)
    pages = [f"/people/{gmp_person.pk}/", *urls(gmp_person).values()]
    for url in pages:
        html = text(other_officer_client.get(url))
        assert evil not in html, url
        assert "<b>bold</b>" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_markup_typed_in_a_failing_form_is_shown_escaped(other_officer_client: Any, gmp_person: Any) -> None:
    evil = '"><script>alert(1)</script>'
    form = address_form(gmp_person, line1=evil, postcode="X")
    response = other_officer_client.post(urls(gmp_person)["address"], form)
    assert response.status_code == 400
    html = text(response)
    assert "<script>alert(1)</script>" not in html
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("page", ["notification", "name", "address", "identity"])
def test_a_refused_change_that_shows_the_record_is_audited(other_officer_client: Any, gmp_person: Any,
                                                           page: str) -> None:
    before = AuditEvent.objects.filter(object_id=str(gmp_person.pk), action="person.view").count()
    paths = {**urls(gmp_person), "notification": f"/people/{gmp_person.pk}/notifications/new/"}
    response = other_officer_client.post(paths[page], {"version": gmp_person.version})
    assert response.status_code == 400
    assert gmp_person.reference in text(response)
    after = AuditEvent.objects.filter(object_id=str(gmp_person.pk), action="person.view").count()
    assert after == before + 1


def test_the_notification_form_lists_every_problem_on_the_first_submit(other_officer_client: Any,
                                                                        gmp_person: Any) -> None:
    url = f"/people/{gmp_person.pk}/notifications/new/"
    response = other_officer_client.post(url, {"version": gmp_person.version, "received_day": "31",
                                               "received_month": "2", "received_year": "2025"})
    assert response.status_code == 400
    html = text(response)
    for anchor in ('href="#kind"', 'href="#received_day"', 'href="#received_time"', 'href="#station"'):
        assert anchor in html, anchor
