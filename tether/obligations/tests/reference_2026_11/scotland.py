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

from .uk import UKRules, review_scotland

RULES = UKRules(
    name="scotland",
    cautions_register=False,
    review_rule=review_scotland,
    registration_citations=("SOA 2003 s.80(1)", "SOA 2003 s.82(1)"),
    review_citation="SOA 2003 ss.88A-88C",
    order_citation="Abusive Behaviour and Sexual Harm (Scotland) Act 2016 (SHPO)",
    periodic_nfa_citation="SOA 2003 s.85(1); SSI 2013/216 reg 2",
    travel_citation="SOA 2003 s.86; SSI 2004/205 as amended by SSI 2013/216",
)
