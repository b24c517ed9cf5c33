"""The UK notification regime (SOA 2003 Part 2), shared by England and Wales, Scotland and Northern
Ireland. Each nation module supplies a ``UKRules`` value with its differences (cautions, review of
indefinite notification, citations, NI absence and Irish-trip rules)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from operator import attrgetter
from typing import Final, final

from . import constants as C
from .calendar import (
    ONE_DAY,
    Disregard,
    add_years,
    age_on,
    day_after_period,
    days_word,
    format_date,
    period_end,
)
from .common import (
    Evaluation,
    Notes,
    Period,
    Spell,
    any_between,
    choose_spell,
    empty_registration,
    first_after,
    first_on_or_after,
    last_on_or_before,
    merge_spells,
    new_registration,
    obligation,
    sort_obligations,
    trip_notice,
)
from .types import (
    Disposal,
    Event,
    Facts,
    FactsError,
    Jurisdiction,
    Obligation,
    Order,
    Registration,
    Review,
)

_INDEFINITE_KINDS: Final = frozenset({"life", "ipp", "hospital_order_restricted"})
_CHANGE_LABELS: Final = {
    "name_change": "change of name",
    "address_change": "change of home address",
    "release": "release from detention",
}
_DISREGARD_NOTE: Final = "not counting days in custody, hospital or abroad"
# The fixed day counts as timedeltas, made once.
_ADVANCE_NOTICE_EARLY_DAYS: Final = timedelta(days=C.ADVANCE_NOTICE_EARLY_DAYS)
_NFA_PERIODIC_DAYS: Final = timedelta(days=C.NFA_PERIODIC_DAYS)
_SHORT_NOTICE_DAYS_BEFORE_DEPARTURE: Final = timedelta(days=C.SHORT_NOTICE_DAYS_BEFORE_DEPARTURE)
_TRAVEL_NOTICE_DAYS: Final = timedelta(days=C.TRAVEL_NOTICE_DAYS)
_TRAVEL_24_HOURS_DAYS_BEFORE: Final = timedelta(days=C.TRAVEL_24_HOURS_DAYS_BEFORE)
_NI_ABSENCE_NOTICE_DAYS_BEFORE: Final = timedelta(days=C.NI_ABSENCE_NOTICE_DAYS_BEFORE)
_NI_ABSENCE_MORE_THAN_DAYS: Final = timedelta(days=C.NI_ABSENCE_MORE_THAN_DAYS)


@final
class ReviewInput:
    """What a review-eligibility rule may look at."""

    __slots__ = ("as_of", "disregard", "facts", "notes", "review", "spell")

    def __init__(
        self, facts: Facts, as_of: date, spell: Spell, notes: Notes, disregard: Disregard, review: Review | None
    ) -> None:
        self.facts = facts
        self.as_of = as_of
        self.spell = spell
        self.notes = notes
        self.disregard = disregard
        self.review = review  # the latest determination on or before as_of


ReviewRule = Callable[[ReviewInput], date | None]
_COMMENCEMENTS: Final[dict[str, tuple[date, ...]]] = {}


@dataclass(frozen=True, slots=True)
class UKRules:
    """One UK jurisdiction, as data plus its review rule."""

    name: Jurisdiction
    cautions_register: bool
    review_rule: ReviewRule
    registration_citations: tuple[str, ...]
    review_citation: str
    order_citation: str
    periodic_nfa_citation: str
    travel_citation: str
    # The law as it stood on each date (constants.py): the day from which every trip is notifiable, the
    # weekly no-fixed-abode period applies and the prescribed items are duties; the SHPO replaced the SOPO
    # (None: not modelled, the present wording is kept); the NI s.85A absence rule.
    any_trip_from: date
    weekly_nfa_from: date
    prescribed_from: date
    review_from: date
    travel_2004_citation: str
    prescribed_citation: str
    # the citation of the duty to give the prescribed items with the first notification after ``prescribed_from``
    prescribed_first_citation: str = ""
    # a departure within this many days beginning with ``any_trip_from`` still follows the rule before (the
    # regulations' transitional provision), cited so
    any_trip_transition_days: int = 0
    travel_transition_citation: str = ""
    shpo_from: date | None = None
    absence_rule: bool = False  # NI s.85A
    absence_from: date | None = None
    ireland_short_trip_exempt: bool = False  # NI travel exception

    def commencements(self) -> tuple[date, ...]:
        """Every date on which a rule of this jurisdiction changed (candidates for ``changes_on``)."""
        cached = _COMMENCEMENTS.get(self.name)
        if cached is not None:
            return cached
        days = [
            C.SOA_1997_COMMENCEMENT,
            C.TRAVEL_2001_COMMENCEMENT,
            C.SOA_2003_COMMENCEMENT,
            self.any_trip_from,
            self.weekly_nfa_from,
            self.prescribed_from,
            self.review_from,
        ]
        days += [d for d in (self.shpo_from, self.absence_from) if d is not None]
        out = _COMMENCEMENTS[self.name] = tuple(sorted(set(days)))
        return out

    def evaluate(self, facts: Facts, as_of: date) -> Evaluation:
        disregard = Disregard([(x.start, x.end) for x in facts.detentions])
        registration, obligations = evaluate_uk(self, facts, as_of, disregard)
        return Evaluation(registration, obligations, uk_change_dates(self, facts, as_of, disregard))


# --- s.82 ----------------------------------------------------------------------------------------


def s82_months(d: Disposal, index: int, date_of_birth: date) -> tuple[int | None, bool]:
    """The notification period of one disposal in months (None = indefinite) and whether it was
    halved because the person was under 18 on the relevant date (s.82(1)-(2))."""
    # ASSUMPTION: ``months`` is the term that counts for s.82, as the app records it: consecutive terms
    # added up, an extended sentence with its extension, only the detention half of a DTO; a suspended
    # sentence is taken as imprisonment when recorded as such (domain.md §2.1 [P]/[U]).
    # ASSUMPTION: for a relevant date before 1 May 2004 the 1997 Act table (s.1(4)) gives the period, as s.81
    # keeps the person subject until its end; it differs from s.82 for a caution and a conditional discharge
    # (5 years); docs/rules.md assumption 30.
    kind = d.kind
    under_1997_act = d.date < C.SOA_2003_COMMENCEMENT
    if kind in _INDEFINITE_KINDS:
        return None, False
    if kind == "imprisonment":
        if d.months is None:
            raise FactsError(f"disposals[{index}].months", "is required for imprisonment")
        if d.months >= C.INDEFINITE_IMPRISONMENT_MONTHS:
            return None, False
        base = (
            C.PERIOD_MONTHS_LONG_IMPRISONMENT
            if d.months > C.SHORT_IMPRISONMENT_MONTHS
            else C.PERIOD_MONTHS_SHORT_IMPRISONMENT
        )
    elif kind == "conditional_discharge":
        if d.months is None:
            raise FactsError(f"disposals[{index}].months", "is required for conditional_discharge")
        if not under_1997_act:
            return d.months, False  # the length of the discharge; never halved
        base = C.SOA_1997_PERIOD_MONTHS_NON_CUSTODIAL
    elif kind == "hospital_order":
        base = C.PERIOD_MONTHS_HOSPITAL_ORDER
    elif kind == "caution":
        base = C.SOA_1997_PERIOD_MONTHS_NON_CUSTODIAL if under_1997_act else C.PERIOD_MONTHS_CAUTION
    else:
        base = C.PERIOD_MONTHS_OTHER
    if age_on(date_of_birth, d.date) < C.ADULT_AGE:
        return base // 2, True  # 3.5 years = 42 months
    return base, False


def counts_before_1997(d: Disposal, facts: Facts) -> bool | None:
    """Whether a disposal dated before 1 September 1997 makes the person subject (SOA 2003 s.81(3)-(5), the 1997 Act
    s.1(2)-(3) before it): True when a transitional condition held at the beginning of that day, False when none
    could, None when the facts cannot tell."""
    day = C.SOA_1997_COMMENCEMENT
    if d.kind == "caution":
        return False  # s.81(5): a caution before 1 September 1997 never counts
    # ASSUMPTION: a custody or hospital detention over the beginning of that day is the sentence or the hospital
    # detention for the offence; a term counted from the relevant date and not over before that day was still being
    # served (in custody, on licence or under supervision); a life sentence is served for life (docs/rules.md,
    # assumption 44).
    for x in facts.detentions:
        if x.kind != "abroad" and x.start <= day and (x.end is None or x.end >= day):
            return True
    if d.kind in ("life", "ipp"):
        return True
    if d.kind in ("imprisonment", "other") and d.months is not None:
        return period_end(d.date, months=d.months) >= day
    if d.kind == "conditional_discharge":
        if facts.jurisdiction == "scotland" and d.months is not None:
            # in Scotland the row stands for an order with supervision (a probation order then): a community order
            return period_end(d.date, months=d.months) >= day
        return False  # dealt with, and neither imprisonment nor a community order
    return None  # a hospital order with no detention recorded over that day; a disposal with no length


def _is_shpo(rules: UKRules, start: date) -> bool:
    """An order made on or after the SHPO commencement is an SHPO; before it, a SOPO (SOA 2003 s.104)."""
    return rules.shpo_from is None or start >= rules.shpo_from


def order_in_force(orders: tuple[Order, ...], on: date) -> bool:
    """An SHPO (or SOPO) in force on ``on``: a notification order does not bar a review (s.91A)."""
    return any(o.kind == "shpo" and o.start <= on and (o.end is None or on <= o.end) for o in orders)


_RELEVANT_WORD: Final = ("conviction or finding", "caution")  # by whether the disposal is a caution


def _relevant_word(d: Disposal | None, shpo: bool = True) -> str:
    if d is None:
        if not shpo:
            return "service of the sexual offences prevention order"
        return "service of the sexual harm prevention order"
    return "caution" if d.kind == "caution" else "conviction or finding"


# --- evaluate ------------------------------------------------------------------------------------


def evaluate_uk(
    rules: UKRules, facts: Facts, as_of: date, disregard: Disregard
) -> tuple[Registration, tuple[Obligation, ...]]:
    """``disregard``: the days in custody, in hospital or abroad (``facts.detentions``)."""
    dob = facts.date_of_birth
    # ASSUMPTION: facts dated after as_of have not happened yet (disposals, orders, reviews,
    # notifications, changes, stays); departures may be planned trips and are kept.
    review = facts.review if facts.review is not None and facts.review.determined_on <= as_of else None
    discharged_on = review.determined_on if review is not None and review.outcome == "discharged" else None

    periods: list[Period] = []
    for i, d in enumerate(facts.disposals):
        if d.date > as_of:
            continue
        if d.kind == "caution" and not rules.cautions_register:
            continue  # cautions do not register in Scotland (s.80(1)(d))
        months, halved = s82_months(d, i, dob)
        start = d.date
        if start < C.SOA_1997_COMMENCEMENT:
            # Dealt with before the 1997 Act: subject from 1 September 1997, and only if a transitional condition
            # held at the beginning of that day (SOA 2003 s.81(3)-(5)); the period still runs from the relevant date.
            counts = counts_before_1997(d, facts)
            if not (C.SOA_1997_TRANSITION_UNKNOWN_COUNTS if counts is None else counts):
                continue
            start = C.SOA_1997_COMMENCEMENT
            if start > as_of:
                continue
        if months is None:
            if discharged_on is not None and start < discharged_on:
                # ASSUMPTION: discharged on review: not subject from the determination date (the notice is
                # taken as received that day), so the last day subject is the day before.
                periods.append(Period(start, discharged_on - ONE_DAY, d))
            else:
                periods.append(Period(start, None, d, indefinite=True))
        else:
            end = period_end(d.date, months=months)
            if end >= start:  # a period over before 1 September 1997 never made the person subject
                periods.append(Period(start, end, d, halved=halved))
    for o in facts.orders:
        if o.start <= as_of:
            # ASSUMPTION: an order's ``end`` is its last day in force, so the last day subject.
            periods.append(Period(o.start, o.end, order=o.kind))

    spell = choose_spell(merge_spells(periods), as_of)
    if spell is None:
        cites = ("SOA 2003 s.80(1)(d)",) if any(d.kind == "caution" for d in facts.disposals) else ()
        return empty_registration(cites), ()

    notes = Notes(facts.notifications, as_of)

    citations = list(rules.registration_citations)
    halved = act_1997 = before_1997 = False
    orders: list[tuple[date, str]] = []
    for p in spell.periods:
        if p.disposal is None:
            orders.append((p.start, p.order))
            continue
        if p.halved:
            halved = True
        if p.disposal.date < C.SOA_2003_COMMENCEMENT:
            act_1997 = True
        if p.disposal.date < C.SOA_1997_COMMENCEMENT:
            before_1997 = True
    if halved:
        citations.append("SOA 2003 s.82(2)")
    if act_1997:
        citations.append(C.SOA_1997_PERIOD_CITATION)
    if before_1997:
        citations.append(C.SOA_1997_TRANSITION_CITATION)
    for start, kind in orders:
        cite = (C.NOTIFICATION_ORDER_CITATION if kind == "notification_order"
                else rules.order_citation if _is_shpo(rules, start) else C.SOPO_CITATION)
        if cite not in citations:
            citations.append(cite)
    review_from: date | None = None
    if spell.indefinite_by_disposal:
        citations.append(rules.review_citation)
        review_from = rules.review_rule(ReviewInput(facts, as_of, spell, notes, disregard, review))

    registration = new_registration(spell.start, spell.end, spell.end is None, spell.contains(as_of), review_from,
                                    tuple(citations))
    obligations = _obligations(rules, facts, as_of, spell, notes, disregard)
    return registration, obligations


def _obligations(
    rules: UKRules, facts: Facts, as_of: date, spell: Spell, notes: Notes, disregard: Disregard
) -> tuple[Obligation, ...]:
    out: list[Obligation] = []
    departures: list[Event] = []
    stays: list[Event] = []
    changes: list[Event] = []
    prescribed: list[Event] = []
    for ev in facts.events:
        kind = ev.kind
        if kind == "departure":
            departures.append(ev)
        elif kind == "stay":
            if ev.start <= as_of:
                stays.append(ev)
        elif kind == "prescribed_change":
            prescribed.append(ev)
        else:
            changes.append(ev)
    _initial(out, rules, as_of, spell, notes, disregard)
    _changes(out, changes, stays, facts, as_of, spell, notes, disregard)
    if prescribed:
        _prescribed(out, rules, prescribed, as_of, spell, notes, disregard)
    _prescribed_first(out, rules, as_of, spell, notes)
    _periodic(out, rules, as_of, spell, notes, disregard)
    if departures:
        departures.sort(key=_event_start)
        _travel(out, rules, departures, as_of, spell, notes)
    if rules.absence_rule and stays:
        stays.sort(key=_event_start)
        _absence(out, stays, as_of, spell, notes, rules.absence_from)
    return sort_obligations(out)


def _initial(
    out: list[Obligation], rules: UKRules, as_of: date, spell: Spell, notes: Notes, disregard: Disregard
) -> None:
    """s.83(1): 3 days beginning with the relevant date, disregarded days skipped (s.83(6)).
    No fresh initial notification when already notified in this spell (s.83(2)).
    Before 1 May 2004 the 1997 Act applied: 14 days beginning with the relevant date or, if later,
    1 September 1997 (1997 Act s.2(1))."""
    seen: set[date] = set()
    first_disposal: date | None = None
    for p in spell.periods:  # merge_spells keeps them in date order
        if p.disposal is not None:
            first_disposal = p.start
            break
    for p in spell.periods:
        # the relevant date; a disposal before 1 September 1997 has its period start on that day (s.81(3))
        trigger = p.start if p.disposal is None else p.disposal.date
        if p.disposal is None and (first_disposal is not None and first_disposal <= trigger):
            continue  # an order on someone already subject: no new initial notification
        if p.disposal is None and trigger != spell.start:
            continue
        if trigger in seen:
            continue
        seen.add(trigger)
        if trigger > spell.start and any_between(notes.in_person, spell.start, trigger):
            # ASSUMPTION: s.83(2) read as "a full notification already made in this spell, which goes
            # on past the 3-day window" (true in a merged spell that is still running).
            continue
        # The duty arises on the relevant date, or on 1 September 1997 for an earlier one (1997 Act s.2(1)).
        arose = trigger if trigger >= C.SOA_1997_COMMENCEMENT else C.SOA_1997_COMMENCEMENT
        if arose > as_of:
            continue  # no duty before the 1997 Act began
        act_1997 = arose < C.SOA_2003_COMMENCEMENT
        days = C.SOA_1997_NOTIFICATION_DAYS if act_1997 else C.INITIAL_NOTIFICATION_DAYS
        due = disregard.nth_counted_day(arose, days)
        # ASSUMPTION: while a detention with no end swallows the window no deadline exists yet, so the
        # obligation is not listed (the same for every 3-day duty and the periodic one).
        if due is None or not spell.contains(due):
            continue
        met_on = first_on_or_after(notes.in_person, trigger)
        shpo = p.disposal is not None or _is_shpo(rules, trigger)
        if act_1997:
            citation = "SOA 1997 s.2(1)"
        elif p.disposal is not None:
            citation = "SOA 2003 s.83(1)"
        elif p.order == "notification_order":
            citation = f"SOA 2003 s.83(1); {C.NOTIFICATION_ORDER_CITATION}"
        else:
            citation = "SOA 2003 s.83(1); s.103G" if shpo else f"SOA 2003 s.83(1); {C.SOPO_MAKES_SUBJECT_CITATION}"
        window = f"{days} days beginning with that day"
        if arose != trigger:
            window += f" or, as it was earlier, with {format_date(arose)}, when the Sex Offenders Act 1997 began"
        d: Disposal | None = p.disposal
        what = ("notification order" if d is None and p.order == "notification_order"
                else _relevant_word(d, shpo) if d is None else _RELEVANT_WORD[d.kind == "caution"])
        lead = (
            f"Initial notification after the {what} on {format_date(trigger)} ({window}, {_DISREGARD_NOTE}) "
            "is due"
        )
        out.append(obligation("initial", trigger, due, met_on, as_of, citation, lead))


def _qualifying_day(stays: list[tuple[int, int]]) -> int | None:
    """First day on which days stayed at one address within a 12-month period reach 7 (s.84(6)).

    ``stays``: sorted, merged (first, last) ordinals, both inclusive.
    # ASSUMPTION: every calendar day from start to end counts as a day stayed (inclusive count).
    """
    if sum(e - s + 1 for s, e in stays) < C.QUALIFYING_STAY_DAYS:
        return None
    if stays[0][0] < _SWITCH_2004:
        return _qualifying_day_across_2004(stays)
    for i, (s, e) in enumerate(stays):
        if i == 0:
            if e - s + 1 >= C.QUALIFYING_STAY_DAYS:
                return s + C.QUALIFYING_STAY_DAYS - 1
            continue
        for k in range(min(e - s + 1, C.QUALIFYING_STAY_DAYS)):
            day = s + k
            lo = add_years(date.fromordinal(day), -1).toordinal() + 1  # 12 months ending with day
            total = k + 1
            for ps, pe in stays[:i]:
                a = ps if ps > lo else lo
                if pe >= a:
                    total += pe - a + 1
            if total >= C.QUALIFYING_STAY_DAYS:
                return day
    return None


_SWITCH_2004: Final = C.SOA_2003_COMMENCEMENT.toordinal()


def _days_stayed(stays: list[tuple[int, int]], day: int) -> int:
    """Days stayed within the 12 months ending with ``day`` (stays up to ``day`` only)."""
    lo = add_years(date.fromordinal(day), -1).toordinal() + 1
    total = 0
    for s, e in stays:
        if s > day:
            break
        a = s if s > lo else lo
        b = e if e < day else day
        if b >= a:
            total += b - a + 1
    return total


def _qualifying_day_across_2004(stays: list[tuple[int, int]]) -> int | None:
    """The first day on which the days stayed in 12 months reach the qualifying period in force that day:
    14 under the 1997 Act (s.2(6)), 7 from 1 May 2004 (s.84(6)). The total can first reach it only within
    the first 14 (or 7) days of a stay, or of the part of a stay from 1 May 2004."""
    # ASSUMPTION: days stayed before 1 May 2004 count towards the 7 days of the 2003 Act.
    for s, e in stays:
        segments: list[tuple[int, int, int]] = []
        if s < _SWITCH_2004:
            segments.append((s, min(e, _SWITCH_2004 - 1), C.SOA_1997_QUALIFYING_STAY_DAYS))
        if e >= _SWITCH_2004:
            segments.append((max(s, _SWITCH_2004), e, C.QUALIFYING_STAY_DAYS))
        for first, last, needed in segments:
            for day in range(first, min(last, first + needed - 1) + 1):
                if _days_stayed(stays, day) >= needed:
                    return day
    return None


def _merge_days(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1] + 1:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _qualifying_days(stays: list[Event], until: int) -> dict[str, date]:
    """For each address stayed at (``""`` when none is given), the first day on which its stays reach 7
    days within 12 months (s.84(6)); each stay counts up to the ordinal ``until`` at most."""
    # ASSUMPTION: stays are grouped by ``address``.
    if len(stays) == 1:  # the common case: one stay, one address, nothing to merge
        ev = stays[0]
        first = ev.start.toordinal()
        last = until if ev.end is None else min(ev.end.toordinal(), until)
        if last - first + 1 < C.QUALIFYING_STAY_DAYS:
            return {}
        if first >= _SWITCH_2004:  # its 7th day (``_qualifying_day`` for one stay from 1 May 2004)
            return {ev.address or "": date.fromordinal(first + C.QUALIFYING_STAY_DAYS - 1)}
        qday = _qualifying_day([(first, last)])
        return {} if qday is None else {ev.address or "": date.fromordinal(qday)}
    by_address: dict[str, list[tuple[int, int]]] = {}
    for ev in stays:
        last = until if ev.end is None else min(ev.end.toordinal(), until)
        by_address.setdefault(ev.address or "", []).append((ev.start.toordinal(), last))
    out: dict[str, date] = {}
    for address, spans in by_address.items():
        qday = _qualifying_day(_merge_days(spans))
        if qday is not None:
            out[address] = date.fromordinal(qday)
    return out


def _advance_window_end(disregard: Disregard, advance: date) -> date | None:
    """The last of the 3 days beginning with an advance-notified date, disregarded days skipped;
    None while an open detention swallows the window."""
    return disregard.nth_counted_day(advance, C.ADVANCE_NOTICE_WINDOW_DAYS)


def _changes(
    out: list[Obligation],
    changes: list[Event],
    stay_events: list[Event],
    facts: Facts,
    as_of: date,
    spell: Spell,
    notes: Notes,
    disregard: Disregard,
) -> None:
    """s.84(1): changes of name and home address, release from detention, qualifying stays."""
    triggers: list[tuple[date, str, date | None, bool]] = []  # (event date, label, advance date, release?)
    explicit_releases: set[date] = set()
    for ev in changes:
        kind = ev.kind
        if ev.start > as_of:
            if ev.advance_notice_for is not None:
                _non_occurrence_only(out, ev.advance_notice_for, as_of, spell, notes, disregard)
            continue
        if kind == "release" and ev.start < C.SOA_2003_COMMENCEMENT:
            # The 1997 Act had no duty to notify a release (s.84(1)(c) began with the 2003 Act).
            explicit_releases.add(ev.start)
            continue
        if kind == "release":
            explicit_releases.add(ev.start)
        triggers.append((ev.start, _CHANGE_LABELS[kind], ev.advance_notice_for, kind == "release"))
    # ASSUMPTION: the end of a custody or hospital detention is a release (s.84(1)(c)) even when no
    # release event was recorded; a recorded release on the same day is not counted twice.
    for x in facts.detentions:
        if x.kind != "abroad" and x.end is not None and x.end <= as_of and x.end not in explicit_releases:
            if x.end < C.SOA_2003_COMMENCEMENT:
                continue  # no release duty under the 1997 Act
            label = "release from custody" if x.kind == "custody" else "discharge from hospital"
            triggers.append((x.end, label, None, True))
    # ASSUMPTION: each address gives one duty, on the first day its total reaches 7 (later stays there
    # are at a notified address).
    for address, qdate in (_qualifying_days(stay_events, as_of.toordinal()) if stay_events else {}).items():
        advance = None
        for ev in stay_events:
            if (
                ev.advance_notice_for is not None
                and (ev.address or "") == address
                and ev.start <= qdate
                and (ev.end is None or qdate <= ev.end)
            ):
                advance = ev.advance_notice_for
        where = f" at {address}" if address else ""
        needed = C.SOA_1997_QUALIFYING_STAY_DAYS if qdate < C.SOA_2003_COMMENCEMENT else C.QUALIFYING_STAY_DAYS
        triggers.append((qdate, f"stay{where} reaching {needed} days in 12 months", advance, False))

    for trigger, label, advance, is_release in triggers:
        if not spell.contains(trigger) or trigger < C.SOA_1997_COMMENCEMENT:
            continue
        if is_release and not any_between(notes.in_person, spell.start, trigger):
            # ASSUMPTION: no notification yet in this spell: the initial notification (s.83), which runs
            # from the release, covers it, so no separate release duty is listed.
            continue
        act_1997 = trigger < C.SOA_2003_COMMENCEMENT
        days = C.SOA_1997_NOTIFICATION_DAYS if act_1997 else C.CHANGE_NOTIFICATION_DAYS
        due = disregard.nth_counted_day(trigger, days)
        if due is None or not spell.contains(due):
            continue
        met_on: date | None = None
        note = ""
        if advance is not None:
            window_end = _advance_window_end(disregard, advance)
            early = advance - _ADVANCE_NOTICE_EARLY_DAYS
            if early <= trigger and (window_end is None or trigger <= window_end):
                # ASSUMPTION: the advance notice is the latest change notification on or before the event.
                met_on = last_on_or_before(notes.change, trigger, spell.start)
                if met_on is not None:
                    note = f", notified in advance for {format_date(advance)}"
            else:
                note = (
                    f"; the advance notice for {format_date(advance)} does not count "
                    "as the change was not within 2 days of it"
                )
                if window_end is not None and trigger > window_end:
                    _non_occurrence(out, advance, as_of, spell, notes, disregard)
        if met_on is None:
            met_on = first_on_or_after(notes.change, trigger)
        lead = (
            f"Notification of the {label} on {format_date(trigger)} "
            f"({days} days beginning with that day, {_DISREGARD_NOTE}{note}) is due"
        )
        citation = "SOA 1997 s.2(2)" if act_1997 else "SOA 2003 s.84(1)"
        out.append(obligation("change", trigger, due, met_on, as_of, citation, lead))


_PRESCRIBED_LABELS: Final = {
    "passport": "passport or other identity document",
    "bank_account": "bank account",
    "payment_card": "debit or credit card",
    "relevant_household": "residence or stay of 12 hours or more at a household with a child",
    None: "prescribed information",
}


def _prescribed(
    out: list[Obligation],
    rules: UKRules,
    events: list[Event],
    as_of: date,
    spell: Spell,
    notes: Notes,
    disregard: Disregard,
) -> None:
    """The prescribed items (2012 Regulations in E&W; later in Scotland and NI): a change to a passport,
    bank account, payment card or relevant household is notified within 3 days, disregarded days skipped.
    Met by a ``prescribed`` notification or any full one on or after the change. None before the
    jurisdiction's commencement."""
    for ev in events:
        trigger = ev.start
        if trigger > as_of or trigger < rules.prescribed_from or not spell.contains(trigger):
            continue
        due = disregard.nth_counted_day(trigger, C.PRESCRIBED_CHANGE_DAYS)
        if due is None or not spell.contains(due):
            continue
        # ASSUMPTION: a full notification (initial, change, periodic) gives the prescribed items too.
        met_on = first_on_or_after(notes.full_or_prescribed, trigger)
        lead = (
            f"Notification of the change to the {_PRESCRIBED_LABELS[ev.item]} on {format_date(trigger)} "
            f"(3 days beginning with that day, {_DISREGARD_NOTE}) is due"
        )
        out.append(obligation("change", trigger, due, met_on, as_of, rules.prescribed_citation, lead))


