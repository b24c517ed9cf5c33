"""Lockout after repeated failed sign-ins (django-axes), set by TETHER_LOCKOUT_ATTEMPTS and TETHER_LOCKOUT_MINUTES.

A username is locked after that many failed sign-ins within the cool-off period, from any address (and the
address too when TETHER_LOCKOUT_BY_IP=1). While locked, even the right password is refused, and each try
restarts the cool-off. A successful sign-in clears the count.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def failure_limit(request: HttpRequest | None = None, credentials: Any = None) -> int:
    return int(settings.TETHER_LOCKOUT_ATTEMPTS)


def cool_off(request: HttpRequest | None = None) -> timedelta:
    return timedelta(minutes=int(settings.TETHER_LOCKOUT_MINUTES))


def locked_out_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """The page a locked-out sign-in gets (HTTP 429), in place of the sign-in form."""
    context = {"attempts": failure_limit(request), "minutes": int(cool_off(request).total_seconds() // 60),
               "page_has_errors": True}
    return render(request, "access/locked_out.html", context, status=429)
