"""Management pages: a registrant's risk, MAPPA, mode, manager and duties (with ``?as_of=``); the field-friendly home
visit page (works at 375 px); the unit's overdue list, caseload and capacity gap. Every page showing personal data is
audited by its selector; every write goes through ``tether.management.services``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tether.access import permissions
from tether.access.selectors import force_choices
from tether.core import clock
from tether.core.dates import as_of_error as parse_as_of
from tether.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tether.core.pagination import page_error, page_number, pagination_links
from tether.ui.forms import DateParts
from tether.ui.pages import error_page

from . import rules
from .constants import VisitOutcome
from .selectors import OVERDUE_PER_PAGE, capacity, caseload, overdue, person_view, unit_queue
from .services import visit_record


def _as_of(request: HttpRequest) -> tuple[Any, dict[str, Any] | None]:
    """The as-at date from a GOV.UK date input (``as_of_day``, ``as_of_month``, ``as_of_year``) or a link's
    ``?as_of=YYYY-MM-DD``; today when neither is given. (date, None) or (None, the error context)."""
    as_of, error = parse_as_of(request.GET.get("as_of"))
    if not error and as_of is None:
        parts = {f"as_of_{p}": str(request.GET.get(f"as_of_{p}", "")) for p in ("day", "month", "year")}
        if any(len(v.strip()) > 4 for v in parts.values()):
            parts = {k: "x" for k in parts}  # not a date: the reader says so
        as_of, problem = DateParts("as_of", "The 'as at' date").parse(parts)
        error = problem or ""
        if as_of is not None and as_of > clock.today():
            error = "The 'as at' date must be today or in the past"
    if error:
        return None, {"error_list": [("#as_of_day", error)], "errors": {"as_of": error}, "page_has_errors": True}
    return as_of or clock.today(), None


def _as_of_parts(request: HttpRequest) -> dict[str, str]:
    """What to render back into the as-at date input."""
    iso = (request.GET.get("as_of") or "").strip()
    if iso:
        day, _ = parse_as_of(iso)
        return {"day": str(day.day), "month": str(day.month), "year": str(day.year)} if day else {}
    return {p: str(request.GET.get(f"as_of_{p}", ""))[:4] for p in ("day", "month", "year")}


@require_http_methods(["GET", "HEAD"])
def person_page(request: HttpRequest, person_id: Any) -> HttpResponse:
    as_of, problem = _as_of(request)
    base = {"nav": "register", "as_of_parts": _as_of_parts(request), "errors": {}, "error_list": [],
            **(problem or {})}
    try:
        m = person_view(request.user, person_id, as_of or clock.today())  # a bad date: today's, with the error
    except NotFound:
        return error_page(request, 404)
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    user = request.user
    return render(request, "management/person.html", {
        **base, "m": m, "can_record": permissions.can_record_visits(user),
        "can_assess": permissions.can_assess_risk(user), "can_decide": permissions.can_decide_management_mode(user),
        "can_assign": permissions.can_assign_caseload(user)}, status=400 if problem else 200)


OUTCOME_OPTIONS = [(v, str(label)) for v, label in VisitOutcome.choices]
FIELD_ORDER = ("visited_on", "visited_time", "outcome", "attended_by", "concerns", "actions")


@require_http_methods(["GET", "HEAD", "POST"])
def visit_page(request: HttpRequest, person_id: Any) -> HttpResponse:
    """Record a home visit, from a phone: one column, native date and time inputs, large radios."""
    user: Any = request.user
    if not permissions.can_record_visits(user):
        return error_page(request, 403, "Your role cannot record home visits.")
    try:
        m = person_view(user, person_id, purpose="visit")
    except NotFound:
        return error_page(request, 404)
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    now = clock.now().astimezone(clock.UK)
    values = {"visited_on": now.date().isoformat(), "visited_time": now.strftime("%H:%M"), "announced": "",
              "outcome": "", "attended_by": user.get_full_name() or user.username, "concerns": "", "actions": ""}
    context: dict[str, Any] = {"nav": "register", "m": m, "values": values, "outcomes": OUTCOME_OPTIONS,
                               "errors": {}, "error_list": []}
    if request.method != "POST":
        return render(request, "management/visit.html", context)
    values.update({k: request.POST.get(k, "") for k in values})
    errors: dict[str, str] = {}
    visited_at: Any = None
    try:
        day = datetime.strptime(f"{values['visited_on']} {values['visited_time']}", "%Y-%m-%d %H:%M")
        visited_at = day.replace(tzinfo=clock.UK).isoformat()
    except ValueError:
        errors["visited_on"] = "Enter the date and time of the visit, like 16/06/2025 and 18:30"
    data = {"visited_at": visited_at or "", "announced": values["announced"] == "yes",
            "attended_by": values["attended_by"], "outcome": values["outcome"], "concerns": values["concerns"],
            "actions": values["actions"]}
    try:
        if errors:
            raise ValidationFailed({})
        result = visit_record(user, m["person"].pk, data)
    except ValidationFailed as exc:
        for path, msgs in exc.errors.items():
            key = "visited_on" if path == "visited_at" else path
            errors.setdefault(key, f"{key.replace('_', ' ').capitalize()} {msgs[0]}" if msgs[0][0].islower()
                              else msgs[0])
        ordered = sorted(errors, key=lambda k: FIELD_ORDER.index(k) if k in FIELD_ORDER else 99)
        context.update(errors=errors, error_list=[(f"#{k}", errors[k]) for k in ordered], page_has_errors=True)
        return render(request, "management/visit.html", context, status=400)
    except (Forbidden, Conflict) as exc:
        return error_page(request, 403, str(exc))
    note = "The visit was recorded."
    if result.case_id:
        note += f" A missing case is open (case {result.case_id})."
    elif result.task_id:
        note += " A task to establish whereabouts was created."
    messages.success(request, note)
    return redirect(reverse("management:person", kwargs={"person_id": m["person"].pk}))


def _unit_page(request: HttpRequest, template: str, nav: str, read: Any, *, workers: bool = False,
               problem: dict[str, Any] | None = None, links: Any = None, **extra: Any) -> HttpResponse:
    user = request.user
    if not (permissions.can_see_management(user) if workers else permissions.can_assign_caseload(user)):
        return error_page(request, 403, "Only supervisors and administrators see caseloads and capacity.")
    as_of, date_problem = _as_of(request)
    problem = problem or date_problem
    force = (request.GET.get("force") or "").strip().upper()[:10]
    context: dict[str, Any] = {"nav": nav, "as_of_parts": _as_of_parts(request), "force_value": force,
                               "national": permissions.is_national_admin(user), "errors": {}, "error_list": [],
                               "can_set_policy": permissions.can_set_visit_policy(user),
                               "force_options": force_choices(("", "All forces"), with_code=True), **extra}
    if problem:
        return render(request, template, {**context, **problem, "as_of": clock.today()}, status=400)
    context["as_of"] = as_of
    try:
        context["data"] = read(user, force or None, as_of)
        if links is not None:  # the pages of a paged list
            context["pagination"] = links(context["data"])
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    except (NotFound, ValidationFailed) as exc:
        msg = str(exc)
        return render(request, template, {**context, "error_list": [("#force", msg)], "errors": {"force": msg},
                                          "page_has_errors": True}, status=400)
    return render(request, template, context)


@require_http_methods(["GET", "HEAD"])
def overdue_page(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("page", "")
    page = page_number(raw)
    params = {k: request.GET.get(k, "") for k in ("as_of", "as_of_day", "as_of_month", "as_of_year", "force")}
    problem = page_error(raw)
    return _unit_page(request, "management/overdue.html", "management",
                      lambda user, force, as_of: overdue(user, force, as_of, page=page, per_page=OVERDUE_PER_PAGE),
                      workers=True, problem=problem,
                      links=lambda data: pagination_links(data.page, data.pages, params))


@require_http_methods(["GET", "HEAD"])
def caseload_page(request: HttpRequest) -> HttpResponse:
    def read(user: Any, force: str | None, as_of: Any) -> dict[str, Any]:
        return {"officers": caseload(user, force, as_of), "queue": unit_queue(user, force, as_of)}

    return _unit_page(request, "management/caseload.html", "management", read)


@require_http_methods(["GET", "HEAD"])
def capacity_page(request: HttpRequest) -> HttpResponse:
    what_if = request.GET.get("what_if") or rules.REACTIVE_ELIGIBLE
    if what_if not in rules.WHAT_IF_POLICIES:
        what_if = rules.REACTIVE_ELIGIBLE
        message = "Select a policy from the list"
        return _unit_page(request, "management/capacity.html", "management", None, what_if=what_if,
                          problem={"error_list": [("#what_if", message)], "errors": {"what_if": message},
                                   "page_has_errors": True},
                          policy_options=[(k, rules.POLICY_LABELS[k]) for k in rules.WHAT_IF_POLICIES])
    return _unit_page(request, "management/capacity.html", "management",
                      lambda u, f, d: capacity(u, f, d, what_if=what_if), what_if=what_if,
                      policy_options=[(k, rules.POLICY_LABELS[k]) for k in rules.WHAT_IF_POLICIES])
