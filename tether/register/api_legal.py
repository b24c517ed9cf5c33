"""API for the legal record of a registrant (added to the register's router, /api/v1/people/{id}/...): disposals,
periods in custody or hospital and releases, orders, reviews of indefinite notification (application, decision,
appeal) and removal from the register. Writes go through ``register.legal`` (the one write path, audited); the read
lists each fact with the id the follow-up writes name, and the rules engine's review eligibility beside the reviews.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Schema

from tether.access.api import Day, DetailOut, ErrorOut, In, Text
from tether.core.errors import Forbidden
from tether.register.api import _CHANGE_RESPONSES, PersonId, Schedule3Out, Version, router
from tether.register.display import schedule3_checks
from tether.register.guards import access_person_by_id
from tether.register.legal import (
    detention_record,
    detention_release,
    disposal_record,
    order_record,
    order_update,
    removal_record,
    review_appeal,
    review_apply,
    review_decide,
)
from tether.register.legal_documents import order_name

DisposalKind = Literal["imprisonment", "life", "ipp", "hospital_order", "hospital_order_restricted", "caution",
                       "conditional_discharge", "other"]
OrderKind = Literal["shpo", "sro", "notification_order", "ftp"]
RowId = Annotated[int, Field(ge=1, le=2_147_483_647, description="The id from GET /people/{person_id}/legal")]
Court = Annotated[str, Text(120)]
Station = Annotated[str, Text(120)]
Reasons = Annotated[str, Text(4000, required=True, multiline=True)]


class LegalWrittenOut(Schema):
    id: int = Field(description="The new (or changed) row's id")
    person_version: int


class DisposalWrittenOut(LegalWrittenOut):
    schedule3: Schedule3Out = Field(description="The disposal's Schedule 3 check: flagged for review when the "
                                                "offence may not qualify (a flag, never a refusal)")


_LEGAL_RESPONSES = {201: LegalWrittenOut, **{k: v for k, v in _CHANGE_RESPONSES.items() if k != 201}}


class DisposalRecordIn(In):
    date: Day = Field(description="Relevant date: conviction, finding or caution")
    offence: Annotated[str, Text(200, required=True)] = Field(
        description="Wording; cite the statute in brackets for the Schedule 3 check, like 'Voyeurism (SOA 2003 s.67)'")
    offence_code: Annotated[str, Text(20)] = ""
    court: Court = ""
    kind: DisposalKind
    months: int | None = Field(None, ge=0, le=1200, description="Required for imprisonment and conditional "
                                                                "discharge")
    version: Version = None


class DetentionIn(In):
    kind: Literal["custody", "hospital", "abroad"]
    basis: Literal["remand", "sentence", "recall", "hospital_order", "transfer"] | None = Field(
        None, description="custody: remand, sentence or recall; hospital: hospital_order or transfer; abroad: none")
    start: Day
    end: Day | None = Field(None, description="The release (or return); null while it continues")
    licence_end: Day | None = Field(None, description="After a release from custody: the end of the licence")
    version: Version = None


class ReleaseIn(In):
    end: Day | None = Field(None, description="The release: ends the period (once)")
    licence_end: Day | None = None
    version: Version = None


class OrderIn(In):
    kind: OrderKind = Field(description="shpo (a SOPO before 8 March 2015), sro, notification_order (s.97: end = "
                                        "the last day of the period it states), ftp (foreign travel prohibition)")
    start: Day
    end: Day | None = Field(None, description="Last day in force; null: until further order (an ftp needs one, "
                                              "not more than 5 years on)")
    court: Court = ""
    countries: Annotated[str, Text(200)] = Field("", description="ftp only: 'all' or the countries named")
    passports_surrendered_on: Day | None = Field(None, description="ftp only")
    surrender_station: Station = Field("", description="ftp only: where the passports were surrendered")
    version: Version = None


class OrderUpdateIn(In):
    end: Day | None = Field(None, description="The last day in force, for an order until further order")
    passports_surrendered_on: Day | None = Field(None, description="ftp only, with surrender_station")
    surrender_station: Station = ""
    version: Version = None


class ReviewApplyIn(In):
    applied_on: Day = Field(description="The day the written application was received")
    decision_due: Day | None = Field(None, description="Default: 6 weeks on (12 in Northern Ireland)")
    version: Version = None


class ReviewDecisionIn(In):
    decision: Literal["discharged", "refused", "continued"]
    decided_on: Day
    reasons: Reasons
    further_date: Day | None = Field(None, description="refused or continued: the further qualifying date")
    version: Version = None


class ReviewAppealIn(In):
    appeal_lodged_on: Day
    appeal_outcome: Literal["allowed", "dismissed"] | None = None
    appeal_decided_on: Day | None = None
    version: Version = None


class RemovalIn(In):
    reason: Literal["period_ended", "review", "appeal"]
    removed_on: Day = Field(description="The first day they are no longer subject")
    note: Annotated[str, Text(2000, multiline=True)] = ""
    version: Version = None


def _data(payload: In) -> tuple[dict[str, Any], int | None]:
    data = payload.dict()
    version = data.pop("version", None)
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items() if v is not None}, version


def _written(row: Any) -> LegalWrittenOut:
    return LegalWrittenOut(id=row.pk, person_version=row.person.version)


@router.post("/people/{person_id}/disposals", response={**_LEGAL_RESPONSES, 201: DisposalWrittenOut},
             summary="Record a conviction, caution or finding")
def record_disposal(request: HttpRequest, person_id: PersonId, payload: DisposalRecordIn) -> Any:
    data, version = _data(payload)
    row = disposal_record(request.user, person_id, data, expected_version=version)
    person = row.person
    disposals = list(person.disposals.all())
    checks = schedule3_checks(disposals, person.owning_force.jurisdiction, person.date_of_birth)
    i = [d.pk for d in disposals].index(row.pk)
    check = checks[i]["check"]
    return 201, DisposalWrittenOut(
        id=row.pk, person_version=person.version,
        schedule3=Schedule3Out(disposal=i, date=row.date, status=check.status, flagged=checks[i]["flagged"],
                               paragraph=check.paragraph, reason=check.reason))


def _operation(name: str, path: str, schema: type[In], service: Callable[..., Any], summary: str) -> None:
    """One write of the table below, added to the router: the payload read (``_data``), the service called with the
    path's row id (if any), the new row answered."""
    def view(request: HttpRequest, person_id: str, payload: In, **row: int) -> Any:
        data, version = _data(payload)
        return 201, _written(service(request.user, person_id, *row.values(), data, expected_version=version))

    params = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest),
              inspect.Parameter("person_id", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=PersonId)]
    for row_id in re.findall(r"{(\w+)}", path)[1:]:  # after {person_id}
        params.append(inspect.Parameter(row_id, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=RowId))
    params.append(inspect.Parameter("payload", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=schema))
    view.__signature__ = inspect.Signature(params, return_annotation=Any)  # type: ignore[attr-defined]
    view.__name__ = view.__qualname__ = name  # the operation id: tether_register_api_legal_<name>
    router.post(path, response=_LEGAL_RESPONSES, summary=summary)(view)


