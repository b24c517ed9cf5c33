"""Sign-in, sign-out and failed sign-in go to the audit trail, whichever path they came by."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from tether.audit.services import record


def _client(request: Any) -> dict[str, str]:
    if request is None:
        return {}
    return {"ip": request.META.get("REMOTE_ADDR", ""), "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200]}


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("auth.sign_in", user, force_code=user.force.code if user.force_id else "", detail=_client(request))


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record("auth.sign_out", user, force_code=user.force.code if user.force_id else "", detail=_client(request))


@receiver(user_login_failed)
def _sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # the attempted username is recorded, never the password
    record("auth.sign_in_failed", None, actor_label=f"unknown ({credentials.get('username', '')[:150]})",
           detail=_client(request))
