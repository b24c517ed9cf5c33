"""Writes for force administration: inviting users (a one-time link), changing an account's role and force,
deactivating and reactivating it, unlocking a locked-out account and revoking personal API tokens.

A force administrator administers their own force's accounts, a national administrator anyone's
(``permissions.can_manage_user``); which roles each may give is ``permissions.can_grant``. Every change is
validated first (every problem at once, by field), then written with its audit event in one transaction. A change
that changes nothing writes nothing: it is refused (ValidationFailed naming why), with no audit event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction

from tether.core import clock
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.core.fields import Fields

from . import lockout, permissions
from .events import record
from .models import ApiToken, Force, Invitation, User
from .selectors import is_invited

INVITE_DAYS = 7  # how long an invitation link works unless the administrator says otherwise
INVITE_DAYS_MAX = 30
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
USERNAME_RULE = "must be 2 to 60 lower-case letters, digits, full stops, hyphens or underscores, like jo.bloggs"
NOT_YOURS = "Only a force administrator (for their own force) or a national administrator administers accounts."
UNCHANGED = "Nothing would change"


@dataclass(frozen=True)
class Invited:
    """What an invitation gives back: the account, the link's raw token (shown once, never stored) and its expiry."""

    user: User
    token: str
    invitation: Invitation


def _admin(actor: Any) -> None:
    if not permissions.can_manage_accounts(actor):
        raise Forbidden(NOT_YOURS)


def _managed(actor: Any, user_id: Any, *, lock: bool = False) -> User:
    """The account ``user_id`` when the actor administers it; NotFound when missing or not theirs (one answer)."""
    _admin(actor)
    try:
        qs = User.objects.select_related("force")
        if lock:
            qs = qs.select_for_update(of=("self",))
        user = qs.get(pk=int(user_id))
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        raise NotFound("No such account.") from None
    if not permissions.can_manage_user(actor, user):
        raise NotFound("No such account.")
    return user


def user_by_id(actor: Any, user_id: Any) -> User:
    """The account ``user_id`` when the actor administers it (NotFound otherwise: one answer for both)."""
    return _managed(actor, user_id)


def _force_code(user: Any) -> str:
    return str(user.force_code)


def _read_role_and_force(f: Fields, actor: Any, role: Any, force_code: Any, *, default_force: Force | None) -> tuple[
        str, Force | None]:
    """The role and force asked for, checked against what the actor may give (errors land in ``f``)."""
    roles = sorted(permissions.grantable_roles(actor))
    if not permissions.is_known_role(role):
        f.fail("role", f"must be one of: {', '.join(roles)}")
        return "", None
    if role not in roles:
        f.fail("role", f"you cannot give this role: you may give {', '.join(roles)}")
        return "", None
    force: Force | None = default_force  # the force left out: unchanged (or the actor's own)
    if force_code is not None:
        code, problems = _text(force_code, max_len=8)
        for problem in problems:
            f.fail("force", problem)
        if code:
            force = Force.objects.filter(code=code.upper()).first()
            if force is None:
                f.fail("force", f"no force has the code {code.upper()}")
                return role, None
        elif permissions.is_national_admin(actor):
            force = None  # blank: a national account
    if permissions.role_needs_force(role) and force is None:
        f.fail("force", "is required for this role: choose the force the account belongs to")
    if permissions.role_takes_no_force(role) and force is not None:
        f.fail("force", "must be left blank: this role belongs to no force")
    if not f.errors.get("force") and not permissions.can_grant(actor, role, force.pk if force else None):
        f.fail("force", "you can only give accounts in your own force")
    return role, force


def _text(raw: Any, *, max_len: int) -> tuple[str, list[str]]:
    from tether.core.fields import read_text

    return read_text(raw, required=False, max_len=max_len)


# --- inviting ---------------------------------------------------------------------------------------------------


def user_invite(actor: Any, data: dict[str, Any]) -> Invited:
    """Create an account that cannot sign in yet and a one-time link (``days``, default 7) with which the invitee sets
    a password (then sets up two-factor sign-in). ``data``: username, first_name, last_name, email (optional),
    role, force (a code; a force administrator's own force when left out), days (optional). Audited
    (``user.invite``); the invitee's name and e-mail address are the event's personal values."""
    _admin(actor)
    f = Fields()
    username = f.text(data, "username", max_len=60).lower()
    if username and not USERNAME_RE.match(username):
        f.fail("username", USERNAME_RULE)
    elif username and User.objects.filter(username__iexact=username).exists():
        f.fail("username", "is taken: choose another username")
    first_name = f.text(data, "first_name", max_len=150)
    last_name = f.text(data, "last_name", max_len=150)
    email = f.text(data, "email", required=False, max_len=254)
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            f.fail("email", "must be an e-mail address, like jo.bloggs@met.police.uk")
    own = actor.force if getattr(actor, "force_id", None) else None
    role, force = _read_role_and_force(f, actor, data.get("role"), data.get("force"), default_force=own)
    days = _days(f, data.get("days"))
    f.raise_if_any()
    now = clock.now()
    with transaction.atomic():
        user = User(username=username, first_name=first_name, last_name=last_name, email=email, role=role,
                    force=force, is_active=False)
        user.set_unusable_password()
        user.save()
        raw, invitation = _new_link(actor, user, days, now)
        record("user.invite", actor, object_type="user", object_id=str(user.pk), force_code=_force_code(user),
               detail={"username": username, "role": role, "force": force.code if force else "",
                       "expires_at": invitation.expires_at.isoformat()},
               personal={"first_name": first_name, "last_name": last_name, "email": email})
    return Invited(user, raw, invitation)


