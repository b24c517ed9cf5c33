"""Every number the rules use, in one place.

Numbers confirmed in a primary or two secondary sources are plain constants with their provision.
Numbers that rest on an interpretation (domain.md tags [U] or [D]) are marked ``# ASSUMPTION:`` and
listed in ``docs/rules.md`` under "Assumptions"; change them here.
"""

from __future__ import annotations

from datetime import date
from typing import Final

RULES_VERSION: Final = "2026.12.5"

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

# --- The law as it stood on each date: commencement dates -------------------------------------------
# A duty follows the version of its rule in force on the day the duty arose (its trigger date).
SOA_1997_COMMENCEMENT: Final = date(1997, 9, 1)  # Sex Offenders Act 1997 Part 1, whole UK [C] domain §1.2
SOA_2003_COMMENCEMENT: Final = date(2004, 5, 1)  # SOA 2003 Part 2 replaces it (s.81 transition) [C] §1.2
# 1997 Act: 14 days to notify (s.2(1)) and to notify a change (s.2(2)); a qualifying stay is 14 days, or
# periods adding up to 14 days in 12 months; no annual re-notification [C] §1.2.
SOA_1997_NOTIFICATION_DAYS: Final = 14
SOA_1997_QUALIFYING_STAY_DAYS: Final = 14
# 1997 Act period table (s.1(4)), for a relevant date before 1 May 2004; s.81 keeps such a person subject
# until the end of that period [C] §1.2. It differs from s.82 only for a caution and a conditional discharge
# (5 years, as any other non-custodial disposal); custody and hospital orders have the s.82 periods.
# ASSUMPTION: the 6-month edge is the s.82 one (6 months or less: 7 years), and a hospital order without a
# restriction order is 7 years, as s.82; the under-18 halving (s.1(5)) applies as s.82(2) does
# (docs/rules.md assumption 30).
SOA_1997_PERIOD_MONTHS_NON_CUSTODIAL: Final = 5 * 12
SOA_1997_PERIOD_CITATION: Final = "SOA 1997 s.1(4); SOA 2003 s.81(1)"
# SOA 2003 s.81(3)-(5) (SOA 1997 s.1(2)-(3) before it) [C], text read: a conviction before 1 September 1997 counts only
# if, at the beginning of that day, the person had not been dealt with for the offence, was serving a sentence of
# imprisonment or was subject to a community order for it, was under supervision after release from a sentence of
# imprisonment for it, or was detained in hospital (or under guardianship) after it; a caution before that day never
# counts (s.81(5)). Such a person is subject from 1 September 1997, not from the relevant date.
SOA_1997_TRANSITION_CITATION: Final = "SOA 1997 s.1(2)-(3); SOA 2003 s.81(3)"
# ASSUMPTION: read from the facts: a custody or hospital detention over the beginning of 1 September 1997 (begun on or
# before it, not ended before it) is the sentence or the hospital detention for the offence; an imprisonment or a
# community sentence (``other`` with ``months``) whose term, counted from the relevant date, had not ended before that
# day was still being served (in custody, on licence or under supervision); a life sentence is served for life; a
# conditional discharge (but in Scotland, where the row is an order with supervision, a community order while it runs)
# or a sentence whose term had ended does not count [D], confidence medium.
# ASSUMPTION: when the facts cannot tell (a hospital order with no hospital detention recorded over that day, a
# non-custodial disposal with no length), the disposal is taken to count: the person is shown subject from
# 1 September 1997 and the Schedule 3 check flags the disposal for review [D], confidence low.
SOA_1997_TRANSITION_UNKNOWN_COUNTS: Final = True
# Foreign travel: 2001 Regulations (SI 2001/1846) from 1 June 2001: trips of 8 days or longer, notice at
# least 24 hours before leaving [C] §6.1 (E&W).
# ASSUMPTION: the 2001 Regulations (and their 8-day rule) applied from the same day in Scotland and NI.
TRAVEL_2001_COMMENCEMENT: Final = date(2001, 6, 1)
TRAVEL_2001_MIN_DAYS: Final = 8
# ASSUMPTION: "24 hours before departure" (2001 Regulations; 2004 Regulations for short notice) is read
# at date level as by the end of the day before, like the 12-hour rule.
TRAVEL_24_HOURS_DAYS_BEFORE: Final = 1
# 2004 Regulations (SI 2004/1220; Scotland SSI 2004/205) from 1 May 2004: trips of 3 days or longer [C].
TRAVEL_2004_MIN_DAYS: Final = 3
# SI 2004/1220 reg 3(2), (4) and SSI 2004/205 reg 3(2), (4) [C], text read: a trip of less than 8 days leaving on or
# before 9 May 2004 needs no notice, and a trip notified under the 2001 Regulations before 1 May 2004 keeps their
# requirements. ASSUMPTION: every departure up to 9 May 2004 follows the 2001 Regulations (8 days or longer, 24 hours'
# notice); reg 3(5) was read only in part [P], confidence medium-high.
TRAVEL_2004_TRANSITION_LAST_DEPARTURE: Final = date(2004, 5, 9)
# The 2012 Regulations' reg 3 is a transitional provision "for the 14 day period immediately following" their coming
# into force (explanatory note to SI 2012/1876, read) [P]; NI's SR 2014/185 reg 3 the same [U].
# ASSUMPTION: as the 2004 Regulations did, a departure within the 14 days beginning with the day every trip became
# notifiable still follows the rule before (trips of 3 days or longer, 7 days' notice or 24 hours when the details
# were not known); the text of reg 3 was not read [D], confidence low. Scotland (SSI 2013/216): no transition known, 0.
EW_2012_TRAVEL_TRANSITION_DAYS: Final = 14
NI_2014_TRAVEL_TRANSITION_DAYS: Final = 14
SCOTLAND_2013_TRAVEL_TRANSITION_DAYS: Final = 0
# ASSUMPTION: a trip's length counts the day of departure and the day of return (end - start + 1); a trip
# with no return date recorded is taken as long enough to need notice.

