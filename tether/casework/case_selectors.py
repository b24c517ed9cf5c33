"""Reading cases: the state on any date, the cases open on a date, a force's open cases, a case's timeline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from tether.audit.services import record
from tether.casework.constants import Outcome, TaskKind, TaskState
from tether.casework.models import Breach, Task
from tether.casework.selectors import force_scope, task_row
from tether.core import clock
from tether.core.errors import Forbidden, NotFound
from tether.register.guards import access_person_by_id

from . import transitions as tr
from .models import ActionKind, Case, CaseAction, CaseOutcome, CaseState, MediaDecision


def _spans(case: Case) -> list[tr.Span]:
    """The case's state intervals in order: stored ones, or derived from the summary when none are stored."""
    states = getattr(case, "_states", None)
    if states is None:
        states = list(case.states.order_by("valid_from", "id"))
    if states:
        return [tr.Span(s.state, s.believed_abroad, s.valid_from, s.valid_to, s.event, s.outcome) for s in states]
    return tr.history_from_summary(case.kind, case.opened_on, case.closed_on, case.warrant_on,
                                   case.believed_abroad, case.outcome)


def _label(choices: Any, value: str) -> str:
    """The words for a stored code (the code itself when it is not one of ``choices``)."""
    try:
        return str(choices(value).label) if value else ""
    except ValueError:
        return value


def state_on(case: Case, day: date) -> tr.Span | None:
    """The state interval holding on ``day`` (None: the case had not opened)."""
    holding = [s for s in _spans(case) if s.valid_from <= day and (s.valid_to is None or s.valid_to > day)]
    return holding[-1] if holding else None


def current_status(case: Case) -> tr.CaseStatus:
    spans = [s for s in _spans(case) if s.valid_to is None]
    last = spans[-1] if spans else _spans(case)[-1]
    return tr.CaseStatus(last.state, last.believed_abroad)


def open_since(case: Case, day: date) -> date | None:
    """The first day of the open episode that holds on ``day`` (after a reopening, the reopening date)."""
    held = tr.open_episode(_spans(case), day)
    return held[1] if held else None


def cases_open_on(day: date, force: Any = None) -> QuerySet[Case]:
    """Cases open (missing or wanted) on ``day``: a query over the state intervals (or, for a case with no
    stored history, over its opened/closed dates)."""
    open_state = CaseState.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day), case=OuterRef("pk"), state__in=tr.OPEN_STATES,
        valid_from__lte=day,
    )
    any_state = CaseState.objects.filter(case=OuterRef("pk"))
    by_summary = Q(opened_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))
    qs = Case.objects.filter(Q(Exists(open_state)) | (~Q(Exists(any_state)) & by_summary))
    if force is not None:
        qs = qs.filter(force=force)
    return qs


def open_case_for(person_id: Any) -> Case | None:
    """The person's currently open case, if any (unguarded)."""
    return Case.objects.filter(person_id=person_id, closed_on__isnull=True).order_by("-opened_on", "-id").first()


