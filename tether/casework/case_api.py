"""API for missing and wanted cases: /api/v1/cases. Token auth; the person guard, the force scope and the
audit as on the web; every change goes through ``tether.casework.case_services`` (one transaction, audited)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from pydantic import StrictBool

from tether.access.api import Day, DetailOut, ErrorOut, In, Text, TokenAuth
from tether.casework.api import MAX_ID, Force, Note, Version
from tether.core import clock
from tether.core.errors import ValidationFailed

from .case_selectors import case_timeline, open_cases
from .case_services import case_close, case_record_action, case_reopen, case_transition

router = Router(auth=TokenAuth(), tags=["cases"])
CaseId = Path(..., ge=1, le=MAX_ID)  # type: ignore[type-arg]


class OpenCaseOut(Schema):
    case_id: int
    person_id: uuid.UUID
    reference: str
    name: str
    force: str
    state: str = Field(description="missing or wanted, on as_of")
    believed_abroad: bool
    opened_on: date
    missing_since: date = Field(description="The start of the open spell holding on as_of (after a reopening)")
    days_missing: int
    warrant_on: date | None
    pnc_reference: str
    sio: str
    next_review_due: date | None
    tasks_past_deadline: int
    version: int


class OpenCaseListOut(Schema):
    as_of: date
    count: int
    results: list[OpenCaseOut]


class CasesQuery(Schema):
    force: Force = Field("", description="Force code; empty = your force (a national admin: all)")
    as_of: Day | None = Field(None, description="Cases open on this UK date (default today)")


@router.get("/cases", response={200: OpenCaseListOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut},
            summary="List open missing and wanted cases")
def list_cases(request: HttpRequest, q: Query[CasesQuery]) -> Any:
    """The force's cases open on ``as_of`` (from the state history, so a past date answers as it stood then),
    longest missing first."""
    rows = open_cases(request.user, q.force or None, q.as_of)
    return OpenCaseListOut(as_of=q.as_of or clock.today(), count=len(rows),
                           results=[OpenCaseOut.model_validate(r) for r in rows])


class TimelineEntry(Schema):
    on: date | None
    at: datetime | None
    type: str = Field(description="state, action, task, task_closed or breach")
    what: str
    by: str = ""
    id: int | None = None
    kind: str | None = None
    state: str | None = None
    believed_abroad: bool | None = None
    outcome: str | None = None
    until: date | None = None
    note: str | None = None
    reference: str | None = None
    sio: str | None = None
    approves: int | None = None
    due_on: date | None = None
    due_at: datetime | None = None
    assignee: str | None = None
    late: bool | None = None
    detail: dict[str, Any] | None = None


class CaseOut(Schema):
    case_id: int
    person_id: uuid.UUID
    reference: str
    force: str
    state: str = Field(description="missing, wanted or closed")
    believed_abroad: bool
    opened_on: date
    closed_on: date | None
    outcome: str
    warrant_on: date | None
    sio: str
    pnc_reference: str
    version: int = Field(description="Send it back with a change; a mismatch answers 409")
    allowed_events: list[str] = Field(description="The transitions the state table allows now")
    entries: list[TimelineEntry] = Field(description="Everything that happened, oldest first")


_READ = {200: CaseOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut}


@router.get("/cases/{case_id}", response=_READ, summary="Read a case with its timeline")
def get_case(request: HttpRequest, case_id: int = CaseId) -> Any:
    """A case and its timeline: state changes, actions, tasks and breaches. Read through the person guard:
    another force's case needs the full record opened first (GET /people/{id}?reason=...)."""
    return case_timeline(request.user, case_id)


Outcome = Literal["located", "arrested", "returned", "abroad_known", "died", "no_longer_subject"]


class VersionedIn(In):
    version: Version = None
    on: Day | None = Field(None, description="The UK date it happened (default today; not in the future)")
    note: Note = ""


class TransitionIn(VersionedIn):
    event: Literal["warrant", "warrant_withdrawn", "abroad", "not_abroad", "close", "reopen"] = Field(
        description="warrant, warrant_withdrawn, abroad, not_abroad, close or reopen")
    warrant_on: Day | None = Field(None, description="warrant (required) or reopen: the warrant's date")
    outcome: Outcome | Literal[""] = Field(
        "", description="close: located, arrested, returned, abroad_known, died, no_longer_subject")
    reason: Note = Field("", description="reopen: why (at least 10 characters)")


class CloseIn(VersionedIn):
    outcome: Outcome = Field(description="located, arrested, returned, abroad_known, died or no_longer_subject")


