"""England and Wales: SOA 2003 Part 2 as amended (2012 Regulations, Remedial Order 2012, PCSC Act 2022).

Review of indefinite notification is on application (ss.91A-91F): from the day after the 15-year
period (8 if under 18 on the relevant date) beginning with the relevant notification, never while an
SHPO or SOPO (or interim order) is in force, and after a refusal not before the day after the 8 years
beginning with the determination.
"""

from __future__ import annotations

from datetime import date

from . import constants as C
from .uk import ReviewInput, UKRules, not_before, review_from_notification


def review_eligible_from(ri: ReviewInput) -> date | None:
    found = review_from_notification(ri, C.REVIEW_YEARS_ADULT, C.REVIEW_YEARS_YOUTH, C.REVIEW_AFTER_REFUSAL_YEARS)
    # No application before ss.91A-91F came into force (30 July 2012).
    return not_before(found, C.EW_REVIEW_COMMENCEMENT)


RULES: UKRules = UKRules(
    name="england-wales",
    cautions_register=True,
    review_rule=review_eligible_from,
    registration_citations=("SOA 2003 s.80(1)", "SOA 2003 s.82(1)"),
    review_citation="SOA 2003 ss.91A-91C",
    order_citation="SOA 2003 s.103G",
    periodic_nfa_citation="SOA 2003 s.85(1); SI 2012/1876",
    travel_citation="SOA 2003 s.86; SI 2004/1220 as amended by SI 2012/1876",
    any_trip_from=C.EW_2012_REGULATIONS,
    weekly_nfa_from=C.EW_2012_REGULATIONS,
    prescribed_from=C.EW_2012_REGULATIONS,
    review_from=C.EW_REVIEW_COMMENCEMENT,
    travel_2004_citation="SOA 2003 s.86; SI 2004/1220",
    prescribed_citation="SOA 2003 s.84(1); SI 2012/1876",
    prescribed_first_citation="SOA 2003 s.83(5)(h); SI 2012/1876",
    any_trip_transition_days=C.EW_2012_TRAVEL_TRANSITION_DAYS,
    travel_transition_citation="SOA 2003 s.86; SI 2004/1220; SI 2012/1876 reg 3",
    shpo_from=C.EW_SHPO_COMMENCEMENT,
)
