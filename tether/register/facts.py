"""From a registrant's history to the rules engine's facts (the only bridge between the two).

A ``History`` is what the law and the register status read of one registrant, as plain values: it is built
either from a whole registrant document (``history_from_doc``: writes, imports, the demo) or straight from
database rows for a batch of people (``register.selectors.load_histories``: the full re-materialisation).
Both give the same ``History`` for the same registrant, and ``facts_from`` is the one conversion to
``obligations.Facts``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from tether.core.clock import uk_date
from tether.core.dates import long_date
from tether.obligations import contradictions
from tether.obligations import types as t

from . import extensions
from .constants import PRESCRIBED_SECTIONS, AddressKind, NameKind

if TYPE_CHECKING:
    from .documents import RegistrantDoc

# (kind, start) of the names and home addresses that count as changes once registration has started
NAME_KINDS = (NameKind.CURRENT.value, NameKind.ALIAS.value)
HOME_KINDS = (AddressKind.HOME.value, AddressKind.NFA.value)

Span = tuple[str, date, "date | None"]  # (kind, start, end)


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
    - ``prescribed``: (item, held from, held to) of the 2012 prescribed items (``register.prescribed``), by start."""

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
    prescribed: list[Span] = field(default_factory=list)


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
        prescribed=prescribed_order([(item, p.valid_from, p.valid_to) for key, item in PRESCRIBED_SECTIONS.items()
                                     for p in doc.sections.get(key) or []]),
    )


def facts_from(h: History) -> t.Facts:
    first = min((d[0] for d in h.disposals), default=None)
    events: list[t.Event] = []
    if first is not None:
        events += [t.Event(kind="name_change", start=day) for day in h.name_starts if day > first]
        events += [t.Event(kind="address_change", start=day) for day in h.home_starts if day > first]
        for kind, start, end in h.detentions:
            if kind == "abroad" and start > first:
                events.append(t.Event(kind="departure", start=start))
            elif end is not None and end > first:
                events.append(t.Event(kind="release", start=end))
        # a prescribed item begun or ended after registration began is a change to notify (2012 Regulations)
        for item, start, end in h.prescribed:
            events += [t.Event(kind="prescribed_change", start=day, item=item)  # type: ignore[arg-type]
                       for day in (start, end) if day is not None and day > first]
        events.sort(key=lambda e: (e.start, e.kind))
    return t.Facts(
        jurisdiction=h.jurisdiction,  # type: ignore[arg-type]
        date_of_birth=h.date_of_birth,
        disposals=tuple(
            t.Disposal(date=day, kind=kind, months=months, tier=tier)  # type: ignore[arg-type]
            for day, kind, months, tier in h.disposals
        ),
        orders=tuple(t.Order(kind="shpo", start=start, end=end) for _, start, end in h.orders),
        detentions=tuple(
            t.Detention(kind=kind, start=start, end=end)  # type: ignore[arg-type]
            for kind, start, end in h.detentions
        ),
        notifications=tuple(
            t.Notification(kind=kind, date=day, no_fixed_abode=nfa)  # type: ignore[arg-type]
            for kind, day, nfa in h.notifications
        ),
        events=tuple(events),
        date_of_death=h.date_of_death,
    )


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
        elif m and m.group(1) == "events":
            path = "detentions"  # a release is the end of a detention (``facts_from``)
        out.append(Problem(path, RULES.get(err.rule, err.message), err.rule, err.day))
    return out


def doc_problems(doc: RegistrantDoc, jurisdiction: str) -> dict[str, list[str]]:
    """The contract's contradictions in a whole registrant document (new registrants, import lines), by field."""
    order = sorted(range(len(doc.notifications)), key=lambda i: doc.notifications[i].received_at)
    errors: dict[str, list[str]] = {}
    for problem in contract_problems(history_from_doc(doc, jurisdiction), order):
        errors.setdefault(problem.path, []).append(problem.message)
    return errors
