"""US federal SORNA (34 U.S.C. §§20911-20932), for comparison with the UK regime.

* Tiers I-III come from ``disposals[].tier``; the registration period is 15 years, 25 years or life
  (§20915(a)), beginning with the disposal date and excluding time in custody or civil commitment
  (custody and hospital detentions push the end later day for day).
* Clean record (§20915(b)): with ``sorna_clean_record`` a tier I period is cut by 5 years (to 10) and a
  tier III period from a juvenile adjudication (``adjudicated_delinquent``) becomes 25 years.
* Initial registration (§20913(b)): before release from imprisonment, or within 3 business days of
  sentencing when not imprisoned.
* Changes of name or residence (§20913(c)): within 3 business days, in person.
* In-person verification (§20918): every year (tier I), 6 months (tier II), 3 months (tier III).
* International travel: notice at least 21 days before departure (2011 Supplemental Guidelines).

Business days skip weekends and observed US federal holidays (``calendar.add_business_days``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from . import constants as C
from .calendar import ONE_DAY, Disregard, add_business_days, add_months, format_date, period_end
from .common import (
    Evaluation,
    Notes,
    Period,
    Spell,
    any_between,
    choose_spell,
    empty_registration,
    first_on_or_after,
    merge_spells,
    obligation,
    sort_obligations,
    trip_notice,
)
from .types import Facts, FactsError, Jurisdiction, Obligation, Registration

_TIER_NAMES: Final = {1: "I", 2: "II", 3: "III"}
_APPEARANCE_KINDS: Final = frozenset({"initial", "periodic"})


def sorna_years(tier: int, clean_record: bool, adjudicated_delinquent: bool) -> tuple[int | None, bool]:
    """Registration years for a tier (None = life) and whether the clean-record reduction applied."""
    years = C.SORNA_TIER_YEARS[tier]
    if clean_record and tier == 1 and years is not None:
        return years - C.SORNA_TIER1_CLEAN_REDUCTION_YEARS, True
    if clean_record and tier == 3 and adjudicated_delinquent:
        return C.SORNA_TIER3_JUVENILE_CLEAN_YEARS, True
    return years, False


class SornaRules:
    """US SORNA as a jurisdiction."""

    @property
    def name(self) -> Jurisdiction:
        return "us-sorna"

    def evaluate(self, facts: Facts, as_of: date) -> Evaluation:
        # Custody and civil commitment stop the registration clock; time abroad does not.
        held = Disregard((x.start, x.end) for x in facts.detentions if x.kind != "abroad")
        # ASSUMPTION: while a custody period is still open the end is computed as if release came the
        # day after as_of (the earliest end still possible).
        held_closed = held.closed_at(as_of)
        periods: list[Period] = []
        reduced = False
        fixed = False  # a fixed (not life) period has begun
        tiers: dict[date, int] = {}
        for i, d in enumerate(facts.disposals):
            if d.tier not in (1, 2, 3):
                raise FactsError(f"disposals[{i}].tier", "is required for us-sorna and must be 1, 2 or 3")
            if d.date > as_of:
                continue
            years, cut = sorna_years(d.tier, facts.sorna_clean_record, d.adjudicated_delinquent)
            reduced = reduced or cut
            fixed = fixed or years is not None
            tiers[d.date] = max(tiers.get(d.date, 0), d.tier)
            # ASSUMPTION: the period begins with the disposal (sentencing) date; custody and civil
            # commitment inside it push the end later day for day (§20915(a) "excluding").
            if years is None:
                periods.append(Period(d.date, None, d, indefinite=True))
            else:
                end = held_closed.extend_end(d.date, period_end(d.date, years=years))
                periods.append(Period(d.date, end, d))
        # Besides the facts' dates and the outcome's deadlines: while a custody or civil commitment with no
        # end has begun, every day pushes the end of a fixed period one day later (assumption 24). Merged
        # spans: a custody ending the day an open one starts makes one open span from the first start.
        held_open = any(e is None and s <= as_of.toordinal() for s, e in held.spans)
        changes = [as_of + ONE_DAY] if held_open and fixed else []
        spell = choose_spell(merge_spells(periods), as_of)
        if spell is None:
            return Evaluation(empty_registration(), (), changes)
        citations = ["34 U.S.C. §20911", "34 U.S.C. §20915(a)"]
        if reduced:
            citations.append("34 U.S.C. §20915(b)")
        registration = Registration(
            start=spell.start,
            end=spell.end,
            indefinite=spell.end is None,
            subject=spell.contains(as_of),
            review_eligible_from=None,
            citations=tuple(citations),
        )
        tier = max(tiers[p.start] for p in spell.periods if p.disposal is not None)
        notes = Notes(facts.notifications, as_of)
        return Evaluation(registration, _obligations(facts, as_of, spell, notes, held, tier), changes)


def _obligations(
    facts: Facts, as_of: date, spell: Spell, notes: Notes, held: Disregard, tier: int
) -> tuple[Obligation, ...]:
    out: list[Obligation] = []

    # Initial registration, §20913(b).
    seen: set[date] = set()
    for p in spell.periods:  # merge_spells keeps them in date order
        t = p.start
        if t in seen or (t > spell.start and any_between(notes.in_person, spell.start, t)):
            continue
        seen.add(t)
        by_sentence = add_business_days(t, C.SORNA_INITIAL_BUSINESS_DAYS)
        if held.covers(t):
            release = held.release_of(t)
            if release is None:
                continue  # still held: registration is due before a release not yet known
            # ASSUMPTION: "before release" read at date level as "by the day of release", and never
            # earlier than 3 business days after sentencing.
            due = release if release > by_sentence else by_sentence
            rule = "before release from custody"
        else:
            due = by_sentence
            rule = "within 3 business days of sentencing"
        met_on = first_on_or_after(notes.in_person, t)
        lead = f"Initial registration after sentencing on {format_date(t)} ({rule}) is due"
        out.append(obligation("initial", t, due, met_on, as_of, "34 U.S.C. §20913(b)", lead))

    # Changes of name or residence, §20913(c).
    for ev in facts.events:
        if ev.kind not in ("name_change", "address_change") or ev.start > as_of or not spell.contains(ev.start):
            continue
        t = ev.start
        # ASSUMPTION: "within 3 business days" counts the business days after the day of the change.
        due = add_business_days(t, C.SORNA_CHANGE_BUSINESS_DAYS)
        what = "change of name" if ev.kind == "name_change" else "change of residence"
        met_on = first_on_or_after(notes.change, t)
        lead = (
            f"In-person update of the {what} on {format_date(t)} (3 business days, US federal holidays skipped) is due"
        )
        out.append(obligation("change", t, due, met_on, as_of, "34 U.S.C. §20913(c)", lead))

    # In-person verification, §20918: from the last registration or verification appearance.
    # ASSUMPTION: verification runs from the last initial or periodic appearance; change updates do not
    # move it (jurisdictions that use birth-month schedules differ).
    appearance = notes.last_in_person(spell.start, kinds=_APPEARANCE_KINDS)
    if appearance is not None:
        anchor = appearance.date
        months = C.SORNA_VERIFICATION_MONTHS[tier]
        base = add_months(anchor, months)
        v_due: date | None = base
        note = ""
        if held.covers(base):
            release = held.release_of(base)
            v_due = None if release is None else add_business_days(release, C.SORNA_VERIFICATION_DEFERRAL_BUSINESS_DAYS)
            note = "; the date fell in custody, so it moves to 3 business days after release"
        if v_due is not None and spell.contains(v_due):
            every = {12: "every year", 6: "every 6 months", 3: "every 3 months"}[months]
            lead = (
                f"In-person verification for tier {_TIER_NAMES[tier]} ({every}, from the appearance on "
                f"{format_date(anchor)}{note}) is due"
            )
            out.append(obligation("verification", anchor, v_due, None, as_of, "34 U.S.C. §20918", lead))

    # International travel: 21 days' notice.
    prev: date | None = None
    for ev in sorted((e for e in facts.events if e.kind == "departure"), key=lambda e: e.start):
        t = ev.start
        lo = prev
        prev = t
        if not spell.contains(t):
            continue
        due = t - timedelta(days=C.SORNA_TRAVEL_NOTICE_DAYS)
        if due < spell.start:
            due = spell.start
        met_on = trip_notice(notes.travel, ev.notified_on, lo if lo is not None else spell.start - ONE_DAY, t)
        lead = f"Notice of international travel on {format_date(t)} (at least 21 days before) is due"
        citation = "34 U.S.C. §20914(a)(7); SORNA Supplemental Guidelines 2011"
        out.append(obligation("travel", t, due, met_on, as_of, citation, lead))
    return sort_obligations(out)


RULES: SornaRules = SornaRules()