# (operation, path, payload, service, summary): each answers 201 with the row's id and the record's new version
_WRITES: tuple[tuple[str, str, type[In], Callable[..., Any], str], ...] = (
    ("record_detention", "/people/{person_id}/detentions", DetentionIn, detention_record,
     "Record a period in custody or in hospital (time abroad is a trip)"),
    ("record_release", "/people/{person_id}/detentions/{detention_id}/release", ReleaseIn, detention_release,
     "Record a release (ends the period) or the end of the licence"),
    ("record_order", "/people/{person_id}/orders", OrderIn, order_record,
     "Record an SHPO, SRO, notification order or foreign travel prohibition"),
    ("update_order", "/people/{person_id}/orders/{order_id}", OrderUpdateIn, order_update,
     "Record the end of an order, or the passports surrendered under a travel prohibition"),
    ("record_review", "/people/{person_id}/reviews", ReviewApplyIn, review_apply,
     "Record an application for review of indefinite notification"),
    ("record_review_decision", "/people/{person_id}/reviews/{review_id}/decision", ReviewDecisionIn, review_decide,
     "Record the police decision on a review"),
    ("record_review_appeal", "/people/{person_id}/reviews/{review_id}/appeal", ReviewAppealIn, review_appeal,
     "Record an appeal against a review decision, and its outcome"),
    ("record_removal", "/people/{person_id}/removals", RemovalIn, removal_record, "Record removal from the register"),
)
for _write in _WRITES:
    _operation(*_write)


