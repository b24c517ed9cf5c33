"""Identity's API: the register search (``GET /people``, also ``GET /people/search``), likely duplicate pairs and
merges. Token auth; the same guards, role questions and audit as the web.

``GET /people`` shares its path with the register's ``POST /people`` (create), so it is added to the register's
router (django-ninja serves one path from one router); everything else is on identity's own router, which
config/api.py mounts before the register's so ``/people/search`` is not read as a person id."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from tether.access.api import DetailOut, ErrorOut, In, Page, Text, TokenAuth
from tether.access.permissions import can_review_duplicates
from tether.core.errors import Forbidden
from tether.register.api import IndexEntry, _index
from tether.register.api import router as people_router

from .duplicates import scan
from .search import SearchTerms, search_people
from .services import approve_merge, decline_merge, merge_people, proposals_for, propose_merge, unmerge

router = Router(auth=TokenAuth(), tags=["identity"])
MergeId = Path(..., ge=1, le=2_147_483_647)  # type: ignore[type-arg]
ProposalId = Path(..., ge=1, le=2_147_483_647)  # type: ignore[type-arg]


class Hit(IndexEntry):
    score: float | None = Field(None, description="0-1, how well the record matches (absent when just listing)")
    reasons: list[str] = Field([], description='Why it matched, e.g. "surname sounds like", "alias", '
                                               '"DOB day/month swapped"')


class PersonListOut(Schema):
    count: int
    page: int
    pages: int
    results: list[Hit]


Term = Annotated[str, Text(20)]


class PeopleQuery(Schema):
    """Each term is read by its own rule (a date of birth, a postcode, ...); a term that cannot be read is refused
    (400) naming it."""

    name: Annotated[str, Text(200)] = Field(
        "", description="Any name used, incl. aliases, in any order (spelling, nicknames, accents and case are "
                        "forgiven); at most 8 words")
    dob: Term = Field("", description="Date of birth: 27/06/1965, 1965-06-27, 06/1965 or 1965 (day/month swapped, one "
                                      "digit wrong and a year either side still match)")
    postcode: Annotated[str, Text(10)] = Field(
        "", description="A full postcode (SW1A 1AA) or a district (SW1A): any address ever held")
    ni: Term = Field("", description="NI number, any spacing; one wrong character is tolerated")
    pnc: Term = Field("", description="PNC ID, any spacing; one wrong character is tolerated")
    reference: Term = Field("", description="TTH-000123, or its number (123)")
    force: Annotated[str, Text(8)] = Field("", description="Force code; empty = your force; ALL = the national index")
    status: Term = Field("", description="A register status, or overdue")
    page: Page = 1
    limit: int | None = Field(None, ge=1, le=100, description="Results per page (1-100; default the page size)")


def _search(request: HttpRequest, q: PeopleQuery) -> PersonListOut:
    terms = SearchTerms(name=q.name, dob=q.dob, postcode=q.postcode, ni=q.ni, pnc=q.pnc, reference=q.reference,
                        force=q.force, status=q.status)
    page_obj, rows = search_people(request.user, terms, q.page, q.limit or settings.TETHER_PAGE_SIZE)
    return PersonListOut(
        count=page_obj.paginator.count, page=page_obj.number, pages=page_obj.paginator.num_pages,
        results=[Hit(**_index(r.person, r.level).dict(), score=r.score, reasons=r.reasons) for r in rows],
    )


_SEARCH_RESPONSES = {200: PersonListOut, 400: ErrorOut, 403: DetailOut}


@people_router.get("/people", response=_SEARCH_RESPONSES, summary="Search the register")
def list_people(request: HttpRequest, q: Query[PeopleQuery]) -> Any:
    """Ranked matches (score and reasons) when anything identifying is given, else the register by name."""
    return _search(request, q)


@router.get("/people/search", response=_SEARCH_RESPONSES, summary="Search the register (same as GET /people)")
def search_people_api(request: HttpRequest, q: Query[PeopleQuery]) -> Any:
    return _search(request, q)


class Side(Schema):
    id: uuid.UUID
    reference: str | None
    name: str
    date_of_birth: str
    force: str


class PairOut(Schema):
    a: Side
    b: Side
    score: float
    reasons: list[str]


class PairsOut(Schema):
    pairs: list[PairOut]


@router.get("/people/duplicates", response={200: PairsOut, 400: ErrorOut, 403: DetailOut},
            summary="Likely duplicate records")
def list_duplicates(request: HttpRequest, force: Annotated[str, Text(8)] = "") -> Any:
    """Likely duplicate pairs with at least one record in ``force`` (default your own; ALL for national
    administrators), best first. Supervisors and administrators only."""
    return {"pairs": scan(request.user, force or None)}


Reason = Annotated[str, Text(2000, required=True, multiline=True, min_len=10)]


class MergeIn(In):
    survivor: uuid.UUID = Field(description="The record that survives")
    merged: uuid.UUID = Field(description="The record merged into it (kept as a pointer)")
    reason: Reason = Field(description="Why these records are one person (at least 10 characters)")


class MergeOut(Schema):
    merge_id: int
    survivor: uuid.UUID
    merged: uuid.UUID
    moved: dict[str, int]
    undone: bool = False


class UndoIn(In):
    reason: Reason = Field(description="Why (at least 10 characters)")


def _merge_out(merge: Any) -> MergeOut:
    return MergeOut(merge_id=merge.pk, survivor=merge.survivor_id, merged=merge.merged_id,
                    moved={k: len(v) for k, v in merge.moved["rows"].items()}, undone=merge.undone_at is not None)


_WRITE = {201: MergeOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut}


@router.post("/people/merge", response=_WRITE, summary="Merge two records of one person")
def merge_records(request: HttpRequest, payload: MergeIn) -> Any:
    return 201, _merge_out(merge_people(request.user, payload.survivor, payload.merged, reason=payload.reason))


@router.post("/people/merges/{merge_id}/undo", response=_WRITE, summary="Undo a merge")
def undo_merge(request: HttpRequest, payload: UndoIn, merge_id: int = MergeId) -> Any:
    return 201, _merge_out(unmerge(request.user, merge_id, reason=payload.reason))


class ProposalOut(Schema):
    id: int
    survivor: uuid.UUID
    merged: uuid.UUID
    survivor_reference: str | None
    merged_reference: str | None
    proposer_force: str
    other_force: str
    proposed_by: str
    proposed_at: datetime
    reason: str
    status: str = Field(description="open, approved, declined, withdrawn or stale")
    stale: bool = Field(False, description="Either record changed since: it cannot be approved, propose it again")
    merge_id: int | None = None


class ProposalsOut(Schema):
    waiting: list[ProposalOut] = Field(description="Open proposals waiting for your force to approve or decline")
    proposed: list[ProposalOut] = Field(description="Open proposals your force made")


def _proposal_out(p: Any) -> ProposalOut:
    return ProposalOut(id=p.pk, survivor=p.survivor_id, merged=p.merged_id, survivor_reference=p.survivor.reference,
                       merged_reference=p.merged.reference, proposer_force=p.proposer_force.code,
                       other_force=p.other_force.code, proposed_by=p.proposer.username, proposed_at=p.proposed_at,
                       reason=p.reason, status=p.status, stale=getattr(p, "stale", False), merge_id=p.merge_id)


_PROPOSAL = {201: ProposalOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut}


@router.get("/people/merges/proposals", response={200: ProposalsOut, 403: DetailOut},
            summary="Merges across forces waiting for your force")
def list_merge_proposals(request: HttpRequest) -> Any:
    """Open proposals to merge a record of your force with another force's, waiting for your force's supervisors,
    and those your force proposed. Supervisors and administrators."""
    if not can_review_duplicates(request.user):
        raise Forbidden("Your role cannot merge records.")
    found = proposals_for(request.user)
    return {k: [_proposal_out(p) for p in rows] for k, rows in found.items()}


@router.post("/people/merges/proposals", response=_PROPOSAL, summary="Propose a merge across forces")
def propose_merge_api(request: HttpRequest, payload: MergeIn) -> Any:
    """A supervisor of one record's force proposes the merge; a supervisor of the other force approves it."""
    return 201, _proposal_out(propose_merge(request.user, payload.survivor, payload.merged, reason=payload.reason))


@router.post("/people/merges/proposals/{proposal_id}/approve", response=_WRITE,
             summary="Approve a merge proposed by another force (the merge is made)")
def approve_merge_api(request: HttpRequest, payload: UndoIn, proposal_id: int = ProposalId) -> Any:
    return 201, _merge_out(approve_merge(request.user, proposal_id, reason=payload.reason))


@router.post("/people/merges/proposals/{proposal_id}/decline", response=_PROPOSAL,
             summary="Decline (the other force) or withdraw (the proposing force) a proposed merge")
def decline_merge_api(request: HttpRequest, payload: UndoIn, proposal_id: int = ProposalId) -> Any:
    return 201, _proposal_out(decline_merge(request.user, proposal_id, reason=payload.reason))
