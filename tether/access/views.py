"""Signing in and out, and the two-factor pages: enter a code (``/sign-in/two-factor/``) and enrol a device
(``.../setup/``).

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

from . import two_factor
from .forms import SignInForm
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
