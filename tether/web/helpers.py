"""What the pages of the register, compliance and cases share: the error page and who may work compliance."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tether.access.constants import WRITER_ROLES


def error_page(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    return render(request, f"{status}.html", {"message": message}, status=status)


def can_write(user: Any) -> bool:
    """May record notifications, add registrants and work tasks and cases (the services check again)."""
    return getattr(user, "role", None) in WRITER_ROLES
