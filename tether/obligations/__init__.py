"""The law as a pure function: facts + as_of -> obligations with citations. No Django imports.

Public API::

    evaluate(facts: Facts, as_of: date) -> Outcome
    RULES_VERSION: str
    parse_facts(data: dict) -> tuple[Facts, date]      # JSON-shaped input, raises FactsError
    outcome_to_dict(outcome: Outcome) -> dict          # JSON-ready output
    run_cli(text: str) -> tuple[int, str]              # (0, outcome JSON) or (2, error JSON)
    facts_to_dict(facts: Facts, as_of: date) -> dict   # the inverse of parse_facts
    contradictions(facts: Facts) -> list[FactsError]  # facts that cannot all be true together
    check_disposal(disposal, jurisdiction, date_of_birth) -> Eligibility   # Schedule 3 check (a flag)
"""

from .native import activate as _activate

_activate(__path__)  # the compiled build of this very source, when there is one (native.py)

from .contract import contradictions, facts_to_dict, outcome_to_dict, parse_facts, run_cli  # noqa: E402
from .engine import RULES_VERSION, evaluate  # noqa: E402
from .schedule3 import check_disposal  # noqa: E402
from .types import (  # noqa: E402
    Detention,
    Disposal,
    Eligibility,
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
    "Eligibility",
    "Event",
    "Facts",
    "FactsError",
    "Notification",
    "Obligation",
    "Order",
    "Outcome",
    "Registration",
    "Review",
    "check_disposal",
    "contradictions",
    "evaluate",
    "facts_to_dict",
    "outcome_to_dict",
    "parse_facts",
    "run_cli",
]
