"""Small builders so each test row reads like the statute example it encodes."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from tether.obligations import evaluate
from tether.obligations.types import (
    Detention,
    Disposal,
    Event,
    Facts,
    Jurisdiction,
    Notification,
    Obligation,
    Order,
    Outcome,
    Review,
)


def D(s: str) -> date:
    return date.fromisoformat(s)


def disp(when: str, kind: Any = "other", months: int | None = None, tier: int | None = None, **kw: Any) -> Disposal:
    return Disposal(date=D(when), kind=kind, months=months, tier=tier, **kw)


def det(kind: Any, start: str, end: str | None = None) -> Detention:
    return Detention(kind=kind, start=D(start), end=D(end) if end else None)


def note(kind: Any, when: str, nfa: bool = False) -> Notification:
    return Notification(kind=kind, date=D(when), no_fixed_abode=nfa)


def ev(kind: Any, start: str, end: str | None = None, advance: str | None = None, **kw: Any) -> Event:
    return Event(
        kind=kind,
        start=D(start),
        end=D(end) if end else None,
        advance_notice_for=D(advance) if advance else None,
        **kw,
    )


def shpo(start: str, end: str | None = None) -> Order:
    return Order(kind="shpo", start=D(start), end=D(end) if end else None)


def review(determined_on: str, outcome: Any, further: str | None = None) -> Review:
    return Review(determined_on=D(determined_on), outcome=outcome, further_date=D(further) if further else None)


def facts(
    jurisdiction: Jurisdiction = "england-wales",
    dob: str = "1980-01-01",
    disposals: tuple[Disposal, ...] = (),
    orders: tuple[Order, ...] = (),
    detentions: tuple[Detention, ...] = (),
    notifications: tuple[Notification, ...] = (),
    events: tuple[Event, ...] = (),
    review: Review | None = None,
    clean: bool = False,
) -> Facts:
    return Facts(
        jurisdiction=jurisdiction,
        date_of_birth=D(dob),
        disposals=disposals,
        orders=orders,
        detentions=detentions,
        notifications=notifications,
        events=events,
        review=review,
        sorna_clean_record=clean,
    )


def run(f: Facts, as_of: str) -> Outcome:
    return evaluate(f, D(as_of))


def of_kind(outcome: Outcome, kind: str) -> list[Obligation]:
    return [o for o in outcome.obligations if o.kind == kind]


_ECHOES = (
    (re.compile(r"not met and \d+ days? overdue"), "not met and overdue"),
    (re.compile(r"absence from home of \d+ days?"), "absence from home"),
)


def normalised(outcome: Outcome) -> Outcome:
    """The outcome without what only echoes ``as_of``: the date itself, ``changes_on``, and the day counts
    in explanations (how many days overdue, how long an absence still going on has lasted)."""

    def plain(text: str) -> str:
        for pattern, repl in _ECHOES:
            text = pattern.sub(repl, text)
        return text

    return replace(
        outcome,
        as_of=date.min,
        changes_on=None,
        obligations=tuple(replace(o, explanation=plain(o.explanation)) for o in outcome.obligations),
    )


def only(outcome: Outcome, kind: str) -> Obligation:
    found = of_kind(outcome, kind)
    assert len(found) == 1, f"expected one {kind} obligation, got {found}"
    return found[0]
