"""API for compliance work: /api/v1/tasks, /api/v1/breaches, /api/v1/sla-breaches. Token auth; the same
selectors (role and force scope, audited) and services (one transaction, audited) as the web."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from pydantic import StrictBool

from tether.access.api import Day, DetailOut, ErrorOut, In, Text, TokenAuth
from tether.core import clock

from .selectors import force_overdue, my_tasks, queue_tasks, sla_breaches, task_view
from .services import task_assign, task_complete

router = Router(auth=TokenAuth(), tags=["compliance"])

MAX_ID = 2_147_483_647
TaskId = Path(..., ge=1, le=MAX_ID)  # type: ignore[type-arg]
Force = Annotated[str, Text(8)]
ForceCode = Field("", description="Force code; empty = your force (a national admin: all forces)")
Note = Annotated[str, Text(5000, multiline=True)]


class TaskOut(Schema):
    id: int
    kind: str
    title: str
    state: str
    due_on: date = Field(description="The last day to do it (UK date)")
    due_at: datetime | None = Field(None, description="An exact deadline, e.g. PNC circulation within 24 hours")
    past_deadline: bool
    days_late: int
    person_id: uuid.UUID
    reference: str = Field(description="The registrant's reference (TTH-...)")
    name: str
    case_id: int | None
    breach_id: int | None
    force: str
    assignee: str = Field(description="The offender manager, or empty for the unit queue")
    assignee_id: int | None
    version: int = Field(description="Send it back when completing or assigning; a mismatch answers 409")


class TaskDetailOut(TaskOut):
    outcome: str
    note: str
    created_on: date
    completed_on: date | None
    completed_at: datetime | None
    completed_by: str


class TaskListOut(Schema):
    count: int
    results: list[TaskOut]


class TaskQuery(Schema):
    which: Literal["mine", "queue", "all"] = Field(
        "mine", description="mine: assigned to you; queue: your force's unassigned tasks; all: both")
    force: Force = ForceCode
    as_of: Day | None = Field(None, description="Whether past deadline is judged on this day (default today)")


@router.get("/tasks", response={200: TaskListOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut},
            summary="List open tasks")
def list_tasks(request: HttpRequest, q: Query[TaskQuery]) -> Any:
    """Open tasks, earliest due first: yours, your force's unit queue (unassigned), or both."""
    if q.which == "queue":
        rows = queue_tasks(request.user, q.force or None, q.as_of)
    else:
        rows = my_tasks(request.user, q.as_of, include_queue=q.which == "all")
    return TaskListOut(count=len(rows), results=[TaskOut.model_validate(r) for r in rows])


@router.get("/tasks/{task_id}", response={200: TaskDetailOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut},
            summary="Read one task")
def get_task(request: HttpRequest, task_id: int = TaskId) -> Any:
    return task_view(request.user, task_id)


Version = Annotated[int | None, Field(None, ge=0, le=MAX_ID,
                                      description="The version you read; a mismatch answers 409")]


class CompleteIn(In):
    outcome: Literal["complied_late", "excuse_accepted", "not_at_address", "whereabouts_unknown",
                     "transfer_resolved"] = Field(
        description="complied_late, excuse_accepted, not_at_address or whereabouts_unknown; transfer_resolved for "
                    "a transfer escalated to the supervisors (with a note of what the two forces agreed)")
    note: Note = Field("", description="What was found (required for some outcomes: at least 10 characters)")
    version: Version = None
    warrant_on: Day | None = Field(None, description="whereabouts_unknown: a warrant's date opens a wanted case")
    believed_abroad: StrictBool = Field(False, description="whereabouts_unknown: the person is believed abroad")


_WRITE = {200: TaskDetailOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut, 409: DetailOut}


@router.post("/tasks/{task_id}/complete", response=_WRITE, summary="Complete a task with an outcome")
def complete_task(request: HttpRequest, payload: CompleteIn, task_id: int = TaskId) -> Any:
    """Completes an establish-compliance or establish-whereabouts task; the force's playbook decides what
    follows (a follow-up task, or a missing/wanted case). Case tasks complete when the action is recorded
    on the case (POST /cases/{case_id}/actions)."""
    data: dict[str, Any] = {"believed_abroad": payload.believed_abroad}
    if payload.warrant_on is not None:
        data["warrant_on"] = payload.warrant_on
    task_complete(request.user, task_id, payload.outcome, payload.note, data=data,
                  expected_version=payload.version)
    return task_view(request.user, task_id)


class AssignIn(In):
    assignee_id: int | None = Field(..., ge=1, le=MAX_ID,
                                    description="An active officer of the task's force; null: the unit queue")
    version: Version = None


@router.post("/tasks/{task_id}/assign", response=_WRITE, summary="Assign a task")
def assign_task(request: HttpRequest, payload: AssignIn, task_id: int = TaskId) -> Any:
    """Supervisors and force admins assign any task of their force; an officer may take an unassigned one."""
    task_assign(request.user, task_id, payload.assignee_id, expected_version=payload.version)
    return task_view(request.user, task_id)


class BreachOut(Schema):
    person_id: uuid.UUID
    reference: str
    name: str
    force: str
    kind: str = Field(description="The obligation kind (periodic, change, ...)")
    due: date = Field(description="The last day to comply")
    days_overdue: int
    citation: str
    offender_manager: str
    breach_id: int | None = Field(description="The breach the sweep recorded (null: not swept since it fell due)")
    detected_on: date | None
    case_id: int | None


class BreachListOut(Schema):
    as_of: date
    count: int
    results: list[BreachOut]


class ScopeQuery(Schema):
    force: Force = ForceCode
    as_of: Day | None = Field(None, description="UK date (default today)")


@router.get("/breaches", response={200: BreachListOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut},
            summary="Overdue obligations and their breaches")
def list_breaches(request: HttpRequest, q: Query[ScopeQuery]) -> Any:
    """Every obligation overdue on ``as_of`` for the force's registrants, with the breach the daily sweep
    recorded for it (``breach_id`` null: the sweep has not run since it fell due)."""
    rows = force_overdue(request.user, q.force or None, q.as_of)
    return BreachListOut(as_of=q.as_of or clock.today(), count=len(rows),
                         results=[BreachOut.model_validate(r) for r in rows])


class SlaOut(TaskOut):
    late: str = Field(description="'open past its deadline' or 'done late'")
    completed_on: date | None = None
    completed_at: datetime | None = None


class SlaListOut(Schema):
    as_of: date
    count: int
    results: list[SlaOut]


class SlaQuery(ScopeQuery):
    since: Day | None = Field(None, description="Tasks done late since this day (default 28 days before as_of)")


@router.get("/sla-breaches", response={200: SlaListOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut},
            summary="Missed task deadlines")
def list_sla_breaches(request: HttpRequest, q: Query[SlaQuery]) -> Any:
    """Tasks still open after their deadline, and tasks done late since ``since``."""
    rows = sla_breaches(request.user, q.force or None, q.as_of, since=q.since)
    return SlaListOut(as_of=q.as_of or clock.today(), count=len(rows),
                      results=[SlaOut.model_validate(r) for r in rows])

