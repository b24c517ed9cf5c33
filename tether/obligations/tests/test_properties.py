"""Hypothesis properties over generated, contract-valid fact sets (deterministic: derandomize=True)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tether.obligations import evaluate, facts_to_dict, outcome_to_dict, parse_facts
from tether.obligations.types import (
    DETENTION_KINDS,
    DISPOSAL_KINDS,
    EVENT_KINDS,
    JURISDICTIONS,
    NOTIFICATION_KINDS,
    PRESCRIBED_ITEMS,
    UK_ONLY_DISPOSAL_KINDS,
    Detention,
    Disposal,
    Event,
    Facts,
    Jurisdiction,
    Notification,
    Order,
    Outcome,
    Review,
)

from .factories import normalised

PROPERTY = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BASE = date(2000, 1, 1).toordinal()
SPAN = 365 * 30


SORNA_DISPOSAL_KINDS = tuple(k for k in DISPOSAL_KINDS if k not in UK_ONLY_DISPOSAL_KINDS)


def _day(draw: Callable[[Any], Any], lo: int = 0, hi: int = SPAN, base: int = BASE) -> date:
    return date.fromordinal(base + draw(st.integers(lo, hi)))


def _custody_overlaps(a: Detention, b: Detention) -> bool:
    return (
        a.kind == b.kind == "custody"
        and (a.end is None or b.start < a.end)
        and (b.end is None or a.start < b.end)
        and (a.end is None or a.end > a.start)
        and (b.end is None or b.end > b.start)
    )


def contract_valid(facts: Facts) -> Facts:
    """The facts with what the contract rejects as contradictory taken out: notifications before any
    disposal or order move to the first of them, a custody overlapping an earlier one is dropped, a release
    before the first disposal is dropped."""
    causes = [d.date for d in facts.disposals] + [o.start for o in facts.orders]
    first = min(causes)
    notifications = tuple(n if n.date >= first else replace(n, date=first) for n in facts.notifications)
    kept: list[Detention] = []
    for x in facts.detentions:
        if not any(_custody_overlaps(k, x) for k in kept):
            kept.append(x)
    first_disposal = min((d.date for d in facts.disposals), default=None)
    events = tuple(e for e in facts.events
                   if not (e.kind == "release" and first_disposal is not None and e.start < first_disposal))
    return replace(facts, notifications=notifications, detentions=tuple(kept), events=events)


@st.composite
def detentions(draw: Any, base: int = BASE) -> Detention:
    start = _day(draw, base=base)
    end = None if draw(st.integers(0, 5)) == 0 else start + timedelta(days=draw(st.integers(0, 800)))
    return Detention(kind=draw(st.sampled_from(DETENTION_KINDS)), start=start, end=end)


@st.composite
def fact_sets(
    draw: Any,
    jurisdiction: Jurisdiction | None = None,
    max_disposals: int = 3,
    with_detentions: bool = True,
    base: int = BASE,
    span: int = SPAN,
    event_kinds: tuple[Any, ...] = EVENT_KINDS,
) -> tuple[Facts, date]:
    """Contract-valid facts with every date from ``base`` (an ordinal) to ``span`` days after it."""

    def day(lo: int = 0, hi: int = span) -> date:
        return _day(draw, lo, hi, base)

    jur: Jurisdiction = jurisdiction or draw(st.sampled_from(JURISDICTIONS))
    dob = date.fromordinal(base - draw(st.integers(365 * 5, 365 * 50)))
    disposals = []
    for _ in range(draw(st.integers(1, max_disposals))):
        kind = draw(st.sampled_from(SORNA_DISPOSAL_KINDS if jur == "us-sorna" else DISPOSAL_KINDS))
        needs_months = kind in ("imprisonment", "conditional_discharge")
        months = draw(st.integers(1, 60)) if needs_months or draw(st.booleans()) else None
        disposals.append(
            Disposal(
                date=day(),
                kind=kind,
                months=months,
                tier=draw(st.integers(1, 3)) if jur == "us-sorna" else None,
                adjudicated_delinquent=jur == "us-sorna" and draw(st.booleans()),
            )
        )
    notifications = [
        Notification(
            kind=draw(st.sampled_from(NOTIFICATION_KINDS)),
            date=day(),
            no_fixed_abode=draw(st.integers(0, 4)) == 0,
        )
        for _ in range(draw(st.integers(0, 15)))
    ]
    events = []
    for _ in range(draw(st.integers(0, 5))):
        start = day()
        kind_e = draw(st.sampled_from(event_kinds))
        events.append(
            Event(
                kind=kind_e,
                start=start,
                end=None if draw(st.booleans()) else start + timedelta(days=draw(st.integers(0, 20))),
                address=draw(st.sampled_from(["A", "B", None])),
                advance_notice_for=None if draw(st.booleans()) else start + timedelta(days=draw(st.integers(-6, 6))),
                country=draw(st.sampled_from(["IE", "FR", None])),
                short_notice=draw(st.booleans()),
                item=draw(st.sampled_from([*PRESCRIBED_ITEMS, None])) if kind_e == "prescribed_change" else None,
            )
        )
    orders = []
    if draw(st.booleans()):
        start = day()
        end = None if draw(st.booleans()) else start + timedelta(days=draw(st.integers(0, 4000)))
        orders.append(Order(kind="shpo", start=start, end=end))
    review = None
    if draw(st.booleans()):
        review = Review(
            determined_on=day(),
            outcome=draw(st.sampled_from(["discharged", "refused", "continued"])),
            further_date=None if draw(st.booleans()) else day(),
        )
    dets = draw(st.lists(detentions(base), max_size=3)) if with_detentions else []
    facts = Facts(
        jurisdiction=jur,
        date_of_birth=dob,
        disposals=tuple(disposals),
        orders=tuple(orders),
        detentions=tuple(dets),
        notifications=tuple(notifications),
        events=tuple(events),
        review=review,
        sorna_clean_record=draw(st.booleans()),
    )
    return contract_valid(facts), day(0, span + 365 * 6)


def _dues(outcome: Outcome) -> dict[tuple[str, date], date]:
    """Earliest due per (kind, trigger)."""
    out: dict[tuple[str, date], date] = {}
    for o in outcome.obligations:
        key = (o.kind, o.trigger)
        if key not in out or o.due < out[key]:
            out[key] = o.due
    return out


@PROPERTY
@given(fact_sets())
def test_evaluate_never_raises_and_outcome_is_consistent(case: tuple[Facts, date]) -> None:
    facts, as_of = case
    outcome = evaluate(facts, as_of)
    reg = outcome.registration
    if reg.start is None:
        assert reg.end is None and not reg.subject and outcome.obligations == ()
    if reg.start is not None and reg.end is not None:
        assert reg.end >= reg.start
    assert reg.indefinite is (reg.start is not None and reg.end is None)
    for o in outcome.obligations:
        assert (o.status == "met") is (o.met_on is not None)
        if o.met_on is not None:
            assert o.met_on <= as_of
        elif o.status == "due":
            assert as_of <= o.due
        else:
            assert as_of > o.due
        assert (reg.start is not None and reg.start <= o.trigger) or o.kind in ("travel", "absence")
        if reg.end is not None:
            assert o.due <= reg.end
        assert o.citation and o.explanation.endswith(".")
    # the JSON contract round-trips and gives the same answer
    again, as_of2 = parse_facts(json.loads(json.dumps(facts_to_dict(facts, as_of))))
    assert again == facts and as_of2 == as_of
    json.dumps(outcome_to_dict(outcome))


@PROPERTY
@given(fact_sets(), st.data())
def test_adding_a_detention_never_makes_a_deadline_earlier(case: tuple[Facts, date], data: Any) -> None:
    facts, as_of = case
    if facts.jurisdiction == "us-sorna":
        # one disposal: with several, a longer period can merge spells and bring in a higher tier
        facts = replace(facts, disposals=facts.disposals[:1])
    extra = data.draw(detentions())
    before = evaluate(facts, as_of)
    after = evaluate(replace(facts, detentions=(*facts.detentions, extra)), as_of)
    b, a = _dues(before), _dues(after)
    for key in b.keys() & a.keys():
        assert a[key] >= b[key], key
    rb, ra = before.registration, after.registration
    if rb.end is not None and ra.end is not None and rb.start == ra.start:
        assert ra.end >= rb.end


@PROPERTY
@given(fact_sets(with_detentions=False), st.data())
def test_a_later_notification_never_makes_the_next_periodic_date_earlier(case: tuple[Facts, date], data: Any) -> None:
    # Without detentions: the s.85(4) custody extension can legitimately give an earlier anniversary
    # more time than a later one that ends just after release (see docs/rules.md, "Properties").
    facts, as_of = case
    latest = max((n.date for n in facts.notifications if n.date <= as_of), default=as_of - timedelta(days=400))
    gap = (as_of - latest).days
    when = latest + timedelta(days=data.draw(st.integers(0, max(gap, 0))))
    kind = data.draw(st.sampled_from(["initial", "change", "periodic"]))
    later = Notification(kind=kind, date=when)  # a fixed address: NFA would legitimately shorten it
    before = evaluate(facts, as_of)
    after = evaluate(replace(facts, notifications=(*facts.notifications, later)), as_of)
    for kind_ in ("periodic", "verification"):
        pb = [o.due for o in before.obligations if o.kind == kind_]
        pa = [o.due for o in after.obligations if o.kind == kind_]
        if pb and pa:
            assert pa[0] >= pb[0]


@PROPERTY
@given(fact_sets())
def test_end_never_precedes_start(case: tuple[Facts, date]) -> None:
    facts, as_of = case
    reg = evaluate(facts, as_of).registration
    assert reg.start is None or reg.end is None or reg.start <= reg.end


# --- changes_on: the outcome holds until then ---------------------------------------------------------


def _days_to_check(as_of: date, changes_on: date | None) -> list[date]:
    """Every day from as_of to the day before changes_on when the gap is short; else every day of the first
    30 and a sample of the rest that always includes the day before changes_on (or, with no change ever,
    ten years on)."""
    stop = changes_on if changes_on is not None else as_of + timedelta(days=3653)
    gap = (stop - as_of).days
    if gap <= 60:
        return [as_of + timedelta(days=k) for k in range(1, gap)]
    picks = {*range(1, 31), gap // 4, gap // 2, gap - 30, gap - 7, gap - 2, gap - 1}
    return [as_of + timedelta(days=k) for k in sorted(picks) if 0 < k < gap]


@st.composite
def near_fact_sets(draw: Any, jurisdiction: Jurisdiction | None = None) -> tuple[Facts, date]:
    """Fact sets with ``as_of`` a few days either side of one of their own dates (an event, the date an
    advance notice gave, a release, a notification, a disposal), where passing time changes most; the events
    start near the disposals, so they fall inside a registration."""
    facts, _ = draw(fact_sets(jurisdiction))
    first = min(d.date for d in facts.disposals)

    def near() -> date:
        return first + timedelta(days=draw(st.integers(0, 400)))

    events = tuple(
        replace(
            e,
            start=near(),
            end=None if e.end is None else near(),
            advance_notice_for=None if e.advance_notice_for is None else near(),
        )
        for e in facts.events
    )
    events = tuple(e if e.end is None or e.end >= e.start else replace(e, end=e.start) for e in events)
    facts = replace(facts, events=events)
    anchors = [first]
    for e in facts.events:
        anchors += [e.start, *(d for d in (e.end, e.advance_notice_for) if d is not None)]
        if e.advance_notice_for is not None and e.advance_notice_for < e.start:
            anchors += [e.advance_notice_for] * 4  # an advance notice of a change still to come
    if draw(st.integers(0, 3)) == 0:
        anchors += [n.date for n in facts.notifications] + [x.end for x in facts.detentions if x.end is not None]
    return facts, draw(st.sampled_from(anchors)) + timedelta(days=draw(st.integers(-10, 15)))


def _holds_until_changes_on(facts: Facts, as_of: date) -> None:
    outcome = evaluate(facts, as_of)
    assert outcome.changes_on is None or outcome.changes_on > as_of
    expected = normalised(outcome)
    for d in _days_to_check(as_of, outcome.changes_on):
        assert normalised(evaluate(facts, d)) == expected, (d, outcome.changes_on)


@PROPERTY
@given(fact_sets())
def test_the_outcome_holds_until_changes_on(case: tuple[Facts, date]) -> None:
    _holds_until_changes_on(*case)


@PROPERTY
@given(near_fact_sets())
def test_the_outcome_holds_until_changes_on_near_the_facts(case: tuple[Facts, date]) -> None:
    _holds_until_changes_on(*case)


@PROPERTY
@given(near_fact_sets(jurisdiction="northern-ireland"))
def test_the_outcome_holds_until_changes_on_in_northern_ireland(case: tuple[Facts, date]) -> None:
    # NI has the most time-driven rules: absence from home as well as stays and non-occurrence.
    _holds_until_changes_on(*case)


@PROPERTY
@given(fact_sets(base=date(1996, 6, 1).toordinal(), span=365 * 19))
def test_the_outcome_holds_until_changes_on_across_the_commencements(case: tuple[Facts, date]) -> None:
    # histories around the 1997 and 2003 Acts and the travel, NFA and prescribed-item commencements: a
    # commencement date after as_of is a day on which the outcome may change
    _holds_until_changes_on(*case)


@PROPERTY
@given(fact_sets(base=date(2011, 6, 1).toordinal(), span=365 * 4, jurisdiction="northern-ireland"))
def test_the_outcome_holds_until_changes_on_around_the_2014_ni_changes(case: tuple[Facts, date]) -> None:
    _holds_until_changes_on(*case)
