"""From a registrant's history to the rules engine's facts (the only bridge between the two).

A ``History`` is what the law and the register status read of one registrant, as plain values: it is built
either from a whole registrant document (``history_from_doc``: writes, imports, the demo) or straight from
database rows for a batch of people (``register.selectors.load_histories``: the full re-materialisation).
Both give the same ``History`` for the same registrant, and ``facts_from`` is the one conversion to
``obligations.Facts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tether.core.clock import uk_date
from tether.obligations import types as t

from . import extensions
from .constants import AddressKind, NameKind
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
      missing and wanted cases: kind ``missing`` or ``wanted``), see ``extensions``."""

    jurisdiction: str
    date_of_birth: date
    disposals: list[tuple[date, str, int | None, int | None]]
    orders: list[Span]
    detentions: list[Span]
    notifications: list[tuple[str, date, bool]]
    name_starts: list[date]
    home_starts: list[date]
    status_spans: list[Span]


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
    )


def facts_for(doc: RegistrantDoc, jurisdiction: str) -> t.Facts:
    return facts_from(history_from_doc(doc, jurisdiction))
