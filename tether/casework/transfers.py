"""Casework's part of transfers between forces (``register.transfers``), through the register's hooks:

- the days a receiving force has to accept: its playbook (``transfer.accept_days``);
- a new transfer gives the receiving force a task "accept or refuse" in its unit queue, due on the last day to
  accept (so its queue, digest and dashboard show it, and a missed deadline shows as late like any task);
- accepting or refusing closes that task;
- a refusal, or a deadline passed undecided (found by the daily sweep's step, or by a late acceptance), is
  escalated to both forces' supervisors: a task "resolve the refused or late transfer" in each force's unit queue
  (supervisors see and assign the queue; the digest lists it to them), due the day it is escalated.

All inside the register write's transaction; the register's audit event records the change.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tether.access.models import Force
from tether.audit.services import PendingEvent, record_many
from tether.core import clock
from tether.core.dates import long_date
from tether.core.errors import ValidationFailed
from tether.register import extensions
from tether.register.transfers import transfers_escalate_late

from .constants import Outcome, TaskKind, TaskState
from .models import Task
from .selectors import playbook_for
from .tasks import finish


def accept_days(force: Force) -> int:
    return int(playbook_for(force).data["transfer"]["accept_days"])


def _task(transfer: Any, force_id: int, kind: str, title: str, due_on: date, playbook_version: int) -> Task:
    return Task.objects.create(
        person_id=transfer.person_id, force_id=force_id, kind=kind, title=title[:200], assignee=None,
        due_on=due_on, state=TaskState.OPEN, created_on=clock.today(), created_at=clock.now(),
        playbook_version=playbook_version,
    )


def _escalate(transfer: Any, why: str) -> None:
    today = clock.today()
    for force, other in ((transfer.from_force, transfer.to_force), (transfer.to_force, transfer.from_force)):
        _task(transfer, force.pk, TaskKind.TRANSFER_ESCALATED,
              f"Transfer {why}: agree with {other.name} who manages the registrant", today,
              playbook_for(force).version)


def on_transfer(transfer: Any, event: str, actor: Any) -> None:
    """The register's transfer hook (``extensions.register_transfer_changed``)."""
    if event == "started":
        playbook = playbook_for(transfer.to_force)
        _task(transfer, transfer.to_force_id, TaskKind.TRANSFER_ACCEPT,
              f"Accept or refuse the transfer from {transfer.from_force.name} (moved "
              f"{long_date(transfer.move_date)})", transfer.accept_by, playbook.version)
    elif event in ("accepted", "refused"):
        outcome = Outcome.TRANSFER_ACCEPTED if event == "accepted" else Outcome.TRANSFER_REFUSED
        for task in Task.objects.filter(person_id=transfer.person_id, force_id=transfer.to_force_id,
                                        kind=TaskKind.TRANSFER_ACCEPT, state=TaskState.OPEN):
            finish(task, state=TaskState.DONE, outcome=outcome, actor=actor, on=clock.today())
        if event == "refused":
            _escalate(transfer, "refused")
    elif event == "late":
        _escalate(transfer, "not accepted in time")


def transfer_task_complete(actor: Any, task: Task, note: str) -> Task:
    """Complete a transfer task (``services.task_complete``, inside its transaction, the task locked): an escalation
    is resolved with a note saying what the two forces agreed; the task to accept completes itself when the
    transfer is accepted or refused."""
    if task.kind == TaskKind.TRANSFER_ACCEPT:
        raise ValidationFailed({"outcome": "accept or refuse the transfer (Transfers between forces): the task "
                                           "completes itself"})
    if len(note) < 10:
        raise ValidationFailed({"note": "is required: what the two forces agreed (at least 10 characters)"})
    if len(note) > 5000:
        raise ValidationFailed({"note": "must be 5000 characters or fewer"})
    today = clock.today()
    finish(task, state=TaskState.DONE, outcome=Outcome.TRANSFER_RESOLVED, actor=actor, on=today, note=note)
    record_many([PendingEvent(
        action="task.complete", actor=actor, object_type="task", object_id=str(task.pk), force_code=task.force.code,
        detail={"person_id": str(task.person_id), "kind": task.kind, "outcome": Outcome.TRANSFER_RESOLVED,
                "late": task.closed_late()},
        personal={"note": note},
    )])
    return task


def sweep_step(as_of: date, force: Force | None, actor_label: str) -> dict[str, Any]:
    """The daily sweep's step: escalate transfers still undecided after their last day to accept."""
    return {"escalated": transfers_escalate_late(as_of, force, actor_label=actor_label)}


def install() -> None:
    from .services import register_sweep_step

    extensions.register_transfer_days("playbook", accept_days)
    extensions.register_transfer_changed("tasks", on_transfer)
    register_sweep_step("transfers", sweep_step)
