"""Transitional provisions, one row a case, the day before and the day of each date, written from the legislation:

* SOA 2003 s.81(2)-(5) (SOA 1997 s.1(2)-(3) before it): a conviction before 1 September 1997 counts only if, at the
  beginning of that day, the person had not been dealt with, was serving a sentence of imprisonment or a community
  order, was under supervision after release, or was detained in hospital; a caution before that day never counts;
  such a person is subject from 1 September 1997 (not from the relevant date), for the period that runs from it.
* SI 2004/1220 reg 3 and SSI 2004/205 reg 3: a departure up to 9 May 2004 still follows the 2001 Regulations.
* SI 2012/1876 reg 3 and SR 2014/185 reg 3: the 14 days beginning with the day every trip became notifiable still
  follow the rule before (assumption 46; Scotland has none).
* The prescribed items (SI 2012/1876; SSI 2013/216; SR 2014/185): a person who had notified before the day they
  began gives them for the first time with the next notification, made on or after that day (assumption 45).
"""

from __future__ import annotations

import pytest

from tether.obligations.constants import SOA_1997_TRANSITION_CITATION
from tether.obligations.types import Detention, Disposal, Facts, Jurisdiction, Notification

from .factories import D, det, disp, ev, facts, note, of_kind, run

# --- s.81(3)-(5): dealt with before 1 September 1997 -------------------------------------------------------------

# (name, disposal, detentions, as_of, subject, registration start)
BEFORE_1997: list[tuple[str, Disposal, tuple[Detention, ...], str, bool, str | None]] = [
    ("life in 1995, as at 31 August 1997: not yet subject (no Act)", disp("1995-06-01", "life"), (),
     "1997-08-31", False, None),
    ("life in 1995, as at 1 September 1997: subject from that day", disp("1995-06-01", "life"), (),
     "1997-09-01", True, "1997-09-01"),
    ("12 months from 1 September 1996: the term ended the day before", disp("1996-09-01", "imprisonment", 12), (),
     "1998-01-01", False, None),
    ("12 months from 2 September 1996: the term ends on the day", disp("1996-09-02", "imprisonment", 12), (),
     "1998-01-01", True, "1997-09-01"),
    ("3 months, kept in custody to 31 August 1997: not in custody that day",
     disp("1997-03-01", "imprisonment", 3), (det("custody", "1997-03-01", "1997-08-31"),), "1998-01-01", False, None),
    ("3 months, kept in custody to 1 September 1997: in custody at its beginning",
     disp("1997-03-01", "imprisonment", 3), (det("custody", "1997-03-01", "1997-09-01"),), "1998-01-01", True,
     "1997-09-01"),
    ("a community order of 24 months from 1996: still subject to it", disp("1996-01-01", "other", 24), (),
     "1998-01-01", True, "1997-09-01"),
    ("a community order of 12 months from 1996: over", disp("1996-01-01", "other", 12), (), "1998-01-01", False, None),
    ("a conditional discharge: dealt with, and neither imprisonment nor a community order",
     disp("1997-03-01", "conditional_discharge", 36), (), "1998-01-01", False, None),
    ("a caution the day before: never counts (s.81(5))", disp("1997-08-31", "caution"), (), "1998-01-01", False, None),
    ("a caution on the day: subject", disp("1997-09-01", "caution"), (), "1998-01-01", True, "1997-09-01"),
    ("a hospital order with no detention recorded: the facts cannot tell, taken to count (assumption 44)",
     disp("1990-01-01", "hospital_order_restricted"), (), "1998-01-01", True, "1997-09-01"),
    ("a hospital order, detained in hospital over the day", disp("1996-01-01", "hospital_order"),
     (det("hospital", "1996-01-01", "1998-06-01"),), "1998-01-01", True, "1997-09-01"),
    ("a period over before the Act: never subject (s.81(2)), custody or not", disp("1989-01-01", "imprisonment", 6),
     (det("custody", "1997-01-01", "1997-12-01"),), "1998-01-01", False, None),
]


