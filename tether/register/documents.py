"""The registrant document: one registrant with their whole history, as a plain dict.

It is the shape of one JSON Lines row in ``tether import``/``export`` (see docs/import-format.md),
of the API's create payload, and what the web form and the demo generator build. ``parse_registrant``
validates a document and returns typed values, or raises ``ValidationFailed`` naming every bad field.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from django.utils.dateparse import parse_datetime

from tether.core import clock
from tether.core.errors import ValidationFailed
from tether.core.fields import Fields
from tether.obligations.calendar import age_on

from . import extensions
from .constants import (
    COUNTRY_NAMES,
    MONTHS_REQUIRED,
    REFERENCE_PREFIX,
    AddressKind,
    DetentionKind,
    DisposalKind,
    NameKind,
    NotificationKind,
    OrderKind,
    Sex,
    criminal_responsibility_age,
)
from .identifiers import normalise_ni_number, normalise_pnc_id, normalise_postcode
from .legal_documents import (
    OrderExtras,
    RemovalDoc,
    ReviewDoc,
    check_reviews,
    detention_extras,
    disposal_court,
    order_extras,
    parse_removal,
    parse_review,
)
from .notified import read_notified
from .travel import TRIP_NOTICE_MISSING, AdvanceNoticeDoc, StayDoc, TripDoc, parse_sections

# 2: trips (s.86), stays and advance notices; time abroad is a trip, no longer an ``abroad`` detention (a format 1
# line's abroad detentions are read as trips); notifications carry change, changed_on and given; the 2012
# prescribed items
FORMAT_VERSION = 2
_T = TypeVar("_T")


@dataclass
class NameDoc:
    kind: str
    given_names: str
    family_name: str
    valid_from: date
    valid_to: date | None


@dataclass
class AddressDoc:
    kind: str
    line1: str
    line2: str
    town: str
    postcode: str
    valid_from: date
    valid_to: date | None
    child_under_18: bool


@dataclass
class DisposalDoc:
    date: date
    offence: str
    offence_code: str
    kind: str
    months: int | None
    tier: int | None
    court: str = ""


@dataclass
class SpanDoc:
    kind: str
    start: date
    end: date | None
    # detentions: the basis (remand, sentence ...) and the licence end after a release (register.legal_documents)
    basis: str = ""
    licence_end: date | None = None
    # orders: the court, and for a foreign travel prohibition its countries and the passports surrendered
    extras: OrderExtras = field(default_factory=OrderExtras)


@dataclass
class OwnershipDoc:
    force: str
    valid_from: date
    valid_to: date | None


@dataclass
class NotificationDoc:
    kind: str
    received_at: datetime
    station: str
    officer: str
    no_fixed_abode: bool
    details: dict[str, Any]
    # what it carried (``register.notified``): which s.84 change and when; the full details given
    change: str = ""
    changed_on: date | None = None
    given: dict[str, Any] = field(default_factory=dict)


@dataclass
class RegistrantDoc:
    id: uuid.UUID | None
    reference: str | None
    force: str
    synthetic: bool
    date_of_birth: date
    sex: str
    ni_number: str
    pnc_id: str
    names: list[NameDoc]
    addresses: list[AddressDoc] = field(default_factory=list)
    ownership: list[OwnershipDoc] = field(default_factory=list)
    disposals: list[DisposalDoc] = field(default_factory=list)
    detentions: list[SpanDoc] = field(default_factory=list)
    orders: list[SpanDoc] = field(default_factory=list)
    notifications: list[NotificationDoc] = field(default_factory=list)
    # the parts other packages keep (``extensions.DocumentSection``), by key: casework's "cases"
    sections: dict[str, Any] = field(default_factory=dict)
    date_of_death: date | None = None
    trips: list[TripDoc] = field(default_factory=list)  # every version, in the order recorded
    stays: list[StayDoc] = field(default_factory=list)
    advance_notices: list[AdvanceNoticeDoc] = field(default_factory=list)
    reviews: list[ReviewDoc] = field(default_factory=list)  # applications for review of indefinite notification
    removals: list[RemovalDoc] = field(default_factory=list)  # removals from the register


def too_young(dob: date, on: date, jurisdiction: str) -> str | None:
    """Why a disposal on ``on`` is impossible for someone born on ``dob`` (None: it is possible)."""
    minimum = criminal_responsibility_age(jurisdiction, on)
    age = age_on(dob, on)
    if minimum is None or age >= minimum:
        return None
    return (f"the person was {age} on that date: under the age of criminal responsibility in "
            f"{COUNTRY_NAMES.get(jurisdiction, jurisdiction)} ({minimum}), so no conviction, caution or finding "
            "is possible")


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _name(c: Fields, item: Mapping[str, Any], path: str, default_from: date) -> NameDoc:
    n = NameDoc(
        kind=c.choice(item, "kind", _at(path, "kind"), NameKind),
        given_names=c.text(item, "given_names", _at(path, "given_names")),
        family_name=c.text(item, "family_name", _at(path, "family_name"), max_len=80),
        valid_from=c.day(item, "valid_from", _at(path, "valid_from"), required=False) or default_from,
        valid_to=c.day(item, "valid_to", _at(path, "valid_to"), required=False),
    )
    c.span(n.valid_from, n.valid_to, path, "valid_to")
    return n


def _address(c: Fields, item: Mapping[str, Any], path: str, today: date) -> AddressDoc:
    a = AddressDoc(
        kind=c.choice(item, "kind", _at(path, "kind"), AddressKind),
        line1=c.text(item, "line1", _at(path, "line1")),
        line2=c.text(item, "line2", _at(path, "line2"), required=False),
        town=c.text(item, "town", _at(path, "town"), required=False, max_len=80),
        postcode=c.identifier(item, "postcode", _at(path, "postcode"), normalise_postcode),
        valid_from=c.day(item, "valid_from", _at(path, "valid_from")) or today,
        valid_to=c.day(item, "valid_to", _at(path, "valid_to"), required=False),
        child_under_18=c.flag(item, "child_under_18", _at(path, "child_under_18")),
    )
    if not item.get("postcode"):
        c.fail(_at(path, "postcode"), "is required")
    c.span(a.valid_from, a.valid_to, path, "valid_to")
    c.not_future(a.valid_from, _at(path, "valid_from"), today)
    return a


def _one(data: Any, build: Callable[[Fields, Mapping[str, Any]], _T]) -> _T:
    c = Fields()
    if not isinstance(data, Mapping):
        raise ValidationFailed({"": "must be a JSON object"})
    result = build(c, data)
    if c.errors:
        raise ValidationFailed(c.errors)
    return result


def parse_name(data: Any, *, today: date | None = None) -> NameDoc:
    """One new name (a change of name or a new alias). ``valid_from`` is required and not in the future."""
    day = today or clock.today()

    def build(c: Fields, item: Mapping[str, Any]) -> NameDoc:
        if not item.get("valid_from"):
            c.fail("valid_from", "is required: the date they started using the name")
        n = _name(c, item, "", day)
        c.not_future(n.valid_from, "valid_from", day)
        return n

    return _one(data, build)


def parse_address(data: Any, *, today: date | None = None) -> AddressDoc:
    """One new address (a move, or another regular address)."""
    day = today or clock.today()
    return _one(data, lambda c, item: _address(c, item, "", day))


NOTHING_TO_CHANGE = "name at least one of date_of_birth, date_of_death, sex, ni_number or pnc_id to change"
RULES_DEATH_BEFORE_BIRTH = "must not be before the date of birth (the rule: birth comes first)"
UNCHANGED = "nothing would change: the record already holds these values"


def parse_identity(data: Any, *, today: date | None = None) -> dict[str, Any]:
    """Corrections to the identifying details: any of date_of_birth, date_of_death (null clears it), sex, ni_number,
    pnc_id."""
    day = today or clock.today()

    def build(c: Fields, item: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        unknown = set(item) - {"date_of_birth", "date_of_death", "sex", "ni_number", "pnc_id"}
        for key in sorted(unknown):
            c.fail(key, "cannot be changed here")
        if "date_of_birth" in item:
            dob = c.day(item, "date_of_birth", "date_of_birth")
            if dob and dob > day:
                c.fail("date_of_birth", "must be in the past")
            out["date_of_birth"] = dob
        if "date_of_death" in item:  # a blank or null value clears one recorded in error
            died = c.day(item, "date_of_death", "date_of_death", required=False)
            if died and died > day:
                c.fail("date_of_death", "must not be in the future")
            out["date_of_death"] = died
        if "sex" in item:
            out["sex"] = c.choice(item, "sex", "sex", Sex)
        if "ni_number" in item:
            out["ni_number"] = c.identifier(item, "ni_number", "ni_number", normalise_ni_number)
        if "pnc_id" in item:
            out["pnc_id"] = c.identifier(item, "pnc_id", "pnc_id", normalise_pnc_id)
        if not item:
            c.fail("identity", NOTHING_TO_CHANGE)
        return out

    return _one(data, build)


def parse_registrant(
    data: Any, *, known_forces: Mapping[str, Any] | None = None, today: date | None = None
) -> RegistrantDoc:
    """Validate one registrant document. Raises ValidationFailed listing every bad field."""
    c = Fields()
    today = today or clock.today()
    if not isinstance(data, Mapping):
        raise ValidationFailed({"": "each registrant must be a JSON object"})

    raw_id = data.get("id")
    pid: uuid.UUID | None = None
    if raw_id:
        try:
            pid = uuid.UUID(str(raw_id))
        except ValueError:
            c.fail("id", "must be a UUID")
    reference = data.get("reference") or None
    if reference is not None and (
        not isinstance(reference, str) or not reference.startswith(REFERENCE_PREFIX) or not reference[4:].isdigit()
    ):
        c.fail("reference", f"must look like {REFERENCE_PREFIX}000123")
        reference = None

    force = c.text(data, "force", "force", max_len=8).upper()
    if force and known_forces is not None and force not in known_forces:
        c.fail("force", f"unknown force code {force!r}: use one of the 45 UK force codes, e.g. MPS")
    dob = c.day(data, "date_of_birth", "date_of_birth")
    if dob and dob > today:
        c.fail("date_of_birth", "must be in the past")
    elif dob and dob < date(1900, 1, 1):
        c.fail("date_of_birth", "must be after 1900-01-01")
    died = _date_of_death(c, data, dob, today)
    sex = c.choice(data, "sex", "sex", Sex)
    synthetic = c.flag(data, "synthetic", "synthetic")
    ni = c.identifier(data, "ni_number", "ni_number", normalise_ni_number)
    pnc = c.identifier(data, "pnc_id", "pnc_id", normalise_pnc_id)

    names = [_name(c, item, path, dob or today) for path, item in c.items(data, "names")]
    if not names:
        c.fail("names", "at least one name is required")
    elif not any(n.valid_to is None and n.kind in (NameKind.CURRENT, NameKind.BIRTH) for n in names):
        c.fail("names", "one birth or current name must be open (no valid_to)")

    addresses = [_address(c, item, path, today) for path, item in c.items(data, "addresses")]

    ownership = []
    for path, item in c.items(data, "ownership"):
        code = c.text(item, "force", f"{path}.force", max_len=8).upper()
        if code and known_forces is not None and code not in known_forces:
            c.fail(f"{path}.force", f"unknown force code {code!r}")
        o = OwnershipDoc(
            force=code,
            valid_from=c.day(item, "valid_from", f"{path}.valid_from") or today,
            valid_to=c.day(item, "valid_to", f"{path}.valid_to", required=False),
        )
        c.span(o.valid_from, o.valid_to, path, "valid_to")
        ownership.append(o)
    if ownership:
        current = [o for o in ownership if o.valid_to is None]
        if len(current) != 1 or current[0].force != force:
            c.fail("ownership", "exactly one open interval is required and it must be the owning force")

    owner = known_forces.get(force) if known_forces is not None and force else None
    jurisdiction = str(getattr(owner, "jurisdiction", "") or "")
    disposals = []
    for path, item in c.items(data, "disposals"):
        d = DisposalDoc(
            date=c.day(item, "date", f"{path}.date") or today,
            offence=c.text(item, "offence", f"{path}.offence", max_len=200),
            offence_code=c.text(item, "offence_code", f"{path}.offence_code", required=False, max_len=20),
            kind=c.choice(item, "kind", f"{path}.kind", DisposalKind),
            months=c.whole(item, "months", f"{path}.months", 0, 1200),
            tier=c.whole(item, "tier", f"{path}.tier", 1, 3),
            court=disposal_court(c, item, path),
        )
        if d.kind in MONTHS_REQUIRED and d.months is None:
            c.fail(f"{path}.months", f"is required for {d.kind.replace('_', ' ')}")
        c.not_future(d.date, f"{path}.date", today)
        if dob and d.date < dob:
            c.fail(f"{path}.date", "must not be before the date of birth")
        elif dob and jurisdiction and (problem := too_young(dob, d.date, jurisdiction)):
            c.fail(f"{path}.date", problem)
        disposals.append(d)
    if not disposals:
        c.fail("disposals", "at least one qualifying conviction, caution or finding is required")

    def spans(key: str, kinds: Any) -> list[SpanDoc]:
        out = []
        for path, item in c.items(data, key):
            s = SpanDoc(
                kind=c.choice(item, "kind", f"{path}.kind", kinds),
                start=c.day(item, "start", f"{path}.start") or today,
                end=c.day(item, "end", f"{path}.end", required=False),
            )
            c.span(s.start, s.end, path)
            if key == "detentions":
                s.basis, s.licence_end = detention_extras(c, item, path, s.kind, s.end, today)
            else:
                s.extras = order_extras(c, item, path, s.kind, s.start, s.end, today)
            out.append(s)
        return out

    detentions = spans("detentions", DetentionKind)
    orders = spans("orders", OrderKind)
    trips, stays, advance_notices = parse_sections(c, data, today)
    if any(d.kind == DetentionKind.ABROAD for d in detentions):  # format 1: time abroad was a detention
        if trips:
            c.fail("detentions", "time abroad is given as trips: an abroad detention cannot come with trips")
        first = max((t.number for t in trips), default=0)
        trips += [TripDoc(number=first + i, departure=d.start, countries=[], return_date=d.end)
                  for i, d in enumerate((d for d in detentions if d.kind == DetentionKind.ABROAD), start=1)]
        detentions = [d for d in detentions if d.kind != DetentionKind.ABROAD]
    reviews = [r for path, item in c.items(data, "reviews")
               if (r := parse_review(c, item, path, today, jurisdiction)) is not None]
    check_reviews(c, reviews)
    removals = [x for path, item in c.items(data, "removals") if (x := parse_removal(c, item, path, today)) is not None]

    notifications = []
    for path, item in c.items(data, "notifications"):
        raw_at = item.get("received_at")
        at = parse_datetime(str(raw_at)) if raw_at else None
        if at is None:
            c.fail(f"{path}.received_at", "must be a date and time like 2024-05-01T10:30:00Z")
        elif at.tzinfo is None:
            c.fail(f"{path}.received_at", "must include a time zone (Z for UTC)")
        elif at > clock.now():
            c.fail(f"{path}.received_at", "must not be in the future")
        details = item.get("details") or {}
        if not isinstance(details, Mapping):
            c.fail(f"{path}.details", "must be an object")
            details = {}
        kind = c.choice(item, "kind", f"{path}.kind", NotificationKind)
        notified = read_notified(c, item, path, kind, clock.uk_date(at) if at and at.tzinfo else None)
        if notified.changed_on and dob and notified.changed_on < dob:
            c.fail(f"{path}.changed_on", "must not be before the date of birth")
        notifications.append(
            NotificationDoc(
                kind=kind,
                received_at=at or clock.now(),
                station=c.text(item, "station", f"{path}.station"),
                officer=c.text(item, "officer", f"{path}.officer", required=False, max_len=200),
                no_fixed_abode=c.flag(item, "no_fixed_abode", f"{path}.no_fixed_abode"),
                details=dict(details),
                change=notified.change, changed_on=notified.changed_on, given=notified.given,
            )
        )

    # a trip version's notified_on names the travel notification that gave it (the register links the two)
    travel_days = {clock.uk_date(n.received_at) for n in notifications if n.kind == NotificationKind.TRAVEL}
    raw_trips = data.get("trips")
    given = [i for i, x in enumerate(raw_trips) if isinstance(x, Mapping)] if isinstance(raw_trips, list) else []
    for i, trip in zip(given, trips, strict=False):
        if trip.notified_on is not None and trip.notified_on not in travel_days:
            c.fail(f"trips[{i}].notified_on", TRIP_NOTICE_MISSING)

    sections = {section.key: section.parse(c, data, dob, today) for section in extensions.sections()}

    if c.errors:
        raise ValidationFailed(c.errors)
    assert dob is not None
    doc = RegistrantDoc(
        id=pid, reference=reference, force=force, synthetic=synthetic, date_of_birth=dob, sex=sex, ni_number=ni,
        pnc_id=pnc, names=names, addresses=addresses, ownership=ownership, disposals=disposals,
        detentions=detentions, orders=orders, notifications=notifications, sections=sections, date_of_death=died,
        trips=trips, stays=stays, advance_notices=advance_notices,
        reviews=reviews, removals=removals,
    )
    if jurisdiction:  # the rules engine's contract: facts that contradict each other are refused, naming the rule
        from .facts import doc_problems  # facts reads documents: imported here, where both are loaded

        problems = doc_problems(doc, jurisdiction)
        if problems:
            raise ValidationFailed(problems)
        if removals:  # each removal follows from the record (register.legal_documents.removal_problems)
            from .facts import facts_for
            from .legal_documents import removal_problems

            problems = removal_problems(removals, facts_for(doc, jurisdiction), reviews)
            if problems:
                raise ValidationFailed(problems)
    return doc


def _date_of_death(c: Fields, data: Mapping[str, Any], dob: date | None, today: date) -> date | None:
    """An optional date of death: not before the date of birth, not in the future (the rest of the record may not
    be dated after it: the rules engine's contract, checked with the whole record)."""
    died = c.day(data, "date_of_death", "date_of_death", required=False)
    if died is None:
        return None
    if died > today:
        c.fail("date_of_death", "must not be in the future")
    elif dob and died < dob:
        c.fail("date_of_death", RULES_DEATH_BEFORE_BIRTH)
    return died
