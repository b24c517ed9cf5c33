"""Building tasks: who gets them and when they are due. Used by the sweep, task completion and the case
services, always inside the caller's transaction (the caller writes the audit event)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from tether.core import clock

from .constants import TaskKind, TaskState
from .models import Task
from .selectors import PlaybookVersion

OBLIGATION_LABELS = {
    "initial": "initial notification",
    "change": "notification of a change",
    "non_occurrence": "notification that an expected change did not happen",
    "periodic": "periodic (annual or weekly) notification",
    "travel": "foreign travel notification",
    "absence": "notification of absence from home",
    "verification": "verification",
}


def obligation_label(kind: str) -> str:
    return OBLIGATION_LABELS.get(kind, kind.replace("_", " "))


def assignee_id_for(owning_force_id: int, manager_id: int | None, manager_active: bool | None,
                    manager_force_id: int | None) -> int | None:
    """The offender manager's id when they are an active user of the owning force; else None (the force's
    unit queue)."""
    if manager_id is not None and manager_active and manager_force_id == owning_force_id:
        return manager_id
    return None


def assignee_for(person: Any) -> Any:
    """As ``assignee_id_for``, for a loaded person: the user, or None."""
    manager = getattr(person, "offender_manager", None)
    if manager is None:
        return None
    ok = assignee_id_for(person.owning_force_id, manager.pk, manager.is_active, manager.force_id)
    return manager if ok else None


def new_task(
    person: Any, kind: str, due_on: date, *, title: str = "", case: Any = None, breach: Any = None,
    due_at: datetime | None = None, created_on: date | None = None, playbook: PlaybookVersion | None = None,
    now: datetime | None = None,
) -> Task:
    """An unsaved task (the caller saves it, usually in bulk)."""
    now = now or clock.now()
    return Task(
        person_id=person.pk, force_id=person.owning_force_id, case=case, breach=breach, kind=kind,
        title=title or TaskKind(kind).label, assignee=assignee_for(person), due_on=due_on, due_at=due_at,
        state=TaskState.OPEN, created_on=created_on or clock.today(), created_at=now,
        playbook_version=playbook.version if playbook else 0,
    )


# The playbook setting that spaces each kind of review.
REVIEW_EVERY: dict[str, str] = {TaskKind.CASE_REVIEW: "review_every_days",
                                 TaskKind.ABROAD_REVIEW: "abroad_review_every_days"}


def next_review_on(kind: str, since: date, playbook: PlaybookVersion) -> date:
    """When the next review of ``kind`` falls due: the playbook's cycle from ``since`` (the last review, or the
    day the case opened or the person was recorded as believed abroad)."""
    return since + timedelta(days=int(playbook.data["case"][REVIEW_EVERY[kind]]))


def review_task(person: Any, case: Any, kind: str, since: date, playbook: PlaybookVersion, *,
                due_on: date | None = None, title: str = "", created_on: date | None = None) -> Task:
    """An unsaved review task (``due_on`` overrides the cycle, e.g. a review already overdue falls due today)."""
    return new_task(person, kind, due_on or next_review_on(kind, since, playbook), title=title, case=case,
                    created_on=created_on or since, playbook=playbook)


def case_tasks(
    case: Any, person: Any, on: date, playbook: PlaybookVersion, *, kinds: Iterable[str] | None = None,
    now: datetime | None = None,
) -> list[Task]:
    """The tasks a (re)opened case starts with, per the playbook. ``on``: the date it (re)opened."""
    now = now or clock.now()
    rules = playbook.data["case"]
    base = now if on == clock.uk_date(now) else clock.uk_day_start(on)
    pnc_at = base + timedelta(hours=rules["pnc_circulation_hours"])
    plan: list[tuple[str, date, datetime | None]] = [
        (TaskKind.PNC_CIRCULATION, clock.uk_date(pnc_at), pnc_at),
        (TaskKind.PROBATION_INFORMED, on + timedelta(days=rules["probation_informed_days"]), None),
        (TaskKind.MAPPA_INFORMED, on + timedelta(days=rules["mappa_informed_days"]), None),
        (TaskKind.SIO_ASSIGNED, on + timedelta(days=rules["sio_assigned_days"]), None),
        (TaskKind.CASE_REVIEW, next_review_on(TaskKind.CASE_REVIEW, on, playbook), None),
        (TaskKind.MEDIA_DECISION, on + timedelta(days=rules["media_decision_days"]), None),
    ]
    if case.believed_abroad:
        plan.append((TaskKind.ABROAD_REVIEW, next_review_on(TaskKind.ABROAD_REVIEW, on, playbook), None))
    wanted = set(kinds) if kinds is not None else None
    return [
        new_task(person, kind, due_on, case=case, due_at=due_at, created_on=on, playbook=playbook, now=now)
        for kind, due_on, due_at in plan
        if wanted is None or kind in wanted
    ]


def finish(task: Task, *, state: str, outcome: str, actor: Any, on: date, note: str = "",
           now: datetime | None = None) -> None:
    """Close a task (done or cancelled) and save it."""
    task.state = state
    task.outcome = outcome
    task.note = note or task.note
    task.completed_on = on
    task.completed_at = now or clock.now()
    task.completed_by = actor if getattr(actor, "pk", None) else None
    task.version += 1
    task.save(update_fields=["state", "outcome", "note", "completed_on", "completed_at", "completed_by", "version"])
