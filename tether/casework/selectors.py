"""Reading compliance: the force's playbook, task lists, overdue obligations and missed deadlines.

Every list is scoped by role and force (``force_scope``) and its use is audited like a register search.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from tether.access import permissions
from tether.access.models import Force
from tether.access.selectors import force_scope as scope_of_forces
from tether.audit.services import record
from tether.core import clock
from tether.core.errors import Forbidden, NotFound
from tether.register.models import PersonObligation

from . import playbook as rules
from .constants import TaskState
from .models import Breach, Playbook, SweepRun, Task, done_late_q, past_deadline_q


@dataclass(frozen=True)
class PlaybookVersion:
    force_code: str
    version: int  # 0: the defaults (never edited)
    data: dict[str, Any]


def playbook_for(force: Force) -> PlaybookVersion:
    """The force's current playbook (unguarded: the services use it to plan work)."""
    return playbooks_for([force])[force.pk]


def playbooks_for(forces: Iterable[Force]) -> dict[int, PlaybookVersion]:
    """``playbook_for`` each of these forces, by force id, in one query."""
    forces = list(forces)
    current: dict[int, Playbook] = {}
    for row in Playbook.objects.filter(force__in=forces, valid_to__isnull=True).order_by("force_id", "version"):
        current[row.force_id] = row  # the highest version last
    return {force.pk: PlaybookVersion(force.code, 0, rules.defaults()) if (pb := current.get(force.pk)) is None
            else PlaybookVersion(force.code, pb.version, rules.merge(rules.defaults(), pb.data)) for force in forces}


def force_scope(user: Any, force_code: str | None = None) -> Force | None:
    """The force ``user`` may list for: their own; any (or None = all) for a national admin."""
    if not permissions.is_worker(user):
        raise Forbidden("Your role cannot see compliance work.")
    return scope_of_forces(user, force_code, national=permissions.is_national_admin(user),
                           what="see your own force's compliance work")


def playbook_view(user: Any, force_code: str | None = None) -> dict[str, Any]:
    """The current playbook and its version history, for the force-admin screen."""
    force = force_scope(user, force_code)
    if force is None:
        raise Forbidden("Name a force to see its playbook.")
    current = playbook_for(force)
    history = [
        {"version": p.version, "valid_from": p.valid_from, "valid_to": p.valid_to,
         "by": str(p.created_by) if p.created_by else "", "reason": p.reason,
         "changes": [{**c, "label": rules.label(str(c.get("setting", "")))} for c in (p.changes or [])
                     if isinstance(c, dict)]}
        for p in Playbook.objects.filter(force=force).select_related("created_by").order_by("-version")
    ]
    return {"force": force.code, "version": current.version, "playbook": current.data,
            "defaults": rules.defaults(), "limits": rules.LIMITS, "history": history}


def task_row(t: Task, as_of: date) -> dict[str, Any]:
    return {
        "id": t.pk, "kind": t.kind, "title": t.title, "state": t.state, "due_on": t.due_on, "due_at": t.due_at,
        "past_deadline": t.past_deadline(as_of), "days_late": max(0, (as_of - t.due_on).days) if t.is_open else 0,
        "person_id": t.person_id, "reference": t.person.reference, "name": t.person.display_name,
        "case_id": t.case_id, "breach_id": t.breach_id, "force": t.force.code,
        "assignee": str(t.assignee) if t.assignee else "", "assignee_id": t.assignee_id, "version": t.version,
    }


def _tasks(qs: QuerySet[Task]) -> QuerySet[Task]:
    return qs.select_related("person", "force", "assignee").order_by("due_on", "id")


def my_tasks(user: Any, as_of: date | None = None, *, include_queue: bool = False) -> list[dict[str, Any]]:
    """Open tasks assigned to ``user`` (and, with ``include_queue``, their force's unassigned ones)."""
    if not permissions.is_worker(user):
        raise Forbidden("Your role cannot have tasks.")
    as_of = as_of or clock.today()
    where = Q(assignee=user)
    if include_queue and user.force_id:
        where |= Q(assignee__isnull=True, force_id=user.force_id)
    rows = [task_row(t, as_of) for t in _tasks(Task.objects.filter(where, state=TaskState.OPEN))]
    record("task.list", user, detail={"list": "mine", "queue": include_queue, "results": len(rows)},
           force_code=user.force_code)
    return rows


def queue_tasks(user: Any, force_code: str | None = None, as_of: date | None = None) -> list[dict[str, Any]]:
    """The force's unit queue: open tasks with nobody assigned (registrants with no offender manager)."""
    force = force_scope(user, force_code)
    as_of = as_of or clock.today()
    qs = Task.objects.filter(state=TaskState.OPEN, assignee__isnull=True)
    if force is not None:
        qs = qs.filter(force=force)
    rows = [task_row(t, as_of) for t in _tasks(qs)]
    record("task.list", user, detail={"list": "queue", "force": force.code if force else "ALL", "results": len(rows)},
           force_code=force.code if force else "")
    return rows


