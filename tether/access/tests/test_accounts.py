"""The accounts pages: a force administrator resets two-factor sign-in for their own force's accounts (a national
administrator for anyone's), with a reason and a confirmation, audited; nobody else sees the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from tether.access.testing import ensure_device, verified_login
from tether.access.two_factor import confirmed_device
from tether.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

REASON = "Lost phone, identity checked in person at Charing Cross"


def _client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    verified_login(client, user)
    return client


def test_a_force_admin_lists_their_own_forces_accounts(force_admin, officer, other_officer):
    ensure_device(officer)
    page = _client(force_admin).get("/accounts/").content.decode()
    assert officer.username in page and other_officer.username not in page
    assert f'href="/accounts/{officer.pk}/"' in page and "Set up" in page


def test_a_force_admin_resets_an_officers_two_factor(force_admin, officer):
    ensure_device(officer)
    client = _client(force_admin)
    url = f"/accounts/{officer.pk}/"
    assert "Reset two-factor sign-in" in client.get(url).content.decode()
    refused = client.post(url, {"reason": "lost"})
    body = refused.content.decode()
    assert refused.status_code == 400 and 'href="#reason"' in body and 'href="#confirm"' in body
    assert body.index('href="#reason"') < body.index('href="#confirm"')  # form order, all at once
    assert "Give the reason for the reset" in body and "Confirm that you have checked who is asking" in body
    assert confirmed_device(officer) is not None  # nothing changed
    done = client.post(url, {"reason": REASON, "confirm": "yes"}, follow=True)
    assert done.status_code == 200 and "Two-factor sign-in was reset" in done.content.decode()
    assert confirmed_device(officer) is None
    event = AuditEvent.objects.get(action="auth.otp_reset")
    assert event.reason == REASON and event.object_id == str(officer.pk) and event.actor_id == force_admin.pk


def test_the_reset_needs_the_csrf_token(force_admin, officer):
    ensure_device(officer)
    client = _client(force_admin, enforce_csrf_checks=True)
    assert client.post(f"/accounts/{officer.pk}/", {"reason": REASON, "confirm": "yes"}).status_code == 403
    assert confirmed_device(officer) is not None


def test_another_forces_account_is_not_found_for_a_force_admin(force_admin, other_officer):
    client = _client(force_admin)
    assert client.get(f"/accounts/{other_officer.pk}/").status_code == 404
    assert client.post(f"/accounts/{other_officer.pk}/", {"reason": REASON, "confirm": "yes"}).status_code == 404
    assert client.get("/accounts/?force=GMP").status_code == 403


def test_a_national_admin_resets_anyone(national_admin, other_officer):
    ensure_device(other_officer)
    client = _client(national_admin)
    assert other_officer.username in client.get("/accounts/?force=GMP").content.decode()
    client.post(f"/accounts/{other_officer.pk}/", {"reason": REASON, "confirm": "yes"})
    assert confirmed_device(other_officer) is None


@pytest.mark.parametrize("who", ["officer", "supervisor", "auditor", "analyst"])
def test_other_roles_cannot_see_the_accounts_pages(request, who, officer):
    client = _client(request.getfixturevalue(who))
    assert client.get("/accounts/").status_code == 403
    assert client.get(f"/accounts/{officer.pk}/").status_code == 403


def test_the_sign_in_page_points_at_a_reset_that_exists(force_admin):
    page = _client(force_admin).get("/").content.decode()
    assert 'href="/accounts/"' in page  # the force administrator's navigation
