"""Every page needs a signed-in user except sign-in itself, static files and the API (token auth).

Users whose role sees personal data must also have given a two-factor code in this session
(``TETHER_REQUIRE_2FA``); until then they can reach only the sign-in and two-factor pages and sign-out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import LazyObject, empty

from .two_factor import next_step_url, two_factor_pending

OPEN_PREFIXES = ("/sign-in", "/static/", "/api/", "/health")
# what a user who still owes a two-factor code may reach ("/sign-in" covers /sign-in/two-factor/...)
TWO_FACTOR_OPEN_PREFIXES = (*OPEN_PREFIXES, "/sign-out/")


class LoginRequiredMiddleware:
    """Also hands the rest of the request the user itself: ``request.user`` was a lazy object (Django's, wrapped in
    django-otp's) until here, where it is first read, and every later read of it (permissions, templates: hundreds on
    a list page) went through both wrappers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        request.user = unwrapped(request.user)
        return self.get_response(request)


def unwrapped(user: Any) -> Any:
    """The user behind lazy objects already evaluated (``SimpleLazyObject``, nested); the object given otherwise."""
    while isinstance(user, LazyObject) and user._wrapped is not empty:
        user = user._wrapped
    return user


class TwoFactorRequiredMiddleware:
    """Sends a signed-in user who still owes a code to the code page (or to enrolment if they have no device)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(TWO_FACTOR_OPEN_PREFIXES) and two_factor_pending(request):
            return redirect(next_step_url(request, request.get_full_path()))
        return self.get_response(request)
