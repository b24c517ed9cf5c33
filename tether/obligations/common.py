"""Machinery shared by every jurisdiction: the jurisdiction interface, registration spells,
notification look-ups and the way an obligation is built, given its status and explained."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import fields
from datetime import date
from operator import attrgetter
from typing import Any, Final, NamedTuple, Protocol, TypeVar, final

from .calendar import ONE_DAY, format_date
from .types import (
    Disposal,
    Facts,
    Jurisdiction,
    Notification,
    Obligation,
    ObligationKind,
    ObligationStatus,
    Outcome,
    Registration,
)

_BY_START: Final = attrgetter("start")

IN_PERSON_KINDS: Final = frozenset({"initial", "change", "periodic"})
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


@final
class Period:
    """One source of being subject: a disposal's notification period or an order's life."""

    __slots__ = ("disposal", "end", "halved", "indefinite", "order", "start")

    def __init__(
        self,
        start: date,
        end: date | None,  # last day subject; None = indefinite / until further order
        disposal: Disposal | None = None,  # None for an order
        halved: bool = False,
        indefinite: bool = False,  # an indefinite period from a disposal (not from an open order)
        order: str = "shpo",  # the kind of order (for an order's period)
    ) -> None:
        self.start = start
        self.end = end
        self.disposal = disposal
        self.halved = halved
        self.indefinite = indefinite
        self.order = order


@final
class Spell:
    """A continuous run of being subject, made of overlapping or adjacent periods."""

    __slots__ = ("end", "periods", "start")

    def __init__(self, start: date, end: date | None, periods: list[Period] | None = None) -> None:
        self.start = start
        self.end = end
        self.periods: list[Period] = [] if periods is None else periods

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
            out += (o.end, o.end if o.end == date.max else o.end + ONE_DAY)
    for x in facts.detentions:
        out.append(x.start)
        if x.end is not None:
            out += (x.end, x.end if x.end == date.max else x.end + ONE_DAY)
    for e in facts.events:
        out.append(e.start)
        if e.end is not None:
            out += (e.end, e.end if e.end == date.max else e.end + ONE_DAY)
        if e.advance_notice_for is not None:
            out.append(e.advance_notice_for)
        if e.notified_on is not None:
            out.append(e.notified_on)
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
    out = [o.due if o.due == date.max else o.due + ONE_DAY for o in obligations if o.status != "met"]
    if registration.end is not None:
        out.append(day_after(registration.end))
    if registration.review_eligible_from is not None:
        out.append(registration.review_eligible_from)
    return out


def next_change(
    facts: Facts, registration: Registration, obligations: tuple[Obligation, ...], own: list[date], as_of: date
) -> date | None:
    """The earliest day after ``as_of`` among ``fact_change_dates(facts)``, ``outcome_change_dates(registration,
    obligations)`` and ``own`` (None when there is none): the same day as the minimum of those lists' days after
    ``as_of``, found in one pass without making the lists."""
    best: date | None = None
    for disposal in facts.disposals:
        best = _earlier(best, disposal.date, as_of)
    for n in facts.notifications:
        best = _earlier(best, n.date, as_of)
    for o in facts.orders:
        best = _earlier(best, o.start, as_of)
        best = _end_and_after(best, o.end, as_of)
    for x in facts.detentions:
        best = _earlier(best, x.start, as_of)
        best = _end_and_after(best, x.end, as_of)
    for e in facts.events:
        best = _earlier(best, e.start, as_of)
        best = _end_and_after(best, e.end, as_of)
        best = _earlier(best, e.advance_notice_for, as_of)
        best = _earlier(best, e.notified_on, as_of)
    best = _earlier(best, facts.date_of_death, as_of)
    review = facts.review
    if review is not None:
        best = _earlier(best, review.determined_on, as_of)
        best = _earlier(best, review.further_date, as_of)
    for ob in obligations:
        if ob.status != "met":
            due = ob.due
            best = _earlier(best, due if due == date.max else due + ONE_DAY, as_of)
    end = registration.end
    if end is not None:
        best = _earlier(best, day_after(end), as_of)
    best = _earlier(best, registration.review_eligible_from, as_of)
    for d in own:
        best = _earlier(best, d, as_of)
    return best


def _earlier(best: date | None, d: date | None, as_of: date) -> date | None:
    """``d`` when it is after ``as_of`` and before ``best`` (or there is no ``best``), else ``best``."""
    if d is None or d <= as_of or (best is not None and d >= best):
        return best
    return d


def _end_and_after(best: date | None, end: date | None, as_of: date) -> date | None:
    """``_earlier`` for an end and the day after it (``fact_change_dates``)."""
    if end is None:
        return best
    best = _earlier(best, end, as_of)
    return _earlier(best, end if end == date.max else end + ONE_DAY, as_of)


# --- Notification look-ups -------------------------------------------------------------------------


class Notes:
    """Notifications made on or before as_of, indexed by kind as sorted date lists."""

    __slots__ = ("change", "full_or_prescribed", "in_person", "initial", "items", "travel")

    items: list[Notification]
    in_person: list[date]
    change: list[date]
    travel: list[date]
    initial: list[date]
    full_or_prescribed: list[date]  # initial, change, periodic and prescribed: those that give the prescribed items

    def __init__(self, notifications: tuple[Notification, ...], as_of: date) -> None:
        self.items = items = []
        self.in_person = in_person = []
        self.change = change = []
        self.travel = travel = []
        self.initial = initial = []
        self.full_or_prescribed = full_or_prescribed = []
        # One pass over notifications already in date order (the usual case: they are stored so), the commonest
        # kind first; out of order, they are sorted first (a stable sort: the same order for equal dates).
        ordered = notifications
        for _ in range(2):
            prev: date | None = None
            for n in ordered:
                d = n.date
                if d > as_of:
                    continue
                if prev is not None and d < prev:
                    break
                prev = d
                items.append(n)
                kind = n.kind
                if kind == "periodic":
                    in_person.append(d)
                    full_or_prescribed.append(d)
                elif kind == "change":
                    change.append(d)
                    in_person.append(d)
                    full_or_prescribed.append(d)
                elif kind == "travel":
                    travel.append(d)
                elif kind == "initial":
                    initial.append(d)
                    in_person.append(d)
                    full_or_prescribed.append(d)
                elif kind == "prescribed":
                    full_or_prescribed.append(d)
            else:
                return
            ordered = tuple(sorted(notifications, key=_BY_DATE))
            for kept in (items, in_person, change, travel, initial, full_or_prescribed):
                kept.clear()

    def last_in_person(self, since: date, kinds: frozenset[str] = IN_PERSON_KINDS) -> Notification | None:
        """The last full (initial, change or periodic) notification on or after ``since``; ``kinds``
        narrows the kinds that count."""
        for n in reversed(self.items):
            if n.date < since:
                return None
            if n.kind in kinds:
                return n
        return None


_BY_DATE: Final = attrgetter("date")


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


def trip_notice(travel: list[date], notified_on: date | None, lo: date, departure: date) -> date | None:
    """The travel notification (a date in ``travel``, made on or before as_of) that meets a departure's notice
    duty. ``notified_on`` (the trip's own notification) decides when given: met by it when made no later than the
    departure day. Without it, the first travel notification after ``lo`` (the previous departure) and no later
    than the departure day."""
    if notified_on is None:
        return first_after(travel, lo, departure)
    if notified_on > departure:
        return None
    i = bisect_left(travel, notified_on)
    return notified_on if i < len(travel) and travel[i] == notified_on else None


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


# --- Building the outcome's values -------------------------------------------------------------------

_T = TypeVar("_T")
_object_new: Final = object.__new__
_object_setattr: Final = object.__setattr__


def _builds_alike(cls: type[Any]) -> bool:
    """Whether an instance of the dataclass ``cls`` made by filling its ``__dict__`` is the very value its
    ``__init__`` makes (true for a plain frozen dataclass: no ``__slots__``, no ``__post_init__``)."""
    if "__slots__" in cls.__dict__ or hasattr(cls, "__post_init__"):
        return False
    values = {f.name: f"probe {i}" for i, f in enumerate(fields(cls))}
    made = cls(**values)
    try:
        built = _object_new(cls)
        _object_setattr(built, "__dict__", dict(values))
    except (AttributeError, TypeError):
        return False
    return bool(built == made) and repr(built) == repr(made) and vars(built) == vars(made)


# A frozen dataclass's __init__ sets each field through object.__setattr__, one call per field; the engine makes
# thousands of these values a second, so they are built by filling the instance's __dict__ in one step. Checked
# once here: a type that stops building alike (given __slots__ or a __post_init__) falls back to __init__.
# Only a call that gives every field is built so (a field added later with a default is then left to __init__).
_BY_DICT: Final[dict[type[Any], frozenset[str]]] = {
    c: frozenset(f.name for f in fields(c)) for c in (Obligation, Registration, Outcome) if _builds_alike(c)
}
_OBLIGATION_BY_DICT: Final = _BY_DICT.get(Obligation) == frozenset(
    ("kind", "trigger", "due", "status", "met_on", "citation", "explanation")
)
_REGISTRATION_BY_DICT: Final = _BY_DICT.get(Registration) == frozenset(
    ("start", "end", "indefinite", "subject", "review_eligible_from", "citations")
)
_OUTCOME_BY_DICT: Final = _BY_DICT.get(Outcome) == frozenset(
    ("rules_version", "jurisdiction", "as_of", "registration", "obligations", "changes_on", "eligibility")
)


def build(cls: type[_T], values: dict[str, Any]) -> _T:
    """``cls(**values)`` for the engine's frozen outcome types, made without a call per field."""
    if _BY_DICT.get(cls) == values.keys():
        o: _T = _object_new(cls)
        _object_setattr(o, "__dict__", values)
        return o
    return cls(**values)


def new_registration(
    start: date, end: date | None, indefinite: bool, subject: bool, review_eligible_from: date | None,
    citations: tuple[str, ...],
) -> Registration:
    """``Registration(...)`` with every field given, built as ``build`` does (one step when the type allows)."""
    values: dict[str, Any] = {"start": start, "end": end, "indefinite": indefinite, "subject": subject,
                              "review_eligible_from": review_eligible_from, "citations": citations}
    if _REGISTRATION_BY_DICT:
        r: Registration = _object_new(Registration)
        _object_setattr(r, "__dict__", values)
        return r
    return Registration(**values)


def new_outcome(
    rules_version: str, jurisdiction: Jurisdiction, as_of: date, registration: Registration,
    obligations: tuple[Obligation, ...], changes_on: date | None, eligibility: tuple[Any, ...],
) -> Outcome:
    """``Outcome(...)`` with every field given, built as ``build`` does (one step when the type allows)."""
    values: dict[str, Any] = {"rules_version": rules_version, "jurisdiction": jurisdiction, "as_of": as_of,
                              "registration": registration, "obligations": obligations, "changes_on": changes_on,
                              "eligibility": eligibility}
    if _OUTCOME_BY_DICT:
        o: Outcome = _object_new(Outcome)
        _object_setattr(o, "__dict__", values)
        return o
    return Outcome(**values)


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
    status: ObligationStatus
    if met_on is not None:
        status = "met"
        if met_on > due:
            late = (met_on - due).days
            clause = f"met late on {format_date(met_on)}, {'1 day' if late == 1 else f'{late} days'} after the deadline"
        else:
            clause = f"met on {format_date(met_on)}"
    elif as_of <= due:
        status = "due"
        clause = "not yet met"
    else:
        status = "overdue"
        over = (as_of - due).days
        clause = f"not met and {'1 day' if over == 1 else f'{over} days'} overdue"
    values = {
        "kind": kind,
        "trigger": trigger,
        "due": due,
        "status": status,
        "met_on": met_on,
        "citation": citation,
        "explanation": f"{lead} by {format_date(due)}: {clause}.",
    }
    if _OBLIGATION_BY_DICT:
        o: Obligation = _object_new(Obligation)
        _object_setattr(o, "__dict__", values)
        return o
    return Obligation(**values)  # type: ignore[arg-type]


def sort_obligations(items: list[Obligation]) -> tuple[Obligation, ...]:
    if len(items) < 2:
        return tuple(items)
    items.sort(key=_obligation_key)
    return tuple(items)


_KIND_ORDER: Final[dict[str, int]] = {
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
