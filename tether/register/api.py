"""API for the register: /api/v1/people. Token auth; the same guards and audit as the web. (``GET /people``, the
search, is identity's: ``tether.identity.api`` adds it to this router, as the path is shared with the create.)"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from operator import attrgetter
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from tether.access.api import DetailOut, ErrorOut, TokenAuth
from tether.register.display import schedule3_checks
from tether.register.extensions import DuplicatesFound
from tether.register.guards import access_person_by_id
from tether.register.selectors import doc_to_dict, load_registrant_docs
from tether.register.services import (
    address_record,
    identity_update,
    name_record,
    notification_record,
    person_create,
)

router = Router(auth=TokenAuth(), tags=["people"])


class IndexEntry(Schema):
    """The national index entry: what any force may see of another force's registrant."""

    id: uuid.UUID
    reference: str
    name: str
    date_of_birth: date
    owning_force: str
    status: str
    access: str = Field(description="full: your force's record; limited: the national index entry only")


class ObligationOut(Schema):
    kind: str
    trigger: date
    due: date
    status: str
    met_on: date | None
    citation: str
    explanation: str


class StateOut(Schema):
    jurisdiction: str
    status: str
    subject: bool
    registration_start: date | None
    registration_end: date | None
    indefinite: bool
    review_eligible_from: date | None
    next_due: date | None
    rules_version: str


class Schedule3Out(Schema):
    """The Schedule 3 check of one disposal: a flag for review, never a gate (docs/rules.md)."""

    disposal: int = Field(description="Index in record.disposals")
    date: date
    status: str = Field(description="subject (listed), not_subject, review or unchecked (no statute cited)")
    flagged: bool = Field(description="True: flagged for review (not_subject or review)")
    paragraph: str | None = Field(None, description="The Schedule 3 entry checked against, e.g. SOA 2003 Sch 3 "
                                                    "para 7")
    reason: str


class PersonOut(Schema):
    access: str
    version: int | None = None
    index: IndexEntry
    record: dict[str, Any] | None = Field(None, description="The registrant document (docs/import-format.md)")
    state: StateOut | None = None
    obligations: list[ObligationOut] = []
    schedule3: list[Schedule3Out] = Field(default_factory=list,
                                          description="Each disposal's Schedule 3 check (full access only)")


class NameIn(Schema):
    kind: str = "current"
    given_names: str
    family_name: str
    valid_from: str | None = None
    valid_to: str | None = None


class AddressIn(Schema):
    kind: str = "home"
    line1: str
    line2: str = ""
    town: str = ""
    postcode: str
    valid_from: str
    valid_to: str | None = None
    child_under_18: bool = False


class DisposalIn(Schema):
    date: str
    offence: str
    offence_code: str = ""
    kind: str
    months: int | None = None
    tier: int | None = None


class SpanIn(Schema):
    kind: str
    start: str
    end: str | None = None


class PersonIn(Schema):
    """A new registrant. Dates are YYYY-MM-DD; the owning force is the caller's own."""

    date_of_birth: str
    date_of_death: str | None = Field(None, description="YYYY-MM-DD, if they have died: their duties end that day")
    sex: str
    ni_number: str | None = None
    pnc_id: str | None = None
    names: list[NameIn]
    addresses: list[AddressIn] = []
    disposals: list[DisposalIn]
    detentions: list[SpanIn] = []
    orders: list[SpanIn] = []
    confirm_new_person: bool = Field(False, description="Save even though existing records may be this person "
                                                        "(the 409 answer lists them); needs reason")
    reason: str | None = Field(None, description="Why this is a different person (with confirm_new_person)")


class DuplicateOut(Schema):
    id: uuid.UUID
    reference: str | None = Field(None, description="Only for records you may see in full")
    name: str
    date_of_birth: date
    owning_force: str
    score: float
    reasons: list[str]


class DuplicatesFoundOut(Schema):
    detail: str
    candidates: list[DuplicateOut]


class NotificationIn(Schema):
    kind: str
    received_at: datetime | None = Field(None, description="Defaults to now. Must include a time zone.")
    station: str
    no_fixed_abode: bool = False
    details: dict[str, Any] = {}
    version: int | None = Field(None, description="The person's version you read; a mismatch answers 409.")


class NotificationOut(Schema):
    id: int
    kind: str
    received_at: datetime
    station: str
    person_version: int


def _index(p: Any, level: str) -> IndexEntry:
    state = getattr(p, "state", None)
    return IndexEntry(
        id=p.pk, reference=p.reference, name=p.display_name, date_of_birth=p.date_of_birth,
        owning_force=p.owning_force.code, status=state.status if state else "unknown", access=level,
    )


