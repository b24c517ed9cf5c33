"""API for partner assignments: /api/v1/partners. Supervisors and force administrators (their own force's partner
users and registrants), national administrators (anyone's). The same services as the pages
(``tether.register.partners``): every change audited in its transaction, a change that changes nothing refused (400)
with nothing written, and the read of a partner's registrants audited."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from tether.access.api import Day, DetailOut, ErrorOut, In, Text, TokenAuth

from . import partners

router = Router(auth=TokenAuth(), tags=["partners"])

MAX_ID = 2_147_483_647
UserId = Path(..., ge=1, le=MAX_ID)  # type: ignore[type-arg]
AssignmentId = Path(..., ge=1, le=MAX_ID)  # type: ignore[type-arg]
ForceQuery = Query("", description="A force code (national administrators)")  # type: ignore[type-arg]


class PartnerOut(Schema):
    id: int
    username: str
    name: str
    force: str
    active: bool
    assigned: int = Field(description="Registrants assigned today")


class PartnerListOut(Schema):
    count: int
    results: list[PartnerOut]


class AssignmentOut(Schema):
    id: int
    person_id: uuid.UUID
    reference: str
    name: str
    force: str
    valid_from: date
    valid_to: date | None = Field(description="The first day without access; null: still open")
    current: bool = Field(description="The partner sees the registrant today")
    assigned_by: str


class PartnerAssignmentsOut(Schema):
    partner: PartnerOut
    assignments: list[AssignmentOut]


@router.get("/partners", response={200: PartnerListOut, 403: DetailOut, 404: DetailOut},
            summary="List partner-agency users")
def list_partners(request: HttpRequest, force: Annotated[str, Text(8)] = ForceQuery) -> Any:
    rows = partners.partner_users(request.user, force or None)
    return {"count": len(rows), "results": rows}


def _assignments(request: HttpRequest, user_id: int) -> dict[str, Any]:
    partner, rows = partners.partner_assignments(request.user, user_id)
    today_count = sum(1 for r in rows if r["current"])
    return {"partner": {"id": partner.pk, "username": partner.username,
                        "name": partner.get_full_name() or partner.username, "force": partner.force_code,
                        "active": partner.is_active, "assigned": today_count},
            "assignments": rows}


_ANSWERS = {200: PartnerAssignmentsOut, 403: DetailOut, 404: DetailOut}
_WRITES = {200: PartnerAssignmentsOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut}


@router.get("/partners/{user_id}/assignments", response=_ANSWERS, summary="A partner's registrants")
def list_partner_assignments(request: HttpRequest, user_id: int = UserId) -> Any:
    """Current and ended assignments (audited: the registrants' ids)."""
    return _assignments(request, user_id)


class PartnerAssignIn(In):
    person_id: uuid.UUID = Field(description="A registrant of your force")
    valid_from: Day | None = Field(None, description="The first day of access; default today")


@router.post("/partners/{user_id}/assign", response=_WRITES, summary="Assign a registrant to a partner")
def assign_partner(request: HttpRequest, payload: PartnerAssignIn, user_id: int = UserId) -> Any:
    """The partner must be active and not already assigned to the registrant (400 otherwise)."""
    partner = partners.partner_for(request.user, user_id)
    partners.partner_assign(request.user, partner, payload.person_id, valid_from=payload.valid_from)
    return _assignments(request, user_id)


class PartnerEndIn(In):
    valid_to: Day | None = Field(None, description="The first day without access; default today")


@router.post("/partners/{user_id}/assignments/{assignment_id}/end", response=_WRITES,
             summary="End a partner's access to a registrant")
def end_partner_assignment(request: HttpRequest, payload: PartnerEndIn, user_id: int = UserId,
                           assignment_id: int = AssignmentId) -> Any:
    """Not before the assignment began; an assignment already ended is refused (400)."""
    partners.partner_for(request.user, user_id)
    if not partners.assignment_of(assignment_id, user_id):
        return 404, {"detail": "No such assignment."}
    partners.partner_end(request.user, assignment_id, valid_to=payload.valid_to)
    return _assignments(request, user_id)
