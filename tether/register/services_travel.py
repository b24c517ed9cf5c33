"""Writes for trips outside the UK (s.86), stays at other premises (s.84(1)(c)), the end of another regular address,
and advance notices of a change (s.84(2)). Each goes through the register's one write path (``services._changing``:
guard, lock, version check, the rules engine's contract, re-evaluation, audit in the same transaction).

Nothing is overwritten: a trip's new details, its return or its cancellation is a new version of the trip; a stay
or another address is an interval whose open end is closed once; an advance notice is a new row. A write that would
change nothing is refused (400) and writes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from tether.core import clock
from tether.core.errors import ValidationFailed
from tether.core.fields import Fields

from .documents import UNCHANGED
from .models import Address, AdvanceNotice, Notification, Stay, Trip
from .selectors import trip_doc
from .services import _changing, _require_writer
from .travel import (
    ADVANCE_CHANGES,
    TripDoc,
    parse_advance_item,
    parse_stay_item,
    parse_trip_item,
    read_aware,
    same_details,
    trip_to_json,
)

TRIP_FIELDS = ("departure", "countries", "arrival_points", "accommodation", "return_date", "return_point",
               "short_notice")


def _notice(c: Fields, data: Mapping[str, Any]) -> tuple[datetime | None, str]:
    """The in-person notification a fact was given with: when (default now) and at which police station."""
    raw = data.get("received_at")
    at = clock.now() if raw in (None, "") else read_aware(c, raw, "received_at")
    station = c.text(data, "station", "station", max_len=120)
    return at, station


def _fields(data: Any) -> Fields:
    if not isinstance(data, Mapping):
        raise ValidationFailed({"": "must be a JSON object"})
    return Fields()


def _notification(person: Any, actor: Any, kind: str, at: datetime, station: str, details: dict[str, Any]) -> Any:
    return Notification.objects.create(
        person=person, kind=kind, received_at=at, received_on=clock.uk_date(at), station=station, officer=actor,
        officer_label=actor.label, details=details, created_at=clock.now(),
    )


def current_trip_rows(person: Any) -> dict[int, Trip]:
    """Each trip's latest version, by number."""
    latest: dict[int, Trip] = {}
    for row in person.trips.select_related("notification").order_by("number", "id"):
        latest[row.number] = row
    return latest


def _overlapping(trips: dict[int, Trip], doc: TripDoc, number: int | None) -> Trip | None:
    end = doc.return_date or date.max
    for n, t in trips.items():
        if n == number or t.cancelled:
            continue
        t_end = t.return_date or date.max
        if doc.departure <= t_end and t.departure <= end:
            return t
    return None


def _save_version(person: Any, doc: TripDoc, notification: Any) -> Trip:
    return Trip.objects.create(
        person=person, number=doc.number, departure=doc.departure, countries=" ".join(doc.countries),
        arrival_points=doc.arrival_points, accommodation=doc.accommodation, return_date=doc.return_date,
        return_point=doc.return_point, return_notified_on=doc.return_notified_on, short_notice=doc.short_notice,
        cancelled=doc.cancelled, notification=notification, created_at=clock.now(),
    )


def parse_trip(data: Any) -> tuple[datetime, str, TripDoc]:
    """A notification of travel's fields, every problem listed at once (ValidationFailed); writes nothing (the pages
    call it to list the service's problems beside the form's own)."""
    c = _fields(data)
    at, station = _notice(c, data)
    doc = parse_trip_item(c, {k: data[k] for k in TRIP_FIELDS if k in data}, "", clock.today(), number_required=False,
                          countries_required=True)
    c.raise_if_any()
    assert at is not None
    return at, station, doc


def parse_stay(data: Any) -> Any:
    """A stay's fields (ValidationFailed listing every problem); writes nothing."""
    c = _fields(data)
    doc = parse_stay_item(c, data, "", clock.today())
    c.raise_if_any()
    return doc


def parse_advance_notice(data: Any) -> tuple[datetime, str, Any]:
    """An advance notice's fields (ValidationFailed listing every problem); writes nothing."""
    c = _fields(data)
    at, station = _notice(c, data)
    doc = parse_advance_item(c, {"change": data.get("change"), "expected_on": data.get("expected_on"),
                                 "given_at": at or clock.now()}, "")
    c.raise_if_any()
    assert at is not None
    return at, station, doc