@pytest.mark.parametrize(("when", "subject"), [("1997-02-01", False), ("1997-02-02", True)])
def test_scotland_an_order_with_supervision_is_a_community_order(when: str, subject: bool) -> None:
    """Scotland's ``conditional_discharge`` row is an order with supervision (then a probation order, a community
    order): 7 months from 1 February 1997 end on 31 August, the day before; from 2 February, on 1 September."""
    f = facts("scotland", dob="1960-01-01", disposals=(disp(when, "conditional_discharge", 7),))
    assert run(f, "1997-10-01").registration.subject is subject
    ew = facts(dob="1960-01-01", disposals=(disp(when, "conditional_discharge", 7),))
    assert not run(ew, "1997-10-01").registration.subject  # E&W: a conditional discharge never counts


@pytest.mark.parametrize(("name", "d", "detentions", "as_of", "subject", "start"), BEFORE_1997,
                         ids=[c[0] for c in BEFORE_1997])
def test_dealt_with_before_1_september_1997(name: str, d: Disposal, detentions: tuple[Detention, ...], as_of: str,
                                            subject: bool, start: str | None) -> None:
    r = run(facts(dob="1960-01-01", disposals=(d,), detentions=detentions), as_of).registration
    assert r.subject is subject
    assert r.start == (D(start) if start else None)
    if d.date < D("1997-09-01") and start:
        assert SOA_1997_TRANSITION_CITATION in r.citations


def test_the_period_still_runs_from_the_relevant_date() -> None:
    """10 years beginning 2 September 1996 (18 months' custody): subject from 1 September 1997 to 1 September 2006."""
    f = facts(dob="1960-01-01", disposals=(disp("1996-09-02", "imprisonment", 18),))
    r = run(f, "2006-09-01").registration
    assert (r.start, r.end, r.subject) == (D("1997-09-01"), D("2006-09-01"), True)
    assert not run(f, "2006-09-02").registration.subject


def test_the_initial_duty_names_the_relevant_date_and_runs_from_the_act() -> None:
    o = run(facts(disposals=(disp("1995-06-01", "life"),)), "1997-12-01")
    (initial,) = of_kind(o, "initial")
    assert (initial.trigger, initial.due, initial.citation) == (D("1995-06-01"), D("1997-09-14"), "SOA 1997 s.2(1)")
    assert "when the Sex Offenders Act 1997 began" in initial.explanation


def test_changes_on_stops_at_the_1997_act() -> None:
    o = run(facts(disposals=(disp("1995-06-01", "life"),)), "1997-06-01")
    assert not o.registration.subject and o.changes_on == D("1997-09-01")


# --- Travel: the transitional provisions of the 2004, 2012 and 2014 regulations ----------------------------------

ON_REGISTER = (note("initial", "1999-01-05"),)


def _trip(start: str, end: str, jurisdiction: Jurisdiction = "england-wales", country: str = "FR") -> Facts:
    return facts(jurisdiction, disposals=(disp("1999-01-01", "imprisonment", 36),), notifications=ON_REGISTER,
                 events=(ev("departure", start, end, country=country),))


