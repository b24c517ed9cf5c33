from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tether.access.guards import can_see_personal_data


def tether(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "sees_personal_data": bool(user and can_see_personal_data(user)),
    }