def _prescribed_first(out: list[Obligation], rules: UKRules, as_of: date, spell: Spell, notes: Notes) -> None:
    """The prescribed items are given at every notification from the day they began (SI 2012/1876; Scotland SSI
    2013/216, NI SR 2014/185): a person who had notified before that day gives them for the first time with the next
    notification, the first made on or after it. The duty arises on that notification, which meets it."""
    began = rules.prescribed_from
    if began > as_of or not spell.contains(began) or not any_between(notes.in_person, spell.start, began):
        return  # not subject then, or not yet notified: the first notification gives the items anyway
    # ASSUMPTION: a full (initial, change, periodic) or a prescribed notification gives the items (assumption 45).
    first = first_on_or_after(notes.full_or_prescribed, began)
    if first is None or not spell.contains(first):
        return  # the duty arises only with that next notification
    lead = (
        f"The prescribed information (passports and identity documents, bank accounts and payment cards, a household "
        f"with a child), to be notified from {format_date(began)}, is given for the first time with the first "
        f"notification made from that day, on {format_date(first)}, and is due"
    )
    out.append(obligation("change", first, first, first, as_of, rules.prescribed_first_citation, lead))


def _non_occurrence_only(
    out: list[Obligation],
    advance: date,
    as_of: date,
    spell: Spell,
    notes: Notes,
    disregard: Disregard,
) -> None:
    """An advance-notified event that has not happened by as_of: once the 3 days beginning with the
    notified date are over, the person must say it did not happen."""
    window_end = _advance_window_end(disregard, advance)
    if window_end is not None and as_of > window_end:
        _non_occurrence(out, advance, as_of, spell, notes, disregard)