# --- the read ----------------------------------------------------------------------------------------------------


class DisposalRowOut(Schema):
    id: int
    date: date
    offence: str
    offence_code: str
    court: str
    kind: str
    months: int | None
    schedule3: Schedule3Out


class DetentionRowOut(Schema):
    id: int
    kind: str
    basis: str
    start: date
    end: date | None
    licence_end: date | None


class OrderRowOut(Schema):
    id: int
    kind: str
    name: str = Field(description="Its name on that date (an SHPO before 8 March 2015 was a SOPO)")
    start: date
    end: date | None
    court: str
    countries: str
    passports_surrendered_on: date | None
    surrender_station: str


class ReviewRowOut(Schema):
    id: int
    applied_on: date
    decision_due: date
    decision: str
    decided_on: date | None
    reasons: str
    further_date: date | None
    appeal_lodged_on: date | None
    appeal_outcome: str
    appeal_decided_on: date | None


class RemovalRowOut(Schema):
    id: int
    reason: str
    removed_on: date
    note: str


class LegalOut(Schema):
    version: int
    review_eligible_from: date | None = Field(description="The rules engine's review eligibility (null: none)")
    subject: bool | None
    registration_end: date | None
    indefinite: bool | None
    disposals: list[DisposalRowOut]
    detentions: list[DetentionRowOut]
    orders: list[OrderRowOut]
    reviews: list[ReviewRowOut]
    removals: list[RemovalRowOut]


@router.get("/people/{person_id}/legal", response={200: LegalOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut},
            summary="Read the legal record of a registrant")
def read_legal(request: HttpRequest, person_id: PersonId) -> Any:
    """Your force's registrant, or one whose full record you opened with a reason (GET /people/{person_id})."""
    access = access_person_by_id(request.user, person_id)
    if not access.full:
        raise Forbidden("Open the full record (GET /people/{person_id} with a reason) first.")
    p = access.person
    state = getattr(p, "state", None)
    disposals = list(p.disposals.all())
    checks = schedule3_checks(disposals, p.owning_force.jurisdiction, p.date_of_birth)
    return LegalOut(
        version=p.version, review_eligible_from=state.review_eligible_from if state else None,
        subject=state.subject if state else None, registration_end=state.registration_end if state else None,
        indefinite=state.indefinite if state else None,
        disposals=[DisposalRowOut(id=d.pk, date=d.date, offence=d.offence, offence_code=d.offence_code, court=d.court,
                                  kind=d.kind, months=d.months,
                                  schedule3=Schedule3Out(disposal=i, date=d.date, status=row["check"].status,
                                                         flagged=row["flagged"], paragraph=row["check"].paragraph,
                                                         reason=row["check"].reason))
                   for i, (d, row) in enumerate(zip(disposals, checks, strict=True))],
        detentions=[DetentionRowOut(id=d.pk, kind=d.kind, basis=d.basis, start=d.start, end=d.end,
                                    licence_end=d.licence_end) for d in p.detentions.all()],
        orders=[OrderRowOut(id=o.pk, kind=o.kind, name=order_name(o.kind, o.start, p.owning_force.jurisdiction),
                            start=o.start, end=o.end, court=o.court, countries=o.countries,
                            passports_surrendered_on=o.passports_surrendered_on, surrender_station=o.surrender_station)
                for o in p.orders.all()],
        reviews=[ReviewRowOut(id=r.pk, applied_on=r.applied_on, decision_due=r.decision_due, decision=r.decision,
                              decided_on=r.decided_on, reasons=r.reasons, further_date=r.further_date,
                              appeal_lodged_on=r.appeal_lodged_on, appeal_outcome=r.appeal_outcome,
                              appeal_decided_on=r.appeal_decided_on) for r in p.reviews.all()],
        removals=[RemovalRowOut(id=r.pk, reason=r.reason, removed_on=r.removed_on, note=r.note)
                  for r in p.removals.all()],
    )
