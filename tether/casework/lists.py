"""The compliance and case lists' shared page: ``?as_of=`` and (national administrators) ``?force=``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tether.access.permissions import is_national_admin, is_worker
from tether.access.selectors import force_choices
from tether.core import clock
from tether.core.dates import as_of_error as parse_as_of
from tether.core.errors import Forbidden, NotFound
from tether.ui.pages import error_page


def list_page(request: HttpRequest, template: str, nav: str, read: Any, **extra: Any) -> HttpResponse:
    """A compliance or case list with ``?as_of=`` (and ``?force=`` for national administrators): a bad date is
    a 400 with the GOV.UK error summary; Forbidden a 403; an unknown force a 400 naming it."""
    user = request.user
    if not is_worker(user):
        return error_page(request, 403, "Your role cannot see compliance work.")
    as_of, error = parse_as_of(request.GET.get("as_of"))
    force = (request.GET.get("force") or "").strip().upper()
    context: dict[str, Any] = {
        "nav": nav, "as_of_value": request.GET.get("as_of", ""), "force_value": force,
        "as_of": as_of or clock.today(), "rows": [], "error_list": [], "errors": {},
        "national": is_national_admin(user),
        "force_options": force_choices(("", "All forces"), with_code=True), **extra,
    }
    if error:
        context.update(error_list=[("#as_of", error)], errors={"as_of": error}, page_has_errors=True)
        return render(request, template, context, status=400)
    try:
        context["rows"] = read(user, force or None, as_of)
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    except NotFound as exc:
        context.update(error_list=[("#force", str(exc))], errors={"force": str(exc)}, page_has_errors=True)
        return render(request, template, context, status=400)
    return render(request, template, context)