# England and Wales.
EW_REVIEW_COMMENCEMENT: Final = date(2012, 7, 30)  # SI 2012/1883, ss.91A-91F [C] §2.2
EW_2012_REGULATIONS: Final = date(2012, 8, 13)  # SI 2012/1876: any trip, weekly NFA, prescribed items [C]
EW_SHPO_COMMENCEMENT: Final = date(2015, 3, 8)  # ASBCPA 2014 Sch 5: SHPO/SRO replace SOPO/FTO/RSHO [C]

# Scotland.
SCOTLAND_REVIEW_COMMENCEMENT: Final = date(2011, 1, 28)  # ss.88A-88I (SSI 2011/45) [C] §12
# SSI 2013/216, commenced with CJL(S)A 2010 s.102 on 8 July 2013: every 7 days with no fixed abode [C];
# every trip notifiable "since 2013" [C], taken as the same day [P].
SCOTLAND_2013_REGULATIONS: Final = date(2013, 7, 8)
# ASSUMPTION: the prescribed items (passport, bank, cards, relevant household) are duties in Scotland from
# the same day (the Scottish 2007 Regulations may have required some earlier; not read) [U].
SCOTLAND_PRESCRIBED_COMMENCEMENT: Final = SCOTLAND_2013_REGULATIONS
SCOTLAND_SHPO_COMMENCEMENT: Final = date(2023, 3, 31)  # Abusive Behaviour and Sexual Harm (S) Act 2016 [C]

# Northern Ireland.
NI_REVIEW_COMMENCEMENT: Final = date(2014, 3, 1)  # SOA 2003 Sch 3A (CJA (NI) 2013) [C] §12
# ASSUMPTION: SR 2014/185 (every trip except short Irish ones, weekly NFA, prescribed items) came into
# operation "the day after approval by the Assembly"; that day was not found, so the Sch 3A date of the same
# reform package is used [U]. The same for s.85A (absence from home, CJA (NI) 2013 s.2) [U].
NI_2014_REGULATIONS: Final = date(2014, 3, 1)
NI_ABSENCE_COMMENCEMENT: Final = date(2014, 3, 1)

PRESCRIBED_CHANGE_DAYS: Final = 3  # s.84(1) as applied to the prescribed items by the 2012 Regulations [P]
# The prescribed items are given at every notification from the day they began (gov.uk, 2012 Regulations page [C]), so
# a person who had already notified gives them for the first time with the next notification, the first made on or
# after that day.
# ASSUMPTION: that duty arises on the day of that next notification (initial, change, periodic or prescribed) and is
# met by it, as a full notification is taken to give the items (assumption 38); it is cited as s.83(5)(h) with the
# jurisdiction's regulations [D], confidence medium.

# Citations of the orders before the SHPO (E&W before 8 March 2015, Scotland before 31 March 2023).
SOPO_CITATION: Final = "SOA 2003 s.107(3)"  # a SOPO keeps a relevant offender subject while in force [C]
# ASSUMPTION: a SOPO made on a person not otherwise subject made them subject for its life (s.107(4),
# the forerunner of s.103G); the subsection was not read [P].
SOPO_MAKES_SUBJECT_CITATION: Final = "s.107(4)"
# A notification order (s.97; Scotland: sheriff; E&W since 2023 also a s.96ZA police notice) makes the person subject
# for the period it states, from the day it is made [C]; it is not an SHPO, so it does not bar a review (s.91A) [C].
NOTIFICATION_ORDER_CITATION: Final = "SOA 2003 s.97"
# ASSUMPTION: the 2001 travel notice is cited as the 1997 Act as amended by the Criminal Justice and Court
# Services Act 2000 and SI 2001/1846 in every UK jurisdiction (the Scottish and NI instruments not read).
TRAVEL_2001_CITATION: Final = "SOA 1997 as amended by CJCSA 2000; SI 2001/1846"

# --- Death -------------------------------------------------------------------------------------------
# ASSUMPTION: the notification requirements end on the date of death (the last day subject); a duty whose
# last day is on or after that date lapses, and one missed while alive stays overdue with its day count
# stopped at the death (engine.close_at_death). No source states it (domain.md has no rule on death) [D].
# A duty not met lapses when its last day is on or after the date of death plus this many days (0: the day
# of death itself; a duty due that day could no longer be met in full).
DEATH_LAPSE_OFFSET_DAYS: Final = 0