def _non_occurrence(
    out: list[Obligation],
    advance: date,
    as_of: date,
    spell: Spell,
    notes: Notes,
    disregard: Disregard,
) -> None:
    """s.84(4)(b): 6 days beginning with the notified date to say the event did not occur."""
    if not spell.contains(advance) or advance < C.SOA_2003_COMMENCEMENT:
        return  # ASSUMPTION: no non-occurrence duty under the 1997 Act (s.84(4) began with the 2003 Act)
    due = disregard.nth_counted_day(advance, C.NON_OCCURRENCE_DAYS)
    if due is None or not spell.contains(due):
        return
    # ASSUMPTION: met by a change notification made after the notified date.
    met_on = first_after(notes.change, advance)
    lead = (
        f"The event notified in advance for {format_date(advance)} did not happen within 3 days of it, "
        f"so notice that it did not occur (6 days beginning with that date, {_DISREGARD_NOTE}) is due"
    )
    out.append(obligation("non_occurrence", advance, due, met_on, as_of, "SOA 2003 s.84(4)(b)", lead))


def _periodic(
    out: list[Obligation], rules: UKRules, as_of: date, spell: Spell, notes: Notes, disregard: Disregard
) -> None:
    """s.85: one year (weekly with no fixed abode) after the last initial, change or periodic
    notification; deferred to 3 days beginning with the release/return when it falls while detained."""
    last = notes.last_in_person(spell.start)
    if last is None:
        return
    trigger = last.date
    if trigger < C.SOA_2003_COMMENCEMENT:
        # The 1997 Act had no periodic notification; for a person notified under it, the first year runs
        # from the commencement of Part 2 of the 2003 Act (s.85(1)(a)).
        if as_of < C.SOA_2003_COMMENCEMENT:
            return
        trigger = C.SOA_2003_COMMENCEMENT
        base = add_years(trigger, C.PERIODIC_YEARS)
        what = (
            f"one year after {format_date(trigger)}, when Part 2 of the 2003 Act began, as the last "
            f"notification on {format_date(last.date)} was made under the Sex Offenders Act 1997"
        )
        citation = "SOA 2003 s.85(1)(a)"
    elif last.no_fixed_abode and trigger >= rules.weekly_nfa_from:
        base = last.date + _NFA_PERIODIC_DAYS
        what = f"7 days after the last notification on {format_date(last.date)}, which gave no fixed abode"
        citation = rules.periodic_nfa_citation
    else:
        # ASSUMPTION: s.85(1) "within the applicable period after" the last notification: the period after
        # a notification on X runs from X + 1 and ends on the anniversary of X, which is the deadline.
        base = add_years(last.date, C.PERIODIC_YEARS)
        what = f"one year after the last notification on {format_date(last.date)}"
        citation = "SOA 2003 s.85(1)"
    due: date | None = base
    deferred = ""
    if disregard.covers(base):
        due = disregard.nth_counted_day(base, C.PERIODIC_DEFERRAL_DAYS)
        deferred = (
            f"; {format_date(base)} fell while in custody, in hospital or abroad, so it moves to the third "
            "day beginning with the release or return"
        )
    if due is None or not spell.contains(due):
        return
    lead = f"Periodic notification ({what}{deferred}) is due"
    out.append(obligation("periodic", trigger, due, None, as_of, citation, lead))


