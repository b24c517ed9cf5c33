"""API for the register: /api/v1/people. Token auth; the same guards and audit as the web. (``GET /people``, the
search, is identity's: ``tether.identity.api`` adds it to this router, as the path is shared with the create.)"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from operator import attrgetter
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import StrictBool

from tether.access.api import Day, DetailOut, ErrorOut, In, Text, TokenAuth
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


# the register's field rules (tether.register.documents), declared so the schema says what the server checks
GivenNames = Annotated[str, Text(120, required=True)]
FamilyName = Annotated[str, Text(80, required=True)]
AddressLine = Annotated[str, Text(120, required=True)]
OptionalLine = Annotated[str, Text(120)]
Town = Annotated[str, Text(80)]
Postcode = Annotated[str, Text(10, required=True),
                     Field(description="A real UK postcode, like SW1A 1AA (any spacing and case)")]
NameKind = Literal["birth", "current", "alias"]
AddressKind = Literal["home", "other", "nfa"]
Sex = Literal["male", "female", "unknown"]
DisposalKind = Literal["imprisonment", "life", "ipp", "hospital_order", "hospital_order_restricted", "caution",
                       "conditional_discharge", "other"]
NotificationKind = Literal["initial", "change", "periodic", "travel", "prescribed"]


class NameIn(In):
    kind: NameKind = "current"
    given_names: GivenNames
    family_name: FamilyName
    valid_from: Day | None = None
    valid_to: Day | None = None


class AddressIn(In):
    kind: AddressKind = "home"
    line1: AddressLine
    line2: OptionalLine = ""
    town: Town = ""
    postcode: Postcode
    valid_from: Day
    valid_to: Day | None = None
    child_under_18: StrictBool = False


class DisposalIn(In):
    date: Day
    offence: Annotated[str, Text(200, required=True)]
    offence_code: Annotated[str, Text(20)] = ""
    kind: DisposalKind
    months: int | None = Field(None, ge=0, le=1200)
    tier: int | None = Field(None, ge=1, le=3)


class SpanIn(In):
    kind: Annotated[str, Text(40, required=True)]
    start: Day
    end: Day | None = None


class PersonIn(In):
    """A new registrant; the owning force is the caller's own. Besides the rules each field declares, the
    register checks the facts together (a disposal at an age of criminal responsibility, an end not before its
    start, a PNC ID's check character) and names each one broken."""

    date_of_birth: Day
    date_of_death: Day | None = Field(None, description="If they have died: their duties end that day")
    sex: Sex
    ni_number: Annotated[str, Text(13)] | None = Field(None, description="Like AB 12 34 56 C")
    pnc_id: Annotated[str, Text(16)] | None = Field(None, description="YYYY/NNNNNNNX, like 2001/0123456A")
    names: list[NameIn] = Field(min_length=1, max_length=50)
    addresses: list[AddressIn] = Field([], max_length=200)
    disposals: list[DisposalIn] = Field(min_length=1, max_length=200)
    detentions: list[SpanIn] = Field([], max_length=200)
    orders: list[SpanIn] = Field([], max_length=200)
    confirm_new_person: StrictBool = Field(False, description="Save even though existing records may be this "
                                                              "person (the 409 answer lists them); needs reason")
    reason: Annotated[str, Text(2000)] | None = Field(
        None, description="Why this is a different person (with confirm_new_person): at least 10 characters")


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


Version = Annotated[int | None, Field(None, ge=0, le=2_147_483_647,
                                      description="The person's version you read; a mismatch answers 409.")]


class GivenNameIn(In):
    given_names: GivenNames
    family_name: FamilyName


class GivenAddressIn(In):
    line1: AddressLine
    line2: OptionalLine = ""
    town: Town = ""
    postcode: Postcode


class GivenIn(In):
    """The full details given on an initial, change or periodic notification, as given that day."""

    names: list[GivenNameIn] = Field(min_length=1, max_length=20)
    home_address: GivenAddressIn = Field(description="For no fixed abode: where they can regularly be found")
    other_addresses: list[GivenAddressIn] = Field([], max_length=50)
    ni_number: Annotated[str, Text(13)] | None = Field(None, description="Like AB 12 34 56 C")


ChangeKind = Literal["name", "home_address", "stay", "release", "prescribed"]


class NotificationIn(In):
    kind: NotificationKind
    received_at: datetime | None = Field(None, description="Defaults to now. Must include a time zone.")
    station: Annotated[str, Text(120, required=True)]
    no_fixed_abode: StrictBool = False
    details: dict[str, Any] = {}
    change: ChangeKind | None = Field(None, description="Change notifications only: which change was notified")
    changed_on: Day | None = Field(None, description="With change: the date it happened (not after received_at)")
    given: GivenIn | None = Field(None, description="Initial, change and periodic notifications: the full details")
    version: Version = None


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


PersonId = Annotated[str, Text(64, required=True), Field(description="The registrant's id (a UUID)")]


@router.get("/people/{person_id}", response={200: PersonOut, 400: ErrorOut, 404: DetailOut},
            summary="Read one registrant")
def get_person(
    request: HttpRequest,
    person_id: PersonId,
    reason: Annotated[str, Text(2000)] | None = None,
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
def record_notification(request: HttpRequest, person_id: PersonId, payload: NotificationIn) -> Any:
    data = payload.dict()
    version = data.pop("version", None)
    if data.get("received_at") is None:
        data.pop("received_at", None)
    if data.get("given") is None:
        data.pop("given", None)
    note = notification_record(request.user, person_id, data, expected_version=version)  # its person: as saved
    return 201, NotificationOut(
        id=note.pk, kind=note.kind, received_at=note.received_at, station=note.station,
        person_version=note.person.version,
    )


class VersionedIn(In):
    version: Version = None


class NameChangeIn(VersionedIn):
    kind: Literal["current", "alias"] = Field(
        "current", description="current (a change of name: closes the current one) or alias")
    given_names: GivenNames
    family_name: FamilyName
    valid_from: Day = Field(description="When they started using it")


class AddressChangeIn(VersionedIn):
    kind: AddressKind = Field("home", description="home (a move: closes the current home), other, or nfa")
    line1: AddressLine
    line2: OptionalLine = ""
    town: Town = ""
    postcode: Postcode
    valid_from: Day
    child_under_18: StrictBool = False


class IdentityIn(VersionedIn):
    """Only the fields sent change; a request that changes nothing is refused (400) and writes nothing."""

    date_of_birth: Day | None = None
    date_of_death: Day | None = Field(None, description="null clears one recorded in error")
    sex: Sex | None = None
    ni_number: Annotated[str, Text(13)] | None = None
    pnc_id: Annotated[str, Text(16)] | None = None


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
def record_name(request: HttpRequest, person_id: PersonId, payload: NameChangeIn) -> Any:
    return _apply(request, person_id, payload, name_record, drop_unset=False)


@router.post("/people/{person_id}/addresses", response=_CHANGE_RESPONSES, summary="Record a move or address")
def record_address(request: HttpRequest, person_id: PersonId, payload: AddressChangeIn) -> Any:
    return _apply(request, person_id, payload, address_record, drop_unset=False)


@router.patch("/people/{person_id}/identity", response=_CHANGE_RESPONSES, summary="Correct identifying details")
def correct_identity(request: HttpRequest, person_id: PersonId, payload: IdentityIn) -> Any:
    return _apply(request, person_id, payload, identity_update, drop_unset=True, person_of=lambda person: person)


from tether.register import api_legal as _legal  # noqa: E402, F401  (its operations join this router)
