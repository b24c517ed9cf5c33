"""Writes for access: API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction

from tether.core import clock
from tether.core.errors import ValidationFailed

from .events import record
from .models import ApiToken, User
from .permissions import can_reset_two_factor, role_unchanged


def token_create(username: str, *, name: str = "api", days: int = 30, actor_label: str = "") -> tuple[str, ApiToken]:
    try:
        user = User.objects.get(username=username, is_active=True)
    except User.DoesNotExist as exc:
        raise ValidationFailed({"username": f"no active user {username!r}"}) from exc
    with transaction.atomic():
        return issue_token(user, name=name, days=days, actor=None, actor_label=actor_label or "system")


def issue_token(user: User, *, name: str, days: int, actor: Any, actor_label: str = "",
                force_code: str = "") -> tuple[str, ApiToken]:
    """A new personal API token for ``user`` (inside the caller's transaction): the raw value is returned once and
    only its hash is kept. Audited (``token.create``)."""
    raw = ApiToken.generate()
    now = clock.now()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:8], token_hash=ApiToken.hash_token(raw), role=user.role, created_at=now,
        expires_at=now + timedelta(days=days),
    )
    record("token.create", actor, actor_label=actor_label, object_type="token", object_id=str(token.pk),
           force_code=force_code, detail={"user": user.username, "name": name,
                                          "expires_at": token.expires_at.isoformat()})
    return raw, token


def token_user(raw: str) -> Any:
    """The active user for a raw token, or None (unknown, revoked or expired)."""
    token = (
        ApiToken.objects.select_related("user", "user__force")
        .filter(token_hash=ApiToken.hash_token(raw), revoked_at__isnull=True, expires_at__gt=clock.now())
        .first()
    )
    if token is None or not token.user.is_active or not role_unchanged(token.role, token.user):
        return None  # unknown, revoked, expired, or issued for a role the user no longer has
    return token.user


RESET_REASON_RULE = ("Give the reason for the reset, in words: at least 10 letters, like \"Lost phone, identity "
                     "checked in person at Charing Cross\"")


def two_factor_reset(actor: Any, username: str, *, reason: str, confirmed: bool = True) -> int:
    """Reset an account's two-factor sign-in (a lost or replaced phone): a force administrator for their own force,
    a national administrator for anyone; the reason is recorded. The user enrols again at their next sign-in.
    ``confirmed``: the administrator checked who is asking (the page asks; the command line's operator is trusted).
    Every problem is reported at once (ValidationFailed); nothing is changed unless there is none."""
    from tether.core.errors import Forbidden, NotFound
    from tether.core.fields import reason_problem

    from .two_factor import reset_two_factor

    user = User.objects.select_related("force").filter(username=(username or "").strip()).first()
    if user is None:
        raise NotFound(f"No account {username!r}.")
    if not can_reset_two_factor(actor, user):
        raise Forbidden("Only a force administrator (for their own force) or a national administrator resets "
                        "two-factor sign-in.")
    errors: dict[str, list[str]] = {}
    if problem := reason_problem(reason, rule=RESET_REASON_RULE):
        errors["reason"] = [problem]
    if not confirmed:
        errors["confirm"] = ["Confirm that you have checked who is asking for the reset"]
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not TOTPDevice.objects.filter(user=user).exists():  # a change that changes nothing writes nothing
        errors["two_factor"] = ["Nothing would change: the account has no authenticator to reset"]
    if errors:
        raise ValidationFailed(errors)
    return reset_two_factor(user, actor=actor, reason=reason.strip())