def _with_states(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.prefetch_related(Prefetch("states", queryset=CaseState.objects.order_by("valid_from", "id"),
                                        to_attr="_states"))


def open_cases(user: Any, force_code: str | None = None, as_of: date | None = None) -> list[dict[str, Any]]:
    """The force's cases open on ``as_of``, longest missing first, with missing-since and days missing."""
    force = force_scope(user, force_code)
    as_of = as_of or clock.today()
    cases = list(_with_states(cases_open_on(as_of, force).select_related("person", "force", "sio")))
    next_review = _next_due((c.pk for c in cases), as_of)
    rows = []
    for case in cases:
        span = state_on(case, as_of)
        since = open_since(case, as_of) or case.opened_on
        rows.append({
            "case_id": case.pk, "person_id": case.person_id, "reference": case.person.reference,
            "name": case.person.display_name, "force": case.force.code,
            "state": span.state if span else case.kind, "believed_abroad": span.believed_abroad if span else False,
            "opened_on": case.opened_on, "missing_since": since, "days_missing": (as_of - since).days,
            "warrant_on": case.warrant_on, "pnc_reference": case.pnc_reference,
            "sio": str(case.sio) if case.sio else "", "next_review_due": next_review.get(case.pk, {}).get("review"),
            "tasks_past_deadline": next_review.get(case.pk, {}).get("late", 0), "version": case.version,
        })
    rows.sort(key=lambda r: (-r["days_missing"], r["reference"]))
    record("case.list", user, detail={"as_of": as_of, "force": force.code if force else "ALL", "results": len(rows)},
           force_code=force.code if force else "")
    return rows


def _next_due(case_ids: Iterable[int], today: date) -> dict[int, dict[str, Any]]:
    ids = list(case_ids)
    out: dict[int, dict[str, Any]] = {}
    now = clock.now()
    for t in Task.objects.filter(case_id__in=ids, state=TaskState.OPEN).only("case_id", "kind", "state", "due_on",
                                                                              "due_at"):
        entry = out.setdefault(t.case_id, {"review": None, "late": 0})  # type: ignore[arg-type]
        if t.kind == TaskKind.CASE_REVIEW and (entry["review"] is None or t.due_on < entry["review"]):
            entry["review"] = t.due_on
        if t.past_deadline(today, now):
            entry["late"] += 1
    return out


def case_for_view(user: Any, case_id: Any, *, purpose: str = "case_view") -> Case:
    """Fetch a case through the person guard (audited). NotFound when missing or not the user's to see."""
    try:
        case = Case.objects.select_related("person", "force", "sio").get(pk=int(case_id))
    except (ValueError, TypeError, Case.DoesNotExist) as exc:
        raise NotFound("No such case.") from exc
    access = access_person_by_id(user, case.person_id, purpose=purpose)
    if not access.full:
        raise Forbidden("Open the full record (with a reason) to see this case.")
    return case


def case_timeline(user: Any, case_id: Any) -> dict[str, Any]:
    """Everything that happened on a case, oldest first: state changes, actions, tasks and breaches; and its open
    tasks (the rows of the task lists, oldest first)."""
    case = case_for_view(user, case_id)
    entries: list[dict[str, Any]] = []
    for s in case.states.select_related("actor").order_by("valid_from", "id"):
        entries.append({"on": s.valid_from, "at": s.created_at, "type": "state", "what": tr.EVENT_LABELS.get(
            s.event, s.event), "state": s.state, "believed_abroad": s.believed_abroad, "outcome": s.outcome,
            "outcome_label": _label(CaseOutcome, s.outcome),
            "until": s.valid_to, "note": s.note, "detail": s.detail, "by": s.actor_label})
    for a in CaseAction.objects.filter(case=case).select_related("sio").order_by("at", "id"):
        entries.append({"on": a.on, "at": a.at, "type": "action", "kind": a.kind,
                        "what": ActionKind(a.kind).label, "reference": a.reference,
                        "sio": str(a.sio) if a.sio else "", "approves": a.approves_id, "id": a.pk,
                        "note": a.note, "detail": a.detail, "by": a.actor_label})
    for t in Task.objects.filter(case=case).select_related("assignee", "completed_by").order_by("created_at", "id"):
        entries.append({"on": t.created_on, "at": t.created_at, "type": "task", "what": f"Task: {t.title}",
                        "id": t.pk, "kind": t.kind, "due_on": t.due_on, "due_at": t.due_at,
                        "assignee": str(t.assignee or "unit queue"), "by": "system"})
        if t.state != TaskState.OPEN:
            entries.append({"on": t.completed_on, "at": t.completed_at, "type": "task_closed",
                            "what": f"Task {t.state}: {t.title}", "id": t.pk, "outcome": t.outcome,
                            "outcome_label": _label(Outcome, t.outcome),
                            "late": t.closed_late(),
                            "by": str(t.completed_by or "system")})
    for b in Breach.objects.filter(case=case).order_by("due"):
        entries.append({"on": b.detected_on, "at": b.detected_at, "type": "breach",
                        "what": f"Breach: {b.kind} obligation due {b.due.isoformat()} not met", "id": b.pk,
                        "by": "sweep"})
    entries.sort(key=lambda e: (e["on"], e["at"]))
    open_tasks = Task.objects.filter(case=case, state=TaskState.OPEN).select_related("person", "force", "assignee")
    current = current_status(case)
    return {"case_id": case.pk, "person_id": case.person_id, "reference": case.person.reference,
            "name": case.person.display_name, "force": case.force.code, "state": current.state,
            "believed_abroad": current.believed_abroad,
            "opened_on": case.opened_on, "closed_on": case.closed_on, "outcome": case.outcome,
            "outcome_label": _label(CaseOutcome, case.outcome),
            "warrant_on": case.warrant_on, "sio": str(case.sio) if case.sio else "",
            "pnc_reference": case.pnc_reference, "version": case.version,
            "allowed_events": tr.allowed_events(current), "entries": entries,
            "open_tasks": [task_row(t, clock.today()) for t in open_tasks.order_by("created_at", "id")]}


# --- For the case pages ----------------------------------------------------------------------------------


def action_choices() -> list[tuple[str, str]]:
    """(kind, label) of every action that can be recorded on a case."""
    return list(ActionKind.choices)


def media_decision_choices() -> list[tuple[str, str]]:
    return list(MediaDecision.choices)


def sio_candidates(force_code: str) -> list[tuple[int, str]]:
    """(id, name and rank) of the active users of a force of inspector rank or above (unguarded: no
    personal data of registrants)."""
    from tether.access.models import User

    from . import ranks

    users = User.objects.filter(force__code=force_code, is_active=True).exclude(rank="").order_by(
        "last_name", "first_name", "username")
    return [(u.pk, f"{u.get_full_name() or u.username} ({u.rank})") for u in users
            if ranks.is_inspector_or_above(u.rank)]


def pending_media_decisions(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The media-appeal decisions in a case timeline that no supervisor has answered yet."""
    items = list(entries)
    answered = {e.get("approves") for e in items if e["type"] == "action" and e.get("approves")}
    return [e for e in items if e["type"] == "action" and e.get("kind") == ActionKind.MEDIA_DECISION
            and e["id"] not in answered]


def case_person_id(case_id: Any) -> Any:
    """The registrant a case is about (None: no such case). Unguarded, for sending a user who has only the
    limited index entry to the person page to record a reason: it reveals no more than that entry."""
    try:
        return Case.objects.filter(pk=int(case_id)).values_list("person_id", flat=True).first()
    except (ValueError, TypeError):
        return None
