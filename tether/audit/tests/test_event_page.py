"""One audit event's page: auditors see it with the personal values withheld, always; a national administrator, or
a supervisor of the event's force, reveals them with a reason (CSRF-protected POST, audited ``audit.reveal``)."""

from __future__ import annotations

import pytest
from django.test import Client

from tether.access.testing import verified_login
from tether.audit.models import AuditEvent
from tether.register.services import identity_update, person_create

pytestmark = pytest.mark.django_db

REASON = "Complaint 2025/114: checking which date of birth was recorded"


@pytest.fixture
def changed(officer, make_doc, frozen):
    person = person_create(officer, make_doc())
    identity_update(officer, person.pk, {"date_of_birth": "1980-04-03"})
    return AuditEvent.objects.get(action="person.identity_update")


def _client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    verified_login(client, user)
    return client


def test_an_auditor_sees_the_event_but_never_its_personal_values(auditor, changed):
    client = _client(auditor)
    page = client.get(f"/audit/events/{changed.seq}/").content.decode()
    assert "person.identity_update" in page and "Withheld" in page
    assert "1980" not in page and 'name="reason"' not in page
    assert client.post(f"/audit/events/{changed.seq}/", {"reason": REASON}).status_code == 404
    assert not AuditEvent.objects.filter(action="audit.reveal").exists()
    assert AuditEvent.objects.filter(action="audit.view", object_id=str(changed.seq)).count() == 1


def test_a_national_admin_reveals_with_a_reason(national_admin, changed):
    client = _client(national_admin)
    url = f"/audit/events/{changed.seq}/"
    page = client.get(url).content.decode()
    assert "Reveal personal values" in page and "1980" not in page
    refused = client.post(url, {"reason": "because"})
    body = refused.content.decode()
    assert refused.status_code == 400 and "There is a problem" in body and 'href="#reason"' in body
    assert "Give the reason you need these personal values" in body and "1980" not in body
    shown = client.post(url, {"reason": REASON})
    body = shown.content.decode()
    assert shown.status_code == 200 and "3 April 1980" in body and "2 April 1980" in body
    assert "no-store" in shown["Cache-Control"]
    reveal = AuditEvent.objects.get(action="audit.reveal")
    assert reveal.reason == REASON and reveal.detail["seq"] == changed.seq and "1980" not in str(reveal.detail)


def test_the_reveal_needs_the_csrf_token(national_admin, changed):
    client = _client(national_admin, enforce_csrf_checks=True)
    assert client.post(f"/audit/events/{changed.seq}/", {"reason": REASON}).status_code == 403
    assert not AuditEvent.objects.filter(action="audit.reveal").exists()


def test_a_supervisor_reveals_their_own_forces_events_only(supervisor, other_officer, changed):
    from tether.access.constants import Role
    from tether.access.models import User

    client = _client(supervisor)
    assert "3 April 1980" in client.post(f"/audit/events/{changed.seq}/", {"reason": REASON}).content.decode()
    gmp_supervisor = User.objects.create_user("sup.gmp", password=None, role=Role.SUPERVISOR,
                                              force=other_officer.force)
    other = _client(gmp_supervisor)
    assert other.get(f"/audit/events/{changed.seq}/").status_code == 404
    assert other.post(f"/audit/events/{changed.seq}/", {"reason": REASON}).status_code == 404


def test_officers_and_missing_events_get_not_found(officer, national_admin, changed):
    assert _client(officer).get(f"/audit/events/{changed.seq}/").status_code == 404
    assert _client(national_admin).get("/audit/events/999999/").status_code == 404


def test_the_search_links_each_event_to_its_page(national_admin, changed):
    page = _client(national_admin).get("/audit/").content.decode()
    assert f'href="/audit/events/{changed.seq}/"' in page
