"""Force administration services: inviting (a one-time link stored as a hash), role and force, deactivation,
unlocking and token revocation; each audited, each refused with field-named errors, and a change that changes
nothing writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tether.access import administration as admin
from tether.access.lockout import locked_usernames
from tether.access.models import ApiToken, Invitation, User
from tether.access.services import token_create, token_user
from tether.audit.models import AuditEvent
from tether.core.errors import NotFound, ValidationFailed

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a long enough passphrase 42"


def _invite(actor, **overrides):
    data = {"username": "jo.bloggs", "first_name": "Jo", "last_name": "Bloggs", "email": "jo@example.org",
            "role": "officer"} | overrides
    return admin.user_invite(actor, data)


def _errors(exc) -> dict[str, list[str]]:
    return exc.value.errors


def test_an_invitation_makes_an_account_that_cannot_sign_in_and_stores_only_the_hash(force_admin, frozen):
    invited = _invite(force_admin)
    user = invited.user
    assert not user.is_active and not user.has_usable_password() and user.force.code == "MPS"
    assert user.role == "officer"
    row = Invitation.objects.get(user=user)
    assert row.token_hash == Invitation.hash_token(invited.token) and invited.token not in row.token_hash
    assert row.expires_at == row.created_at + timedelta(days=7)
    event = AuditEvent.objects.get(action="user.invite")
    assert event.object_id == str(user.pk) and event.force_code == "MPS"
    assert "Bloggs" not in str(event.detail) and event.personal["last_name"] == "Bloggs"
    assert invited.token not in str(event.detail)


def test_the_link_works_once_then_the_account_is_active(force_admin, frozen):
    invited = _invite(force_admin)
    with pytest.raises(ValidationFailed) as exc:
        admin.invitation_accept(invited.token, password="short", password_confirm="other")
    assert set(_errors(exc)) == {"password", "password_confirm"}
    user = admin.invitation_accept(invited.token, password=GOOD_PASSWORD, password_confirm=GOOD_PASSWORD)
    assert user.is_active and user.check_password(GOOD_PASSWORD)
    assert AuditEvent.objects.filter(action="user.invitation_accepted", actor_id=user.pk).count() == 1
    with pytest.raises(NotFound):
        admin.invitation_accept(invited.token, password=GOOD_PASSWORD, password_confirm=GOOD_PASSWORD)


def test_an_expired_or_replaced_link_does_not_work(force_admin, frozen):
    first = _invite(force_admin, days="2")
    frozen.shift(timedelta(days=2, seconds=1))
    assert admin.invitation_for(first.token) is None
    renewed = admin.invitation_renew(force_admin, first.user.pk)
    assert admin.invitation_for(renewed.token) is not None
    again = admin.invitation_renew(force_admin, first.user.pk)
    assert admin.invitation_for(renewed.token) is None and admin.invitation_for(again.token) is not None


def test_invitation_errors_name_every_field_at_once(force_admin, officer):
    with pytest.raises(ValidationFailed) as exc:
        admin.user_invite(force_admin, {"username": officer.username, "first_name": "", "last_name": "x\x00",
                                        "email": "not an address", "role": "national_admin", "days": "99"})
    assert set(_errors(exc)) == {"username", "first_name", "last_name", "email", "role", "days"}
    assert not AuditEvent.objects.filter(action="user.invite").exists()


def test_a_force_admin_gives_only_force_roles_in_their_own_force(force_admin, gmp):
    with pytest.raises(ValidationFailed) as exc:
        _invite(force_admin, force="GMP")
    assert "own force" in _errors(exc)["force"][0]
    with pytest.raises(ValidationFailed) as exc:
        _invite(force_admin, role="auditor")
    assert "you may give" in _errors(exc)["role"][0]


def test_a_national_admin_invites_anywhere_and_national_roles_have_no_force(national_admin, gmp):
    assert _invite(national_admin, force="GMP").user.force == gmp
    with pytest.raises(ValidationFailed) as exc:
        _invite(national_admin, username="aud.two", role="auditor", force="GMP")
    assert "blank" in _errors(exc)["force"][0]
    with pytest.raises(ValidationFailed) as exc:
        _invite(national_admin, username="off.two", role="officer", force="")
    assert "required" in _errors(exc)["force"][0]
    assert _invite(national_admin, username="aud.three", role="auditor", force="").user.force is None


def test_role_change_is_audited_and_stops_the_old_tokens(force_admin, officer):
    raw, _ = token_create(officer.username)
    user = admin.user_update(force_admin, officer.pk, {"role": "supervisor"})
    assert user.role == "supervisor" and token_user(raw) is None
    event = AuditEvent.objects.get(action="user.update")
    assert event.detail["before"] == {"role": "officer", "force": "MPS"}
    assert event.detail["after"] == {"role": "supervisor", "force": "MPS"}


def test_a_change_that_changes_nothing_writes_nothing(force_admin, officer):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        admin.user_update(force_admin, officer.pk, {"role": "officer"})
    assert "Nothing would change" in _errors(exc)["role"][0]
    with pytest.raises(ValidationFailed) as exc:
        admin.user_set_active(force_admin, officer.pk, True)
    assert "already active" in _errors(exc)["active"][0]
    with pytest.raises(ValidationFailed) as exc:
        admin.user_unlock(force_admin, officer.pk)
    assert "not locked out" in _errors(exc)["locked_out"][0]
    assert AuditEvent.objects.count() == before


def test_nobody_changes_their_own_role_or_deactivates_themselves(force_admin):
    with pytest.raises(ValidationFailed):
        admin.user_update(force_admin, force_admin.pk, {"role": "officer"})
    with pytest.raises(ValidationFailed):
        admin.user_set_active(force_admin, force_admin.pk, False)


def test_another_forces_account_is_not_found(force_admin, other_officer):
    for call in (lambda: admin.user_update(force_admin, other_officer.pk, {"role": "supervisor"}),
                 lambda: admin.user_set_active(force_admin, other_officer.pk, False),
                 lambda: admin.user_unlock(force_admin, other_officer.pk),
                 lambda: admin.token_revoke(force_admin, other_officer.pk, 1)):
        with pytest.raises(NotFound):
            call()


def test_deactivation_stops_sign_in_and_tokens_and_reactivation_restores(force_admin, officer):
    raw, _ = token_create(officer.username)
    admin.user_set_active(force_admin, officer.pk, False, reason="Left the unit")
    assert token_user(raw) is None and not User.objects.get(pk=officer.pk).is_active
    assert AuditEvent.objects.get(action="user.deactivate").reason == "Left the unit"
    admin.user_set_active(force_admin, officer.pk, True)
    assert token_user(raw) is not None


def test_unlocking_a_locked_out_account(client, force_admin, officer, frozen):
    for _ in range(5):
        client.post("/sign-in/", {"username": officer.username, "password": "wrong password!"})
    assert officer.username in locked_usernames()
    admin.user_unlock(force_admin, officer.pk)
    assert officer.username not in locked_usernames()
    assert AuditEvent.objects.get(action="auth.unlock").object_id == str(officer.pk)


def test_revoking_a_token(force_admin, officer):
    raw, token = token_create(officer.username)
    admin.token_revoke(force_admin, officer.pk, token.pk)
    assert token_user(raw) is None and ApiToken.objects.get(pk=token.pk).revoked_at is not None
    with pytest.raises(ValidationFailed) as exc:
        admin.token_revoke(force_admin, officer.pk, token.pk)
    assert "already revoked" in _errors(exc)["token"][0]
    assert AuditEvent.objects.filter(action="token.revoke").count() == 1


def test_deactivating_an_invited_account_withdraws_its_link(force_admin, frozen):
    invited = _invite(force_admin)
    admin.user_set_active(force_admin, invited.user.pk, False)
    assert admin.invitation_for(invited.token) is None
    assert AuditEvent.objects.filter(action="user.invite_withdraw").count() == 1
    with pytest.raises(ValidationFailed) as exc:
        admin.user_set_active(force_admin, invited.user.pk, False)
    assert "no invitation link" in _errors(exc)["active"][0]
    with pytest.raises(ValidationFailed):
        admin.user_set_active(force_admin, invited.user.pk, True)
