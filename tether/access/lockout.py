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


def locked_usernames(usernames: Any = None) -> set[str]:
    """The usernames locked out now (as many failures as the limit, the last within the cool-off): of
    ``usernames`` when given, else of everyone."""
    from axes.models import AccessAttempt

    from tether.core import clock

    qs = AccessAttempt.objects.filter(failures_since_start__gte=failure_limit(),
                                      attempt_time__gte=clock.now() - cool_off())
    if usernames is not None:
        qs = qs.filter(username__in=list(usernames))
    return {name for name in qs.values_list("username", flat=True) if name}


def unlock(username: str) -> int:
    """Clear a username's failed sign-ins (it may sign in again at once); how many records went."""
    from axes.utils import reset

    return int(reset(username=username))