# (name, facts, as_of, None for no duty or (due, citation, words))
TRAVEL: list[tuple[str, Facts, str, tuple[str, str, str] | None]] = [
    ("2004: an 8-day trip the day before 1 May: 2001 Regulations", _trip("2004-04-30", "2004-05-07"), "2004-06-01",
     ("2004-04-29", "SOA 1997 as amended by CJCSA 2000; SI 2001/1846", "8 days or longer")),
    ("2004: an 8-day trip on 9 May: still the 2001 Regulations (reg 3)", _trip("2004-05-09", "2004-05-16"),
     "2004-06-01", ("2004-05-08", "SOA 2003 s.86; SI 2004/1220 reg 3", "up to 9 May 2004")),
    ("2004: a 5-day trip on 9 May: under 8 days, no notice (reg 3(2))", _trip("2004-05-09", "2004-05-13"),
     "2004-06-01", None),
    ("2004: a 5-day trip on 10 May: the 2004 Regulations, 7 days", _trip("2004-05-10", "2004-05-14"), "2004-06-01",
     ("2004-05-03", "SOA 2003 s.86; SI 2004/1220", "3 days or longer: at least 7 days before")),
    ("Scotland 2004: a 5-day trip on 9 May: no notice (SSI 2004/205 reg 3(2))",
     _trip("2004-05-09", "2004-05-13", "scotland"), "2004-06-01", None),
    ("Scotland 2004: a 5-day trip on 10 May: 7 days", _trip("2004-05-10", "2004-05-14", "scotland"), "2004-06-01",
     ("2004-05-03", "SOA 2003 s.86; SSI 2004/205", "3 days or longer")),
    ("E&W 2012: a 5-day trip the day before 13 August: the 2004 Regulations", _trip("2012-08-12", "2012-08-16"),
     "2012-09-01", ("2012-08-05", "SOA 2003 s.86; SI 2004/1220", "3 days or longer")),
    ("E&W 2012: a 5-day trip on 13 August: the rule before, in the transition",
     _trip("2012-08-13", "2012-08-17"), "2012-09-01",
     ("2012-08-06", "SOA 2003 s.86; SI 2004/1220; SI 2012/1876 reg 3", "14 days beginning with 13 August 2012")),
    ("E&W 2012: a 2-day trip on 26 August, the last day of the transition: no notice",
     _trip("2012-08-26", "2012-08-27"), "2012-09-01", None),
    ("E&W 2012: a 2-day trip on 27 August: every trip, 7 days", _trip("2012-08-27", "2012-08-28"), "2012-09-01",
     ("2012-08-20", "SOA 2003 s.86; SI 2004/1220 as amended by SI 2012/1876", "at least 7 days before")),
    ("NI 2014: a 5-day trip on 1 March: the rule before, in the transition",
     _trip("2014-03-01", "2014-03-05", "northern-ireland"), "2014-04-01",
     ("2014-02-22", "SOA 2003 s.86; SI 2004/1220; SR 2014/185 reg 3", "3 days or longer")),
    ("NI 2014: a 2-day trip to France on 14 March, the last day of the transition: no notice",
     _trip("2014-03-14", "2014-03-15", "northern-ireland"), "2014-04-01", None),
    ("NI 2014: a 2-day trip to France on 15 March: every trip", _trip("2014-03-15", "2014-03-16", "northern-ireland"),
     "2014-04-01", ("2014-03-08", "SOA 2003 s.86; SI 2004/1220 as amended by SR 2014/185", "at least 7 days before")),
    ("NI 2014: a 2-day trip to Ireland on 15 March: exempt", _trip("2014-03-15", "2014-03-16", "northern-ireland",
                                                                   "IE"), "2014-04-01", None),
    ("Scotland 2013: no transition, a 2-day trip on 8 July needs notice",
     _trip("2013-07-08", "2013-07-09", "scotland"), "2013-08-01",
     ("2013-07-01", "SOA 2003 s.86; SSI 2004/205 as amended by SSI 2013/216", "at least 7 days before")),
]


@pytest.mark.parametrize(("name", "f", "as_of", "want"), TRAVEL, ids=[c[0] for c in TRAVEL])
def test_travel_transitions(name: str, f: Facts, as_of: str, want: tuple[str, str, str] | None) -> None:
    found = of_kind(run(f, as_of), "travel")
    if want is None:
        assert found == []
        return
    due, citation, words = want
    assert len(found) == 1, found
    assert (found[0].due, found[0].citation) == (D(due), citation)
    assert words in found[0].explanation, found[0].explanation


# --- The prescribed items, given for the first time with the first notification from the day they began------------

PRESCRIBED_FIRST = "SOA 2003 s.83(5)(h); "