def _days(f: Fields, raw: Any) -> int:
    if raw in (None, ""):
        return INVITE_DAYS
    text = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
    if not text.isdigit() or not 1 <= int(text) <= INVITE_DAYS_MAX:
        f.fail("days", f"must be a whole number of days from 1 to {INVITE_DAYS_MAX}")
        return INVITE_DAYS
    return int(text)


def _new_link(actor: Any, user: User, days: int, now: Any) -> tuple[str, Invitation]:
    """A fresh link for ``user``: any earlier link that still works is withdrawn."""
    Invitation.objects.filter(user=user, used_at__isnull=True, withdrawn_at__isnull=True).update(withdrawn_at=now)
    raw = Invitation.generate()
    invitation = Invitation.objects.create(
        user=user, token_hash=Invitation.hash_token(raw), created_by=actor if getattr(actor, "pk", None) else None,
        created_at=now, expires_at=now + timedelta(days=days))
    return raw, invitation


def invitation_renew(actor: Any, user_id: Any, *, days: Any = None) -> Invited:
    """A new link for an invited account that has not set its password yet (the old link stops working)."""
    f = Fields()
    n = _days(f, days)
    f.raise_if_any()
    with transaction.atomic():
        user = _managed(actor, user_id, lock=True)
        if not is_invited(user):
            raise ValidationFailed({"invitation": "the account has set its password: there is nothing to invite"})
        raw, invitation = _new_link(actor, user, n, clock.now())
        record("user.invite_renew", actor, object_type="user", object_id=str(user.pk), force_code=_force_code(user),
               detail={"username": user.username, "expires_at": invitation.expires_at.isoformat()})
    return Invited(user, raw, invitation)


def invitation_for(raw: Any) -> Invitation | None:
    """The invitation a link's token opens while it still works (unused, not withdrawn, not expired), else None."""
    if not isinstance(raw, str) or not raw or len(raw) > 100:
        return None
    return (Invitation.objects.select_related("user", "user__force")
            .filter(token_hash=Invitation.hash_token(raw), used_at__isnull=True, withdrawn_at__isnull=True,
                    expires_at__gt=clock.now()).first())


LINK_NOT_VALID = ("It has been used, has expired or was replaced by a newer one. Ask your "
                  "force administrator for a new link.")


def invitation_accept(raw: Any, *, password: Any, password_confirm: Any) -> User:
    """The invitee sets their password with the link (once): the account becomes active and the link stops
    working. Audited (``user.invitation_accepted``). NotFound when the link does not work."""
    with transaction.atomic():
        invitation = invitation_for(raw)
        if invitation is None:
            raise NotFound(LINK_NOT_VALID)
        invitation = Invitation.objects.select_for_update(of=("self",)).select_related("user", "user__force").get(
            pk=invitation.pk)
        if invitation.used_at is not None or invitation.withdrawn_at is not None:
            raise NotFound(LINK_NOT_VALID)
        user = invitation.user
        errors: dict[str, list[str]] = {}
        if not isinstance(password, str) or not password:
            errors["password"] = ["Enter a password"]
        else:
            try:
                validate_password(password, user)
            except DjangoValidationError as exc:
                errors["password"] = [str(m).rstrip(".") for m in exc.messages]
            if password_confirm != password:
                errors["password_confirm"] = ["must be the same as the password"]
        if errors:
            raise ValidationFailed(errors)
        now = clock.now()
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        invitation.used_at = now
        invitation.save(update_fields=["used_at"])
        record("user.invitation_accepted", user, object_type="user", object_id=str(user.pk),
               force_code=_force_code(user), detail={"username": user.username, "invitation": invitation.pk})
    return user


# --- changing an account ------------------------------------------------------------------------------------------


def user_update(actor: Any, user_id: Any, data: dict[str, Any]) -> User:
    """Change an account's role and force (within what the actor may give). ``data``: role, force (a code; "" for
    a national account). Existing API tokens stop working when the role changes; two-factor sign-in is asked for
    at the next sign-in if the new role needs it. Audited (``user.update``, before and after)."""
    with transaction.atomic():
        user = _managed(actor, user_id, lock=True)
        f = Fields()
        if user.pk == getattr(actor, "pk", None):
            raise ValidationFailed({"role": "you cannot change your own role or force: ask another administrator"})
        role, force = _read_role_and_force(f, actor, data.get("role", user.role), data.get("force"),
                                           default_force=user.force)
        f.raise_if_any()
        before = {"role": user.role, "force": user.force_code}
        after = {"role": role, "force": force.code if force else ""}
        if before == after:
            raise ValidationFailed({"role": f"{UNCHANGED}: the account already has this role and force"})
        user.role, user.force = role, force
        user.save(update_fields=["role", "force"])
        record("user.update", actor, object_type="user", object_id=str(user.pk),
               force_code=after["force"] or before["force"],
               detail={"username": user.username, "before": before, "after": after})
    return user