def _travel(
    out: list[Obligation],
    rules: UKRules,
    departures: list[Event],
    as_of: date,
    spell: Spell,
    notes: Notes,
) -> None:
    """Travel regulations: notice 7 days before leaving the UK; 12 hours when the details were not
    known (date level: the day before). Met by the trip's own notification when known, else by a travel
    notification since the previous departure.
    ``departures`` are in date order."""
    prev: date | None = None
    for ev in departures:
        t = ev.start
        lo = prev
        prev = t
        if not spell.contains(t) or t < C.TRAVEL_2001_COMMENCEMENT:
            continue  # no travel notice before the 2001 Regulations
        if t < rules.any_trip_from + timedelta(days=rules.any_trip_transition_days):
            # Before every trip became notifiable (or within the transition after it): 2001 Regulations (8 days or
            # longer, 24 hours' notice), then the 2004 Regulations (3 days or longer, 7 days' notice).
            _travel_before_any_trip(out, rules, ev, lo, as_of, spell, notes)
            continue
        if (
            rules.ireland_short_trip_exempt
            and ev.country is not None
            and ev.country.upper() in C.IRELAND_COUNTRY_CODES
            and ev.end is not None
            and (ev.end - t).days + 1 < C.NI_IRELAND_EXEMPT_BELOW_DAYS
        ):
            continue  # ASSUMPTION: NI trips to Ireland shorter than 3 days need no notice
        if ev.short_notice:
            due = t - _SHORT_NOTICE_DAYS_BEFORE_DEPARTURE
            rule = "at least 12 hours before, as the details were not known 7 days ahead"
        else:
            due = t - _TRAVEL_NOTICE_DAYS
            rule = "at least 7 days before"
        if due < spell.start:
            due = spell.start  # ASSUMPTION: no notice can be owed before registration starts
        # ASSUMPTION: met by the trip's own notification (``notified_on``) when known, else by a travel notification
        # after the previous departure; either no later than this one.
        met_on = trip_notice(notes.travel, ev.notified_on, lo if lo is not None else spell.start - ONE_DAY, t)
        lead = f"Notice of travel outside the UK on {format_date(t)} ({rule}) is due"
        out.append(obligation("travel", t, due, met_on, as_of, rules.travel_citation, lead))


