"""The one write path for missing/wanted cases. Each service validates, checks the transition against the
pure table (``transitions.py``), writes the new state interval or the action, keeps the case's tasks in step
with the force's playbook, re-evaluates the registrant (their status becomes missing/wanted) and records the
audit event, in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from tether.access import permissions
from tether.access.models import User
from tether.audit.services import PendingEvent, record_many
from tether.casework import tasks as task_rules
from tether.casework.constants import Outcome, TaskKind, TaskState
from tether.casework.models import Breach, Task
from tether.casework.selectors import playbook_for
from tether.core import clock
from tether.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tether.core.fields import read_day, read_flag, read_text
from tether.register.guards import access_person_by_id
from tether.register.models import Person

from . import ranks
from . import transitions as tr
from .case_selectors import open_case_for
from .models import ActionKind, Case, CaseAction, CaseState, MediaDecision

# Who may approve a media-appeal decision (never the officer who made it).
# Which task a case action completes.
ACTION_TASK = {
    ActionKind.PNC_CIRCULATION: TaskKind.PNC_CIRCULATION,
    ActionKind.PROBATION_INFORMED: TaskKind.PROBATION_INFORMED,
    ActionKind.MAPPA_INFORMED: TaskKind.MAPPA_INFORMED,
    ActionKind.SIO_ASSIGNED: TaskKind.SIO_ASSIGNED,
    ActionKind.CASE_REVIEW: TaskKind.CASE_REVIEW,
    ActionKind.ABROAD_REVIEW: TaskKind.ABROAD_REVIEW,
}
RISK_FIELDS = ("vigilante_risk", "victim_impact", "public_risk")
MIN_WRITTEN = 20  # characters: a written assessment, not a tick


def _require_writer(actor: Any) -> None:
    if not permissions.is_worker(actor):
        raise Forbidden("Your role cannot work missing or wanted cases.")


def _same_force(actor: Any, force_id: int, what: str = "case") -> None:
    if not permissions.acts_for_force(actor, force_id):
        raise Forbidden(f"Only the owning force can change this {what}.")


def _day(data: dict[str, Any], key: str, *, default: date | None = None, required: bool = False,
         not_before: date | None = None, errors: dict[str, str]) -> date | None:
    """A date of the change (``tether.core.fields``: the same rules as every edge); never in the future."""
    day, problem = read_day(data.get(key), required=required)
    if problem:
        errors[key] = problem
        return default
    if day is None:
        return default
    if day > clock.today():
        errors[key] = "must not be in the future"
    elif not_before is not None and day < not_before:
        errors[key] = f"must not be before {not_before.isoformat()}"
    return day


def _text(data: dict[str, Any], key: str, *, required: bool = False, min_len: int = 1, max_len: int = 5000,
          multiline: bool = True, errors: dict[str, str]) -> str:
    """Free text: notes, reasons and written assessments may run over several lines; references may not."""
    value, problems = read_text(data.get(key), required=required, min_len=min_len, max_len=max_len,
                                multiline=multiline)
    if problems:
        errors[key] = problems[0]
    return value


def _bool(data: dict[str, Any], key: str, errors: dict[str, str]) -> bool:
    value, problem = read_flag(data.get(key, False))
    if problem:
        errors[key] = problem
    return value


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(errors)


@dataclass
class _CaseChange:
    case: Case
    person: Person
    events: list[PendingEvent] = field(default_factory=list)
    rematerialise: bool = False


@contextmanager
def _changing_case(actor: Any, case_id: Any, expected_version: int | None) -> Iterator[_CaseChange]:
    """Guard (person guard, writer role, owning force), row lock, version check, then the caller's change,
    then version bump, re-evaluation of the registrant when the status changed, and the audit events."""
    _require_writer(actor)
    with transaction.atomic():
        try:
            person_id = Case.objects.values_list("person_id", flat=True).get(pk=int(case_id))
        except (ValueError, TypeError, Case.DoesNotExist) as exc:
            raise NotFound("No such case.") from exc
        access = access_person_by_id(actor, person_id, purpose="write")
        if not access.full:
            raise Forbidden("Open the full record (with a reason) before working another force's case.")
        case = Case.objects.select_for_update().get(pk=int(case_id))
        _same_force(actor, case.force_id)
        if expected_version is not None and expected_version != case.version:
            raise Conflict("The case was changed by someone else since you opened it. Reload it and try again.")
        person = Person.objects.select_related("owning_force", "offender_manager").get(pk=person_id)
        change = _CaseChange(case, person)
        yield change
        case.version += 1
        case.save()
        if change.rematerialise:
            from tether.register.outcomes import rematerialise

            rematerialise([person.pk])
        record_many(change.events)


def _event(
    actor: Any, case: Case, person: Person, action: str, detail: dict[str, Any], reason: str = ""
) -> PendingEvent:
    return PendingEvent(action=action, actor=actor, object_type="case", object_id=str(case.pk),
                        force_code=case.force.code, reason=reason,
                        detail={"person_id": str(person.pk), "reference": person.reference, **detail})


def _current_row(case: Case) -> CaseState:
    """The open state interval; a case written without history (import/demo) gets it derived first."""
    row = case.states.filter(valid_to__isnull=True).order_by("-valid_from", "-id").first()
    if row is None:
        backfill_states([case])
        row = case.states.filter(valid_to__isnull=True).order_by("-valid_from", "-id").first()
    assert row is not None
    return row


def backfill_states(cases: list[Case]) -> int:
    """Store the derived state history of cases that have none (imported or demo cases)."""
    have = set(CaseState.objects.filter(case__in=cases).values_list("case_id", flat=True))
    rows = []
    for case in cases:
        if case.pk in have:
            continue
        for s in tr.history_from_summary(case.kind, case.opened_on, case.closed_on, case.warrant_on,
                                         case.believed_abroad, case.outcome):
            rows.append(CaseState(case=case, state=s.state, believed_abroad=s.believed_abroad,
                                  valid_from=s.valid_from, valid_to=s.valid_to, event=s.event, outcome=s.outcome,
                                  detail={"derived_from_summary": True}, actor_label="system",
                                  created_at=case.created_at))
    CaseState.objects.bulk_create(rows)
    return len(rows)


def _new_state(case: Case, actor: Any, status: tr.CaseStatus, on: date, event: str, *, outcome: str = "",
               detail: dict[str, Any] | None = None, note: str = "") -> CaseState:
    return CaseState.objects.create(
        case=case, state=status.state, believed_abroad=status.believed_abroad, valid_from=on, event=event,
        outcome=outcome, detail=detail or {}, note=note, actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "label", "") or "system", created_at=clock.now(),
    )


def _refused(exc: tr.TransitionRefused) -> ValidationFailed:
    return ValidationFailed({exc.field: exc.message})


# --- Opening ---------------------------------------------------------------------------------------------


def case_open(actor: Any, person_id: Any, data: dict[str, Any] | None = None, *, breach_id: int | None = None,
              reason: str = "") -> Case:
    """Open a missing case (wanted when ``warrant_on`` is given) for a registrant whose whereabouts are unknown.

    ``data``: ``opened_on`` (default today), ``believed_abroad``, ``warrant_on``, ``note``. Creates the
    playbook's tasks (PNC within 24 hours, probation, MAPPA co-ordinator, SIO, review, media decision,
    believed-abroad review), links the breach that led to it, and re-evaluates the registrant."""
    _require_writer(actor)
    data = dict(data or {})
    errors: dict[str, str] = {}
    opened_on = _day(data, "opened_on", default=clock.today(), errors=errors)
    warrant_on = _day(data, "warrant_on", errors=errors)
    abroad = _bool(data, "believed_abroad", errors)
    note = _text(data, "note", errors=errors)
    assert opened_on is not None
    if warrant_on and warrant_on > opened_on:
        errors["warrant_on"] = "must not be after the case opens: record a later warrant as a transition"
    _raise(errors)
    event = tr.OPEN_WANTED if warrant_on else tr.OPEN_MISSING
    try:
        status = tr.apply(None, event, warrant=bool(warrant_on), believed_abroad=abroad)
    except tr.TransitionRefused as exc:
        raise _refused(exc) from exc

    with transaction.atomic():
        access = access_person_by_id(actor, person_id, purpose="write")
        if not access.full:
            raise Forbidden("Open the full record (with a reason) before opening a case for another force.")
        person = Person.objects.select_for_update(of=("self",)).select_related("owning_force", "offender_manager").get(
            pk=access.person.pk)
        _same_force(actor, person.owning_force_id, "registrant's cases")
        existing = open_case_for(person.pk)
        if existing is not None:
            raise Conflict(f"{person.reference} already has an open {existing.kind} case (case {existing.pk}).")
        now = clock.now()
        case = Case.objects.create(
            person=person, force=person.owning_force, kind=status.state, opened_on=opened_on,
            believed_abroad=status.believed_abroad, warrant_on=warrant_on, created_at=now,
        )
        _new_state(case, actor, status, opened_on, event, detail={"warrant_on": warrant_on}, note=note)
        playbook = playbook_for(person.owning_force)
        tasks = Task.objects.bulk_create(task_rules.case_tasks(case, person, opened_on, playbook, now=now))
        linked = []
        if breach_id is not None:
            breach = Breach.objects.filter(pk=breach_id, person=person).first()
            if breach is not None and breach.case_id is None:
                breach.case = case
                breach.save(update_fields=["case"])
                linked.append(breach.pk)
        from tether.register.outcomes import rematerialise

        rematerialise([person.pk])
        record_many([_event(actor, case, person, "case.open", {
            "state": status.state, "believed_abroad": status.believed_abroad, "opened_on": opened_on,
            "warrant_on": warrant_on, "breaches": linked, "playbook_version": playbook.version,
            "tasks": [{"id": t.pk, "kind": t.kind, "due_on": t.due_on} for t in tasks]}, reason=reason)])
    return case


# --- Transitions -----------------------------------------------------------------------------------------


def case_transition(actor: Any, case_id: Any, event: str, data: dict[str, Any] | None = None, *,
                    expected_version: int | None = None) -> Case:
    """Move a case through the state table: ``warrant`` (needs ``warrant_on``), ``warrant_withdrawn``,
    ``abroad``, ``not_abroad``, ``close`` (needs ``outcome``) or ``reopen`` (needs ``reason``).
    ``data``: ``on`` (default today), ``note`` and the event's own fields."""
    data = dict(data or {})
    with _changing_case(actor, case_id, expected_version) as change:
        case, person = change.case, change.person
        row = _current_row(case)
        current = tr.CaseStatus(row.state, row.believed_abroad)
        errors: dict[str, str] = {}
        on = _day(data, "on", default=clock.today(), not_before=row.valid_from, errors=errors)
        note = _text(data, "note", errors=errors)
        warrant_on = _day(data, "warrant_on", required=event == tr.WARRANT, not_before=case.opened_on,
                          errors=errors)
        outcome = str(data.get("outcome") or "") if event == tr.CLOSE else ""
        reason = ""
        if event == tr.REOPEN:
            reason = _text(data, "reason", required=True, min_len=10, errors=errors)
        _raise(errors)
        assert on is not None
        try:
            status = tr.apply(current, event, outcome=outcome or None, warrant=bool(warrant_on))
        except tr.TransitionRefused as exc:
            raise _refused(exc) from exc

        row.valid_to = on
        row.save(update_fields=["valid_to"])
        detail: dict[str, Any] = {}
        if warrant_on:
            detail["warrant_on"] = warrant_on
        if reason:
            detail["reason"] = reason
        _new_state(case, actor, status, on, event, outcome=outcome, detail=detail, note=note)
        playbook = playbook_for(person.owning_force)
        tasks_changed = _tasks_after(event, case, person, actor, on, playbook, status)

        before = {"state": current.state, "believed_abroad": current.believed_abroad, "kind": case.kind,
                  "warrant_on": case.warrant_on}
        if status.state in tr.OPEN_STATES:
            case.kind = status.state
        case.believed_abroad = status.believed_abroad
        if event in (tr.WARRANT, tr.REOPEN) and warrant_on:
            case.warrant_on = warrant_on
        elif event == tr.WARRANT_WITHDRAWN:
            case.warrant_on = None
        if event == tr.CLOSE:
            case.closed_on, case.outcome = on, outcome
        elif event == tr.REOPEN:
            case.closed_on, case.outcome = None, ""
        change.rematerialise = before["kind"] != case.kind or event in (tr.CLOSE, tr.REOPEN)
        change.events.append(_event(actor, case, person, f"case.{event}", {
            "on": on, "before": before,
            "after": {"state": status.state, "believed_abroad": status.believed_abroad, "kind": case.kind,
                      "warrant_on": case.warrant_on, "outcome": outcome},
            "note": note, "tasks": tasks_changed}, reason=reason))
    return case


