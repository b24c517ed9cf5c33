"""Force administration pages beside the accounts pages: invite a user (``/accounts/invite/``), change an
account's role and force, deactivate or reactivate it, unlock it, send a new invitation link and revoke its API
tokens (each a POST from the account page), and the invitee's own page (``/sign-in/invitation/<token>/``) where
they set a password with the one-time link before setting up two-factor sign-in.

Every write goes through ``tether.access.administration``; these views only read the form and show the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.ui.forms import sentence
from tether.ui.pages import error_page

from . import administration, permissions, selectors
from .constants import Role
from .two_factor import next_step_url

LABELS = {
    "username": "Username", "first_name": "First name", "last_name": "Last name", "email": "E-mail address",
    "role": "Role", "force": "Force", "days": "Days the link works", "active": "Account",
    "locked_out": "Lockout", "token": "Token", "invitation": "Invitation", "reason": "Reason",
    "password": "Password", "password_confirm": "Confirm password", "active_reason": "Reason",
    "token_name": "Token name", "token_days": "Days the token works",
}
INVITE_ORDER = ("username", "first_name", "last_name", "email", "role", "force", "days")


def _errors(exc: ValidationFailed, order: tuple[str, ...]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    errors = {field: sentence(LABELS.get(field), problems[0]) for field, problems in exc.errors.items()}
    ranked = [f for f in order if f in errors] + [f for f in errors if f not in order]
    return errors, [(f"#{f}", errors[f]) for f in ranked]


def invitation_url(request: HttpRequest | None, token: str) -> str:
    path = reverse("access:invitation", kwargs={"token": token})
    if request is not None:
        return request.build_absolute_uri(path)
    return str(settings.TETHER_BASE_URL).rstrip("/") + path


def role_options(actor: Any) -> list[tuple[str, str]]:
    allowed = permissions.grantable_roles(actor)
    return [(value, label) for value, label in Role.choices if value in allowed]


def force_options(actor: Any) -> list[tuple[str, str]]:
    """The force dropdown a national administrator sees (a force administrator's accounts are their force's)."""
    if not permissions.is_national_admin(actor):
        return []
    return selectors.force_choices(("", "None (a national account)"), with_code=True)


# --- inviting -----------------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invite_page(request: HttpRequest) -> HttpResponse:
    """Invite a user: their account is made (it cannot sign in yet) and a one-time link is shown once, to pass to
    them; with it they set a password, then set up two-factor sign-in."""
    if not permissions.can_manage_accounts(request.user):
        return error_page(request, 403, administration.NOT_YOURS)
    actor: Any = request.user
    values: dict[str, Any] = {"role": Role.OFFICER, "force": actor.force_code, "days": administration.INVITE_DAYS}
    errors: dict[str, str] = {}
    error_list: list[tuple[str, str]] = []
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in INVITE_ORDER}
        if not permissions.is_national_admin(actor):
            values.pop("force")
        try:
            invited = administration.user_invite(actor, values)
        except ValidationFailed as exc:
            errors, error_list = _errors(exc, INVITE_ORDER)
        else:
            return render(request, "access/invited.html", {
                "nav": "accounts", "account": invited.user, "link": invitation_url(request, invited.token),
                "expires_at": invited.invitation.expires_at})
    return render(request, "access/invite.html", {
        "nav": "accounts", "values": values, "errors": errors, "error_list": error_list,
        "page_has_errors": bool(errors), "role_options": role_options(actor), "force_options": force_options(actor),
        "national": permissions.is_national_admin(actor), "max_days": administration.INVITE_DAYS_MAX,
    }, status=400 if errors else 200)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_page(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's page: choose a password (once). Then they are signed in and set up two-factor sign-in."""
    invitation = administration.invitation_for(token)
    if invitation is None:
        return _link_not_valid(request)
    errors: dict[str, str] = {}
    error_list: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            user = administration.invitation_accept(token, password=request.POST.get("password", ""),
                                                    password_confirm=request.POST.get("password_confirm", ""))
        except NotFound:
            return _link_not_valid(request)
        except ValidationFailed as exc:
            errors, error_list = _errors(exc, ("password", "password_confirm"))
        else:
            if request.user.is_authenticated:
                logout(request)
            login(request, user, backend="tether.access.backends.UserBackend")
            messages.success(request, "Your password is set." + (
                " Now set up two-factor sign-in." if permissions.needs_two_factor(user) else ""))
            return redirect(next_step_url(request))
    return render(request, "access/invitation.html", {
        "account": invitation.user, "errors": errors, "error_list": error_list, "page_has_errors": bool(errors),
        "expires_at": invitation.expires_at,
    }, status=400 if errors else 200)