def user_set_active(actor: Any, user_id: Any, active: Any, *, reason: Any = "") -> User:
    """Deactivate an account (it cannot sign in, its sessions and API tokens stop working) or reactivate it.
    Audited (``user.deactivate`` / ``user.reactivate``) with the reason given."""
    if not isinstance(active, bool):
        raise ValidationFailed({"active": "must be true or false"})
    f = Fields()
    why = f.text({"reason": reason}, "reason", required=False, max_len=2000)
    f.raise_if_any()
    with transaction.atomic():
        user = _managed(actor, user_id, lock=True)
        if user.pk == getattr(actor, "pk", None):
            raise ValidationFailed({"active": "you cannot deactivate your own account: ask another administrator"})
        if is_invited(user) and active:
            raise ValidationFailed({"active": "the account has not accepted its invitation: send a new link"})
        if is_invited(user):  # deactivating an invited account withdraws its link
            withdrawn = Invitation.objects.filter(user=user, used_at__isnull=True, withdrawn_at__isnull=True,
                                                  expires_at__gt=clock.now()).update(withdrawn_at=clock.now())
            if not withdrawn:
                raise ValidationFailed({"active": f"{UNCHANGED}: no invitation link of the account works"})
            record("user.invite_withdraw", actor, object_type="user", object_id=str(user.pk),
                   force_code=_force_code(user), reason=why, detail={"username": user.username})
            return user
        if user.is_active == active:
            state = "active" if active else "deactivated"
            raise ValidationFailed({"active": f"{UNCHANGED}: the account is already {state}"})
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:  # an invitation still open would let the account in again
            Invitation.objects.filter(user=user, used_at__isnull=True, withdrawn_at__isnull=True).update(
                withdrawn_at=clock.now())
        record("user.reactivate" if active else "user.deactivate", actor, object_type="user", object_id=str(user.pk),
               force_code=_force_code(user), reason=why, detail={"username": user.username})
    return user


def user_unlock(actor: Any, user_id: Any) -> User:
    """Let a locked-out account sign in again at once (its failed sign-ins are cleared). Audited (``auth.unlock``)."""
    with transaction.atomic():
        user = _managed(actor, user_id, lock=True)
        if user.username not in lockout.locked_usernames([user.username]):
            raise ValidationFailed({"locked_out": f"{UNCHANGED}: the account is not locked out"})
        cleared = lockout.unlock(user.username)
        record("auth.unlock", actor, object_type="user", object_id=str(user.pk), force_code=_force_code(user),
               detail={"username": user.username, "attempts_cleared": cleared})
    return user


TOKEN_DAYS = 30  # how long a new API token works unless the administrator says otherwise
TOKEN_DAYS_MAX = 365


def token_issue(actor: Any, user_id: Any, data: dict[str, Any]) -> tuple[str, ApiToken]:
    """A new personal API token for an account the actor administers: ``name`` (a label, required) and ``days`` until
    it expires (default 30, at most 365). The raw value is returned to show once; only its hash is kept, as for
    ``tether token create``. Audited (``token.create``). Every problem is reported at once; nothing is written."""
    from .services import issue_token

    f = Fields()
    name = f.text(data, "name", max_len=80)
    raw_days = data.get("days")
    days = TOKEN_DAYS
    if raw_days not in (None, ""):
        text = str(raw_days).strip() if isinstance(raw_days, str | int) and not isinstance(raw_days, bool) else ""
        if not text.isdigit() or not 1 <= int(text) <= TOKEN_DAYS_MAX:
            f.fail("days", f"must be a whole number of days from 1 to {TOKEN_DAYS_MAX}")
        else:
            days = int(text)
    with transaction.atomic():
        user = _managed(actor, user_id, lock=True)
        if not user.is_active:
            f.fail("token", "cannot be made for an account that cannot sign in (invited or deactivated): "
                            "a token would not work")
        f.raise_if_any()
        return issue_token(user, name=name, days=days, actor=actor, force_code=_force_code(user))


def token_revoke(actor: Any, user_id: Any, token_id: Any) -> ApiToken:
    """Revoke one of an account's personal API tokens (it stops working at once). Audited (``token.revoke``)."""
    with transaction.atomic():
        user = _managed(actor, user_id)
        try:
            token = ApiToken.objects.select_for_update().get(pk=int(token_id), user=user)
        except (TypeError, ValueError, OverflowError, ApiToken.DoesNotExist):
            raise NotFound("No such token.") from None
        if token.revoked_at is not None:
            raise ValidationFailed({"token": f"{UNCHANGED}: the token is already revoked"})
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        record("token.revoke", actor, object_type="token", object_id=str(token.pk), force_code=_force_code(user),
               detail={"user": user.username, "name": token.name, "prefix": token.prefix})
    return token