def _travel_before_any_trip(
    out: list[Obligation],
    rules: UKRules,
    ev: Event,
    prev: date | None,
    as_of: date,
    spell: Spell,
    notes: Notes,
) -> None:
    t = ev.start
    # the 2001 Regulations up to 9 May 2004 (SI 2004/1220 reg 3, SSI 2004/205 reg 3)
    regs_2001 = t <= C.TRAVEL_2004_TRANSITION_LAST_DEPARTURE
    needed = C.TRAVEL_2001_MIN_DAYS if regs_2001 else C.TRAVEL_2004_MIN_DAYS
    # ASSUMPTION: the length counts the days of departure and return; with no return date the trip is
    # taken as long enough.
    if ev.end is not None and (ev.end - t).days + 1 < needed:
        return
    if regs_2001:
        due = t - _TRAVEL_24_HOURS_DAYS_BEFORE
        rule = f"a trip of {needed} days or longer: at least 24 hours before"
        citation = C.TRAVEL_2001_CITATION
        if t >= C.SOA_2003_COMMENCEMENT:
            rule += ", as the 2001 Regulations still applied to a departure up to 9 May 2004"
            citation = f"{rules.travel_2004_citation} reg 3"
    elif ev.short_notice:
        due = t - _TRAVEL_24_HOURS_DAYS_BEFORE
        rule = f"a trip of {needed} days or longer: at least 24 hours before, the details not known 7 days ahead"
        citation = rules.travel_2004_citation
    else:
        due = t - _TRAVEL_NOTICE_DAYS
        rule = f"a trip of {needed} days or longer: at least 7 days before"
        citation = rules.travel_2004_citation
    if t >= rules.any_trip_from:
        rule += (f", as the rule before still applied to a departure within the {rules.any_trip_transition_days} days "
                 f"beginning with {format_date(rules.any_trip_from)}")
        citation = rules.travel_transition_citation
    if due < spell.start:
        due = spell.start
    met_on = trip_notice(notes.travel, ev.notified_on, prev if prev is not None else spell.start - ONE_DAY, t)
    lead = f"Notice of travel outside the UK on {format_date(t)} ({rule}) is due"
    out.append(obligation("travel", t, due, met_on, as_of, citation, lead))


