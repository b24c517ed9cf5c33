"""API for force administration: /api/v1/users. Force administrators (their own force's accounts) and national
administrators (anyone's). The same selectors and services (``tether.access.administration``) as the accounts
pages: every change validated by field, written with its audit event in one transaction, and a change that changes
nothing refused (400) with nothing written."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from pydantic import StrictBool

from . import administration, selectors
from .api import DetailOut, ErrorOut, In, Text, TokenAuth
from .services import RESET_REASON_RULE, two_factor_reset

router = Router(auth=TokenAuth(), tags=["administration"])

MAX_ID = 2_147_483_647
UserId = Path(..., ge=1, le=MAX_ID)  # type: ignore[type-arg]
TokenId = Path(..., ge=1, le=MAX_ID)  # type: ignore[type-arg]
Code = Annotated[str, Text(8)]
Name = Annotated[str, Text(150, required=True)]
Reason = Annotated[str, Text(2000)]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters (never the secret)")
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    state: str = Field(description="active, expired or revoked")


class UserOut(Schema):
    id: int
    username: str
    name: str
    role: str
    role_label: str
    force: str = Field(description="The force code; empty for a national account")
    status: str = Field(description="active, invited (has not set a password yet) or deactivated")
    locked_out: bool = Field(description="Too many failed sign-ins: refused until the cool-off ends or unlocked")
    two_factor_set_up: bool
    last_sign_in: datetime | None


class UserDetailOut(UserOut):
    tokens: list[TokenOut]
    invitation_expires_at: datetime | None = Field(description="When the link that still works expires, if any")


class UserListOut(Schema):
    count: int
    capped: bool = Field(description="More accounts than shown: name a force")
    results: list[UserOut]


class InvitedOut(Schema):
    user: UserOut
    link: str = Field(description="The one-time link, shown only now (only its hash is kept)")
    expires_at: datetime


def _user(u: Any) -> dict[str, Any]:
    return {"id": u.pk, "username": u.username, "name": u.get_full_name(), "role": u.role,
            "role_label": u.get_role_display(), "force": u.force_code, "status": u.status,
            "locked_out": u.locked_out, "two_factor_set_up": bool(u.two_factor_set_up), "last_sign_in": u.last_login}


def _detail(request: HttpRequest, user_id: int) -> dict[str, Any]:
    u = selectors.account(request.user, user_id)
    invitation = u.invitation if u.invitation is not None and not getattr(u.invitation, "expired", False) else None
    return {**_user(u), "invitation_expires_at": invitation.expires_at if invitation else None,
            "tokens": [{"id": t.pk, "name": t.name, "prefix": t.prefix, "created_at": t.created_at,
                        "expires_at": t.expires_at, "last_used_at": t.last_used_at, "revoked_at": t.revoked_at,
                        "state": t.state} for t in u.tokens]}


ForceQuery = Query("", description="A force code (national administrators)")  # type: ignore[type-arg]
LockedQuery = Query(False, description="Only the accounts locked out now")  # type: ignore[type-arg]
_READ = {200: UserDetailOut, 403: DetailOut, 404: DetailOut}
_WRITE = {200: UserDetailOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut}


@router.get("/users", response={200: UserListOut, 403: DetailOut, 404: DetailOut}, summary="List accounts")
def list_users(request: HttpRequest, force: Code = ForceQuery, locked: StrictBool = LockedQuery) -> Any:
    """A force administrator's own force's accounts; a national administrator's of every force (or one)."""
    rows, _, capped = selectors.accounts(request.user, force or None, locked_only=locked)
    return {"count": len(rows), "capped": capped, "results": [_user(u) for u in rows]}


class InviteIn(In):
    username: Annotated[str, Text(60, required=True)] = Field(description=administration.USERNAME_RULE)
    first_name: Name
    last_name: Name
    email: Annotated[str, Text(254)] = ""
    role: Annotated[str, Text(20, required=True)] = Field(description="A role the administrator may give")
    force: Code = Field("", description="A force code; empty: your own force (national administrators: none)")
    days: int = Field(administration.INVITE_DAYS, ge=1, le=administration.INVITE_DAYS_MAX,
                      description="Days the link works")


@router.post("/users/invitations", response={200: InvitedOut, 400: ErrorOut, 403: DetailOut},
             summary="Invite a user")
def invite_user(request: HttpRequest, payload: InviteIn) -> Any:
    """Makes an account that cannot sign in yet and a one-time link with which the invitee sets a password, then
    sets up two-factor sign-in. The username must be free and the role and force ones you may give."""
    from .views_admin import invitation_url

    data = payload.dict()
    if not data["force"]:
        data.pop("force")
    invited = administration.user_invite(request.user, data)
    user = selectors.account(request.user, invited.user.pk)
    return {"user": _user(user), "link": invitation_url(request, invited.token),
            "expires_at": invited.invitation.expires_at}


