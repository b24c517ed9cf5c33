"""``evaluate(facts, as_of) -> Outcome``: the one entry point. Pure and deterministic."""

from __future__ import annotations

from datetime import date

from . import england_wales, northern_ireland, scotland, sorna
from .common import JurisdictionRules
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
    """
    # ASSUMPTION: the rules as at RULES_VERSION apply to every date; earlier regimes (1997 Act, travel
    # and no-fixed-abode rules before 2012/2013) are not modelled.
    rules = JURISDICTION_RULES.get(facts.jurisdiction)
    if rules is None:
        raise FactsError("jurisdiction", f"unknown jurisdiction {facts.jurisdiction!r}")
    registration, obligations = rules.evaluate(facts, as_of)
    return Outcome(
        rules_version=RULES_VERSION,
        jurisdiction=facts.jurisdiction,
        as_of=as_of,
        registration=registration,
        obligations=obligations,
    )


__all__ = ["RULES_VERSION", "evaluate"]
