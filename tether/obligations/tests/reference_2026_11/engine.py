"""``evaluate(facts, as_of) -> Outcome``: the one entry point. Pure and deterministic."""

from __future__ import annotations

from datetime import date

from . import england_wales, northern_ireland, scotland, sorna
from .common import JurisdictionRules, fact_change_dates, outcome_change_dates
from .constants import RULES_VERSION
from .types import Facts, FactsError, Jurisdiction, Outcome

JURISDICTION_RULES: dict[Jurisdiction, JurisdictionRules] = {
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
    # ASSUMPTION: the rules as at RULES_VERSION apply to every date; earlier regimes (1997 Act, travel
    # and no-fixed-abode rules before 2012/2013) are not modelled.
    rules = JURISDICTION_RULES.get(facts.jurisdiction)
    if rules is None:
        raise FactsError("jurisdiction", f"unknown jurisdiction {facts.jurisdiction!r}")
    registration, obligations, own_changes = rules.evaluate(facts, as_of)
    changes = [*fact_change_dates(facts), *outcome_change_dates(registration, obligations), *own_changes]
    return Outcome(
        rules_version=RULES_VERSION,
        jurisdiction=facts.jurisdiction,
        as_of=as_of,
        registration=registration,
        obligations=obligations,
        changes_on=min((d for d in changes if d > as_of), default=None),
    )


__all__ = ["RULES_VERSION", "evaluate"]
