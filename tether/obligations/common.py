"""Machinery shared by every jurisdiction: the jurisdiction interface, registration spells,
notification look-ups and the way an obligation is built, given its status and explained."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import NamedTuple, Protocol

from .calendar import ONE_DAY, days_word, format_date
from .types import (
    Disposal,
    Facts,
    Jurisdiction,
    Notification,
    Obligation,
    ObligationKind,
    ObligationStatus,
    Registration,
)

_BY_START = attrgetter("start")

IN_PERSON_KINDS = frozenset({"initial", "change", "periodic"})
"""Notifications that give the full s.83(5) details (and reset the s.85 clock)."""


class Evaluation(NamedTuple):
    """One jurisdiction's answer for the facts as at a date."""

    registration: Registration
    obligations: tuple[Obligation, ...]
    change_dates: list[date]
    """Days, beyond those every jurisdiction shares (``fact_change_dates``, ``outcome_change_dates``), on
    which this jurisdiction's outcome for the facts may change. Only those after ``as_of`` count; too many
    is safe (one more evaluation), one missing is a bug."""


class JurisdictionRules(Protocol):
    """One jurisdiction's rules: the engine calls ``evaluate`` and wraps the result in an Outcome."""

    @property
    def name(self) -> Jurisdiction: ...

    def evaluate(self, facts: Facts, as_of: date) -> Evaluation: ...


# --- Registration spells ---------------------------------------------------------------------------


@dataclass(slots=True)
class Period:
    """One source of being subject: a disposal's notification period or an order's life."""

    start: date
    end: date | None  # last day subject; None = indefinite / until further order
    disposal: Disposal | None = None  # None for an order
    halved: bool = False
    indefinite: bool = False  # an indefinite period from a disposal (not from an open order)
    order: str = "shpo"  # the kind of order (for an order's period)


@dataclass(slots=True)
class Spell:
    """A continuous run of being subject, made of overlapping or adjacent periods."""

    start: date
    end: date | None
    periods: list[Period] = field(default_factory=list)

    def contains(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)

    @property
    def has_order(self) -> bool:
        return any(p.disposal is None for p in self.periods)

    @property
    def indefinite_by_disposal(self) -> bool:
        return self.end is None and any(p.indefinite for p in self.periods)


def merge_spells(periods: list[Period]) -> list[Spell]:
    """Merge periods that overlap or touch into spells, in date order."""
    spells: list[Spell] = []
    for p in sorted(periods, key=_BY_START):
        if spells:
            cur = spells[-1]
            if cur.end is None or p.start.toordinal() <= cur.end.toordinal() + 1:
                cur.periods.append(p)
                if cur.end is not None:
                    cur.end = None if p.end is None else max(cur.end, p.end)
                continue
        spells.append(Spell(p.start, p.end, [p]))
    return spells


def choose_spell(spells: list[Spell], as_of: date) -> Spell | None:
    """The spell containing as_of, else the latest one that began on or before it."""
    chosen: Spell | None = None
    for s in spells:
        if s.start <= as_of:
            chosen = s
    return chosen


def empty_registration(citations: tuple[str, ...] = ()) -> Registration:
    return Registration(
        start=None, end=None, indefinite=False, subject=False, review_eligible_from=None, citations=citations
    )


# --- When the outcome may change -----------------------------------------------------------------


def day_after(d: date) -> date:
    return d if d == date.max else d + ONE_DAY


def fact_change_dates(facts: Facts) -> list[date]:
    """Every date in the facts, and the day after every end: a fact dated after as_of has not happened
    yet, an order is in force up to its end, a detention's end is a release."""
    out: list[date] = [d.date for d in facts.disposals]
    out += [n.date for n in facts.notifications]
    for o in facts.orders:
        out.append(o.start)
        if o.end is not None:
            out += (o.end, day_after(o.end))
    for x in facts.detentions:
        out.append(x.start)
        if x.end is not None:
            out += (x.end, day_after(x.end))
    for e in facts.events:
        out.append(e.start)
        if e.end is not None:
            out += (e.end, day_after(e.end))
        if e.advance_notice_for is not None:
            out.append(e.advance_notice_for)
    if facts.date_of_death is not None:
        out.append(facts.date_of_death)
    if facts.review is not None:
        out.append(facts.review.determined_on)
        if facts.review.further_date is not None:
            out.append(facts.review.further_date)
    return out


