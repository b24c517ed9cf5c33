"""The 1997 Act's own period table (Sex Offenders Act 1997 s.1(4), domain.md §1.2): for a relevant date before
1 May 2004 a caution or a non-custodial disposal is 5 years (a conditional discharge too), custody of 6 months or
less 7 years, more than 6 and less than 30 months 10 years, 30 months or more indefinite; halved for a person
under 18 (s.1(5)). SOA 2003 s.81 keeps the person subject until the end of that period. From 1 May 2004 the
s.82 table applies (a caution 2 years, a conditional discharge its own length). One row a case, the day before
and the day of 1 May 2004 (and the edges of the custody bands), written from the legislation."""

from __future__ import annotations

import pytest

from tether.obligations.constants import SOA_1997_PERIOD_CITATION

from .factories import D, disp, facts, run

ADULT, CHILD = "1960-01-01", "1990-01-01"  # 44, and 14, on 1 May 2004

# (name, relevant date, kind, months, date of birth, last day subject (None: indefinite), the 1997 table cited)
CASES = [
    ("caution, day before", "2004-04-30", "caution", None, ADULT, "2009-04-29", True),
    ("caution, day of", "2004-05-01", "caution", None, ADULT, "2006-04-30", False),
    ("caution on the 1997 Act's first day", "1997-09-01", "caution", None, ADULT, "2002-08-31", True),
    ("caution under 18, day before", "2004-04-30", "caution", None, CHILD, "2006-10-29", True),
    ("caution under 18, day of", "2004-05-01", "caution", None, CHILD, "2005-04-30", False),
    ("conditional discharge, day before", "2004-04-30", "conditional_discharge", 12, ADULT, "2009-04-29", True),
    ("conditional discharge, day of", "2004-05-01", "conditional_discharge", 12, ADULT, "2005-04-30", False),
    ("conditional discharge under 18, day before", "2004-04-30", "conditional_discharge", 12, CHILD,
     "2006-10-29", True),
    ("community sentence, day before", "2004-04-30", "other", None, ADULT, "2009-04-29", True),
    ("community sentence, day of", "2004-05-01", "other", None, ADULT, "2009-04-30", False),
    ("6 months' custody, day before", "2004-04-30", "imprisonment", 6, ADULT, "2011-04-29", True),
    ("6 months' custody, day of", "2004-05-01", "imprisonment", 6, ADULT, "2011-04-30", False),
    ("7 months' custody, day before", "2004-04-30", "imprisonment", 7, ADULT, "2014-04-29", True),
    ("29 months' custody, day before", "2004-04-30", "imprisonment", 29, ADULT, "2014-04-29", True),
    ("29 months' custody under 18, day before", "2004-04-30", "imprisonment", 29, CHILD, "2009-04-29", True),
    ("30 months' custody, day before", "2004-04-30", "imprisonment", 30, ADULT, None, True),
    ("30 months' custody, day of", "2004-05-01", "imprisonment", 30, ADULT, None, False),
    ("hospital order, day before", "2004-04-30", "hospital_order", None, ADULT, "2011-04-29", True),
]


@pytest.mark.parametrize(("name", "when", "kind", "months", "dob", "end", "cited"), CASES, ids=[c[0] for c in CASES])
def test_the_period_table_in_force_on_the_relevant_date(name: str, when: str, kind: str, months: int | None,
                                                        dob: str, end: str | None, cited: bool) -> None:
    r = run(facts(dob=dob, disposals=(disp(when, kind, months),)), "2004-06-01").registration
    assert r.start == D(when)
    assert r.end == (D(end) if end else None) and r.indefinite == (end is None)
    assert (SOA_1997_PERIOD_CITATION in r.citations) == cited


@pytest.mark.parametrize(("as_of", "subject"), [("2009-04-29", True), ("2009-04-30", False)])
def test_s81_keeps_a_1997_act_caution_subject_to_the_end_of_its_period(as_of: str, subject: bool) -> None:
    """Cautioned on 30 April 2004: subject after 1 May 2004 (when s.82 would have given 2 years) up to the last
    day of the 5 years, not after."""
    f = facts(disposals=(disp("2004-04-30", "caution"),))
    assert run(f, as_of).registration.subject is subject
    assert run(f, "2006-05-01").registration.subject  # past the s.82 two years


def test_a_later_disposal_under_the_2003_act_extends_the_1997_period() -> None:
    f = facts(disposals=(disp("2003-01-10", "caution"), disp("2007-06-01", "imprisonment", 8)))
    r = run(f, "2010-01-01").registration
    assert r.start == D("2003-01-10") and r.end == D("2017-05-31")  # one spell: 2003-2008 joined by 2007-2017
    assert SOA_1997_PERIOD_CITATION in r.citations
