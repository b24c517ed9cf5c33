"""The law as a pure function: facts + as_of -> obligations with citations. No Django imports.

Public API::

    evaluate(facts: Facts, as_of: date) -> Outcome
    RULES_VERSION: str
    parse_facts(data: dict) -> tuple[Facts, date]      # JSON-shaped input, raises FactsError
    outcome_to_dict(outcome: Outcome) -> dict          # JSON-ready output
    run_cli(text: str) -> tuple[int, str]              # (0, outcome JSON) or (2, error JSON)
    facts_to_dict(facts: Facts, as_of: date) -> dict   # the inverse of parse_facts
"""

from .contract import facts_to_dict, outcome_to_dict, parse_facts, run_cli
from .engine import RULES_VERSION, evaluate
from .types import (
    Detention,
    Disposal,
    Event,
    Facts,
    FactsError,
    Notification,
    Obligation,
    Order,
    Outcome,
    Registration,
    Review,
)

__all__ = [
    "RULES_VERSION",
    "Detention",
    "Disposal",
    "Event",
    "Facts",
    "FactsError",
    "Notification",
    "Obligation",
    "Order",
    "Outcome",
    "Registration",
    "Review",
    "evaluate",
    "facts_to_dict",
    "outcome_to_dict",
    "parse_facts",
    "run_cli",
]