def outcome_change_dates(registration: Registration, obligations: tuple[Obligation, ...]) -> list[date]:
    """The day after each open obligation's last day (due becomes overdue), the day after the registration
    ends (no longer subject) and the review date."""
    out = [day_after(o.due) for o in obligations if o.status != "met"]
    if registration.end is not None:
        out.append(day_after(registration.end))
    if registration.review_eligible_from is not None:
        out.append(registration.review_eligible_from)
    return out


# --- Notification look-ups -------------------------------------------------------------------------


class Notes:
    """Notifications made on or before as_of, indexed by kind as sorted date lists."""

    __slots__ = ("change", "in_person", "initial", "items", "travel")

    def __init__(self, notifications: tuple[Notification, ...], as_of: date) -> None:
        items = sorted([n for n in notifications if n.date <= as_of], key=_BY_DATE)
        self.items = items
        in_person: list[date] = []
        change: list[date] = []
        travel: list[date] = []
        initial: list[date] = []
        for n in items:
            kind = n.kind
            if kind == "travel":
                travel.append(n.date)
            elif kind == "change":
                change.append(n.date)
                in_person.append(n.date)
            elif kind == "initial":
                initial.append(n.date)
                in_person.append(n.date)
            elif kind == "periodic":
                in_person.append(n.date)
        self.in_person = in_person
        self.change = change
        self.travel = travel
        self.initial = initial

    def last_in_person(self, since: date, kinds: frozenset[str] = IN_PERSON_KINDS) -> Notification | None:
        """The last full (initial, change or periodic) notification on or after ``since``; ``kinds``
        narrows the kinds that count."""
        for n in reversed(self.items):
            if n.date < since:
                return None
            if n.kind in kinds:
                return n
        return None


_BY_DATE = attrgetter("date")


def first_on_or_after(dates: list[date], lo: date, hi: date | None = None) -> date | None:
    """The earliest date in ``dates`` with lo <= date (<= hi)."""
    i = bisect_left(dates, lo)
    if i < len(dates):
        d = dates[i]
        if hi is None or d <= hi:
            return d
    return None


def first_after(dates: list[date], lo: date, hi: date | None = None) -> date | None:
    """The earliest date in ``dates`` with lo < date (<= hi)."""
    i = bisect_right(dates, lo)
    if i < len(dates):
        d = dates[i]
        if hi is None or d <= hi:
            return d
    return None


def last_on_or_before(dates: list[date], hi: date, lo: date | None = None) -> date | None:
    """The latest date in ``dates`` with (lo <=) date <= hi."""
    i = bisect_right(dates, hi)
    if i:
        d = dates[i - 1]
        if lo is None or d >= lo:
            return d
    return None


def any_between(dates: list[date], lo: date, hi_exclusive: date) -> bool:
    i = bisect_left(dates, lo)
    return i < len(dates) and dates[i] < hi_exclusive


# --- Building obligations --------------------------------------------------------------------------


def status_of(met_on: date | None, due: date, as_of: date) -> ObligationStatus:
    if met_on is not None:
        return "met"
    return "due" if as_of <= due else "overdue"


def obligation(
    kind: ObligationKind,
    trigger: date,
    due: date,
    met_on: date | None,
    as_of: date,
    citation: str,
    lead: str,
) -> Obligation:
    """Build an obligation; ``lead`` is the rule in words, the status clause is appended."""
    status = status_of(met_on, due, as_of)
    if met_on is not None:
        if met_on > due:
            late = (met_on - due).days
            clause = f"met late on {format_date(met_on)}, {days_word(late)} after the deadline"
        else:
            clause = f"met on {format_date(met_on)}"
    elif status == "due":
        clause = "not yet met"
    else:
        clause = f"not met and {days_word((as_of - due).days)} overdue"
    return Obligation(
        kind=kind,
        trigger=trigger,
        due=due,
        status=status,
        met_on=met_on,
        citation=citation,
        explanation=f"{lead} by {format_date(due)}: {clause}.",
    )


def sort_obligations(items: list[Obligation]) -> tuple[Obligation, ...]:
    return tuple(sorted(items, key=_obligation_key))


_KIND_ORDER = {
    "initial": 0,
    "change": 1,
    "non_occurrence": 2,
    "periodic": 3,
    "verification": 4,
    "travel": 5,
    "absence": 6,
}


def _obligation_key(o: Obligation) -> tuple[date, int, date]:
    return (o.due, _KIND_ORDER[o.kind], o.trigger)