def trip_record(actor: Any, person_id: uuid.UUID | str, data: dict[str, Any], *, number: int | None = None,
                expected_version: int | None = None) -> Trip:
    """A notification of travel (s.86): a new trip, or (``number``) new details of a notified trip, given at a
    police station. Records the ``travel`` notification and the trip's version; the travel duty of its departure
    follows from them."""
    _require_writer(actor)
    at, station, doc = parse_trip(data)
    action = "trip.record" if number is None else "trip.update"
    with _changing(actor, person_id, expected_version, action) as change:
        person = change.person
        trips = current_trip_rows(person)
        if number is not None:
            before = trips.get(number)
            if before is None:
                raise ValidationFailed({"number": [f"no trip {number} is recorded"]})
            if before.cancelled:
                raise ValidationFailed({"number": [f"trip {number} was cancelled: record a new trip"]})
            doc.number, doc.return_notified_on = number, before.return_notified_on
            if same_details(trip_doc(before), doc):
                raise ValidationFailed({"departure": [f"{UNCHANGED} (trip {number} already has these details)"]})
        else:
            doc.number = max(trips, default=0) + 1
            same = [t for t in trips.values() if not t.cancelled and same_details(trip_doc(t), TripDoc(**{
                **asdict(doc), "number": t.number}))]
            if same:
                raise ValidationFailed({"departure": [f"{UNCHANGED} (trip {same[0].number} has these details)"]})
        clash = _overlapping(trips, doc, doc.number)
        if clash is not None:
            raise ValidationFailed({"departure": [
                f"overlaps trip {clash.number}, leaving {clash.departure.isoformat()} (the rule: one trip abroad at a "
                "time: change that trip instead)"]})
        if clock.uk_date(at) < person.date_of_birth:
            raise ValidationFailed({"received_at": ["must not be before the date of birth"]})
        change.field = "departure"
        note = _notification(person, actor, "travel", at, station, {"trip": doc.number})
        doc.notified_on = clock.uk_date(at)  # the trip's own notification: it meets the trip's travel duty
        trip = _save_version(person, doc, note)
        change.detail = {"trip": trip.number, "trip_version_id": trip.pk, "notification_id": note.pk,
                         "kind": "travel"}
        change.personal = {"after": trip_to_json(doc), "station": station}
    return trip


def trip_return_record(actor: Any, person_id: uuid.UUID | str, number: int, data: dict[str, Any], *,
                       expected_version: int | None = None) -> Trip:
    """They came back: the return date (and point of arrival) as notified on ``notified_on`` (default today). A new
    version of the trip. (No ``travel`` notification is added: one made after a departure would count as the
    notice of the next trip.)"""
    _require_writer(actor)
    c = _fields(data)
    today = clock.today()
    returned = c.day(data, "return_date", "return_date", today=today)
    point = c.text(data, "return_point", "return_point", required=False, max_len=120)
    notified = c.day(data, "notified_on", "notified_on", required=False, today=today) or today
    if returned and notified < returned:
        c.fail("notified_on", "must not be before the return date (the rule: a return is notified once they are "
                              "back)")
    c.raise_if_any()
    assert returned is not None
    with _changing(actor, person_id, expected_version, "trip.return") as change:
        trips = current_trip_rows(change.person)
        before = trips.get(number)
        if before is None or before.cancelled:
            raise ValidationFailed({"number": [f"no trip {number} is recorded" if before is None
                                               else f"trip {number} was cancelled"]})
        if returned < before.departure:
            raise ValidationFailed({"return_date": [
                f"must not be before the departure on {before.departure.isoformat()} (the rule: a trip returns "
                "after it leaves)"]})
        doc = trip_doc(before)
        doc.return_date, doc.return_point, doc.return_notified_on = returned, point or doc.return_point, notified
        if doc == trip_doc(before):
            raise ValidationFailed({"return_date": [f"{UNCHANGED} (this return is already recorded)"]})
        doc.notified_on = None  # a return is not a travel notification
        clash = _overlapping(trips, doc, number)
        if clash is not None:
            raise ValidationFailed({"return_date": [
                f"overlaps trip {clash.number}, leaving {clash.departure.isoformat()} (the rule: one trip abroad at "
                "a time)"]})
        change.field = "return_date"
        trip = _save_version(change.person, doc, None)
        change.detail = {"trip": number, "trip_version_id": trip.pk}
        change.personal = {"before": trip_to_json(trip_doc(before)), "after": trip_to_json(doc)}
    return trip


def trip_cancel(actor: Any, person_id: uuid.UUID | str, number: int, *,
                expected_version: int | None = None) -> Trip:
    """The trip did not go ahead: a new version marked cancelled (its departure no longer counts)."""
    with _changing(actor, person_id, expected_version, "trip.cancel") as change:
        before = current_trip_rows(change.person).get(number)
        if before is None:
            raise ValidationFailed({"number": [f"no trip {number} is recorded"]})
        if before.cancelled:
            raise ValidationFailed({"number": [f"{UNCHANGED} (trip {number} is already cancelled)"]})
        doc = trip_doc(before)
        doc.cancelled, doc.notified_on = True, None
        trip = _save_version(change.person, doc, None)
        change.detail = {"trip": number, "trip_version_id": trip.pk}
    return trip