def _absence(
    out: list[Obligation],
    stays: list[Event],
    as_of: date,
    spell: Spell,
    notes: Notes,
    absence_from: date | None = None,
) -> None:
    """NI s.85A: absence from the home for more than 3 days needs notice 12 hours before leaving
    (date level: by the end of the day before). A stay elsewhere is an absence from home.
    ``stays`` (started on or before as_of) are in date order."""
    prev: date | None = None
    for ev in stays:
        t = ev.start
        lo = prev
        prev = t
        if not spell.contains(t) or (absence_from is not None and t < absence_from):
            continue
        last = as_of if ev.end is None or ev.end > as_of else ev.end
        length = (last - t).days + 1
        if length <= C.NI_ABSENCE_MORE_THAN_DAYS:
            continue
        due = t - _NI_ABSENCE_NOTICE_DAYS_BEFORE
        if due < spell.start:
            due = spell.start
        # ASSUMPTION: an absence is recorded as a stay elsewhere and its notice as a travel notification.
        met_on = first_after(notes.travel, lo if lo is not None else spell.start - ONE_DAY, t)
        lead = (
            f"Notice of an absence from home of {days_word(length)} from {format_date(t)} "
            f"(12 hours before leaving, read as the day before) is due"
        )
        out.append(obligation("absence", t, due, met_on, as_of, "SOA 2003 s.85A(2)", lead))