def _link_not_valid(request: HttpRequest) -> HttpResponse:
    return render(request, "access/invitation_invalid.html", {"message": administration.LINK_NOT_VALID},
                  status=404)


# --- changing an account (each a POST from the account page) --------------------------------------------------------


def account_context(actor: Any, account: Any) -> dict[str, Any]:
    """What the account page shows beside the two-factor reset."""
    return {
        "role_options": role_options(actor), "force_options": force_options(actor),
        "national": permissions.is_national_admin(actor), "is_self": account.pk == getattr(actor, "pk", None),
    }


def _act(request: HttpRequest, user_id: int, write: Callable[[Any], str], order: tuple[str, ...],
         rename: dict[str, str] | None = None) -> HttpResponse:
    """Run one change of the account; its success message, or the account page again with the errors (400).
    ``rename``: a service field shown under another name on the page (the page has two reasons)."""
    from .views import render_account

    try:
        done = write(request.user)
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    except NotFound:
        return error_page(request, 404)
    except ValidationFailed as exc:
        renamed = ValidationFailed({(rename or {}).get(k, k): v for k, v in exc.errors.items()})
        errors, error_list = _errors(renamed, order)
        try:
            account = selectors.account(request.user, user_id)
        except (Forbidden, NotFound):
            return error_page(request, 404)
        return render_account(request, account, errors=errors, error_list=error_list, status=400,
                              values={k: request.POST.get(k, "") for k in ("role", "force", "active_reason",
                                                                           "token_name", "token_days")})
    messages.success(request, done)
    return redirect("access:account", user_id=user_id)


@require_POST
def account_role(request: HttpRequest, user_id: int) -> HttpResponse:
    def write(actor: Any) -> str:
        data = {"role": request.POST.get("role", "")}
        if permissions.is_national_admin(actor):
            data["force"] = request.POST.get("force", "")
        user = administration.user_update(actor, user_id, data)
        return f"{user.get_full_name() or user.username} is now {user.get_role_display().lower()}, " + (
            f"{user.force.name}." if user.force is not None else "a national account.")

    return _act(request, user_id, write, ("role", "force"))


@require_POST
def account_status(request: HttpRequest, user_id: int) -> HttpResponse:
    def write(actor: Any) -> str:
        active = request.POST.get("active") == "yes"
        user = administration.user_set_active(actor, user_id, active, reason=request.POST.get("active_reason", ""))
        name = user.get_full_name() or user.username
        if not active and selectors.is_invited(user):
            return f"{name}'s invitation is withdrawn: the link no longer works."
        return (f"{name}'s account is active again." if active else
                f"{name}'s account is deactivated: they cannot sign in and their API tokens stop working.")

    return _act(request, user_id, write, ("active", "active_reason"), {"reason": "active_reason"})


@require_POST
def account_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    def write(actor: Any) -> str:
        user = administration.user_unlock(actor, user_id)
        return f"{user.get_full_name() or user.username} can sign in again."

    return _act(request, user_id, write, ("locked_out",))


@require_POST
def account_tokens(request: HttpRequest, user_id: int) -> HttpResponse:
    """Revoke one API token (``token`` names it)."""
    def write(actor: Any) -> str:
        token = administration.token_revoke(actor, user_id, request.POST.get("token", ""))
        return f"The token {token.name} ({token.prefix}…) is revoked."

    return _act(request, user_id, write, ("token",))


@never_cache
@require_POST
def account_token_new(request: HttpRequest, user_id: int) -> HttpResponse:
    """A new API token for the account: its secret is shown once, on the page this answers with (never stored, never
    put in a message that outlives the page)."""
    try:
        raw, token = administration.token_issue(request.user, user_id, {
            "name": request.POST.get("token_name", ""), "days": request.POST.get("token_days", "")})
    except (Forbidden, NotFound, ValidationFailed) as exc:
        refusal = exc

        def refused(actor: Any) -> str:
            raise refusal

        return _act(request, user_id, refused, ("token_name", "token_days", "token"),
                    {"name": "token_name", "days": "token_days"})
    return render(request, "access/token_created.html", {
        "nav": "accounts", "account": token.user, "token": token, "secret": raw})


@never_cache
@require_POST
def account_invitation(request: HttpRequest, user_id: int) -> HttpResponse:
    """A new invitation link for an account that has not accepted its first (the old one stops working)."""
    try:
        invited = administration.invitation_renew(request.user, user_id)
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    except NotFound:
        return error_page(request, 404)
    except ValidationFailed as exc:
        refusal = exc

        def refused(actor: Any) -> str:
            raise refusal

        return _act(request, user_id, refused, ("invitation",))
    return render(request, "access/invited.html", {
        "nav": "accounts", "account": invited.user, "link": invitation_url(request, invited.token),
        "expires_at": invited.invitation.expires_at, "renewed": True})