def stay_record(actor: Any, person_id: uuid.UUID | str, data: dict[str, Any], *,
                expected_version: int | None = None) -> Stay:
    """A stay at premises other than their home (from ``start`` to ``end``, both days stayed; no end: still there).
    The rules engine adds up the days stayed at each address: 7 in 12 months make a change to notify (s.84(1)(c))."""
    _require_writer(actor)
    doc = parse_stay(data)
    with _changing(actor, person_id, expected_version, "stay.record") as change:
        person = change.person
        if person.stays.filter(line1=doc.line1, town=doc.town, postcode=doc.postcode, start=doc.start,
                               end=doc.end).exists():
            raise ValidationFailed({"start": [f"{UNCHANGED} (this stay is already recorded)"]})
        if doc.start < person.date_of_birth:
            raise ValidationFailed({"start": ["must not be before the date of birth"]})
        stay = Stay.objects.create(person=person, line1=doc.line1, town=doc.town, postcode=doc.postcode,
                                   start=doc.start, end=doc.end, created_at=clock.now())
        change.detail = {"stay_id": stay.pk, "open": doc.end is None}
        change.personal = {"after": {"line1": doc.line1, "town": doc.town, "postcode": doc.postcode,
                                     "start": doc.start, "end": doc.end}}
    return stay


def stay_end(actor: Any, person_id: uuid.UUID | str, stay_id: int, data: dict[str, Any], *,
             expected_version: int | None = None) -> Stay:
    """The last day of a stay still open."""
    _require_writer(actor)
    c = _fields(data)
    end = c.day(data, "end", "end", today=clock.today())
    c.raise_if_any()
    assert end is not None
    with _changing(actor, person_id, expected_version, "stay.end") as change:
        stay = change.person.stays.filter(pk=stay_id).first()
        if stay is None:
            raise ValidationFailed({"stay": ["no such stay on this record"]})
        if stay.end is not None:
            raise ValidationFailed({"end": [f"{UNCHANGED} (the stay already ended on {stay.end.isoformat()})"]})
        if end < stay.start:
            raise ValidationFailed({"end": ["must not be before the start (the rule: a stay ends on or after it "
                                            "starts)"]})
        stay.end = end
        stay.save(update_fields=["end"])
        change.detail = {"stay_id": stay.pk}
        change.personal = {"after": {"end": end}}
    return stay


def address_end(actor: Any, person_id: uuid.UUID | str, address_id: int, data: dict[str, Any], *,
                expected_version: int | None = None) -> Address:
    """They no longer regularly live or stay at another address: its interval ends (``valid_to``, the first day
    they no longer do; a home or no-fixed-abode location ends only with a move)."""
    _require_writer(actor)
    c = _fields(data)
    valid_to = c.day(data, "valid_to", "valid_to", today=clock.today())
    c.raise_if_any()
    assert valid_to is not None
    with _changing(actor, person_id, expected_version, "person.address_end") as change:
        address = change.person.addresses.filter(pk=address_id).first()
        if address is None:
            raise ValidationFailed({"address": ["no such address on this record"]})
        if address.kind != "other":
            raise ValidationFailed({"address": ["a home or no fixed abode location ends with a move: record the new "
                                                "address instead"]})
        if address.valid_to is not None:
            raise ValidationFailed({"valid_to": [f"{UNCHANGED} (it already ended on "
                                                 f"{address.valid_to.isoformat()})"]})
        if valid_to <= address.valid_from:
            raise ValidationFailed({"valid_to": [
                f"must be after the start on {address.valid_from.isoformat()} (the rule: an address ends after it "
                "starts)"]})
        address.valid_to = valid_to
        address.save(update_fields=["valid_to"])
        change.detail = {"address_id": address.pk, "kind": address.kind}
        change.personal = {"after": {"valid_to": valid_to, "postcode": address.postcode}}
    return address


def advance_notice_record(actor: Any, person_id: uuid.UUID | str, data: dict[str, Any], *,
                          expected_version: int | None = None) -> AdvanceNotice:
    """Advance notice of a change (s.84(2)): which change and the date it is expected, given in a ``change``
    notification. When the change does not happen within 3 days of that date, the rules engine's non-occurrence
    duty (s.84(4)(b)) follows from the record."""
    _require_writer(actor)
    at, station, doc = parse_advance_notice(data)
    with _changing(actor, person_id, expected_version, "advance_notice.record") as change:
        person = change.person
        if person.advance_notices.filter(change=doc.change, expected_on=doc.expected_on).exists():
            raise ValidationFailed({"expected_on": [
                f"{UNCHANGED} (advance notice of {ADVANCE_CHANGES[doc.change]} for that date is already recorded)"]})
        if clock.uk_date(at) < person.date_of_birth:
            raise ValidationFailed({"received_at": ["must not be before the date of birth"]})
        change.field = "received_at"
        note = _notification(person, actor, "change", at, station,
                             {"advance_notice": {"change": doc.change, "expected_on": doc.expected_on.isoformat()}})
        notice = AdvanceNotice.objects.create(person=person, change=doc.change, expected_on=doc.expected_on,
                                              given_at=at, notification=note, created_at=clock.now())
        change.detail = {"advance_notice_id": notice.pk, "notification_id": note.pk, "change": doc.change,
                         "kind": "change"}
        change.personal = {"after": {"expected_on": doc.expected_on}, "station": station}
    return notice
