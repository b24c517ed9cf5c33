"""What ``tether user ...`` runs: the administration services as the ``--as`` account, by username. Each returns
data for the command to print; refusals are the services' own (ValidationFailed, Forbidden, NotFound)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from tether.core.errors import NotFound

from . import administration, selectors
from .models import User


def _target(actor: Any, username: str) -> User:
    user = User.objects.filter(username=(username or "").strip()).first()
    if user is None:
        raise NotFound(f"No account {username!r}.")
    return administration.user_by_id(actor, user.pk)


def _row(u: Any) -> dict[str, Any]:
    return {"username": u.username, "name": u.get_full_name(), "role": u.role, "force": u.force_code,
            "status": u.status, "locked_out": u.locked_out, "two_factor_set_up": bool(u.two_factor_set_up),
            "last_sign_in": u.last_login.isoformat() if u.last_login else ""}


def invite(as_user: str | None, data: dict[str, Any]) -> dict[str, Any]:
    actor = selectors.user_named(as_user)
    invited = administration.user_invite(actor, data)
    path = reverse("access:invitation", kwargs={"token": invited.token})
    return {"username": invited.user.username, "link": str(settings.TETHER_BASE_URL).rstrip("/") + path,
            "expires_at": invited.invitation.expires_at.isoformat()}


def users(as_user: str | None, force: str | None, locked: bool) -> list[dict[str, Any]]:
    actor = selectors.user_named(as_user)
    rows, _, _ = selectors.accounts(actor, force or None, locked_only=locked)
    return [_row(u) for u in rows]


def set_role(as_user: str | None, username: str, role: str, force: str | None) -> dict[str, Any]:
    actor = selectors.user_named(as_user)
    data: dict[str, Any] = {"role": role}
    if force is not None:
        data["force"] = force
    user = administration.user_update(actor, _target(actor, username).pk, data)
    return {"username": user.username, "role": user.role, "force": user.force_code}


def set_active(as_user: str | None, username: str, active: bool, reason: str = "") -> dict[str, Any]:
    actor = selectors.user_named(as_user)
    user = administration.user_set_active(actor, _target(actor, username).pk, active, reason=reason)
    return {"username": user.username, "active": user.is_active}


def unlock(as_user: str | None, username: str) -> dict[str, Any]:
    actor = selectors.user_named(as_user)
    user = administration.user_unlock(actor, _target(actor, username).pk)
    return {"username": user.username, "unlocked": True}


def tokens(as_user: str | None, username: str, revoke: int | None = None) -> list[dict[str, Any]]:
    """The account's API tokens (never the secret); ``revoke``: revoke that one first."""
    actor = selectors.user_named(as_user)
    user = _target(actor, username)
    if revoke is not None:
        administration.token_revoke(actor, user.pk, revoke)
    account = selectors.account(actor, user.pk)
    return [{"id": t.pk, "name": t.name, "prefix": t.prefix, "state": t.state,
             "created_at": t.created_at.isoformat(), "expires_at": t.expires_at.isoformat(),
             "last_used_at": t.last_used_at.isoformat() if t.last_used_at else ""} for t in account.tokens]
