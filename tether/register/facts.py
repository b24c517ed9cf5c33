"""From a registrant's history to the rules engine's facts (the only bridge between the two).

A ``History`` is what the law and the register status read of one registrant, as plain values: it is built
either from a whole registrant document (``history_from_doc``: writes, imports, the demo) or straight from
database rows for a batch of people (``register.selectors.load_histories``: the full re-materialisation).
Both give the same ``History`` for the same registrant, and ``facts_from`` is the one conversion to
``obligations.Facts``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from tether.core.clock import uk_date
from tether.core.dates import long_date
from tether.obligations import contradictions
from tether.obligations import types as t

from . import extensions
from .constants import ENGINE_ORDER_KINDS, PRESCRIBED_SECTIONS, AddressKind, NameKind
from .legal_documents import determination, review_fact
from .travel import ADVANCE_EVENT_KIND, current_trips, stay_key, trip_notified_on

if TYPE_CHECKING:
    from .documents import RegistrantDoc

# (kind, start) of the names and home addresses that count as changes once registration has started
NAME_KINDS = (NameKind.CURRENT.value, NameKind.ALIAS.value)
HOME_KINDS = (AddressKind.HOME.value, AddressKind.NFA.value)

Span = tuple[str, date, "date | None"]  # (kind, start, end)
# (departure, return date, first country, short notice, the day the trip was notified)
Trip = tuple[date, "date | None", "str | None", bool, "date | None"]

# An advance notice whose change has not happened (or not been recorded) reaches the rules engine as the change
# dated after any as_of: "not happened yet", which is when the engine's non-occurrence duty applies.
NOT_HAPPENED = date.max


@dataclass(frozen=True, slots=True)
class History:
    """One registrant's history as read by the rules, each list in the register's order.

    - ``disposals``: (date, kind, months, tier), by date;
    - ``orders``, ``detentions``: (kind, start, end), by start;
    - ``notifications``: (kind, UK date received, no fixed abode), by time received;
    - ``name_starts``: start dates of current names and aliases; ``home_starts``: of home/NFA addresses;
    - ``status_spans``: (kind, start, end) of what other packages hold that sets the register status (casework's
      missing and wanted cases: kind ``missing`` or ``wanted``), see ``extensions``;
    - ``date_of_death``: when they died (None: alive, or not known to have died);
    - ``trips``: (departure, return date, first country, short notice, notified on) of each trip as it stands, not
      cancelled, by departure: time abroad (the only record of it) and the departures the travel rules read; notified
      on is the UK date of the travel notification linked to the trip's first version that has one (None: none);
    - ``stays``: (start, end, address key) of each stay at other premises, by start;
    - ``advance_notices``: (change, UK date given, expected date) of each advance notice, by time given;
    - ``prescribed``: (item, held from, held to) of the 2012 prescribed items (``register.prescribed``), by start,
      leaving out those entered in error;
    - ``review``: the latest determination on a review of indefinite notification (date, outcome, further date;
      ``legal_documents.determination``), None when none was made."""

    jurisdiction: str
    date_of_birth: date
    disposals: list[tuple[date, str, int | None, int | None]]
    orders: list[Span]
    detentions: list[Span]
    notifications: list[tuple[str, date, bool]]
    name_starts: list[date]
    home_starts: list[date]
    status_spans: list[Span]
    date_of_death: date | None = None
    trips: list[Trip] = field(default_factory=list)
    stays: list[Span] = field(default_factory=list)
    advance_notices: list[tuple[str, date, date]] = field(default_factory=list)
    prescribed: list[Span] = field(default_factory=list)
    review: tuple[date, str, date | None] | None = None

    def periods(self) -> list[Span]:
        """Custody, hospital and time abroad: the detentions, then each trip as an ``abroad`` period."""
        return [*self.detentions, *(("abroad", dep, ret) for dep, ret, *_rest in self.trips)]


def notified_on(received_at: datetime) -> date:
    """The UK date of a notification. ``received_at`` is aware: documents require a time zone and the
    selectors make raw database values aware (``_aware``) before they get here."""
    return uk_date(received_at)


def prescribed_order(spans: list[Span]) -> list[Span]:
    """The prescribed items in the one order both readers give: by start, item, end."""
    return sorted(spans, key=lambda s: (s[1], s[0], s[2] or date.max))


def history_from_doc(doc: RegistrantDoc, jurisdiction: str) -> History:
    return History(
        jurisdiction=jurisdiction,
        date_of_birth=doc.date_of_birth,
        disposals=[(d.date, d.kind, d.months, d.tier) for d in doc.disposals],
        orders=[(o.kind, o.start, o.end) for o in doc.orders],
        detentions=[(d.kind, d.start, d.end) for d in doc.detentions],
        notifications=[
            (n.kind, notified_on(n.received_at), n.no_fixed_abode)
            for n in sorted(doc.notifications, key=lambda n: n.received_at)
        ],
        name_starts=[n.valid_from for n in doc.names if n.kind in NAME_KINDS],
        home_starts=[a.valid_from for a in doc.addresses if a.kind in HOME_KINDS],
        status_spans=[
            span for section in extensions.sections()
            for span in section.spans(doc.sections.get(section.key, section.empty()))
        ],
        date_of_death=doc.date_of_death,
        trips=[(t.departure, t.return_date, t.countries[0] if t.countries else None, t.short_notice,
                trip_notified_on(doc.trips, t.number))
               for t in current_trips(doc.trips) if not t.cancelled],
        stays=sorted(((stay_key(s.line1, s.postcode), s.start, s.end) for s in doc.stays), key=lambda s: (s[1], s[0])),
        advance_notices=sorted(((a.change, notified_on(a.given_at), a.expected_on) for a in doc.advance_notices),
                               key=lambda a: a[1]),
        prescribed=prescribed_order([(item, p.valid_from, p.valid_to) for key, item in PRESCRIBED_SECTIONS.items()
                                     for p in doc.sections.get(key) or [] if p.entered_in_error_on is None]),
        review=determination(doc.reviews),
    )


def facts_from(h: History) -> t.Facts:
    first = min((d[0] for d in h.disposals), default=None)
    events: list[t.Event] = []
    if first is not None:
        events += [t.Event(kind="name_change", start=day) for day in h.name_starts if day > first]
        events += [t.Event(kind="address_change", start=day) for day in h.home_starts if day > first]
        # A release is not an event of the register's: the rules engine derives it from the end of each custody or
        # hospital detention (s.84(1)(c)), the one place that knows which detentions a release ends.
        events += [t.Event(kind="departure", start=start) for kind, start, _end in h.detentions
                   if kind == "abroad" and start > first]
        # the trip's own notification, when linked, meets its travel duty (two trips notified together are each met)
        events += [t.Event(kind="departure", start=dep, end=ret, country=country, short_notice=short,
                           notified_on=notified)
                   for dep, ret, country, short, notified in h.trips if dep > first]
        events += [t.Event(kind="stay", start=start, end=end, address=key) for key, start, end in h.stays]
        # a prescribed item begun or ended after registration began is a change to notify (2012 Regulations)
        for item, start, end in h.prescribed:
            events += [t.Event(kind="prescribed_change", start=day, item=item)  # type: ignore[arg-type]
                       for day in (start, end) if day is not None and day > first]
        events.sort(key=lambda e: (e.start, e.kind))
        events = _with_advance_notices(events, h.advance_notices)
    return t.Facts(
        jurisdiction=h.jurisdiction,  # type: ignore[arg-type]
        date_of_birth=h.date_of_birth,
        disposals=tuple(
            t.Disposal(date=day, kind=kind, months=months, tier=tier)  # type: ignore[arg-type]
            for day, kind, months, tier in h.disposals
        ),
        orders=tuple(t.Order(kind=kind, start=start, end=end)  # type: ignore[arg-type]
                     for kind, start, end in h.orders if kind in ENGINE_ORDER_KINDS),
        detentions=tuple(
            t.Detention(kind=kind, start=start, end=end)  # type: ignore[arg-type]
            for kind, start, end in h.periods()
        ),
        notifications=tuple(
            t.Notification(kind=kind, date=day, no_fixed_abode=nfa)  # type: ignore[arg-type]
            for kind, day, nfa in h.notifications
        ),
        events=tuple(events),
        date_of_death=h.date_of_death,
        review=review_fact(h.review),
    )


def _with_advance_notices(events: list[t.Event], notices: list[tuple[str, date, date]]) -> list[t.Event]:
    """Each advance notice, as ``advance_notice_for`` on the change it announced: the first change of its kind on or
    after the day it was given (the rules engine decides whether it came within 2 days of the expected date). One
    whose change has not happened goes in as that change not yet made (``NOT_HAPPENED``); for a stay, as a change
    of address not yet made (the engine asks only whether the announced change happened)."""
    used: set[int] = set()
    extra: list[t.Event] = []
    for change, given, expected in notices:
        kind = ADVANCE_EVENT_KIND[change]
        i = next((i for i, e in enumerate(events) if i not in used and e.kind == kind and e.start >= given), None)
        if i is None:
            extra.append(t.Event(kind="address_change" if kind == "stay" else kind,  # type: ignore[arg-type]
                                 start=NOT_HAPPENED, advance_notice_for=expected))
        else:
            used.add(i)
            events[i] = replace(events[i], advance_notice_for=expected)
    return events + extra


def facts_for(doc: RegistrantDoc, jurisdiction: str) -> t.Facts:
    return facts_from(history_from_doc(doc, jurisdiction))


# --- The rules engine's input contract, applied to the register's own writes ------------------------------------

# Each contradiction of the rules engine's contract (``obligations.contradictions``), as the register words it: the
# thing that is wrong, then the rule it breaks (docs/rules.md, "Facts that contradict each other").
RULES = {
    "tier_on_uk": "is a US SORNA tier, but this is a UK record (the rule: a tier is given only on a US SORNA record)",
    "uk_kind_on_sorna": "is a UK disposal, but this is a US SORNA record (the rule: UK disposals only on UK records)",
    "born_after_disposal": "must not be after a conviction, caution or finding (the rule: birth comes first)",
    "ends_before_start": "must not be before the start (the rule: a period ends on or after it starts)",
    "custody_overlap": "overlaps another custody period (the rule: custody periods cannot overlap)",
    "notification_before_cause": "is before any conviction, caution, finding or order (the rule: a notification "
                                 "answers a disposal or an order, so it cannot come before every one of them)",
    "release_before_sentence": "ends before the first conviction, caution or finding (the rule: a release "
                               "comes after sentence)",
    "death_before_birth": "must not be before the date of birth (the rule: birth comes first)",
    "after_death": "is after the date of death (the rule: nothing is dated after a person's death)",
    "trip_notice_missing": "is not the date of a travel notification (the rule: a trip is notified by a travel "
                           "notification)",
}
_WHAT = {"disposals": "conviction, caution or finding", "orders": "order", "detentions": "detention",
         "notifications": "notification"}
_INDEXED = re.compile(r"(\w+)\[(\d+)\]\.(\w+)")


@dataclass(frozen=True, slots=True)
class Problem:
    """One contradiction: the field path in the registrant document, the message naming the rule, the rule's key
    and the date of the offending fact."""

    path: str
    message: str
    rule: str
    day: date | None

    def for_death(self) -> str:
        """The message worded for the date of death field (when changing it made the contradiction)."""
        if self.rule != "after_death":
            return self.message
        m = _INDEXED.fullmatch(self.path)
        what = _WHAT.get(m.group(1) if m else "", "record")
        when = f" on {long_date(self.day)}" if self.day else ""
        return f"must not be before the {what}{when} (the rule: nothing is dated after a person's death)"


def contract_problems(h: History, notification_index: list[int] | None = None) -> list[Problem]:
    """What in a registrant's would-be history contradicts itself, by the rules engine's own contract.
    ``notification_index`` maps the history's notifications (in time order) back to the document's (None: the
    same order)."""
    out = []
    for err in contradictions(facts_from(h)):
        path = err.field
        m = _INDEXED.fullmatch(path)
        if m and m.group(1) == "notifications":
            i = int(m.group(2))
            path = f"notifications[{notification_index[i] if notification_index else i}].received_at"
        elif m and m.group(1) == "orders":  # the engine reads only some kinds of order (``facts_from``)
            kept = [i for i, (kind, _, _) in enumerate(h.orders) if kind in ENGINE_ORDER_KINDS]
            path = f"orders[{kept[int(m.group(2))]}].{m.group(3)}"
        elif m and m.group(1) == "events" and m.group(3) == "notified_on":
            path = "trips"  # a trip's notification is the register's own link (documents check it first)
        elif m and m.group(1) == "events":
            # the register gives the engine no release event (the engine derives releases from detentions), so no
            # event of its breaks the contract today; should one, the detentions are what the events come from
            path = "detentions"
        elif m and m.group(1) == "detentions" and int(m.group(2)) >= len(h.detentions):
            path = "trips"  # the trips follow the detentions (``History.periods``)
        out.append(Problem(path, RULES.get(err.rule, err.message), err.rule, err.day))
    return out


def doc_problems(doc: RegistrantDoc, jurisdiction: str) -> dict[str, list[str]]:
    """The contract's contradictions in a whole registrant document (new registrants, import lines), by field."""
    order = sorted(range(len(doc.notifications)), key=lambda i: doc.notifications[i].received_at)
    errors: dict[str, list[str]] = {}
    for problem in contract_problems(history_from_doc(doc, jurisdiction), order):
        errors.setdefault(problem.path, []).append(problem.message)
    return errors
