"""Every number the rules use, in one place.

Numbers confirmed in a primary or two secondary sources are plain constants with their provision.
Numbers that rest on an interpretation (domain.md tags [U] or [D]) are marked ``# ASSUMPTION:`` and
listed in ``docs/rules.md`` under "Assumptions"; change them here.
"""

from __future__ import annotations

from typing import Final

RULES_VERSION: Final = "2026.11.1"

# --- Ages -----------------------------------------------------------------------------------------
ADULT_AGE: Final = 18  # s.82(2): periods halved when under 18 on the relevant date

# --- s.82 notification periods, in months (None = indefinite) ------------------------------------
INDEFINITE_IMPRISONMENT_MONTHS: Final = 30  # s.82(1): imprisonment for 30 months or more
SHORT_IMPRISONMENT_MONTHS: Final = 6  # s.82(1): imprisonment for 6 months or less
PERIOD_MONTHS_LONG_IMPRISONMENT: Final = 10 * 12  # > 6 and < 30 months
PERIOD_MONTHS_SHORT_IMPRISONMENT: Final = 7 * 12  # <= 6 months
PERIOD_MONTHS_HOSPITAL_ORDER: Final = 7 * 12  # hospital order without restriction
PERIOD_MONTHS_CAUTION: Final = 2 * 12
PERIOD_MONTHS_OTHER: Final = 5 * 12

# --- s.83-s.85 day counts -------------------------------------------------------------------------
INITIAL_NOTIFICATION_DAYS: Final = 3  # s.83(1)
CHANGE_NOTIFICATION_DAYS: Final = 3  # s.84(1)
ADVANCE_NOTICE_EARLY_DAYS: Final = 2  # s.84(3)(a): event more than 2 days before the notified date
ADVANCE_NOTICE_WINDOW_DAYS: Final = 3  # s.84(4)(a): event not within 3 days beginning with that date
NON_OCCURRENCE_DAYS: Final = 6  # s.84(4)(b)
QUALIFYING_STAY_DAYS: Final = 7  # s.84(6)
QUALIFYING_STAY_WINDOW_MONTHS: Final = 12  # s.84(6)(b)
PERIODIC_YEARS: Final = 1  # s.85(3)
NFA_PERIODIC_DAYS: Final = 7  # s.85(3)(b) + SI 2012/1876 (E&W); SSI 2013/216 (Scotland)
PERIODIC_DEFERRAL_DAYS: Final = 3  # s.85(4)-(5)

# --- Travel and absence ---------------------------------------------------------------------------
TRAVEL_NOTICE_DAYS: Final = 7  # travel regulations: not less than 7 days before departure
# ASSUMPTION: the 12-hour fallback (details not known 7 days ahead) is modelled at date level as
# "by the end of the day before departure"; a notice on the day of departure shows as met late.
SHORT_NOTICE_DAYS_BEFORE_DEPARTURE: Final = 1
NI_ABSENCE_MORE_THAN_DAYS: Final = 3  # s.85A: absence from the NI home for more than 3 days
# ASSUMPTION: s.85A's "12 hours before leaving" is read at date level as the end of the day before.
NI_ABSENCE_NOTICE_DAYS_BEFORE: Final = 1
# ASSUMPTION: NI trips to the Republic of Ireland are exempt when shorter than 3 days, counting the
# day of departure and the day of return (end - start + 1 < 3).
NI_IRELAND_EXEMPT_BELOW_DAYS: Final = 3
IRELAND_COUNTRY_CODES: Final = frozenset({"IE", "IRL"})

# --- Review of indefinite notification -----------------------------------------------------------
REVIEW_YEARS_ADULT: Final = 15  # E&W s.91B; Scotland s.88B(1)(a)
REVIEW_YEARS_YOUTH: Final = 8  # E&W s.91B; Scotland s.88B(1)(b)
REVIEW_AFTER_REFUSAL_YEARS: Final = 8  # E&W s.91C: further qualifying date
# ASSUMPTION: a Scottish notification continuation order runs for its 15-year maximum (s.88C(2)),
# so the further date of discharge is 15 years after the determination unless the facts give it.
SCOTLAND_NCO_YEARS: Final = 15
# ASSUMPTION: NI's "initial review period" (Sch 3A) is 15 years (8 if under 18 on the relevant date)
# beginning with the first notification, as in E&W; the Schedule's text was not read.
NI_REVIEW_YEARS_ADULT: Final = 15
NI_REVIEW_YEARS_YOUTH: Final = 8
# ASSUMPTION: after an NI refusal the next application is possible 8 years after the determination.
NI_REVIEW_AFTER_REFUSAL_YEARS: Final = 8

# --- US SORNA (34 U.S.C. §§20911-20932) -----------------------------------------------------------
SORNA_TIER_YEARS: Final[dict[int, int | None]] = {1: 15, 2: 25, 3: None}  # §20915(a)
SORNA_TIER1_CLEAN_REDUCTION_YEARS: Final = 5  # §20915(b)(3)(A): clean 10 years -> 5 years off
SORNA_TIER1_CLEAN_YEARS: Final = 10  # §20915(b)(2)(A)
SORNA_TIER3_JUVENILE_CLEAN_YEARS: Final = 25  # §20915(b)(2)(B), (b)(3)(B)
SORNA_VERIFICATION_MONTHS: Final[dict[int, int]] = {1: 12, 2: 6, 3: 3}  # §20918
SORNA_CHANGE_BUSINESS_DAYS: Final = 3  # §20913(c)
SORNA_INITIAL_BUSINESS_DAYS: Final = 3  # §20913(b)(2)
SORNA_TRAVEL_NOTICE_DAYS: Final = 21  # 2011 Supplemental Guidelines under §20914(a)(7)
# ASSUMPTION: an in-person verification that would fall while the person is in custody or civilly
# committed is due within 3 business days after release (mirrors the UK s.85 deferral).
SORNA_VERIFICATION_DEFERRAL_BUSINESS_DAYS: Final = 3
