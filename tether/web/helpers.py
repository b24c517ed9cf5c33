"""What the pages of the register, compliance and cases share: the error page, who works the register and its
tasks and cases, the force dropdown and the compliance lists."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tether.access.constants import WRITER_ROLES, Role
from tether.access.models import Force
from tether.compliance.forms import parse_as_of
from tether.core import clock
from tether.core.errors import Forbidden, NotFound


def error_page(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    return render(request, f"{status}.html", {"message": message}, status=status)


def is_worker(user: Any) -> bool:
    """The writer roles: they record notifications, add registrants and work tasks and cases (the services and
    selectors check again)."""
    return getattr(user, "role", None) in WRITER_ROLES


def force_choices(*first: tuple[str, str], with_code: bool = False) -> list[tuple[str, str]]:
    """The options of a force dropdown: ``first``, then every force by name (``with_code``: "Name (CODE)")."""
    forces = Force.objects.order_by("name")
    return [*first, *((f.code, f"{f.name} ({f.code})" if with_code else f.name) for f in forces)]


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
        "national": user.role == Role.NATIONAL_ADMIN,  # type: ignore[union-attr]
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
