"""The administration pages: invite a user and give them the link, the invitee sets a password with it (once),
and the account page changes the role, deactivates, unlocks and revokes tokens; each refused with the field named."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tether.access.models import ApiToken, User
from tether.access.services import token_create
from tether.access.testing import verified_login
from tether.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase 42"


def _client(user) -> Client:
    return verified_login(Client(), user)


def _link(body: str) -> str:
    found = re.search(r'value="(http://testserver/sign-in/invitation/[^"]+/)"', body)
    assert found, body
    return found.group(1).replace("http://testserver", "")


def test_invite_then_accept_the_link_once(force_admin, frozen):
    admin = _client(force_admin)
    page = admin.get("/accounts/invite/")
    assert page.status_code == 200 and "Invite a user" in page.content.decode()
    done = admin.post("/accounts/invite/", {"username": "jo.bloggs", "first_name": "Jo", "last_name": "Bloggs",
                                            "role": "officer", "days": "7"})
    assert done.status_code == 200
    link = _link(done.content.decode())
    user = User.objects.get(username="jo.bloggs")
    assert user.force.code == "MPS" and not user.is_active

    invitee = Client()
    assert "Choose your password" in invitee.get(link).content.decode()
    refused = invitee.post(link, {"password": "short", "password_confirm": "nope"})
    assert refused.status_code == 400 and 'href="#password"' in refused.content.decode()
    accepted = invitee.post(link, {"password": PASSWORD, "password_confirm": PASSWORD})
    assert accepted.status_code == 302 and accepted["Location"].startswith("/sign-in/two-factor/setup/")
    assert Client().get(link).status_code == 404  # once only


def test_invite_errors_are_named(force_admin):
    page = _client(force_admin).post("/accounts/invite/", {"username": "", "role": "auditor"})
    body = page.content.decode()
    assert page.status_code == 400
    for field in ("username", "first_name", "last_name", "role"):
        assert f'href="#{field}"' in body


def test_a_force_admin_sees_who_is_locked_out_and_unlocks(client, force_admin, officer, frozen):
    for _ in range(5):
        client.post("/sign-in/", {"username": officer.username, "password": "wrong password!"})
    admin = _client(force_admin)
    listing = admin.get("/accounts/?locked=yes").content.decode()
    assert officer.username in listing and "Locked out" in listing and force_admin.username not in listing
    page = admin.get(f"/accounts/{officer.pk}/").content.decode()
    assert "Unlock the account" in page
    done = admin.post(f"/accounts/{officer.pk}/unlock/", follow=True)
    assert "can sign in again" in done.content.decode()
    again = admin.post(f"/accounts/{officer.pk}/unlock/")
    assert again.status_code == 400 and "not locked out" in again.content.decode()


def test_role_change_and_deactivation_from_the_account_page(force_admin, officer):
    admin = _client(force_admin)
    done = admin.post(f"/accounts/{officer.pk}/role/", {"role": "supervisor"}, follow=True)
    assert "is now supervisor" in done.content.decode()
    same = admin.post(f"/accounts/{officer.pk}/role/", {"role": "supervisor"})
    assert same.status_code == 400 and "Nothing would change" in same.content.decode()
    refused = admin.post(f"/accounts/{officer.pk}/role/", {"role": "national_admin"})
    assert refused.status_code == 400 and 'href="#role"' in refused.content.decode()
    admin.post(f"/accounts/{officer.pk}/status/", {"active": "no", "active_reason": "Left the unit"})
    assert not User.objects.get(pk=officer.pk).is_active
    assert "Deactivated" in admin.get("/accounts/").content.decode()
    admin.post(f"/accounts/{officer.pk}/status/", {"active": "yes"})
    assert User.objects.get(pk=officer.pk).is_active


def test_tokens_are_listed_without_the_secret_and_revoked(force_admin, officer):
    raw, token = token_create(officer.username, name="reporting")
    admin = _client(force_admin)
    page = admin.get(f"/accounts/{officer.pk}/").content.decode()
    assert "reporting" in page and token.prefix in page and raw not in page and token.token_hash not in page
    admin.post(f"/accounts/{officer.pk}/tokens/", {"token": str(token.pk)})
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEvent.objects.filter(action="token.revoke").count() == 1
    bad = admin.post(f"/accounts/{officer.pk}/tokens/", {"token": "x"})
    assert bad.status_code == 404


def test_a_new_link_for_an_invited_account(force_admin, frozen):
    admin = _client(force_admin)
    first = _link(admin.post("/accounts/invite/", {"username": "jo.bloggs", "first_name": "Jo", "last_name": "B",
                                                    "role": "officer"}).content.decode())
    user = User.objects.get(username="jo.bloggs")
    assert "Make a new invitation link" in admin.get(f"/accounts/{user.pk}/").content.decode()
    second = _link(admin.post(f"/accounts/{user.pk}/invitation/").content.decode())
    assert first != second and Client().get(first).status_code == 404 and Client().get(second).status_code == 200


@pytest.mark.parametrize("who", ["officer", "supervisor", "partner"])
def test_other_roles_cannot_administer(request, who, officer):
    client = _client(request.getfixturevalue(who))
    assert client.get("/accounts/invite/").status_code == 403
    assert client.post(f"/accounts/{officer.pk}/role/", {"role": "supervisor"}).status_code == 403
    assert User.objects.get(pk=officer.pk).role == "officer"


def test_the_actions_need_the_csrf_token(force_admin, officer):
    client = Client(enforce_csrf_checks=True)
    verified_login(client, force_admin)
    assert client.post(f"/accounts/{officer.pk}/status/", {"active": "no"}).status_code == 403
    assert User.objects.get(pk=officer.pk).is_active


def test_a_bad_deactivation_reason_links_to_its_own_field(force_admin, officer):
    page = _client(force_admin).post(f"/accounts/{officer.pk}/status/", {"active": "no", "active_reason": "x" * 2001})
    body = page.content.decode()
    assert page.status_code == 400 and 'href="#active_reason"' in body and 'href="#reason"' not in body
    assert User.objects.get(pk=officer.pk).is_active