def _person_out(request: HttpRequest, person_id: str, reason: str | None) -> PersonOut:
    access = access_person_by_id(request.user, person_id, reason=reason)
    p = access.person
    if not access.full:
        return PersonOut(access="limited", index=_index(p, "limited"), record=None)
    doc = load_registrant_docs([p.pk])[p.pk]
    checks = schedule3_checks(doc.disposals, p.owning_force.jurisdiction, doc.date_of_birth)
    return PersonOut(
        access="full", version=p.version, index=_index(p, "full"), record=doc_to_dict(doc),
        state=getattr(p, "state", None),
        obligations=list(p.obligations.all()),
        schedule3=[Schedule3Out(disposal=i, date=row["d"].date, status=row["check"].status, flagged=row["flagged"],
                                paragraph=row["check"].paragraph, reason=row["check"].reason)
                   for i, row in enumerate(checks)],
    )


@router.get("/people/{person_id}", response={200: PersonOut, 404: DetailOut}, summary="Read one registrant")
def get_person(
    request: HttpRequest,
    person_id: str,
    reason: str | None = None,
) -> Any:
    """A registrant. Another force's record answers the national index entry only, unless ``reason`` says why
    you need the full record: that opens time-limited access (24 hours by default) and is audited."""
    return _person_out(request, person_id, reason)


@router.post("/people", response={201: PersonOut, 400: ErrorOut, 403: DetailOut, 409: DuplicatesFoundOut},
             summary="Create a registrant")
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    """Creates the registrant, unless existing records (in any force) may be the same person: then 409 lists them
    and nothing is saved; send again with ``confirm_new_person`` and a ``reason`` to save anyway (audited)."""
    data = payload.dict()
    confirm, reason = data.pop("confirm_new_person", False), data.pop("reason", None)
    try:
        person = person_create(request.user, data, check_duplicates=True, confirm_new_person=confirm,
                               reason=reason)
    except DuplicatesFound as exc:
        return 409, DuplicatesFoundOut(detail=str(exc), candidates=[
            DuplicateOut(id=c.person_id, reference=c.reference or None, name=c.name, date_of_birth=c.date_of_birth,
                         owning_force=c.owning_force, score=c.score, reasons=list(c.reasons))
            for c in exc.candidates])
    return 201, _person_out(request, str(person.pk), None)


@router.post(
    "/people/{person_id}/notifications",
    response={201: NotificationOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut, 409: DetailOut},
    summary="Record a notification",
)
def record_notification(request: HttpRequest, person_id: str, payload: NotificationIn) -> Any:
    data = payload.dict()
    version = data.pop("version", None)
    if data.get("received_at") is None:
        data.pop("received_at", None)
    note = notification_record(request.user, person_id, data, expected_version=version)  # its person: as saved
    return 201, NotificationOut(
        id=note.pk, kind=note.kind, received_at=note.received_at, station=note.station,
        person_version=note.person.version,
    )


class VersionedIn(Schema):
    version: int | None = Field(None, description="The person's version you read; a mismatch answers 409.")


class NameChangeIn(VersionedIn):
    kind: str = Field("current", description="current (a change of name: closes the current one) or alias")
    given_names: str
    family_name: str
    valid_from: str = Field(description="YYYY-MM-DD: when they started using it")


class AddressChangeIn(VersionedIn):
    kind: str = Field("home", description="home (a move: closes the current home), other, or nfa")
    line1: str
    line2: str = ""
    town: str = ""
    postcode: str
    valid_from: str
    child_under_18: bool = False


class IdentityIn(VersionedIn):
    date_of_birth: str | None = None
    date_of_death: str | None = Field(None, description="YYYY-MM-DD; null clears one recorded in error")
    sex: str | None = None
    ni_number: str | None = None
    pnc_id: str | None = None


class ChangedOut(Schema):
    person_version: int


_CHANGE_RESPONSES = {201: ChangedOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut, 409: DetailOut}


def _apply(request: HttpRequest, person_id: str, payload: VersionedIn, service: Any, *, drop_unset: bool,
           person_of: Callable[[Any], Any] = attrgetter("person")) -> Any:
    data = payload.dict(exclude_unset=drop_unset)
    version = data.pop("version", None)
    changed = service(request.user, person_id, data, expected_version=version)
    # the services build what they return on the locked person they bumped: its version is this change's
    return 201, ChangedOut(person_version=person_of(changed).version)


@router.post("/people/{person_id}/names", response=_CHANGE_RESPONSES, summary="Record a change of name or alias")
def record_name(request: HttpRequest, person_id: str, payload: NameChangeIn) -> Any:
    return _apply(request, person_id, payload, name_record, drop_unset=False)


@router.post("/people/{person_id}/addresses", response=_CHANGE_RESPONSES, summary="Record a move or address")
def record_address(request: HttpRequest, person_id: str, payload: AddressChangeIn) -> Any:
    return _apply(request, person_id, payload, address_record, drop_unset=False)


@router.patch("/people/{person_id}/identity", response=_CHANGE_RESPONSES, summary="Correct identifying details")
def correct_identity(request: HttpRequest, person_id: str, payload: IdentityIn) -> Any:
    return _apply(request, person_id, payload, identity_update, drop_unset=True, person_of=lambda person: person)