_event_start: Final = attrgetter("start")


# --- When the outcome may change ----------------------------------------------------------------


def uk_change_dates(rules: UKRules, facts: Facts, as_of: date, disregard: Disregard) -> list[date]:
    """The days, besides the facts' own dates and the outcome's deadlines, on which passing time alone can
    change a UK outcome: an advance-notified change not made within its window gives a non-occurrence duty
    the day after the window; a stay still going on reaches 7 days at its address (s.84(6)) or, in NI, a
    length of more than 3 days (s.85A)."""
    out: list[date] = []
    stays: list[Event] = []
    for ev in facts.events:
        if ev.kind == "stay":
            if ev.start > as_of:
                continue
            stays.append(ev)
            threshold = ev.start + _NI_ABSENCE_MORE_THAN_DAYS
            if rules.absence_rule and (ev.end is None or ev.end >= threshold):
                out.append(threshold)
        elif ev.kind != "departure" and ev.advance_notice_for is not None:
            window_end = _advance_window_end(disregard, ev.advance_notice_for)
            if window_end is not None:
                out.append(window_end + ONE_DAY)
    # Stays begun by as_of count up to as_of; a week on, every stay still running has reached 7 days, so
    # counting up to as_of + 7 finds any qualifying day still to come (later stays start on a fact date).
    # When every stay ended by as_of, the count is the one made up to as_of, whose days are all on or before
    # as_of: none of them is a change still to come, so the count is not made again.
    if any(ev.end is None or ev.end > as_of for ev in stays):
        horizon = C.SOA_1997_QUALIFYING_STAY_DAYS if as_of < C.SOA_2003_COMMENCEMENT else C.QUALIFYING_STAY_DAYS
        out += _qualifying_days(stays, as_of.toordinal() + horizon).values()
    # Only the earliest change date after as_of matters, so the next commencement is enough.
    commencements = rules.commencements()
    i = bisect_right(commencements, as_of)
    if i < len(commencements):
        out.append(commencements[i])
    return out


