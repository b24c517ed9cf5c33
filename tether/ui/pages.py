"""Error pages: one look for 400, 403, 404, 409 and 500 wherever they come from."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def error_page(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    response = render(request, f"{status}.html", {"message": message}, status=status)
    response.tether_page = True  # type: ignore[attr-defined]  # not Django's debug page
    return response