class ReopenIn(VersionedIn):
    reason: Annotated[str, Text(5000, required=True, multiline=True, min_len=10)] = Field(
        description="Why the case is reopened (at least 10 characters)")
    warrant_on: Day | None = Field(None, description="Reopen as wanted from this warrant date")


class CaseChangedOut(Schema):
    case_id: int
    state: str
    believed_abroad: bool
    opened_on: date
    closed_on: date | None
    outcome: str
    warrant_on: date | None
    version: int


_WRITE = {200: CaseChangedOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut, 409: DetailOut}


def _data(payload: Schema, *keys: str) -> dict[str, Any]:
    raw = payload.dict()
    return {k: raw[k] for k in ("on", "note", *keys) if raw.get(k) not in (None, "")}


def _changed(case: Any) -> CaseChangedOut:
    return CaseChangedOut(case_id=case.pk, state="closed" if case.closed_on else case.kind,
                          believed_abroad=case.believed_abroad, opened_on=case.opened_on, closed_on=case.closed_on,
                          outcome=case.outcome, warrant_on=case.warrant_on, version=case.version)


@router.post("/cases/{case_id}/transitions", response=_WRITE, summary="Move a case through its states")
def transition_case(request: HttpRequest, payload: TransitionIn, case_id: int = CaseId) -> Any:
    """Record a warrant, its withdrawal, believed abroad (or no longer), a closing or a reopening. The
    owning force only; the registrant's status and the case's tasks follow."""
    data = _data(payload, "warrant_on", "outcome", "reason")
    case = case_transition(request.user, case_id, payload.event, data, expected_version=payload.version)
    return _changed(case)


@router.post("/cases/{case_id}/close", response=_WRITE, summary="Close a case with an outcome")
def close_case(request: HttpRequest, payload: CloseIn, case_id: int = CaseId) -> Any:
    case = case_close(request.user, case_id, payload.outcome, _data(payload), expected_version=payload.version)
    return _changed(case)


@router.post("/cases/{case_id}/reopen", response=_WRITE, summary="Reopen a closed case")
def reopen_case(request: HttpRequest, payload: ReopenIn, case_id: int = CaseId) -> Any:
    case = case_reopen(request.user, case_id, payload.reason, _data(payload, "warrant_on"),
                       expected_version=payload.version)
    return _changed(case)


class ActionIn(VersionedIn):
    kind: Literal["pnc_circulation", "probation_informed", "mappa_informed", "sio_assigned", "case_review",
                  "abroad_review", "media_decision", "media_approval", "note"] = Field(
        description="pnc_circulation, probation_informed, mappa_informed, sio_assigned, case_review, "
                    "abroad_review, media_decision, media_approval or note")
    reference: Annotated[str, Text(40)] = Field("", description="pnc_circulation: the PNC circulation reference")
    contact: Annotated[str, Text(200)] = Field("", description="probation_informed, mappa_informed: who was told")
    sio: Annotated[str, Text(150)] = Field("", description="sio_assigned: a user id or username (inspector or above)")
    decision: Annotated[str, Text(20)] = Field("", description="media_decision: appeal or no_appeal; "
                                                               "media_approval: the decision's action id")
    vigilante_risk: Note = Field("", description="media_decision: written risk assessment")
    victim_impact: Note = Field("", description="media_decision: written risk assessment")
    public_risk: Note = Field("", description="media_decision: written risk assessment")
    approved: StrictBool | None = Field(None, description="media_approval: true to approve, false to refuse")


class ActionOut(Schema):
    action_id: int
    case_id: int
    kind: str
    on: date
    case_version: int


def _id_text(data: dict[str, Any], key: str) -> None:
    """An id given as digits must be a stored id's size (larger ones name no record)."""
    value = data.get(key)
    if isinstance(value, str) and value.isdigit():
        if int(value) > MAX_ID:
            raise ValidationFailed({key: "names no record"})
        data[key] = int(value)


@router.post("/cases/{case_id}/actions", response={201: ActionOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut,
                                                   409: DetailOut}, summary="Record an action on a case")
def record_action(request: HttpRequest, payload: ActionIn, case_id: int = CaseId) -> Any:
    """Something done on an open case (PNC circulation, partners informed, SIO, reviews, media decision and
    its approval, a note); completes the task it answers."""
    data = _data(payload, "reference", "contact", "sio", "decision", "vigilante_risk", "victim_impact",
                 "public_risk", "approved")
    _id_text(data, "sio")
    _id_text(data, "decision")
    action = case_record_action(request.user, case_id, payload.kind, data, expected_version=payload.version)
    return 201, ActionOut(action_id=action.pk, case_id=action.case_id, kind=action.kind, on=action.on,
                          case_version=action.case.version)