def _notified(jurisdiction: Jurisdiction, *notes: Notification) -> Facts:
    return facts(jurisdiction, disposals=(disp("2010-01-01", "imprisonment", 36),),
                 notifications=(note("initial", "2010-01-05"), *notes))


# (name, facts, as_of, None for no duty or (the notification that first gives the items, citation))
FIRST_NOTIFICATION: list[tuple[str, Facts, str, tuple[str, str] | None]] = [
    ("E&W: a notification on 12 August 2012 gives no items; the next one does",
     _notified("england-wales", note("periodic", "2012-08-12"), note("periodic", "2013-08-10")), "2013-09-01",
     ("2013-08-10", "SI 2012/1876")),
    ("E&W: a notification on 13 August 2012 is the first to give them",
     _notified("england-wales", note("periodic", "2012-08-13")), "2012-09-01", ("2012-08-13", "SI 2012/1876")),
    ("E&W: as at 12 August 2012, no duty", _notified("england-wales", note("periodic", "2012-08-12")), "2012-08-12",
     None),
    ("E&W: no notification since 13 August 2012: the duty has not arisen",
     _notified("england-wales", note("periodic", "2011-08-12")), "2012-08-20", None),
    ("E&W: a travel notification does not give them; a prescribed one does",
     _notified("england-wales", note("travel", "2012-08-20"), note("prescribed", "2012-09-01")), "2012-10-01",
     ("2012-09-01", "SI 2012/1876")),
    ("Scotland: a notification on 7 July 2013 gives none",
     _notified("scotland", note("periodic", "2013-07-07"), note("periodic", "2014-07-01")), "2014-08-01",
     ("2014-07-01", "SSI 2013/216")),
    ("Scotland: a notification on 8 July 2013 is the first", _notified("scotland", note("periodic", "2013-07-08")),
     "2013-08-01", ("2013-07-08", "SSI 2013/216")),
    ("NI: a notification on 28 February 2014 gives none",
     _notified("northern-ireland", note("periodic", "2014-02-28"), note("change", "2014-05-01")), "2014-06-01",
     ("2014-05-01", "SR 2014/185")),
    ("NI: a notification on 1 March 2014 is the first", _notified("northern-ireland", note("periodic", "2014-03-01")),
     "2014-04-01", ("2014-03-01", "SR 2014/185")),
]


@pytest.mark.parametrize(("name", "f", "as_of", "want"), FIRST_NOTIFICATION, ids=[c[0] for c in FIRST_NOTIFICATION])
def test_prescribed_items_first_given_at_the_next_notification(name: str, f: Facts, as_of: str,
                                                              want: tuple[str, str] | None) -> None:
    found = [o for o in run(f, as_of).obligations if o.citation.startswith(PRESCRIBED_FIRST)]
    if want is None:
        assert found == []
        return
    day, regulations = want
    assert len(found) == 1, found
    o = found[0]
    assert (o.kind, o.trigger, o.due, o.met_on, o.status) == ("change", D(day), D(day), D(day), "met")
    assert o.citation == PRESCRIBED_FIRST + regulations
    assert "for the first time with the first notification made from that day" in o.explanation


def test_no_first_duty_for_a_person_first_notified_after_the_items_began() -> None:
    """Convicted before 13 August 2012 but first notified after it: the initial notification gives the items."""
    f = facts(disposals=(disp("2012-08-01", "imprisonment", 36),), detentions=(det("custody", "2012-08-01",
                                                                                     "2012-09-01"),),
              notifications=(note("initial", "2012-09-02"), note("periodic", "2013-09-01")))
    assert [o for o in run(f, "2013-10-01").obligations if o.citation.startswith(PRESCRIBED_FIRST)] == []


def test_no_first_duty_for_a_registration_after_the_items_began() -> None:
    f = facts(disposals=(disp("2015-01-01", "imprisonment", 36),),
              notifications=(note("initial", "2015-01-02"), note("periodic", "2016-01-01")))
    assert [o for o in run(f, "2016-02-01").obligations if o.citation.startswith(PRESCRIBED_FIRST)] == []
