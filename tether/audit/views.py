"""Audit pages: the search (/audit/), its CSV export, the chain check and one event's page. Auditors and national
administrators only (an event's page also for the supervisors of the event's force, who may reveal its personal
values with a reason); everyone else gets the same "Page not found" as a record they may not see. Reading the
audit is audited: ``audit.search``, ``audit.export``, ``audit.verify`` and ``audit.view`` events record who looked,
with the filters they used."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tether.access.models import Force
from tether.access.permissions import can_reveal_audit_personal, can_search_audit, can_see_audit_event
from tether.core import clock
from tether.core.dates import long_date
from tether.core.downloads import attachment
from tether.core.errors import NotFound, ValidationFailed
from tether.core.pagination import pagination_links, query_string
from tether.ui.forms import sentence
from tether.ui.pages import error_page

from .exports import csv_lines
from .forms import AuditSearchForm
from .models import AuditEvent
from .selectors import iter_events, last_seq, search_events, verify_chain
from .services import record, reveal_personal


def _not_found(request: HttpRequest) -> HttpResponse:
    """The same answer as a missing record: nothing here says the page exists."""
    return error_page(request, 404)


def _force_options() -> list[tuple[str, str]]:
    return [("", "Any force"), *((f.code, f"{f.name} ({f.code})") for f in Force.objects.order_by("name"))]


@require_http_methods(["GET", "HEAD"])
def search(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_search_audit(user):
        return _not_found(request)
    form = AuditSearchForm(request.GET)
    valid = form.parse()
    params = form.query()
    context: dict[str, Any] = {
        "nav": "audit",
        "form": form,
        "form_data": {**{k: form[k].value() or "" for k in ("actor", "action", "object_id", "reason")},
                      "force": (form["force"].value() or "").strip().upper()},
        "date_from": form.date_value("date_from"),
        "date_to": form.date_value("date_to"),
        "errors": form.parse_errors,
        "error_list": form.error_list(),
        "page_has_errors": not valid,
        "force_options": _force_options(),
        "filtered": bool(params),
        "export_query": query_string(params),
    }
    if not valid:
        return render(request, "audit/search.html", context, status=400)
    filters = form.filters()
    page = search_events(filters, form.page_number, settings.TETHER_PAGE_SIZE)
    record("audit.search", user, force_code=user.force_code,  # type: ignore[union-attr]
           detail={"via": "web", "filters": filters.as_detail(), "page": page.number, "results": page.count,
                   "more": page.capped})
    context.update(page=page, pagination=pagination_links(page.number, page.num_pages, params))
    return render(request, "audit/search.html", context)


@require_http_methods(["GET", "HEAD"])
def export_csv(request: HttpRequest) -> HttpResponseBase:
    """Every event matching the filters, in chain order, streamed. The export is audited before it starts."""
    user = request.user
    if not can_search_audit(user):
        return _not_found(request)
    form = AuditSearchForm(request.GET)
    if not form.parse():
        # the search page shows the same filters with the error summary
        return search(request)
    filters = form.filters()
    up_to = last_seq()  # the file holds the trail as it stood when asked for (the export's own event is next)
    matching = iter_events(filters, up_to_seq=up_to)
    record("audit.export", user, force_code=user.force_code,  # type: ignore[union-attr]
           detail={"via": "web", "format": "csv", "filters": filters.as_detail(), "up_to_seq": up_to})
    filename = f"tether-audit-{clock.now():%Y%m%dT%H%M%SZ}.csv"
    return attachment(StreamingHttpResponse(csv_lines(matching), content_type="text/csv; charset=utf-8"), filename)


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Check the whole chain (POST); name the first edited, deleted or reordered event."""
    user = request.user
    if not can_search_audit(user):
        return _not_found(request)
    context: dict[str, Any] = {"nav": "audit"}
    if request.method == "POST":
        result = verify_chain()
        record("audit.verify", user, force_code=user.force_code,  # type: ignore[union-attr]
               detail={"ok": result.ok, "checked": result.checked, "first_bad_seq": result.first_bad_seq,
                       "problem": result.problem, "pending": result.pending, "head_seq": result.head_seq})
        bad = None
        if result.first_bad_seq is not None:
            bad = AuditEvent.objects.select_related("actor").filter(seq=result.first_bad_seq).first()
        context.update(result=result, bad_event=bad)
    return render(request, "audit/verify.html", context)


def _personal_rows(value: Any, path: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The personal values as (what, value) rows: nested keys joined ("After: date of birth"), ISO dates written
    the one way ("6 December 2026")."""
    from datetime import date

    if isinstance(value, dict):
        return [row for key, inner in value.items() for row in _personal_rows(inner, (*path, str(key)))]
    if isinstance(value, list):
        if not value:
            return [(_what(path), "none")]
        return [row for i, inner in enumerate(value, 1) for row in _personal_rows(inner, (*path, str(i)))]
    text = "" if value is None else str(value)
    with contextlib.suppress(ValueError):
        text = long_date(date.fromisoformat(text)) if len(text) == 10 else text
    return [(_what(path), text or "(blank)")]


def _what(path: tuple[str, ...]) -> str:
    words = ": ".join(part.replace("_", " ") for part in path)
    return words[:1].upper() + words[1:]


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def event(request: HttpRequest, seq: int) -> HttpResponse:
    """One audit event. Its personal values are withheld; a national administrator, or a supervisor of the event's
    force, may reveal them here with a reason (POST, audited ``audit.reveal``); they are shown in that response only.
    Auditors see the event without them, always. Opening the page is recorded (``audit.view``)."""
    user = request.user
    ev = AuditEvent.objects.select_related("actor").filter(seq=seq).first()
    if ev is None or not can_see_audit_event(user, ev.force_code):
        return _not_found(request)
    can_reveal = bool(ev.personal) and can_reveal_audit_personal(user, ev.force_code)
    context: dict[str, Any] = {"nav": "audit", "ev": ev, "can_reveal": can_reveal, "errors": {}, "error_list": [],
                               "reason": "", "revealed": None, "can_search": can_search_audit(user)}
    status = 200
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        context["reason"] = reason
        try:
            reveal_personal(user, ev.seq, reason)
        except NotFound:
            return _not_found(request)
        except ValidationFailed as exc:
            message = sentence("Reason", exc.errors["reason"][0])
            context.update(errors={"reason": message}, error_list=[("#reason", message)], page_has_errors=True)
            status = 400
        else:
            context["revealed"] = _personal_rows(ev.personal)
    if context["revealed"] is None:  # a reveal is recorded as audit.reveal
        record("audit.view", user, object_type="audit_event", object_id=str(ev.seq),
               force_code=ev.force_code, detail={"view": "event", "seq": ev.seq})
    return render(request, "audit/event.html", context, status=status)
