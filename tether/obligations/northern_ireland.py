"""Northern Ireland: SOA 2003 Part 2 with the NI Assembly amendments.

* Cautions register (2 years; 1 if under 18); an indeterminate custodial sentence is indefinite
  (give it as ``ipp``).
* Review of indefinite notification is on application after the "initial review period"
  (Sch 3A, from 1 March 2014); not while a SOPO (recorded as an ``shpo`` order) is in force.
* s.85A: absence from the home for more than 3 days needs notice 12 hours before leaving.
* Travel: every trip, except trips to the Republic of Ireland of under 3 days.
"""

from __future__ import annotations

from datetime import date

from . import constants as C
from .uk import ReviewInput, UKRules, not_before, review_from_notification


def review_eligible_from(ri: ReviewInput) -> date | None:
    # ASSUMPTION: the initial review period is 15 years (8 if under 18) beginning with the first
    # notification, and a further application is possible 8 years after a refusal (Sch 3A not read).
    found = review_from_notification(
        ri, C.NI_REVIEW_YEARS_ADULT, C.NI_REVIEW_YEARS_YOUTH, C.NI_REVIEW_AFTER_REFUSAL_YEARS
    )
    # No application before Sch 3A came into force (1 March 2014).
    return not_before(found, C.NI_REVIEW_COMMENCEMENT)


RULES: UKRules = UKRules(
    name="northern-ireland",
    cautions_register=True,
    review_rule=review_eligible_from,
    registration_citations=("SOA 2003 s.80(1)", "SOA 2003 s.82(1)"),
    review_citation="SOA 2003 Sch 3A",
    order_citation="SOA 2003 s.107(3)",
    periodic_nfa_citation="SOA 2003 s.85(1); SR 2014/185",
    travel_citation="SOA 2003 s.86; SI 2004/1220 as amended by SR 2014/185",
    absence_rule=True,
    ireland_short_trip_exempt=True,
    any_trip_from=C.NI_2014_REGULATIONS,
    weekly_nfa_from=C.NI_2014_REGULATIONS,
    prescribed_from=C.NI_2014_REGULATIONS,
    review_from=C.NI_REVIEW_COMMENCEMENT,
    travel_2004_citation="SOA 2003 s.86; SI 2004/1220",
    prescribed_citation="SOA 2003 s.84(1); SR 2014/185",
    prescribed_first_citation="SOA 2003 s.83(5)(h); SR 2014/185",
    any_trip_transition_days=C.NI_2014_TRAVEL_TRANSITION_DAYS,
    travel_transition_citation="SOA 2003 s.86; SI 2004/1220; SR 2014/185 reg 3",
    absence_from=C.NI_ABSENCE_COMMENCEMENT,
    # shpo_from stays None: NI keeps the SOPO (s.107(3)) and the present wording.
)