def force_overdue(user: Any, force_code: str | None = None, as_of: date | None = None) -> list[dict[str, Any]]:
    """Every obligation overdue on ``as_of`` for the force's registrants (read from the stored next-due
    index), with the breach the sweep recorded for it (None: the sweep has not run since it fell due)."""
    force = force_scope(user, force_code)
    as_of = as_of or clock.today()
    qs = PersonObligation.objects.filter(open=True, due__lt=as_of, person__state__next_due__lt=as_of)
    if force is not None:
        qs = qs.filter(person__owning_force=force)
    qs = qs.select_related("person", "person__owning_force", "person__offender_manager").order_by("due", "id")
    found = list(qs)
    breaches = {
        (b.person_id, b.kind, b.due): b
        for b in Breach.objects.filter(person_id__in={o.person_id for o in found}).only(
            "id", "person_id", "kind", "due", "detected_on", "case_id")
    }
    rows = []
    for o in found:
        b = breaches.get((o.person_id, o.kind, o.due))
        rows.append({
            "person_id": o.person_id, "reference": o.person.reference, "name": o.person.display_name,
            "force": o.person.owning_force.code, "kind": o.kind, "due": o.due, "days_overdue": (as_of - o.due).days,
            "citation": o.citation, "offender_manager": str(o.person.offender_manager or ""),
            "breach_id": b.pk if b else None, "detected_on": b.detected_on if b else None,
            "case_id": b.case_id if b else None,
        })
    record("compliance.list", user, detail={"list": "overdue", "as_of": as_of,
                                              "force": force.code if force else "ALL", "results": len(rows)},
           force_code=force.code if force else "")
    return rows


def sla_breaches(
    user: Any, force_code: str | None = None, as_of: date | None = None, *, since: date | None = None
) -> list[dict[str, Any]]:
    """Deadlines missed: tasks still open after their deadline, and tasks done late since ``since``
    (default: 28 days before ``as_of``). A task with an exact deadline (``due_at``, e.g. PNC circulation
    within 24 hours) is late from that instant; others from the day after ``due_on``."""
    force = force_scope(user, force_code)
    as_of = as_of or clock.today()
    since = since or as_of - timedelta(days=28)
    base = Task.objects.all() if force is None else Task.objects.filter(force=force)
    open_late = base.filter(past_deadline_q(as_of))
    done_late = base.filter(done_late_q(), state=TaskState.DONE, completed_on__gte=since, completed_on__lte=as_of)
    rows = []
    for t in _tasks(open_late):
        rows.append({**task_row(t, as_of), "late": "open past its deadline"})
    for t in _tasks(done_late):
        late_days = (t.completed_on - t.due_on).days if t.completed_on else 0
        rows.append({**task_row(t, as_of), "late": "done late", "days_late": late_days,
                     "completed_on": t.completed_on, "completed_at": t.completed_at})
    record("compliance.list", user, detail={"list": "sla_breaches", "as_of": as_of,
                                              "force": force.code if force else "ALL", "results": len(rows)},
           force_code=force.code if force else "")
    return rows


def last_sweep() -> SweepRun | None:
    """The last finished sweep (for the operations check "did the sweep run today?", docs/operations.md)."""
    return SweepRun.objects.filter(kind="sweep", finished_at__isnull=False).order_by("-finished_at").first()


# --- One task (pages and API) ------------------------------------------------------------------------------


def task_view(user: Any, task_id: Any, as_of: date | None = None) -> dict[str, Any]:
    """One task, for its force's workers (national admins: any). The registrant is read through the person
    guard (audited as ``person.task_view``). NotFound when missing or another force's."""
    from tether.register.guards import access_person_by_id

    from .constants import COMPLIANCE_TASKS, TaskKind

    if not permissions.is_worker(user):
        raise Forbidden("Your role cannot see compliance work.")
    try:
        task = _tasks(Task.objects.filter(pk=int(task_id))).select_related("completed_by", "breach").get()
    except (ValueError, TypeError, OverflowError, Task.DoesNotExist) as exc:
        raise NotFound("No such task.") from exc
    if not permissions.acts_for_force(user, task.force_id):
        raise NotFound("No such task.")
    access_person_by_id(user, task.person_id, purpose="task_view")
    breach = task.breach
    return {
        **task_row(task, as_of or clock.today()),
        "outcome": task.outcome, "note": task.note, "created_on": task.created_on,
        "completed_on": task.completed_on, "completed_at": task.completed_at,
        "completed_by": str(task.completed_by or ""), "playbook_version": task.playbook_version,
        "completable": task.kind in COMPLIANCE_TASKS,
        "resolvable": task.kind == TaskKind.TRANSFER_ESCALATED,  # a transfer escalated: resolved with a note
        "breach": {"kind": breach.kind, "due": breach.due, "citation": breach.citation,
                   "detected_on": breach.detected_on} if breach else None,
        "outcomes": playbook_for(task.force).data["outcomes"],
    }


def assignable_workers(force_code: str) -> list[tuple[int, str]]:
    """(id, name) of the active workers of a force a task can be given to (unguarded: no personal data)."""
    from tether.access.models import User

    users = User.objects.filter(force__code=force_code, is_active=True, role__in=permissions.worker_roles()).order_by(
        "last_name", "first_name", "username")
    return [(u.pk, f"{u.get_full_name() or u.username} ({u.get_role_display()})") for u in users]
