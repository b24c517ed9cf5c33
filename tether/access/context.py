"""Template context: what the navigation shows, and whether the signed-in user still owes a two-factor code."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import permissions
from .two_factor import two_factor_pending


def two_factor(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"two_factor_pending": bool(user is not None and user.is_authenticated and two_factor_pending(request))}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the page shell shows the signed-in user (navigation links by permission, never by role name)."""
    user = getattr(request, "user", None)
    return {
        "sees_personal_data": permissions.can_see_personal_data(user),
        "can_search": permissions.can_search_register(user),
        "can_write": permissions.can_write_register(user),
        "can_explore_rules": permissions.can_explore_rules(user),
        "can_see_statistics": permissions.can_see_statistics(user),
        "can_audit": permissions.can_search_audit(user),
        "can_manage_accounts": permissions.can_manage_accounts(user),
        "can_assign_partners": permissions.assigns_partners(user),
    }
