"""``evaluate(facts, as_of) -> Outcome``: the one entry point. Pure and deterministic."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Final

from . import england_wales, northern_ireland, scotland, sorna
from .calendar import days_word, format_date
from .common import JurisdictionRules, new_outcome, next_change
from .constants import DEATH_LAPSE_OFFSET_DAYS, RULES_VERSION
from .schedule3 import check_facts
from .types import Facts, FactsError, Jurisdiction, Obligation, Outcome, Registration

JURISDICTION_RULES: Final[dict[Jurisdiction, JurisdictionRules]] = {
    "england-wales": england_wales.RULES,
    "scotland": scotland.RULES,
    "northern-ireland": northern_ireland.RULES,
    "us-sorna": sorna.RULES,
}


def evaluate(facts: Facts, as_of: date) -> Outcome:
    """Registration period, review eligibility and every obligation, as at ``as_of``.

    Facts dated after ``as_of`` are treated as not yet happened (disposals, orders, notifications,
    changes and stays), except departures, which may be planned trips. Raises FactsError only for
    facts the contract would have rejected (e.g. a missing tier for us-sorna).

    ``Outcome.changes_on`` is the earliest candidate day after ``as_of`` on which the outcome may differ:
    every date in the facts (and the day after every end), the day after each open obligation's last day,
    the day after the registration ends, the review date, and each jurisdiction's own dates (the day a
    non-occurrence window is over, the day a stay reaches its length, the day an open custody moves a
    SORNA end). Between ``as_of`` and that day only ``as_of`` and the day counts echoing it change.
    """
    # Each duty follows the version of its rule in force on the day it arose (constants.py, commencement
    # dates): the 1997 Act before 1 May 2004, the travel regulations of 2001, 2004 and 2012-2014, the weekly
    # no-fixed-abode period and the prescribed items from their commencement in each jurisdiction.
    rules = JURISDICTION_RULES.get(facts.jurisdiction)
    if rules is None:
        raise FactsError("jurisdiction", f"unknown jurisdiction {facts.jurisdiction!r}")
    registration, obligations, own_changes = rules.evaluate(facts, as_of)
    death = facts.date_of_death
    if death is not None and death <= as_of:
        registration, obligations = close_at_death(registration, obligations, death, as_of)
    # the earliest of fact_change_dates(facts), outcome_change_dates(registration, obligations) and own_changes
    # after as_of, in one pass
    changes_on = next_change(facts, registration, obligations, own_changes, as_of)
    return new_outcome(RULES_VERSION, facts.jurisdiction, as_of, registration, obligations, changes_on,
                       check_facts(facts, as_of))


def close_at_death(
    registration: Registration, obligations: tuple[Obligation, ...], death: date, as_of: date
) -> tuple[Registration, tuple[Obligation, ...]]:
    """A person's duties end with them: the registration ends on the date of death (the last day subject), no
    review is due, and a duty not met whose last day is on or after that date lapses (it is left out, so it is
    never overdue and never a breach). A duty missed while they were alive stays as it was, its day count
    stopped at the death. ``death`` is on or before ``as_of``."""
    # ASSUMPTION: the notification requirements end on the date of death, and a duty whose last day falls on
    # that day or later (DEATH_LAPSE_OFFSET_DAYS) lapses: it could no longer be met [D]. No source states it
    # (domain.md has no rule on death); docs/rules.md assumption 41.
    lapse_from = death + timedelta(days=DEATH_LAPSE_OFFSET_DAYS)
    end = death if registration.end is None or registration.end > death else registration.end
    closed = replace(
        registration,
        end=end if registration.start is not None else None,
        indefinite=False if registration.start is not None and registration.start <= death else registration.indefinite,
        subject=False if as_of > death else registration.subject,
        review_eligible_from=None,
    )
    kept: list[Obligation] = []
    for o in obligations:
        if o.status == "met":
            if o.trigger <= death:
                kept.append(o)
            continue
        if o.due >= lapse_from or o.trigger > death:
            continue  # lapsed: the last day to comply came after they died
        kept.append(replace(o, explanation=_stopped_at(o, death, as_of)))
    return closed, tuple(kept)


def _stopped_at(o: Obligation, death: date, as_of: date) -> str:
    """An overdue duty's explanation with its day count stopped at the date of death (it no longer grows)."""
    running = f"not met and {days_word((as_of - o.due).days)} overdue"
    stopped = f"not met, {days_word((death - o.due).days)} overdue when they died on {format_date(death)}"
    return o.explanation.replace(running, stopped)


__all__ = ["RULES_VERSION", "close_at_death", "evaluate"]
