"""Sign-in, sign-out, failed sign-in and lockout go to the audit trail, whichever path they came by."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .events import record
from .models import User


def client_detail(request: Any) -> dict[str, str]:
    """The client's address and browser, for an audit event's detail."""
    if request is None:
        return {}
    return {"ip": request.META.get("REMOTE_ADDR", ""), "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200]}


_client = client_detail


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("auth.sign_in", user, force_code=user.force_code, detail=_client(request))


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record("auth.sign_out", user, force_code=user.force_code, detail=_client(request))


@receiver(user_login_failed)
def _sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # the attempted username is recorded, never the password
    record("auth.sign_in_failed", None, actor_label=f"unknown ({credentials.get('username', '')[:150]})",
           detail=_client(request))


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    # sent by django-axes on each sign-in attempt once a username is locked (the lockout, then each try during it)
    name = (username or "")[:150]
    user = User.objects.filter(username=name).select_related("force").first() if name else None
    force = user.force if user is not None else None
    record(
        "auth.locked_out", None, actor_label=f"unknown ({name})", object_type="user" if user else "",
        object_id=str(user.pk) if user else "", force_code=force.code if force is not None else "",
        detail={"username": name, **_client(request)},
    )
