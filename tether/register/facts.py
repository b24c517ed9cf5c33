"""From a registrant's history to the rules engine's facts (the only bridge between the two).

A ``History`` is what the law and the register status read of one registrant, as plain values: it is built
either from a whole registrant document (``history_from_doc``: writes, imports, the demo) or straight from
database rows for a batch of people (``register.selectors.load_histories``: the full re-materialisation).
Both give the same ``History`` for the same registrant, and ``facts_from`` is the one conversion to
``obligations.Facts``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from tether.core.clock import uk_date
from tether.core.dates import long_date
from tether.obligations import contradictions
from tether.obligations import types as t

from . import extensions
from .constants import ENGINE_ORDER_KINDS, AddressKind, NameKind
from .legal_documents import determination, review_fact

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
    review: tuple[date, str, date | None] | None = None


def notified_on(received_at: datetime) -> date:
    """The UK date of a notification. ``received_at`` is aware: documents require a time zone and the
    selectors make raw database values aware (``_aware``) before they get here."""
    return uk_date(received_at)


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
        review=determination(doc.reviews),
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
        events.sort(key=lambda e: (e.start, e.kind))
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
            for kind, start, end in h.detentions
        ),
        notifications=tuple(
            t.Notification(kind=kind, date=day, no_fixed_abode=nfa)  # type: ignore[arg-type]
            for kind, day, nfa in h.notifications
        ),
        events=tuple(events),
        date_of_death=h.date_of_death,
        review=review_fact(h.review),
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
        elif m and m.group(1) == "orders":  # the engine reads only some kinds of order (``facts_from``)
            kept = [i for i, (kind, _, _) in enumerate(h.orders) if kind in ENGINE_ORDER_KINDS]
            path = f"orders[{kept[int(m.group(2))]}].{m.group(3)}"
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