def _tasks_after(event: str, case: Case, person: Person, actor: Any, on: date, playbook: Any,
                 status: tr.CaseStatus) -> dict[str, list[int]]:
    """Keep the case's tasks in step with a transition."""
    created: list[Task] = []
    cancelled: list[int] = []
    open_tasks = Task.objects.select_for_update().filter(case=case, state=TaskState.OPEN)
    if event == tr.CLOSE:
        for t in open_tasks:
            task_rules.finish(t, state=TaskState.CANCELLED, outcome=Outcome.CASE_CLOSED, actor=actor, on=on)
            cancelled.append(t.pk)
    elif event == tr.NOT_ABROAD:
        for t in open_tasks.filter(kind=TaskKind.ABROAD_REVIEW):
            task_rules.finish(t, state=TaskState.CANCELLED, outcome=Outcome.SUPERSEDED, actor=actor, on=on)
            cancelled.append(t.pk)
    elif event == tr.ABROAD:
        created.append(task_rules.review_task(person, case, TaskKind.ABROAD_REVIEW, on, playbook))
    elif event == tr.WARRANT and not open_tasks.filter(kind=TaskKind.PNC_CIRCULATION).exists():
        # Circulate as wanted: a fresh PNC task on the playbook's clock.
        created += task_rules.case_tasks(case, person, on, playbook, kinds=[TaskKind.PNC_CIRCULATION])
    elif event == tr.REOPEN:
        kinds = [k for k in (TaskKind.PNC_CIRCULATION, TaskKind.PROBATION_INFORMED, TaskKind.MAPPA_INFORMED,
                             TaskKind.SIO_ASSIGNED, TaskKind.CASE_REVIEW, TaskKind.MEDIA_DECISION)
                 if not (k == TaskKind.SIO_ASSIGNED and case.sio_id)]
        case.believed_abroad = status.believed_abroad
        created += task_rules.case_tasks(case, person, on, playbook, kinds=kinds)
    Task.objects.bulk_create(created)
    return {"created": [t.pk for t in created], "cancelled": cancelled}