@router.get("/users/{user_id}", response=_READ, summary="One account, with its API tokens")
def get_user(request: HttpRequest, user_id: int = UserId) -> Any:
    return _detail(request, user_id)


class RenewIn(In):
    days: int = Field(administration.INVITE_DAYS, ge=1, le=administration.INVITE_DAYS_MAX)


@router.post("/users/{user_id}/invitation", response={200: InvitedOut, 400: ErrorOut, 403: DetailOut,
                                                      404: DetailOut}, summary="A new invitation link")
def renew_invitation(request: HttpRequest, payload: RenewIn, user_id: int = UserId) -> Any:
    """For an account that has not set its password yet; the earlier link stops working."""
    from .views_admin import invitation_url

    invited = administration.invitation_renew(request.user, user_id, days=payload.days)
    user = selectors.account(request.user, user_id)
    return {"user": _user(user), "link": invitation_url(request, invited.token),
            "expires_at": invited.invitation.expires_at}


class RoleIn(In):
    role: Annotated[str, Text(20, required=True)]
    force: Code | None = Field(None, description="A force code; empty: a national account; left out: unchanged")


@router.post("/users/{user_id}/role", response=_WRITE, summary="Change an account's role and force")
def change_user_role(request: HttpRequest, payload: RoleIn, user_id: int = UserId) -> Any:
    """Within what you may give; never your own. The account's API tokens stop working when the role changes."""
    data: dict[str, Any] = {"role": payload.role}
    if payload.force is not None:
        data["force"] = payload.force
    administration.user_update(request.user, user_id, data)
    return _detail(request, user_id)


class ActiveIn(In):
    active: StrictBool
    reason: Reason = ""


@router.post("/users/{user_id}/active", response=_WRITE, summary="Deactivate or reactivate an account")
def set_user_active(request: HttpRequest, payload: ActiveIn, user_id: int = UserId) -> Any:
    """A deactivated account cannot sign in and its API tokens stop working; never your own."""
    administration.user_set_active(request.user, user_id, payload.active, reason=payload.reason)
    return _detail(request, user_id)


@router.post("/users/{user_id}/unlock", response=_WRITE, summary="Unlock a locked-out account")
def unlock_user(request: HttpRequest, user_id: int = UserId) -> Any:
    """Clears the failed sign-ins of an account locked out now (400 when it is not)."""
    administration.user_unlock(request.user, user_id)
    return _detail(request, user_id)


@router.post("/users/{user_id}/tokens/{token_id}/revoke", response=_WRITE, summary="Revoke an API token")
def revoke_user_token(request: HttpRequest, user_id: int = UserId, token_id: int = TokenId) -> Any:
    administration.token_revoke(request.user, user_id, token_id)
    return _detail(request, user_id)


class TokenIn(In):
    name: Annotated[str, Text(80, required=True)] = Field(description="What the token is for")
    days: int = Field(administration.TOKEN_DAYS, ge=1, le=administration.TOKEN_DAYS_MAX,
                      description="Days until it expires")


class TokenMadeOut(Schema):
    user: UserDetailOut
    token: TokenOut
    secret: str = Field(description="The token, shown only now (only its hash is kept)")


@router.post("/users/{user_id}/tokens", response={200: TokenMadeOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut},
             summary="Make an API token")
def make_user_token(request: HttpRequest, payload: TokenIn, user_id: int = UserId) -> Any:
    """A personal API token for an active account, working for its role as it is now; the secret is in this answer
    only."""
    raw, t = administration.token_issue(request.user, user_id, {"name": payload.name, "days": payload.days})
    return {"user": _detail(request, user_id), "secret": raw,
            "token": {"id": t.pk, "name": t.name, "prefix": t.prefix, "created_at": t.created_at,
                      "expires_at": t.expires_at, "last_used_at": t.last_used_at, "revoked_at": t.revoked_at,
                      "state": "active"}}


class ResetIn(In):
    reason: Annotated[str, Text(2000, required=True)] = Field(description=RESET_REASON_RULE)


@router.post("/users/{user_id}/two-factor/reset", response=_WRITE, summary="Reset two-factor sign-in")
def reset_user_two_factor(request: HttpRequest, payload: ResetIn, user_id: int = UserId) -> Any:
    """A lost or replaced phone: the account sets up two-factor sign-in again at its next sign-in."""
    user = administration.user_by_id(request.user, user_id)
    two_factor_reset(request.user, user.username, reason=payload.reason)
    return _detail(request, user_id)
