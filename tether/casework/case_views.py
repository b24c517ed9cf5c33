"""Case pages: the force's open missing/wanted cases, and a case with its timeline and the forms that work it
(record an action, a warrant, believed abroad, close, reopen).

Worker roles only. A case is read through ``case_for_view`` (the person guard): an officer of another force
goes to the person page first to record why they need the record, like every person page. Every write goes
through ``tether.casework.case_services`` with the case's version, so a stale form is a Conflict, never a lost update.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tether.access import permissions
from tether.access.permissions import is_worker
from tether.casework import transitions as tr
from tether.casework.case_selectors import (
    action_choices,
    case_person_id,
    case_timeline,
    media_decision_choices,
    open_cases,
    pending_media_decisions,
    sio_candidates,
)
from tether.casework.case_services import case_record_action, case_transition
from tether.casework.lists import list_page
from tether.casework.selectors import force_scope
from tether.core.errors import Forbidden, NotFound
from tether.ui.pages import error_page
from tether.ui.submit import submit

from .case_forms import RISK_LABELS, CaseActionForm, CaseEventForm

# The actions offered on an open case, in the order the playbook expects them.
OPEN_ACTIONS = ("pnc_circulation", "probation_informed", "mappa_informed", "sio_assigned", "case_review",
                "abroad_review", "media_decision", "media_approval", "note")
EVENT_TITLES = {
    tr.WARRANT: "Record a warrant",
    tr.WARRANT_WITHDRAWN: "Record that the warrant was withdrawn",
    tr.ABROAD: "Record that they are believed abroad",
    tr.NOT_ABROAD: "Record that they are no longer believed abroad",
    tr.CLOSE: "Close the case",
    tr.REOPEN: "Reopen the case",
}


def _works_for(user: Any, force_code: str) -> bool:
    """May work the force's cases: a worker of that force, or a national administrator."""
    try:
        force_scope(user, force_code)
    except (Forbidden, NotFound):
        return False
    return True


@require_http_methods(["GET", "HEAD"])
def case_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, "cases/list.html", "cases", open_cases)


def _to_reason(request: HttpRequest, case_id: int) -> HttpResponse:
    person_id = case_person_id(case_id)
    if person_id is None:
        return error_page(request, 404)
    messages.info(request, "Record why you need the full record before you open this case.")
    return redirect("register:person", person_id=person_id)


TEXT_FIELDS = ("reference", "contact", "sio", "note", "media_decision", "vigilante_risk", "victim_impact",
               "public_risk", "decision_id", "approved", "outcome", "reason")


def _form_ctx(prefix: str, title: str, failed: str, form: Any, errors: dict[str, str] | None) -> dict[str, Any]:
    """What the case page needs to render one of its forms: prefixed names, values sent back, errors."""
    mine = form is not None and failed == prefix
    errors = (errors or {}) if mine else {}
    out: dict[str, Any] = {"prefix": prefix, "title": title, "open": mine}
    for name in TEXT_FIELDS:
        value = form[name].value() if mine and name in form.fields else ""
        out[name] = {"name": f"{prefix}-{name}", "value": value or "", "error": errors.get(name, "")}
    for name in ("on", "warrant_on"):
        parts = form.date_value(name) if mine and f"{name}_day" in form.fields else {}
        out[name] = {"name": f"{prefix}-{name}", "error": errors.get(name, ""), **parts}
    return out