def case_close(actor: Any, case_id: Any, outcome: str, data: dict[str, Any] | None = None, *,
               expected_version: int | None = None) -> Case:
    """Close a case with an outcome: located, arrested, returned (to the UK), abroad_known (confirmed abroad
    at a known address), died, no_longer_subject. Open tasks are cancelled; the registrant is re-evaluated."""
    return case_transition(actor, case_id, tr.CLOSE, {**(data or {}), "outcome": outcome},
                           expected_version=expected_version)


def case_reopen(actor: Any, case_id: Any, reason: str, data: dict[str, Any] | None = None, *,
                expected_version: int | None = None) -> Case:
    """Reopen a closed case (recorded with its reason): missing again (wanted when ``warrant_on`` is given),
    with a new set of playbook tasks."""
    return case_transition(actor, case_id, tr.REOPEN, {**(data or {}), "reason": reason},
                           expected_version=expected_version)


# --- Actions ---------------------------------------------------------------------------------------------


def case_record_action(actor: Any, case_id: Any, kind: str, data: dict[str, Any] | None = None, *,
                       expected_version: int | None = None) -> CaseAction:
    """Record something done on an open case and complete the task it answers.

    - ``pnc_circulation``: ``reference`` (the PNC circulation reference) required;
    - ``probation_informed`` / ``mappa_informed``: optional ``contact`` (who was told);
    - ``sio_assigned``: ``sio`` (a user id or username of the owning force, of inspector rank or above);
    - ``case_review`` / ``abroad_review``: ``note`` required; schedules the next review;
    - ``media_decision``: ``decision`` (appeal / no_appeal) and a written risk assessment: ``vigilante_risk``,
      ``victim_impact``, ``public_risk``; the media task stays open until a supervisor approves it;
    - ``media_approval``: by a supervisor who did not make the decision: ``decision`` (its action id),
      ``approved`` (true/false), ``note`` (required when refusing);
    - ``note``: ``note`` required.
    All take ``on`` (the date it was done; default today, not before the case opened, not in the future).
    """
    if kind not in ActionKind.values:
        raise ValidationFailed({"kind": f"must be one of: {', '.join(ActionKind.values)}"})
    data = dict(data or {})
    with _changing_case(actor, case_id, expected_version) as change:
        case, person = change.case, change.person
        if case.closed_on is not None and kind != ActionKind.NOTE:
            raise ValidationFailed({"kind": "the case is closed: reopen it first (only notes can be added)"})
        errors: dict[str, str] = {}
        on = _day(data, "on", default=clock.today(), not_before=case.opened_on, errors=errors)
        note = _text(data, "note", required=kind in (ActionKind.CASE_REVIEW, ActionKind.ABROAD_REVIEW,
                                                     ActionKind.NOTE), errors=errors)
        assert on is not None
        action = CaseAction(case=case, kind=kind, on=on, at=clock.now(), note=note,
                            actor=actor, actor_label=actor.label)
        playbook = playbook_for(person.owning_force)
        next_task: Task | None = None
        complete = kind in ACTION_TASK
        if kind == ActionKind.PNC_CIRCULATION:
            action.reference = _text(data, "reference", required=True, max_len=40, multiline=False, errors=errors)
        elif kind in (ActionKind.PROBATION_INFORMED, ActionKind.MAPPA_INFORMED):
            action.detail = {"contact": _text(data, "contact", max_len=200, multiline=False, errors=errors)}
        elif kind == ActionKind.SIO_ASSIGNED:
            action.sio = _sio(data.get("sio"), case, errors)
        elif kind == ActionKind.CASE_REVIEW:
            next_task = task_rules.review_task(person, case, TaskKind.CASE_REVIEW, on, playbook)
        elif kind == ActionKind.ABROAD_REVIEW:
            if not case.believed_abroad:
                errors["kind"] = "the person is not recorded as believed abroad"
            next_task = task_rules.review_task(person, case, TaskKind.ABROAD_REVIEW, on, playbook)
        elif kind == ActionKind.MEDIA_DECISION:
            decision = data.get("decision")
            if decision not in MediaDecision.values:
                errors["decision"] = f"must be one of: {', '.join(MediaDecision.values)}"
            assessment = {f: _text(data, f, required=True, min_len=MIN_WRITTEN, errors=errors) for f in RISK_FIELDS}
            action.detail = {"decision": decision, **assessment, "approved": None}
        elif kind == ActionKind.MEDIA_APPROVAL:
            complete = _media_approval(actor, case, action, data, errors)
        _raise(errors)
        action.save()
        if action.sio_id:
            case.sio = action.sio
        if action.reference:
            case.pnc_reference = action.reference
        done = _complete_tasks(case, kind, actor, on, action) if complete else []
        if next_task is not None:
            next_task.save()
        change.events.append(_event(actor, case, person, f"case.action.{kind}", {
            "action_id": action.pk, "on": on, "reference": action.reference,
            "sio": action.sio.label if action.sio else None, "detail": action.detail, "note": note,
            "tasks_done": done, "next_task": next_task.pk if next_task else None}))
    return action


