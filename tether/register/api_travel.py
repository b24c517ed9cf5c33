"""API for trips outside the UK (s.86), stays at other premises, the end of another regular address and advance
notices of a change (s.84(2)), and the force's "travelling now" list. Token auth; the same guards, write path and
audit as the web (``services_travel``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from pydantic import StrictBool

from tether.access.api import Day, DetailOut, ErrorOut, In, Page, PerPage, Text, TokenAuth
from tether.core.pagination import MAX_PER_PAGE

from .api import PersonId, Postcode, Version
from .guards import access_person_by_id
from .selectors_travel import TravelRow, person_travel, travelling_now
from .services_travel import (
    address_end,
    advance_notice_record,
    stay_end,
    stay_record,
    trip_cancel,
    trip_record,
    trip_return_record,
)

router = Router(auth=TokenAuth(), tags=["travel"])

Country = Annotated[str, Field(pattern="^[A-Za-z]{2}$", description="ISO 3166 alpha-2 code, like FR")]
Station = Annotated[str, Text(120, required=True), Field(description="The police station where it was notified")]
ReceivedAt = Annotated[datetime | None, Field(None, description="When it was notified; defaults to now. Must "
                                                                "include a time zone.")]
TripNumber = Annotated[int, Field(ge=1, le=9999, description="The trip's number on this record")]
RowId = Annotated[int, Field(ge=1, le=2_147_483_647)]


class TripIn(In):
    """A notification of travel: a new trip, or new details of a notified trip (a new version, nothing
    overwritten). The register also checks the return is not before the departure, the countries are real and
    outside the UK, and the trip does not overlap another."""

    departure: Day
    countries: list[Country] = Field(min_length=1, max_length=10, description="In the order visited")
    arrival_points: Annotated[str, Text(300)] = ""
    accommodation: Annotated[str, Text(300)] = ""
    return_date: Day | None = None
    return_point: Annotated[str, Text(120)] = ""
    short_notice: StrictBool = Field(False, description="The details were not known 7 days ahead")
    station: Station
    received_at: ReceivedAt = None
    version: Version = None


class ReturnIn(In):
    return_date: Day = Field(description="The day they came back to the UK (not in the future)")
    return_point: Annotated[str, Text(120)] = ""
    notified_on: Day | None = Field(None, description="When they notified it; defaults to today")
    version: Version = None


class VersionOnlyIn(In):
    version: Version = None


class StayIn(In):
    line1: Annotated[str, Text(120, required=True)]
    town: Annotated[str, Text(80)] = ""
    postcode: Postcode
    start: Day = Field(description="The first day stayed (not in the future)")
    end: Day | None = Field(None, description="The last day stayed; null while they are still there")
    version: Version = None


class StayEndIn(In):
    end: Day = Field(description="The last day stayed")
    version: Version = None


class AddressEndIn(In):
    valid_to: Day = Field(description="The first day they no longer live or stay there")
    version: Version = None


class AdvanceNoticeIn(In):
    change: Literal["name", "home_address", "stay"]
    expected_on: Day = Field(description="The date they said the change will happen")
    station: Station
    received_at: ReceivedAt = None
    version: Version = None


class TripOut(Schema):
    number: int
    departure: date
    countries: list[str]
    arrival_points: str
    accommodation: str
    return_date: date | None
    return_point: str
    return_notified_on: date | None
    short_notice: bool
    cancelled: bool
    versions: int
    notified_on: date | None = Field(None, description="The day the trip was first notified (its travel "
                                                       "notification); null when no notification is linked")


class StayOut(Schema):
    id: int
    line1: str
    town: str
    postcode: str
    start: date
    end: date | None


class AdvanceNoticeOut(Schema):
    id: int
    change: str
    expected_on: date
    given_at: datetime


class TravelOut(Schema):
    trips: list[TripOut]
    stays: list[StayOut]
    advance_notices: list[AdvanceNoticeOut]


class WrittenOut(Schema):
    person_version: int
    id: int | None = Field(None, description="The row written (a trip's version, a stay, an advance notice)")
    number: int | None = Field(None, description="The trip's number")


class TravellingOut(Schema):
    person_id: str
    reference: str
    name: str
    owning_force: str
    number: int
    departure: date
    return_date: date | None
    countries: list[str]


class TravellingListOut(Schema):
    count: int
    page: int
    pages: int
    results: list[TravellingOut]


_WRITE = {201: WrittenOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut, 409: DetailOut}


def _data(payload: In) -> tuple[dict[str, Any], int | None]:
    data = payload.dict()
    version = data.pop("version", None)
    if "received_at" in data and data["received_at"] is None:
        data.pop("received_at")
    return data, version


def _written(row: Any, number: int | None = None) -> tuple[int, WrittenOut]:
    return 201, WrittenOut(person_version=row.person.version, id=row.pk, number=number)


@router.get("/people/{person_id}/travel", response={200: TravelOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut},
            summary="Read a registrant's trips, stays and advance notices")
def get_travel(request: HttpRequest, person_id: PersonId) -> Any:
    """The full record only (another force's registrant: open it with a reason first, ``GET /people/{id}``)."""
    access = access_person_by_id(request.user, person_id)
    if not access.full:
        return 403, DetailOut(detail="Open the full record (with a reason) first.")
    return 200, person_travel(access.person)


@router.post("/people/{person_id}/trips", response=_WRITE, summary="Record a notification of travel (a new trip)")
def record_trip(request: HttpRequest, person_id: PersonId, payload: TripIn) -> Any:
    data, version = _data(payload)
    trip = trip_record(request.user, person_id, data, expected_version=version)
    return _written(trip, trip.number)


@router.post("/people/{person_id}/trips/{number}", response=_WRITE, summary="Record new details of a trip")
def update_trip(request: HttpRequest, person_id: PersonId, number: TripNumber, payload: TripIn) -> Any:
    data, version = _data(payload)
    trip = trip_record(request.user, person_id, data, number=number, expected_version=version)
    return _written(trip, trip.number)


@router.post("/people/{person_id}/trips/{number}/return", response=_WRITE, summary="Record the return from a trip")
def record_return(request: HttpRequest, person_id: PersonId, number: TripNumber, payload: ReturnIn) -> Any:
    data, version = _data(payload)
    trip = trip_return_record(request.user, person_id, number, data, expected_version=version)
    return _written(trip, trip.number)


@router.post("/people/{person_id}/trips/{number}/cancel", response=_WRITE, summary="Record that a trip did not go")
def cancel_trip(request: HttpRequest, person_id: PersonId, number: TripNumber, payload: VersionOnlyIn) -> Any:
    trip = trip_cancel(request.user, person_id, number, expected_version=payload.version)
    return _written(trip, trip.number)


@router.post("/people/{person_id}/stays", response=_WRITE, summary="Record a stay at other premises")
def record_stay(request: HttpRequest, person_id: PersonId, payload: StayIn) -> Any:
    data, version = _data(payload)
    return _written(stay_record(request.user, person_id, data, expected_version=version))


@router.post("/people/{person_id}/stays/{stay_id}/end", response=_WRITE, summary="Record the last day of a stay")
def end_stay(request: HttpRequest, person_id: PersonId, stay_id: RowId, payload: StayEndIn) -> Any:
    data, version = _data(payload)
    return _written(stay_end(request.user, person_id, stay_id, data, expected_version=version))


@router.post("/people/{person_id}/addresses/{address_id}/end", response=_WRITE,
             summary="Record that another regular address ended")
def end_address(request: HttpRequest, person_id: PersonId, address_id: RowId, payload: AddressEndIn) -> Any:
    data, version = _data(payload)
    return _written(address_end(request.user, person_id, address_id, data, expected_version=version))


@router.post("/people/{person_id}/advance-notices", response=_WRITE, summary="Record advance notice of a change")
def record_advance_notice(request: HttpRequest, person_id: PersonId, payload: AdvanceNoticeIn) -> Any:
    """Given with a change notification; if the change does not happen within 3 days of ``expected_on`` the
    non-occurrence duty (s.84(4)(b)) follows."""
    data, version = _data(payload)
    return _written(advance_notice_record(request.user, person_id, data, expected_version=version))


@router.get("/travelling-now", response={200: TravellingListOut, 403: DetailOut},
            summary="Registrants outside the UK on a date")
def get_travelling_now(request: HttpRequest, response: HttpResponse, as_of: Day | None = None, page: Page = 1,
                       per_page: PerPage = MAX_PER_PAGE) -> Any:
    """Your force's registrants on a trip abroad on ``as_of`` (default today), soonest back first; a national
    administrator sees every force. ``per_page`` at a time (at most 500), ``page`` from 1: ``count`` and ``pages``
    give the whole list's size and its pages, as every list of the API does (and, as before, the headers
    ``X-Total-Count`` and ``X-Page-Count``). Audited as a read of personal data."""
    found = travelling_now(request.user, as_of, surface="api", page=page, per_page=per_page)
    response["X-Total-Count"], response["X-Page-Count"] = str(found.total), str(found.pages)
    rows: list[TravelRow] = found.rows
    return 200, TravellingListOut(
        count=found.total, page=found.page, pages=found.pages,
        results=[TravellingOut(person_id=str(r.person_id), reference=r.reference, name=r.name, owning_force=r.force,
                               number=r.number, departure=r.departure, return_date=r.return_date,
                               countries=r.countries) for r in rows])
