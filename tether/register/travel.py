"""Trips outside the UK (s.86), stays at other premises (s.84(1)(c)) and advance notices of a change (s.84(2)): their
parts of the registrant document and the rules every edge (web, API, import) reads them by.

A document holds every version of every trip (``trips``: in the order recorded; a trip is its ``number``, the last
version of a number is the trip as it stands), every stay and every advance notice. ``current_trips`` picks the
versions that hold; ``register.facts`` turns them into the rules engine's departures, time abroad, stays and
``advance_notice_for``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from django.utils.dateparse import parse_datetime

from tether.core import clock
from tether.core.fields import Fields

from .identifiers import normalise_postcode

# ISO 3166-1 alpha-2 codes of the countries a trip may go to (the UK itself, GB, is not outside the UK)
_ISO_3166_TABLE = """
AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD CF CG CH CI CL CM CN
CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FM FR GA GD GE GH GM GN GQ GR GT GW GY HN HR HT
HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
MG MH MK ML MM MN MR MT MU MV MW MX MY MZ NA NE NG NI NL NO NP NR NZ OM PA PE PG PH PK PL PS PT PW PY QA RO RS
RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR ST SV SY SZ TD TG TH TJ TL TM TN TO TR TT TV TW TZ UA UG US UY UZ
VA VC VE VN VU WS YE ZA ZM ZW
AI AQ AS AW AX BL BM BQ BV CC CK CW CX EH FK FO GF GG GI GL GP GS GU HK HM IM IO JE KY MF MO MP MQ MS NC NF NU PF
PM PN PR RE SH SJ SS SX TC TF TK UM VG VI WF YT
"""
COUNTRY_CODES = frozenset(_ISO_3166_TABLE.split())
UK_CODES = frozenset({"GB", "UK"})
MAX_COUNTRIES = 10

# The changes an advance notice may announce (s.84(2)): what it was, and the rules engine's event for it
ADVANCE_CHANGES = {"name": "a change of name", "home_address": "a move to a new home address",
                   "stay": "a stay at other premises"}
ADVANCE_EVENT_KIND = {"name": "name_change", "home_address": "address_change", "stay": "stay"}

RETURN_BEFORE_DEPARTURE = "must not be before the departure date (the rule: a trip returns after it leaves)"
NOTIFIED_BEFORE_RETURN = "must not be before the return date (the rule: a return is notified once they are back)"
TRIP_NOTICE_MISSING = ("must be the day of a travel notification in notifications (the rule: a trip is notified by "
                       "a travel notification)")
EXPECTED_BEFORE_GIVEN = ("must not be before the date the notice was given (the rule: an advance notice is given "
                         "before the change)")


@dataclass
class TripDoc:
    number: int
    departure: date
    countries: list[str]
    arrival_points: str = ""
    accommodation: str = ""
    return_date: date | None = None
    return_point: str = ""
    return_notified_on: date | None = None
    short_notice: bool = False
    cancelled: bool = False
    # the UK date of the travel notification that gave this version (None: a version with none, such as a return or a
    # cancellation, or a trip imported without one); the trip's first such date meets its travel duty
    notified_on: date | None = None


@dataclass
class StayDoc:
    line1: str
    town: str
    postcode: str
    start: date
    end: date | None


@dataclass
class AdvanceNoticeDoc:
    change: str
    expected_on: date
    given_at: datetime


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def read_countries(c: Fields, raw: Any, path: str, *, required: bool) -> list[str]:
    """ISO 3166 alpha-2 codes, in the order visited: a list, or text with the codes separated by commas or spaces."""
    if raw in (None, "", []):
        if required:
            c.fail(path, "is required: at least one country, as a 2-letter code like FR")
        return []
    if isinstance(raw, str):
        raw = raw.replace(",", " ").split()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        c.fail(path, "must be a list of 2-letter country codes, like [\"FR\", \"ES\"]")
        return []
    codes = [x.strip().upper() for x in raw]
    out: list[str] = []
    for code in codes:
        if code in UK_CODES:
            c.fail(path, f"must not include {code}: that is the UK (the rule: a trip goes outside the UK)")
        elif code not in COUNTRY_CODES:
            c.fail(path, f"must not include {code[:12]!r}: it is not an ISO 3166 country code (2 letters, like FR "
                         "or ES)")
        elif code in out:
            c.fail(path, f"must not include {code} twice")
        else:
            out.append(code)
    if len(codes) > MAX_COUNTRIES:
        c.fail(path, f"must list at most {MAX_COUNTRIES} countries")
    return out


def parse_trip_item(c: Fields, item: Mapping[str, Any], path: str, today: date, *,
                    number_required: bool = True, countries_required: bool = False) -> TripDoc:
    """One trip version. ``countries_required``: a new notification must say where (migrated trips may not)."""
    number = c.whole(item, "number", _at(path, "number"), 1, 9999) if number_required else 0
    if number_required and number is None:
        c.fail(_at(path, "number"), "is required")
    departure = c.day(item, "departure", _at(path, "departure"))
    trip = TripDoc(
        number=number or 0,
        departure=departure or today,
        countries=read_countries(c, item.get("countries"), _at(path, "countries"), required=countries_required),
        arrival_points=c.text(item, "arrival_points", _at(path, "arrival_points"), required=False, max_len=300),
        accommodation=c.text(item, "accommodation", _at(path, "accommodation"), required=False, max_len=300),
        return_date=c.day(item, "return_date", _at(path, "return_date"), required=False),
        return_point=c.text(item, "return_point", _at(path, "return_point"), required=False, max_len=120),
        return_notified_on=c.day(item, "return_notified_on", _at(path, "return_notified_on"), required=False,
                                 today=today),
        short_notice=c.flag(item, "short_notice", _at(path, "short_notice")),
        cancelled=c.flag(item, "cancelled", _at(path, "cancelled")),
        notified_on=c.day(item, "notified_on", _at(path, "notified_on"), required=False, today=today),
    )
    if departure and trip.return_date and trip.return_date < departure:
        c.fail(_at(path, "return_date"), RETURN_BEFORE_DEPARTURE)
    if trip.return_notified_on and trip.return_date and trip.return_notified_on < trip.return_date:
        c.fail(_at(path, "return_notified_on"), NOTIFIED_BEFORE_RETURN)
    if trip.return_notified_on and not trip.return_date:
        c.fail(_at(path, "return_date"), "is required when the return was notified")
    return trip


def parse_stay_item(c: Fields, item: Mapping[str, Any], path: str, today: date) -> StayDoc:
    stay = StayDoc(
        line1=c.text(item, "line1", _at(path, "line1")),
        town=c.text(item, "town", _at(path, "town"), required=False, max_len=80),
        postcode=c.identifier(item, "postcode", _at(path, "postcode"), normalise_postcode),
        start=c.day(item, "start", _at(path, "start"), today=today) or today,
        end=c.day(item, "end", _at(path, "end"), required=False, today=today),
    )
    if not item.get("postcode"):
        c.fail(_at(path, "postcode"), "is required")
    if stay.end and stay.end < stay.start:
        c.fail(_at(path, "end"), "must not be before the start (the rule: a stay ends on or after it starts)")
    return stay


def read_aware(c: Fields, raw: Any, path: str) -> datetime | None:
    """A date and time with a time zone, not in the future."""
    at = raw if isinstance(raw, datetime) else (parse_datetime(str(raw)) if isinstance(raw, str) and raw else None)
    if at is None:
        c.fail(path, "must be a date and time like 2024-05-01T10:30:00Z")
    elif at.tzinfo is None:
        c.fail(path, "must include a time zone (Z for UTC)")
    elif at > clock.now():
        c.fail(path, "must not be in the future")
    else:
        return at
    return None


def parse_advance_item(c: Fields, item: Mapping[str, Any], path: str) -> AdvanceNoticeDoc:
    change = item.get("change")
    if change not in ADVANCE_CHANGES:
        c.fail(_at(path, "change"), f"must be one of: {', '.join(ADVANCE_CHANGES)}")
    expected = c.day(item, "expected_on", _at(path, "expected_on"))
    try:
        at = read_aware(c, item.get("given_at"), _at(path, "given_at"))
    except (ValueError, OverflowError):
        c.fail(_at(path, "given_at"), "must be a real date and time")
        at = None
    if at is not None and expected is not None and expected < clock.uk_date(at):
        c.fail(_at(path, "expected_on"), EXPECTED_BEFORE_GIVEN)
    return AdvanceNoticeDoc(change=str(change or ""), expected_on=expected or clock.today(),
                            given_at=at or clock.now())


def parse_sections(c: Fields, data: Mapping[str, Any], today: date) -> tuple[list[TripDoc], list[StayDoc],
                                                                               list[AdvanceNoticeDoc]]:
    """The ``trips``, ``stays`` and ``advance_notices`` of a registrant document (format 2)."""
    trips = [parse_trip_item(c, item, path, today) for path, item in c.items(data, "trips")]
    stays = [parse_stay_item(c, item, path, today) for path, item in c.items(data, "stays")]
    notices = [parse_advance_item(c, item, path) for path, item in c.items(data, "advance_notices")]
    return trips, stays, notices


def current_trips(versions: Iterable[TripDoc]) -> list[TripDoc]:
    """The trips as they stand: the last version of each number, by departure (cancelled ones included)."""
    latest: dict[int, TripDoc] = {}
    for v in versions:
        latest[v.number] = v
    return sorted(latest.values(), key=lambda t: (t.departure, t.number))


def first_notified(days: Iterable[tuple[int, date | None]]) -> dict[int, date]:
    """The day each trip was first notified: the earliest notification day among its versions, from (trip number,
    day or None) pairs; a trip none of whose versions came with a notification is left out. The one rule behind the
    document reader, the bulk database reader and the travel page."""
    first: dict[int, date] = {}
    for number, day in days:
        if day is not None and (number not in first or day < first[number]):
            first[number] = day
    return first


def trip_notified_on(versions: Iterable[TripDoc], number: int) -> date | None:
    """The day trip ``number`` was first notified: the earliest ``notified_on`` of its versions (None: none)."""
    return first_notified((v.number, v.notified_on) for v in versions).get(number)


def same_details(a: TripDoc, b: TripDoc) -> bool:
    """Whether two versions of a trip say the same, whatever notification gave them (a write that changes nothing
    else changes nothing)."""
    return replace(a, notified_on=None) == replace(b, notified_on=None)


def stay_key(line1: str, postcode: str) -> str:
    """Which premises a stay was at, as the rules engine adds stays up (and names them in an explanation)."""
    return f"{' '.join(line1.split()).lower()}, {postcode}"


def trip_to_json(t: TripDoc) -> dict[str, Any]:
    return {"number": t.number, "departure": t.departure.isoformat(), "countries": list(t.countries),
            "arrival_points": t.arrival_points, "accommodation": t.accommodation,
            "return_date": _iso(t.return_date), "return_point": t.return_point,
            "return_notified_on": _iso(t.return_notified_on), "short_notice": t.short_notice,
            "cancelled": t.cancelled, "notified_on": _iso(t.notified_on)}


def stay_to_json(s: StayDoc) -> dict[str, Any]:
    return {"line1": s.line1, "town": s.town, "postcode": s.postcode, "start": s.start.isoformat(),
            "end": _iso(s.end)}


def advance_to_json(a: AdvanceNoticeDoc) -> dict[str, Any]:
    return {"change": a.change, "expected_on": a.expected_on.isoformat(), "given_at": utc_text(a.given_at)}


def utc_text(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None