def _sio(raw: Any, case: Case, errors: dict[str, str]) -> User | None:
    if raw in (None, ""):
        errors["sio"] = "is required: the senior investigating officer's user id or username"
        return None
    user = (User.objects.filter(pk=raw).first() if isinstance(raw, int) or str(raw).isdigit()
            else User.objects.filter(username=str(raw)).first())
    if user is None or not user.is_active or user.force_id != case.force_id:
        errors["sio"] = "must be an active user of the force that owns the case"
        return None
    if not ranks.is_inspector_or_above(user.rank):
        errors["sio"] = (f"must be of inspector rank or above: {user.get_full_name() or user.username}'s "
                         f"recorded rank is '{user.rank or 'none'}'")
        return None
    return user


def _media_approval(actor: Any, case: Case, action: CaseAction, data: dict[str, Any], errors: dict[str, str]) -> bool:
    """Validate an approval; return True when it approves (so the media task is done)."""
    if not permissions.approves_media(actor):
        raise Forbidden("Only a supervisor can approve a media-appeal decision.")
    try:
        decision = CaseAction.objects.get(pk=int(data.get("decision") or 0), case=case,
                                          kind=ActionKind.MEDIA_DECISION)
    except (ValueError, TypeError, CaseAction.DoesNotExist):
        errors["decision"] = "must be the id of a media-appeal decision on this case"
        return False
    if decision.actor_id == actor.pk:
        raise Forbidden("A supervisor cannot approve their own media-appeal decision.")
    if decision.approvals.exists():
        errors["decision"] = "has already been approved or refused: record a new decision"
        return False
    approved = data.get("approved")
    if not isinstance(approved, bool):
        errors["approved"] = "must be true or false"
        return False
    if not approved and len(action.note) < 10:
        errors["note"] = "is required when refusing: say why (at least 10 characters)"
    action.approves = decision
    action.detail = {"approved": approved, "decision": decision.detail.get("decision")}
    return approved


def _complete_tasks(case: Case, kind: str, actor: Any, on: date, action: CaseAction) -> list[int]:
    task_kind = TaskKind.MEDIA_DECISION if kind == ActionKind.MEDIA_APPROVAL else ACTION_TASK[ActionKind(kind)]
    done = []
    for t in Task.objects.select_for_update().filter(case=case, kind=task_kind, state=TaskState.OPEN):
        task_rules.finish(t, state=TaskState.DONE, outcome=Outcome.ACTION_RECORDED, actor=actor, on=on,
                          note=f"case action {action.pk}")
        done.append(t.pk)
    return done
