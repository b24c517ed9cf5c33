"""Signing in and out, the two-factor pages: enter a code (``/sign-in/two-factor/``) and enrol a device
(``.../setup/``), and the accounts pages where a force administrator (their own force) or a national administrator
(anyone) resets a user's two-factor sign-in after a lost phone (``/accounts/``).

Both are reachable only by a user who has signed in with their password; the lockout page is rendered by
``lockout.locked_out_response`` in place of the sign-in form.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.ui.forms import sentence
from tether.ui.pages import error_page

from . import permissions, selectors, two_factor
from .forms import SignInForm
from .services import two_factor_reset
from .two_factor import next_step_url


class SignInView(LoginView):
    """The password step. A role that sees personal data then gives a two-factor code (or enrols first)."""

    template_name = "access/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        return next_step_url(self.request, super().get_success_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page_has_errors"] = bool(context["form"].errors)
        return context


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("access:login")


def _code_error(error: str) -> dict[str, Any]:
    """The code field's error, for the field and the shared error summary (which links to the field)."""
    return {"error": error, "error_list": [("#code", error)] if error else [], "page_has_errors": bool(error)}


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return ""


def _done(request: HttpRequest) -> HttpResponse:
    return redirect(_next_url(request) or reverse(settings.LOGIN_REDIRECT_URL))


def _gate(request: HttpRequest) -> HttpResponse | None:
    """Anonymous users sign in first; users who owe no code (or have given it) go on."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if not two_factor.two_factor_pending(request):
        return _done(request)
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    gate = _gate(request)
    if gate is not None:
        return gate
    if two_factor.confirmed_device(request.user) is None:
        return redirect(two_factor.next_step_url(request, _next_url(request)))
    error = ""
    if request.method == "POST":
        result = two_factor.verify(request, request.POST.get("code", ""))
        if result.ok:
            return _done(request)
        error = result.error
    return render(request, "access/two_factor_verify.html",
                  {**_code_error(error), "next": _next_url(request)})


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    gate = _gate(request)
    if gate is not None:
        return gate
    if two_factor.confirmed_device(request.user) is not None:
        # never a second device through this page: that would let a stolen password replace the first
        return redirect(two_factor.next_step_url(request, _next_url(request)))
    device = two_factor.pending_device(request.user)
    error = ""
    if request.method == "POST":
        result = two_factor.confirm_enrolment(request, device, request.POST.get("code", ""))
        if result.ok:
            return _done(request)
        error = result.error
    context: dict[str, Any] = {
        **_code_error(error), "next": _next_url(request),
        "secret": two_factor.secret_text(device), "qr_svg": two_factor.qr_svg(device),
        "issuer": settings.OTP_TOTP_ISSUER, "account": request.user.get_username(),
    }
    return render(request, "access/two_factor_setup.html", context)


# --- accounts: resetting two-factor sign-in -----------------------------------------------------------------

FIELD_LABELS = {"reason": "Reason", "confirm": "Confirmation", "two_factor": "Two-factor sign-in"}


@require_http_methods(["GET", "HEAD"])
def accounts_page(request: HttpRequest) -> HttpResponse:
    """The accounts a force administrator (their force) or national administrator (any force) manages."""
    force_code = (request.GET.get("force") or "").strip()[:8]
    locked_only = request.GET.get("locked") == "yes"
    try:
        rows, force, capped = selectors.accounts(request.user, force_code or None, locked_only=locked_only)
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    except NotFound as exc:
        return error_page(request, 404, str(exc))
    national = permissions.is_national_admin(request.user)
    return render(request, "access/accounts.html", {
        "nav": "accounts", "accounts": rows, "force": force, "capped": capped, "national": national,
        "force_options": selectors.force_choices(("", "Every force"), with_code=True) if national else [],
        "force_value": force.code if force else "", "shown": selectors.ACCOUNTS_SHOWN, "locked_only": locked_only,
    })


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def account_page(request: HttpRequest, user_id: int) -> HttpResponse:
    """One account, with "Reset two-factor sign-in": a reason (recorded) and a confirmation that the person asking
    was checked. After the reset the user sets up their authenticator again at their next sign-in."""
    try:
        account = selectors.account(request.user, user_id)
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    except NotFound:
        return error_page(request, 404)
    errors: dict[str, str] = {}
    reason = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            count = two_factor_reset(request.user, account.username, reason=reason,
                                     confirmed=request.POST.get("confirm") == "yes")
        except ValidationFailed as exc:
            errors = {field: sentence(FIELD_LABELS.get(field), problems[0]) for field, problems in exc.errors.items()}
        else:
            name = account.get_full_name() or account.username
            removed = f"{count} authenticator{'s' if count != 1 else ''} removed"
            messages.success(request, f"Two-factor sign-in was reset for {name} ({removed}). They set it up again "
                                      "the next time they sign in.")
            return redirect("access:account", user_id=account.pk)
    order = ["two_factor", "reason", "confirm"]
    error_list = [(f"#{name}", errors[name]) for name in order if name in errors]
    return render_account(request, account, errors=errors, error_list=error_list, reason=reason,
                          status=400 if errors else 200)


def render_account(request: HttpRequest, account: Any, *, errors: dict[str, str], error_list: list[tuple[str, str]],
                   status: int, reason: str = "", values: dict[str, str] | None = None) -> HttpResponse:
    """The account page: its state, then each thing an administrator may do to it (``views_admin``)."""
    from .views_admin import account_context

    values = values or {}
    return render(request, "access/account.html", {
        "nav": "accounts", "account": account, "errors": errors, "error_list": error_list,
        "page_has_errors": bool(errors), "reason": reason, **account_context(request.user, account),
        "role_value": values.get("role") or account.role,
        "force_value": values.get("force", account.force_code) if "force" in values else account.force_code,
        "active_reason": values.get("active_reason", ""),
        "token_name": values.get("token_name", ""), "token_days": values.get("token_days", ""),
    }, status=status)
