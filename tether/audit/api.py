"""API for the audit trail: GET /api/v1/audit/events. Auditor tokens only; any other token gets 404."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from tether.access.api import Day, DetailOut, ErrorOut, Page, Text, TokenAuth
from tether.access.permissions import reads_audit_api
from tether.core.errors import NotFound

from . import services
from .selectors import AuditFilters, search_events
from .services import record

router = Router(auth=TokenAuth(), tags=["audit"])
Seq = Path(..., ge=1, le=2**63 - 1)  # type: ignore[type-arg]


class EventOut(Schema):
    seq: int
    at: datetime
    actor_id: int | None
    actor_username: str = Field("", description="The account, when the actor was a user")
    actor_label: str = Field(description="Who, with their role and force as they were at the time")
    action: str
    object_type: str
    object_id: str
    force_code: str
    reason: str
    detail: dict[str, Any]
    personal_withheld: bool = Field(False, description="The event holds personal values, withheld from auditors")
    prev_hash: str
    hash: str


class EventListOut(Schema):
    count: int = Field(description="Matching events, counted up to 10,000")
    count_capped: bool = Field(description="More than ``count`` events match: page with before_seq to reach them")
    page: int
    pages: int
    next_before_seq: int | None = Field(None, description="Pass as before_seq for the next (older) page")
    results: list[EventOut]


class EventQuery(Schema):
    actor: Annotated[str, Text(200)] = Field("", description="Username or actor label contains (any case)")
    action: Annotated[str, Text(60)] = Field(
        "", description="Exact (person.view) or a prefix ending in . or * (person.)")
    object_id: Annotated[str, Text(64)] = Field("", description="The record's id, exact")
    force: Annotated[str, Text(8)] = Field("", description="Force code")
    date_from: Day | None = Field(None, description="UK calendar date, inclusive")
    date_to: Day | None = Field(None, description="UK calendar date, inclusive")
    reason: Annotated[str, Text(200)] = Field("", description="Text in the reason (any case)")
    page: Page = 1
    page_size: int = Field(50, ge=1, le=500)
    before_seq: int | None = Field(None, ge=1, le=2**63 - 1,
                                   description="Only events older than this seq (cursor paging)")


def _event(ev: Any) -> EventOut:
    return EventOut(
        seq=ev.seq, at=ev.at, actor_id=ev.actor_id, actor_username=ev.actor.username if ev.actor else "",
        actor_label=ev.actor_label, action=ev.action, object_type=ev.object_type, object_id=ev.object_id,
        force_code=ev.force_code, reason=ev.reason, detail=ev.detail if isinstance(ev.detail, dict) else {},
        personal_withheld=bool(ev.personal),
        prev_hash=ev.prev_hash, hash=ev.hash,
    )


@router.get(
    "/audit/events", response={200: EventListOut, 400: ErrorOut, 404: DetailOut}, summary="Search the audit trail"
)
def list_events(request: HttpRequest, q: Query[EventQuery]) -> Any:
    """Audit events, newest first. For auditors only (other tokens: 404). The search is itself audited."""
    user = request.user
    if not reads_audit_api(user):
        raise NotFound("No such page.")
    filters = AuditFilters(actor=q.actor, action=q.action, object_id=q.object_id, force=q.force,
                           date_from=q.date_from, date_to=q.date_to, reason=q.reason)
    page = search_events(filters, q.page, q.page_size, before_seq=q.before_seq)
    record("audit.search", user, force_code=user.force_code,  # type: ignore[union-attr]
           detail={"via": "api", "filters": filters.as_detail(), "page": page.number, "results": page.count,
                   "more": page.capped, **({"before_seq": q.before_seq} if q.before_seq else {})})
    return EventListOut(
        count=page.count, count_capped=page.capped, page=page.number, pages=page.num_pages,
        next_before_seq=page.next_before_seq, results=[_event(ev) for ev in page.events],
    )


class PersonalOut(Schema):
    seq: int
    personal: dict[str, Any]


class RevealQuery(Schema):
    reason: Annotated[str, Text(2000)] = Field(
        "", description="Why you need the personal values, in words (at least 10 letters); recorded")


@router.get("/audit/events/{seq}/personal", response={200: PersonalOut, 400: ErrorOut, 404: DetailOut},
            summary="Reveal one event's personal values (national administrators; a force's supervisors)")
def reveal_personal(request: HttpRequest, q: Query[RevealQuery], seq: int = Seq) -> Any:
    """The personal values an event holds (dates of birth, identifiers, names, postcodes, search terms). Auditors
    never see them; a national administrator, or a supervisor for their own force's events, may, one event at a
    time with a reason, and each reveal is itself audited (``audit.reveal``, with the reason, without the
    values)."""
    ev = services.reveal_personal(request.user, seq, q.reason)
    return PersonalOut(seq=ev.seq or 0, personal=ev.personal or {})