def _render_case(request: HttpRequest, case_id: int, *, failed: str = "", form: Any = None,
                 errors: dict[str, str] | None = None, error_list: list[tuple[str, str]] | None = None,
                 conflict: str = "", status: int = 200) -> HttpResponse:
    user = request.user
    try:
        timeline = case_timeline(user, case_id)
    except NotFound:
        return error_page(request, 404)
    except Forbidden:
        return _to_reason(request, case_id)
    entries = timeline["entries"]
    is_open = timeline["state"] in tr.OPEN_STATES
    can_work = _works_for(user, timeline["force"])
    pending = [p for p in pending_media_decisions(entries) if p["by"] != getattr(user, "label", None)]
    labels = dict(action_choices())
    actions = []
    if can_work and is_open:
        for kind in OPEN_ACTIONS:
            if kind == "abroad_review" and not timeline["believed_abroad"]:
                continue
            if kind == "media_approval" and not (permissions.approves_media(user) and pending):
                continue
            actions.append(kind)
    elif can_work:
        actions.append("note")
    events = [e for e in timeline["allowed_events"] if e in EVENT_TITLES] if can_work else []
    action_forms = {kind: _form_ctx(kind, labels.get(kind, kind), failed, form, errors) for kind in actions}
    event_forms = {event: _form_ctx(event, EVENT_TITLES[event], failed, form, errors) for event in events}
    context = {
        "nav": "cases", "case": timeline, "entries": list(reversed(entries)), "open_tasks": timeline["open_tasks"],
        "is_open": is_open, "can_work": can_work, "action_forms": action_forms, "event_forms": event_forms,
        "pending_decisions": pending,
        "sio_options": [("", "Select an officer"), *sio_candidates(timeline["force"])]
        if "sio_assigned" in action_forms else [],
        "media_options": media_decision_choices(), "risk_labels": RISK_LABELS,
        "outcome_options": [("", "Select an outcome"), *tr.OUTCOME_LABELS.items()],
        "approve_options": [("yes", "Approve the decision"), ("no", "Refuse it: a new decision is needed")],
        "error_list": error_list or [], "conflict": conflict, "page_has_errors": bool(error_list or conflict),
        "version": timeline["version"],
    }
    return render(request, "cases/case.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    if not is_worker(request.user):
        return error_page(request, 404)
    return _render_case(request, case_id)


def _prefixed(prefix: str, error_list: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(f"#{prefix}-{href[1:]}" if href else "", message) for href, message in error_list]


def _post(request: HttpRequest, case_id: int, name: str, form: Any, write: Any, done: str) -> HttpResponse:
    result = submit(request, form, form.parse(), write)
    if result.response is not None:
        return result.response
    if not result.ok:
        return _render_case(request, case_id, failed=name, form=form, errors=result.errors,
                            error_list=_prefixed(name, result.error_list), conflict=result.conflict,
                            status=result.status)
    messages.success(request, done)
    return redirect(reverse("casework:case", kwargs={"case_id": case_id}) + "#timeline")


@require_POST
def case_action(request: HttpRequest, case_id: int) -> HttpResponse:
    if not is_worker(request.user):
        return error_page(request, 404)
    kind = request.POST.get("action", "")
    labels = dict(action_choices())
    if kind not in labels:
        return error_page(request, 404)
    form = CaseActionForm(request.POST, prefix=kind)
    return _post(request, case_id, kind, _versioned(form, request), lambda version: case_record_action(
        request.user, case_id, kind, form.to_data(), expected_version=version), f"{labels[kind]}: recorded.")


@require_POST
def case_event(request: HttpRequest, case_id: int) -> HttpResponse:
    if not is_worker(request.user):
        return error_page(request, 404)
    event = request.POST.get("event", "")
    if event not in EVENT_TITLES:
        return error_page(request, 404)
    form = CaseEventForm(request.POST, prefix=event)

    def write(version: int | None) -> Any:
        data = form.to_data()
        if event == tr.CLOSE:
            data["outcome"] = form.cleaned_data.get("outcome") or ""
        if event == tr.REOPEN:
            data["reason"] = form.cleaned_data.get("reason") or ""
        return case_transition(request.user, case_id, event, data, expected_version=version)

    done = {tr.CLOSE: "The case was closed.", tr.REOPEN: "The case was reopened."}.get(
        event, f"{tr.EVENT_LABELS.get(event, event)}: recorded.")
    return _post(request, case_id, event, _versioned(form, request), write, done)


def _versioned(form: Any, request: HttpRequest) -> Any:
    """The case's version travels unprefixed (one hidden field per form, the same name everywhere)."""
    data = request.POST.copy()
    data[form.add_prefix("version")] = request.POST.get("version", "")
    form.data = data
    return form

