"""Scotland: SOA 2003 Part 2 with the Scottish differences.

* Cautions do not make a person subject (s.80(1)(d) covers England, Wales and Northern Ireland only).
* The conditional-discharge row covers a community payback order with an offender supervision
  requirement (the supervision period); give it as ``conditional_discharge`` with ``months``.
* An order for lifelong restriction is indefinite (give it as ``life`` or ``ipp``).
* Review of indefinite notification is automatic (ss.88A-88I): the date of discharge falls 15 years
  (8 if under 18) after the relevant date, with time in custody, hospital or abroad before the first
  notification disregarded; a notification continuation order sets a further date of discharge.
* No fixed abode: every 7 days (SSI 2013/216).
"""

from __future__ import annotations

from datetime import date

from . import constants as C
from .uk import ReviewInput, UKRules, not_before, review_scotland


def review_date_of_discharge(ri: ReviewInput) -> date | None:
    # No review before ss.88A-88I came into force (28 January 2011).
    # ASSUMPTION: a date of discharge that had already passed then is taken as that day.
    return not_before(review_scotland(ri), C.SCOTLAND_REVIEW_COMMENCEMENT)


RULES: UKRules = UKRules(
    name="scotland",
    cautions_register=False,
    review_rule=review_date_of_discharge,
    registration_citations=("SOA 2003 s.80(1)", "SOA 2003 s.82(1)"),
    review_citation="SOA 2003 ss.88A-88C",
    order_citation="Abusive Behaviour and Sexual Harm (Scotland) Act 2016 (SHPO)",
    periodic_nfa_citation="SOA 2003 s.85(1); SSI 2013/216 reg 2",
    travel_citation="SOA 2003 s.86; SSI 2004/205 as amended by SSI 2013/216",
    any_trip_from=C.SCOTLAND_2013_REGULATIONS,
    weekly_nfa_from=C.SCOTLAND_2013_REGULATIONS,
    prescribed_from=C.SCOTLAND_PRESCRIBED_COMMENCEMENT,
    review_from=C.SCOTLAND_REVIEW_COMMENCEMENT,
    travel_2004_citation="SOA 2003 s.86; SSI 2004/205",
    # ASSUMPTION: the Scottish instrument for the prescribed items is cited by its regime [U].
    prescribed_citation="SOA 2003 s.84(1); SSI 2013/216",
    prescribed_first_citation="SOA 2003 s.83(5)(h); SSI 2013/216",
    any_trip_transition_days=C.SCOTLAND_2013_TRAVEL_TRANSITION_DAYS,
    travel_transition_citation="SOA 2003 s.86; SSI 2004/205; SSI 2013/216",
    shpo_from=C.SCOTLAND_SHPO_COMMENCEMENT,
)