# --- Review rules --------------------------------------------------------------------------------


def not_before(found: date | None, commencement: date) -> date | None:
    """A review date no earlier than the day the review provisions came into force."""
    if found is None or found >= commencement:
        return found
    return commencement


def earliest_indefinite(spell: Spell) -> Disposal | None:
    ds = [p.disposal for p in spell.periods if p.indefinite and p.disposal is not None]
    return min(ds, key=lambda d: d.date) if ds else None


def relevant_notification(notes: Notes, relevant_date: date) -> date | None:
    """The first initial notification on or after the relevant date (any full notification if the
    record has no initial one)."""
    # ASSUMPTION: s.91B's "relevant notification" is the first initial notification after the relevant
    # date (domain.md [P]); a later re-detention does not restart it.
    return first_on_or_after(notes.initial, relevant_date) or first_on_or_after(notes.in_person, relevant_date)


def review_from_notification(ri: ReviewInput, adult_years: int, youth_years: int, refusal_years: int) -> date | None:
    """E&W s.91B (and NI Sch 3A, assumed the same): the day after the 15-year (8 if under 18) period
    beginning with the relevant notification; blocked while an SHPO (or SOPO) is in force; after a
    refusal, not before the day after the 8 years beginning with the determination."""
    if order_in_force(ri.facts.orders, ri.as_of):
        return None
    d = earliest_indefinite(ri.spell)
    if d is None:
        return None
    years = youth_years if age_on(ri.facts.date_of_birth, d.date) < C.ADULT_AGE else adult_years
    n = relevant_notification(ri.notes, d.date)
    eligible = None if n is None else day_after_period(n, years=years)
    if ri.review is not None and ri.review.outcome != "discharged":
        # ASSUMPTION: "continued" is treated as a refusal in E&W and NI.
        further = ri.review.further_date or day_after_period(ri.review.determined_on, years=refusal_years)
        eligible = further if eligible is None or further > eligible else eligible
    return eligible


def review_scotland(ri: ReviewInput) -> date | None:
    """Scotland s.88B: automatic review by the date of discharge, 15 years (8 if under 18) after the
    relevant date, with custody, hospital and time abroad before the first notification disregarded.
    After a notification continuation order the further date of discharge applies."""
    if ri.review is not None and ri.review.outcome != "discharged":
        return ri.review.further_date or add_years(ri.review.determined_on, C.SCOTLAND_NCO_YEARS)
    d = earliest_indefinite(ri.spell)
    if d is None:
        return None
    years = C.REVIEW_YEARS_YOUTH if age_on(ri.facts.date_of_birth, d.date) < C.ADULT_AGE else C.REVIEW_YEARS_ADULT
    first = relevant_notification(ri.notes, d.date)
    if first is None:
        return None
    # ASSUMPTION: only custody, hospital and time abroad before the first notification are disregarded
    # (s.88B(2)); the s.88B(3)-(4) adjustment for later imprisonment is not modelled.
    extra = ri.disregard.disregarded_between(d.date, first)
    if extra is None:
        return None
    return add_years(d.date, years) + timedelta(days=extra)
