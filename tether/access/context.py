"""Template context: whether the signed-in user still owes a two-factor code (hide the navigation then)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .two_factor import two_factor_pending


def two_factor(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"two_factor_pending": bool(user is not None and user.is_authenticated and two_factor_pending(request))}
