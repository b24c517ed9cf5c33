from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tether.access.constants import WRITER_ROLES, Role
from tether.access.guards import can_see_personal_data
from tether.audit.selectors import can_search_audit
from tether.reports.pages import is_report_user


def tether(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    sees = bool(authenticated and can_see_personal_data(user))
    return {
        "sees_personal_data": sees,
        "can_search": sees and user.role != Role.PARTNER,  # type: ignore[union-attr]
        "can_write": bool(authenticated and user.role in WRITER_ROLES),  # type: ignore[union-attr]
        # the rules explorer holds no personal data (facts are typed in), so analysts have it too
        "can_explore_rules": sees or bool(authenticated and user.role == Role.ANALYST),  # type: ignore[union-attr]
        "can_see_statistics": is_report_user(user),
        "can_audit": can_search_audit(user),
    }
