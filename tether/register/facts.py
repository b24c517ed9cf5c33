"""From a registrant document to the rules engine's facts (the only bridge between the two)."""

from __future__ import annotations

from datetime import date

from tether.core.clock import uk_date
from tether.obligations import types as t
from tether.people.constants import AddressKind, NameKind

from .documents import RegistrantDoc


def facts_for(doc: RegistrantDoc, jurisdiction: str) -> t.Facts:
    first = min((d.date for d in doc.disposals), default=None)

    def after_start(day: date) -> bool:
        return first is not None and day > first

    events: list[t.Event] = []
    for n in doc.names:
        if n.kind in (NameKind.CURRENT, NameKind.ALIAS) and after_start(n.valid_from):
            events.append(t.Event(kind="name_change", start=n.valid_from))
    homes = [a for a in doc.addresses if a.kind in (AddressKind.HOME, AddressKind.NFA)]
    for a in homes:
        if after_start(a.valid_from):
            events.append(t.Event(kind="address_change", start=a.valid_from))
    for d in doc.detentions:
        if d.kind == "abroad" and after_start(d.start):
            events.append(t.Event(kind="departure", start=d.start))
        elif d.end is not None and after_start(d.end):
            events.append(t.Event(kind="release", start=d.end))
    events.sort(key=lambda e: (e.start, e.kind))
    return t.Facts(
        jurisdiction=jurisdiction,  # type: ignore[arg-type]
        date_of_birth=doc.date_of_birth,
        disposals=tuple(
            t.Disposal(date=d.date, kind=d.kind, months=d.months, tier=d.tier)  # type: ignore[arg-type]
            for d in doc.disposals
        ),
        orders=tuple(t.Order(kind="shpo", start=o.start, end=o.end) for o in doc.orders),
        detentions=tuple(
            t.Detention(kind=d.kind, start=d.start, end=d.end)  # type: ignore[arg-type]
            for d in doc.detentions
        ),
        notifications=tuple(
            t.Notification(kind=n.kind, date=uk_date(n.received_at), no_fixed_abode=n.no_fixed_abode)  # type: ignore[arg-type]
            for n in sorted(doc.notifications, key=lambda n: n.received_at)
        ),
        events=tuple(events),
    )

