"""What a draft playbook would mean for a force's open work, before it is saved: which open tasks' deadlines it
would move (and which would become, or stop being, past their deadline: what the SLA list escalates), and which
open breaches would lead somewhere else on "not at the notified address" (a missing case instead of a follow-up).

Each open task's deadline was planned from one setting of the playbook version it was made under
(``Task.playbook_version``): the draft moves it by the difference between that setting then and in the draft.
``replan`` applies exactly that when an administrator saves with "apply to open tasks".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tether.access.models import Force
from tether.core import clock

from . import playbook as rules
from .constants import TaskKind, TaskState
from .models import Breach, Playbook, Task, is_late

# The setting that plans each kind of task, and its unit.
TASK_SETTINGS: dict[str, tuple[str, str]] = {
    TaskKind.ESTABLISH_COMPLIANCE: ("overdue.due_days", "days"),
    TaskKind.ESTABLISH_WHEREABOUTS: ("outcomes.not_at_address.due_days", "days"),
    TaskKind.PNC_CIRCULATION: ("case.pnc_circulation_hours", "hours"),
    TaskKind.PROBATION_INFORMED: ("case.probation_informed_days", "days"),
    TaskKind.MAPPA_INFORMED: ("case.mappa_informed_days", "days"),
    TaskKind.SIO_ASSIGNED: ("case.sio_assigned_days", "days"),
    TaskKind.CASE_REVIEW: ("case.review_every_days", "days"),
    TaskKind.ABROAD_REVIEW: ("case.abroad_review_every_days", "days"),
    TaskKind.MEDIA_DECISION: ("case.media_decision_days", "days"),
}
ESCALATION_SETTING = "outcomes.not_at_address.action"


@dataclass(frozen=True)
class Moved:
    task: Task
    due_on: date
    due_at: datetime | None


def _versions(force: Force) -> dict[int, dict[str, Any]]:
    found = {0: rules.defaults()}
    for version, data in Playbook.objects.filter(force=force).values_list("version", "data"):
        found[version] = rules.merge(rules.defaults(), data)
    return found


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def moves(force: Force, draft: dict[str, Any]) -> list[Moved]:
    """The open tasks of ``force`` whose deadline the draft would move, with their deadline under the draft."""
    versions = _versions(force)
    out: list[Moved] = []
    tasks = Task.objects.filter(force=force, state=TaskState.OPEN, kind__in=list(TASK_SETTINGS)).order_by("pk")
    for task in tasks:
        path, unit = TASK_SETTINGS[task.kind]
        planned = _whole(rules.setting(versions.get(task.playbook_version, versions[0]), path))
        wanted = _whole(rules.setting(draft, path))
        if planned is None or wanted is None or planned == wanted:
            continue
        if unit == "hours" and task.due_at is not None:
            due_at = task.due_at + timedelta(hours=wanted - planned)
            out.append(Moved(task, clock.uk_date(due_at), due_at))
        elif unit == "days":
            out.append(Moved(task, task.due_on + timedelta(days=wanted - planned), task.due_at))
    return out


def preview(force: Force, current: dict[str, Any], draft: dict[str, Any]) -> dict[str, Any]:
    """The effect of ``draft`` (a whole, valid playbook) on the force's open work, against ``current``."""
    today, now = clock.today(), clock.now()
    moved = moves(force, draft)
    by_kind: dict[str, int] = {}
    earlier = later = newly_late = no_longer_late = 0
    for m in moved:
        by_kind[m.task.kind] = by_kind.get(m.task.kind, 0) + 1
        before = m.task.due_at or m.task.due_on
        after = m.due_at or m.due_on
        earlier += after < before
        later += after > before
        was = is_late(m.task.due_on, m.task.due_at, today, now)
        will = is_late(m.due_on, m.due_at, today, now)
        newly_late += will and not was
        no_longer_late += was and not will
    escalation = 0
    if rules.setting(current, ESCALATION_SETTING) != rules.setting(draft, ESCALATION_SETTING):
        escalation = Breach.objects.filter(
            force=force, case__isnull=True, tasks__state=TaskState.OPEN,
            tasks__kind=TaskKind.ESTABLISH_COMPLIANCE).distinct().count()
    return {
        "changes": rules.changed_settings(current, draft),
        "open_tasks": Task.objects.filter(force=force, state=TaskState.OPEN).count(),
        "deadlines_moved": len(moved), "earlier": earlier, "later": later,
        "newly_late": newly_late, "no_longer_late": no_longer_late,
        "by_kind": [{"kind": k, "label": TaskKind(k).label, "count": n} for k, n in sorted(by_kind.items())],
        "escalation_changed": escalation,
    }


def replan(force: Force, draft: dict[str, Any], version: int) -> list[dict[str, Any]]:
    """Move the open tasks' deadlines to the draft's (inside the caller's transaction); what moved, for the audit."""
    changed = []
    for m in moves(force, draft):
        task = m.task
        changed.append({"task": task.pk, "before": (task.due_at or task.due_on).isoformat(),
                        "after": (m.due_at or m.due_on).isoformat()})
        task.due_on, task.due_at = m.due_on, m.due_at
        task.playbook_version = version
        task.version += 1
        task.save(update_fields=["due_on", "due_at", "playbook_version", "version"])
    return changed
