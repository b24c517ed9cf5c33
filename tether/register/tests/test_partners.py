"""Partner assignments: assigning and ending a partner user's access to named registrants (intervals, audited),
on the service, the pages and the API; partners then see exactly the registrants assigned to them today."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from tether.access.models import PartnerAssignment
from tether.access.testing import verified_login
from tether.audit.models import AuditEvent
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.register.guards import access_person_by_id
from tether.register.partners import partner_assign, partner_end
from tether.register.services import person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(officer, make_doc, frozen):
    return person_create(officer, make_doc())


def test_assign_then_end_keeps_the_interval(supervisor, partner, person, frozen):
    assignment = partner_assign(supervisor, partner, person.pk)
    assert access_person_by_id(partner, person.pk).full
    with pytest.raises(ValidationFailed) as exc:
        partner_assign(supervisor, partner, person.pk)
    assert "Nothing would change" in exc.value.errors["person"][0]
    ended = partner_end(supervisor, assignment.pk)
    assert ended.valid_to == date(2025, 6, 16) and PartnerAssignment.objects.count() == 1
    with pytest.raises(NotFound):
        access_person_by_id(partner, person.pk)
    with pytest.raises(ValidationFailed) as exc:
        partner_end(supervisor, assignment.pk)
    assert "already ended" in exc.value.errors["assignment"][0]
    assert list(AuditEvent.objects.filter(action__startswith="access.partner_").exclude(
        action="access.partner_assignments_view").values_list("action", flat=True)) == [
        "access.partner_assign", "access.partner_end"]


def test_an_end_before_the_start_is_refused(force_admin, partner, person, frozen):
    assignment = partner_assign(force_admin, partner, person.pk, valid_from=date(2025, 6, 10))
    with pytest.raises(ValidationFailed) as exc:
        partner_end(force_admin, assignment.pk, valid_to=date(2025, 6, 1))
    assert "valid_to" in exc.value.errors


def test_who_may_assign(officer, other_officer, national_admin, partner, person, gmp):
    with pytest.raises(Forbidden):
        partner_assign(officer, partner, person.pk)
    with pytest.raises(ValidationFailed):
        partner_assign(national_admin, officer, person.pk)  # not a partner
    assignment = partner_assign(national_admin, partner, person.pk)
    with pytest.raises(Forbidden):
        partner_end(other_officer, assignment.pk)


def _client(user) -> Client:
    return verified_login(Client(), user)


def test_the_partner_pages(supervisor, partner, person, frozen):
    client = _client(supervisor)
    listing = client.get("/partners/").content.decode()
    assert f'href="/partners/{partner.pk}/"' in listing
    url = f"/partners/{partner.pk}/"
    bad = client.post(url, {"reference": "TTH-999999"})
    assert bad.status_code == 400 and 'href="#reference"' in bad.content.decode()
    bad_date = client.post(url, {"reference": person.reference, "valid_from_day": "31", "valid_from_month": "2",
                                 "valid_from_year": "2025"})
    assert bad_date.status_code == 400 and 'href="#valid_from_day"' in bad_date.content.decode()
    done = client.post(url, {"reference": person.reference.lower()}, follow=True)
    assert f"can now see {person.reference}" in done.content.decode()
    page = client.get(url).content.decode()
    assert person.reference in page and "End access" in page
    assert AuditEvent.objects.filter(action="access.partner_assignments_view").exists()
    assignment = PartnerAssignment.objects.get()
    ended = client.post(f"/partners/{partner.pk}/end/", {"assignment": str(assignment.pk)}, follow=True)
    assert "ends today" in ended.content.decode()
    again = client.post(f"/partners/{partner.pk}/end/", {"assignment": str(assignment.pk)})
    assert again.status_code == 400 and "already ended" in again.content.decode()


@pytest.mark.parametrize("who", ["officer", "partner", "analyst"])
def test_other_roles_cannot_see_the_partner_pages(request, who, partner):
    client = _client(request.getfixturevalue(who))
    assert client.get("/partners/").status_code == 403
    assert client.get(f"/partners/{partner.pk}/").status_code == 403


def test_the_partner_api(api_client, force_admin, partner, person, frozen):
    client = api_client(force_admin)
    assert client.get("/api/v1/partners").json()["results"][0]["username"] == partner.username
    assigned = client.post(f"/api/v1/partners/{partner.pk}/assign", {"person_id": str(person.pk)},
                           content_type="application/json")
    assert assigned.status_code == 200, assigned.json()
    row = assigned.json()["assignments"][0]
    assert row["reference"] == person.reference and row["current"] is True
    again = client.post(f"/api/v1/partners/{partner.pk}/assign", {"person_id": str(person.pk)},
                        content_type="application/json")
    assert again.status_code == 400
    end_url = f"/api/v1/partners/{partner.pk}/assignments/{row['id']}/end"
    later = (date(2025, 6, 16) + timedelta(days=3)).isoformat()
    ended = client.post(end_url, {"valid_to": later}, content_type="application/json")
    assert ended.status_code == 200 and ended.json()["assignments"][0]["valid_to"] == later
    assert client.post(end_url, {}, content_type="application/json").status_code == 400
    assert client.get(f"/api/v1/partners/{partner.pk}/assignments").status_code == 200


def test_another_forces_registrant_is_a_field_error(supervisor, partner, other_officer, make_doc, frozen):
    theirs = person_create(other_officer, make_doc(force="GMP", ni_number="AB654321C"))
    page = _client(supervisor).post(f"/partners/{partner.pk}/", {"reference": theirs.reference})
    assert page.status_code == 400 and "registrants, like TTH-000123" in page.content.decode()
    assert not PartnerAssignment.objects.exists()


def test_the_person_page_links_to_partner_access_for_those_who_assign(request, supervisor, partner, person,
                                                                      national_admin, frozen):
    partner_assign(supervisor, partner, person.pk)
    url = f"/people/{person.pk}/"
    for who in (supervisor, national_admin):
        page = _client(who).get(url).content.decode()
        assert 'id="partner-access"' in page and f'href="/partners/{partner.pk}/"' in page, who
    assert 'href="/partners/?force=MPS"' in _client(national_admin).get(url).content.decode()
    assert 'href="/partners/"' in _client(supervisor).get(url).content.decode()
    for who in ("officer", "partner"):  # they cannot assign partners: no section, no link
        page = _client(request.getfixturevalue(who)).get(url).content.decode()
        assert 'id="partner-access"' not in page and "/partners/" not in page, who
