"""The law as it stood on each date: one row a case, the day before and the day of every commencement.

Written from the legislation as summarised in domain.md (§1.2 the 1997 Act and s.81; §2.2 and §12 the
review provisions; §3.2 and §4 the 2012 prescribed items; §5 weekly notification with no fixed abode; §6.1
the travel regulations; §10 SOPO to SHPO). Each duty follows the version in force on its trigger date.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tether.obligations import evaluate
from tether.obligations.types import Facts, Obligation, Outcome

from .factories import D, det, disp, ev, facts, note, of_kind, only, run, shpo

Check = Callable[[Outcome], None]


def _one(kind: str, trigger: str, due: str, citation: str, *words: str) -> Check:
    def check(o: Outcome) -> None:
        found = [x for x in of_kind(o, kind) if x.trigger == D(trigger)]
        assert len(found) == 1, o.obligations
        x: Obligation = found[0]
        assert x.due == D(due), x
        assert x.citation == citation, x
        for w in words:
            assert w in x.explanation, x.explanation

    return check


def _none(kind: str, trigger: str | None = None) -> Check:
    def check(o: Outcome) -> None:
        found = [x for x in of_kind(o, kind) if trigger is None or x.trigger == D(trigger)]
        assert found == [], found

    return check


def _both(*checks: Check) -> Check:
    def check(o: Outcome) -> None:
        for c in checks:
            c(o)

    return check


ADULT = "1960-01-01"


def _ew(*events_: object, disposals: tuple[object, ...] = (), **kw: object) -> Facts:
    return facts(disposals=disposals or (disp("1999-01-01", "imprisonment", 36),), events=events_, **kw)  # type: ignore[arg-type]


ON_REGISTER_1999 = (note("initial", "1999-01-05"),)

CASES: list[tuple[str, Facts, str, Check]] = [
    # --- Sex Offenders Act 1997 (1 September 1997): 14 days, from the commencement if later ------------
    (
        "1997: convicted the day before it began: 14 days from 1 September 1997",
        facts(disposals=(disp("1997-08-31", "imprisonment", 36),)),
        "1997-12-01",
        _one("initial", "1997-08-31", "1997-09-14", "SOA 1997 s.2(1)", "when the Sex Offenders Act 1997 began"),
    ),
    (
        "1997: no duty before the Act began",
        facts(disposals=(disp("1997-08-31", "imprisonment", 36),)),
        "1997-08-31",
        _none("initial"),
    ),
    (
        "1997: convicted on the day it began: 14 days from the conviction",
        facts(disposals=(disp("1997-09-01", "imprisonment", 36),)),
        "1997-12-01",
        _one("initial", "1997-09-01", "1997-09-14", "SOA 1997 s.2(1)", "14 days beginning with that day"),
    ),
    (
        "1997: a change of address before the Act began is no duty",
        _ew(ev("address_change", "1997-08-31"), disposals=(disp("1997-06-01", "imprisonment", 36),)),
        "1997-12-01",
        _none("change"),
    ),
    (
        "1997: a change of address on the day it began: 14 days",
        _ew(ev("address_change", "1997-09-01"), disposals=(disp("1997-06-01", "imprisonment", 36),)),
        "1997-12-01",
        _one("change", "1997-09-01", "1997-09-14", "SOA 1997 s.2(2)"),
    ),
    # --- SOA 2003 Part 2 (1 May 2004, s.81): 3 days ------------------------------------------------------
    (
        "2004: convicted the day before: 14 days under the 1997 Act",
        facts(disposals=(disp("2004-04-30", "other"),)),
        "2004-06-01",
        _one("initial", "2004-04-30", "2004-05-13", "SOA 1997 s.2(1)"),
    ),
    (
        "2004: convicted on the day: 3 days under s.83(1)",
        facts(disposals=(disp("2004-05-01", "other"),)),
        "2004-06-01",
        _one("initial", "2004-05-01", "2004-05-03", "SOA 2003 s.83(1)"),
    ),
    (
        "2004: change of address the day before: 14 days (1997 Act s.2(2))",
        _ew(ev("address_change", "2004-04-30"), notifications=ON_REGISTER_1999),
        "2004-06-01",
        _one("change", "2004-04-30", "2004-05-13", "SOA 1997 s.2(2)", "14 days beginning"),
    ),
    (
        "2004: change of address on the day: 3 days (s.84(1))",
        _ew(ev("address_change", "2004-05-01"), notifications=ON_REGISTER_1999),
        "2004-06-01",
        _one("change", "2004-05-01", "2004-05-03", "SOA 2003 s.84(1)", "3 days beginning"),
    ),
    (
        "2004: release the day before: no release duty under the 1997 Act",
        _ew(notifications=ON_REGISTER_1999, detentions=(det("custody", "2004-01-01", "2004-04-30"),)),
        "2004-06-01",
        _none("change"),
    ),
    (
        "2004: release on the day: s.84(1)(c)",
        _ew(notifications=ON_REGISTER_1999, detentions=(det("custody", "2004-01-01", "2004-05-01"),)),
        "2004-06-01",
        _one("change", "2004-05-01", "2004-05-03", "SOA 2003 s.84(1)", "release from custody"),
    ),
    (
        "2004: a 7-day stay ending the day before is not a 1997 qualifying period (14 days)",
        _ew(ev("stay", "2004-04-24", "2004-04-30", address="A"), notifications=ON_REGISTER_1999),
        "2004-06-01",
        _none("change"),
    ),
    (
        "2004: a 7-day stay reaching 7 days on the day qualifies under s.84(6)",
        _ew(ev("stay", "2004-04-25", "2004-05-01", address="A"), notifications=ON_REGISTER_1999),
        "2004-06-01",
        _one("change", "2004-05-01", "2004-05-03", "SOA 2003 s.84(1)", "reaching 7 days"),
    ),
    (
        "2004: a 14-day stay reaching 14 days the day before qualifies under the 1997 Act",
        _ew(ev("stay", "2004-04-17", "2004-04-30", address="A"), notifications=ON_REGISTER_1999),
        "2004-06-01",
        _one("change", "2004-04-30", "2004-05-13", "SOA 1997 s.2(2)", "reaching 14 days"),
    ),
    (
        "2004: no periodic notification under the 1997 Act",
        _ew(notifications=ON_REGISTER_1999),
        "2004-04-30",
        _none("periodic"),
    ),
    (
        "2004: the first year runs from the commencement for a person notified under the 1997 Act",
        _ew(notifications=(note("initial", "1999-01-05"), note("change", "2004-04-30"))),
        "2004-05-01",
        _one("periodic", "2004-05-01", "2005-05-01", "SOA 2003 s.85(1)(a)", "Sex Offenders Act 1997"),
    ),
    (
        "2004: a notification on the day starts the year under s.85(1)",
        _ew(notifications=(note("initial", "1999-01-05"), note("change", "2004-05-01"))),
        "2004-05-01",
        _one("periodic", "2004-05-01", "2005-05-01", "SOA 2003 s.85(1)"),
    ),
    (
        "2004: no non-occurrence duty for an advance date the day before (s.84(4) began with the 2003 Act)",
        _ew(ev("address_change", "2004-09-01", advance="2004-04-30"), notifications=ON_REGISTER_1999),
        "2004-06-01",
        _none("non_occurrence"),
    ),
    (
        "2004: a non-occurrence duty for an advance date on the day",
        _ew(ev("address_change", "2004-09-01", advance="2004-05-01"), notifications=ON_REGISTER_1999),
        "2004-06-01",
        _one("non_occurrence", "2004-05-01", "2004-05-06", "SOA 2003 s.84(4)(b)"),
    ),
    # --- Foreign travel: 2001 Regulations (1 June 2001): 8 days or longer, 24 hours ------------------------
    (
        "2001: a 10-day trip the day before the 2001 Regulations needs no notice",
        _ew(ev("departure", "2001-05-31", "2001-06-09", country="FR"), notifications=ON_REGISTER_1999),
        "2001-07-01",
        _none("travel"),
    ),
    (
        "2001: a 10-day trip on the day: 24 hours before",
        _ew(ev("departure", "2001-06-01", "2001-06-10", country="FR"), notifications=ON_REGISTER_1999),
        "2001-07-01",
        _one("travel", "2001-06-01", "2001-05-31", "SOA 1997 as amended by CJCSA 2000; SI 2001/1846", "8 days"),
    ),
    (
        "2001: a 7-day trip is under 8 days: no notice",
        _ew(ev("departure", "2002-03-01", "2002-03-07", country="FR"), notifications=ON_REGISTER_1999),
        "2002-04-01",
        _none("travel"),
    ),
    (
        "2001: an 8-day trip needs notice",
        _ew(ev("departure", "2002-03-01", "2002-03-08", country="FR"), notifications=ON_REGISTER_1999),
        "2002-04-01",
        _one("travel", "2002-03-01", "2002-02-28", "SOA 1997 as amended by CJCSA 2000; SI 2001/1846"),
    ),
    # --- 2004 Regulations (1 May 2004): 3 days or longer, 7 days' notice -----------------------------------
    (
        "2004: a 5-day trip the day before (2001 Regulations: under 8 days) needs no notice",
        _ew(ev("departure", "2004-04-30", "2004-05-04", country="FR"), notifications=ON_REGISTER_1999),
        "2004-06-01",
        _none("travel"),
    ),
    (
        "2004: a 5-day trip on the day: no notice, the 2001 Regulations still apply up to 9 May (reg 3)",
        _ew(ev("departure", "2004-05-01", "2004-05-05", country="FR"), notifications=ON_REGISTER_1999),
        "2004-06-01",
        _none("travel"),
    ),
    (
        "2004 Regulations: a 2-day trip needs no notice",
        _ew(ev("departure", "2008-03-01", "2008-03-02", country="FR"), notifications=ON_REGISTER_1999),
        "2008-04-01",
        _none("travel"),
    ),
    (
        "2004 Regulations: a trip with no return date is taken as long enough",
        _ew(ev("departure", "2008-03-01", country="FR"), notifications=ON_REGISTER_1999),
        "2008-04-01",
        _one("travel", "2008-03-01", "2008-02-23", "SOA 2003 s.86; SI 2004/1220"),
    ),
    # --- Every trip: E&W 13 August 2012, Scotland 8 July 2013, NI (assumed) 1 March 2014 -------------------
    (
        "E&W 2012: a 2-day trip the day before needs no notice",
        _ew(ev("departure", "2012-08-12", "2012-08-13", country="FR"), notifications=ON_REGISTER_1999),
        "2012-09-01",
        _none("travel"),
    ),
    (
        "E&W 2012: a 2-day trip on the day: no notice within the 14-day transition (reg 3)",
        _ew(ev("departure", "2012-08-13", "2012-08-14", country="FR"), notifications=ON_REGISTER_1999),
        "2012-09-01",
        _none("travel"),
    ),
    (
        "Scotland 2013: a 2-day trip the day before needs no notice",
        facts(
            "scotland",
            disposals=(disp("1999-01-01", "imprisonment", 36),),
            notifications=ON_REGISTER_1999,
            events=(ev("departure", "2013-07-07", "2013-07-08", country="FR"),),
        ),
        "2013-08-01",
        _none("travel"),
    ),
    (
        "Scotland 2013: a 2-day trip on the day needs notice",
        facts(
            "scotland",
            disposals=(disp("1999-01-01", "imprisonment", 36),),
            notifications=ON_REGISTER_1999,
            events=(ev("departure", "2013-07-08", "2013-07-09", country="FR"),),
        ),
        "2013-08-01",
        _one("travel", "2013-07-08", "2013-07-01", "SOA 2003 s.86; SSI 2004/205 as amended by SSI 2013/216"),
    ),
    (
        "NI 2014: a 2-day trip to France the day before needs no notice",
        facts(
            "northern-ireland",
            disposals=(disp("1999-01-01", "imprisonment", 36),),
            notifications=ON_REGISTER_1999,
            events=(ev("departure", "2014-02-28", "2014-03-01", country="FR"),),
        ),
        "2014-04-01",
        _none("travel"),
    ),
    (
        "NI 2014: a 2-day trip to France on the day: no notice within the 14-day transition (reg 3)",
        facts(
            "northern-ireland",
            disposals=(disp("1999-01-01", "imprisonment", 36),),
            notifications=ON_REGISTER_1999,
            events=(ev("departure", "2014-03-01", "2014-03-02", country="FR"),),
        ),
        "2014-04-01",
        _none("travel"),
    ),
    (
        "NI 2014: a 2-day trip to Ireland on the day is exempt",
        facts(
            "northern-ireland",
            disposals=(disp("1999-01-01", "imprisonment", 36),),
            notifications=ON_REGISTER_1999,
            events=(ev("departure", "2014-03-01", "2014-03-02", country="IE"),),
        ),
        "2014-04-01",
        _none("travel"),
    ),
    (
        "NI 2014: a 3-day trip to Ireland the day before (2004 Regulations) needs notice",
        facts(
            "northern-ireland",
            disposals=(disp("1999-01-01", "imprisonment", 36),),
            notifications=ON_REGISTER_1999,
            events=(ev("departure", "2014-02-28", "2014-03-02", country="IE"),),
        ),
        "2014-04-01",
        _one("travel", "2014-02-28", "2014-02-21", "SOA 2003 s.86; SI 2004/1220"),
    ),
    # --- Weekly notification with no fixed abode ----------------------------------------------------------
    (
        "E&W NFA the day before 13 August 2012: annual",
        _ew(notifications=(note("initial", "1999-01-05"), note("change", "2012-08-12", nfa=True))),
        "2012-09-01",
        _one("periodic", "2012-08-12", "2013-08-12", "SOA 2003 s.85(1)"),
    ),
    (
        "E&W NFA on 13 August 2012: weekly",
        _ew(notifications=(note("initial", "1999-01-05"), note("change", "2012-08-13", nfa=True))),
        "2012-09-01",
        _one("periodic", "2012-08-13", "2012-08-20", "SOA 2003 s.85(1); SI 2012/1876"),
    ),
    (
        "Scotland NFA the day before 8 July 2013: annual",
        facts(
            "scotland",
            disposals=(disp("1999-01-01", "imprisonment", 36),),
            notifications=(note("initial", "1999-01-05"), note("change", "2013-07-07", nfa=True)),
        ),
        "2013-07-10",
        _one("periodic", "2013-07-07", "2014-07-07", "SOA 2003 s.85(1)"),
    ),
    (
        "Scotland NFA on 8 July 2013: every 7 days",
        facts(
            "scotland",
            disposals=(disp("1999-01-01", "imprisonment", 36),),
            notifications=(note("initial", "1999-01-05"), note("change", "2013-07-08", nfa=True)),
        ),
        "2013-07-10",
        _one("periodic", "2013-07-08", "2013-07-15", "SOA 2003 s.85(1); SSI 2013/216 reg 2"),
    ),
    (
        "NI NFA the day before 1 March 2014: annual",
        facts(
            "northern-ireland",
            disposals=(disp("1999-01-01", "imprisonment", 36),),
            notifications=(note("initial", "1999-01-05"), note("change", "2014-02-28", nfa=True)),
        ),
        "2014-03-02",
        _one("periodic", "2014-02-28", "2015-02-28", "SOA 2003 s.85(1)"),
    ),
    (
        "NI NFA on 1 March 2014: weekly",
        facts(
            "northern-ireland",
            disposals=(disp("1999-01-01", "imprisonment", 36),),
            notifications=(note("initial", "1999-01-05"), note("change", "2014-03-01", nfa=True)),
        ),
        "2014-03-02",
        _one("periodic", "2014-03-01", "2014-03-08", "SOA 2003 s.85(1); SR 2014/185"),
    ),
    # --- The prescribed items (passport, bank, cards, relevant household) --------------------------------
    (
        "E&W prescribed change the day before 13 August 2012: no duty",
        _ew(ev("prescribed_change", "2012-08-12", item="passport"), notifications=ON_REGISTER_1999),
        "2012-09-01",
        _none("change"),
    ),
    (
        "E&W prescribed change on 13 August 2012: 3 days",
        _ew(ev("prescribed_change", "2012-08-13", item="passport"), notifications=ON_REGISTER_1999),
        "2012-09-01",
        _one("change", "2012-08-13", "2012-08-15", "SOA 2003 s.84(1); SI 2012/1876", "passport"),
    ),
    (
        "E&W prescribed change met by a prescribed notification (which does not move the periodic date)",
        _ew(
            ev("prescribed_change", "2020-03-02", item="relevant_household"),
            notifications=(
                note("initial", "1999-01-05"),
                note("periodic", "2020-01-10"),
                note("prescribed", "2020-03-03"),
            ),
        ),
        "2020-04-01",
        _both(
            _one("change", "2020-03-02", "2020-03-04", "SOA 2003 s.84(1); SI 2012/1876", "met on 3 March 2020"),
            _one("periodic", "2020-01-10", "2021-01-10", "SOA 2003 s.85(1)"),
        ),
    ),
    (
        "Scotland prescribed change the day before 8 July 2013: no duty",
        facts(
            "scotland",
            disposals=(disp("1999-01-01", "imprisonment", 36),),
            notifications=ON_REGISTER_1999,
            events=(ev("prescribed_change", "2013-07-07", item="bank_account"),),
        ),
        "2013-08-01",
        _none("change"),
    ),
    (
        "Scotland prescribed change on 8 July 2013: 3 days",
        facts(
            "scotland",
            disposals=(disp("1999-01-01", "imprisonment", 36),),
            notifications=ON_REGISTER_1999,
            events=(ev("prescribed_change", "2013-07-08", item="bank_account"),),
        ),
        "2013-08-01",
        _one("change", "2013-07-08", "2013-07-10", "SOA 2003 s.84(1); SSI 2013/216", "bank account"),
    ),
    (
        "NI prescribed change the day before 1 March 2014: no duty",
        facts(
            "northern-ireland",
            disposals=(disp("1999-01-01", "imprisonment", 36),),
            notifications=ON_REGISTER_1999,
            events=(ev("prescribed_change", "2014-02-28", item="payment_card"),),
        ),
        "2014-04-01",
        _none("change"),
    ),
    (
        "NI prescribed change on 1 March 2014: 3 days",
        facts(
            "northern-ireland",
            disposals=(disp("1999-01-01", "imprisonment", 36),),
            notifications=ON_REGISTER_1999,
            events=(ev("prescribed_change", "2014-03-01", item="payment_card"),),
        ),
        "2014-04-01",
        _one("change", "2014-03-01", "2014-03-03", "SOA 2003 s.84(1); SR 2014/185", "debit or credit card"),
    ),
    # --- NI s.85A absence from home ------------------------------------------------------------------------
    (
        "NI absence beginning the day before 1 March 2014: no duty",
        facts(
            "northern-ireland",
            disposals=(disp("1999-01-01", "imprisonment", 36),),
            notifications=ON_REGISTER_1999,
            events=(ev("stay", "2014-02-28", "2014-03-04", address="B"),),
        ),
        "2014-04-01",
        _none("absence"),
    ),
    (
        "NI absence beginning on 1 March 2014: 12 hours before leaving",
        facts(
            "northern-ireland",
            disposals=(disp("1999-01-01", "imprisonment", 36),),
            notifications=ON_REGISTER_1999,
            events=(ev("stay", "2014-03-01", "2014-03-05", address="B"),),
        ),
        "2014-04-01",
        _one("absence", "2014-03-01", "2014-02-28", "SOA 2003 s.85A(2)"),
    ),
]


@pytest.mark.parametrize(("name", "f", "as_of", "check"), CASES, ids=[c[0] for c in CASES])
def test_the_version_in_force_on_the_trigger_date(name: str, f: Facts, as_of: str, check: Check) -> None:
    check(run(f, as_of))


# --- Review of indefinite notification: not before the provisions came into force ---------------------

YOUTH_2004 = "1988-01-01"  # under 18 on any relevant date before 2006


@pytest.mark.parametrize(
    ("jurisdiction", "dob", "disposal", "first_notification", "expected"),
    [
        # E&W ss.91A-91F from 30 July 2012: 8 years (under 18) from the relevant notification
        pytest.param("england-wales", YOUTH_2004, "2004-06-01", "2004-07-29", "2012-07-30", id="ew-day-before-clamped"),
        pytest.param("england-wales", YOUTH_2004, "2004-06-01", "2004-07-30", "2012-07-30", id="ew-on-the-day"),
        pytest.param("england-wales", YOUTH_2004, "2004-06-01", "2004-07-31", "2012-07-31", id="ew-after"),
        # Scotland ss.88A-88I from 28 January 2011: 8 years (under 18) from the relevant date
        pytest.param("scotland", YOUTH_2004, "2003-01-27", "2003-01-28", "2011-01-28", id="scot-day-before-clamped"),
        pytest.param("scotland", YOUTH_2004, "2003-01-28", "2003-01-29", "2011-01-28", id="scot-on-the-day"),
        # NI Sch 3A from 1 March 2014
        pytest.param("northern-ireland", YOUTH_2004, "2004-06-01", "2006-02-28", "2014-03-01", id="ni-day-before"),
        pytest.param("northern-ireland", YOUTH_2004, "2004-06-01", "2006-03-01", "2014-03-01", id="ni-on-the-day"),
    ],
)
def test_review_not_before_its_commencement(
    jurisdiction: str, dob: str, disposal: str, first_notification: str, expected: str
) -> None:
    f = facts(
        jurisdiction,  # type: ignore[arg-type]
        dob=dob,
        disposals=(disp(disposal, "life"),),
        notifications=(note("initial", first_notification),),
    )
    assert run(f, "2010-01-01").registration.review_eligible_from == D(expected)


# --- SOPO before the SHPO: E&W 8 March 2015, Scotland 31 March 2023 ----------------------------------


@pytest.mark.parametrize(
    ("jurisdiction", "start", "registration_cite", "initial_cite", "words"),
    [
        pytest.param(
            "england-wales",
            "2015-03-07",
            "SOA 2003 s.107(3)",
            "SOA 2003 s.83(1); s.107(4)",
            "sexual offences prevention order",
            id="ew-sopo-day-before",
        ),
        pytest.param(
            "england-wales",
            "2015-03-08",
            "SOA 2003 s.103G",
            "SOA 2003 s.83(1); s.103G",
            "sexual harm prevention order",
            id="ew-shpo-on-the-day",
        ),
        pytest.param(
            "scotland",
            "2023-03-30",
            "SOA 2003 s.107(3)",
            "SOA 2003 s.83(1); s.107(4)",
            "sexual offences prevention order",
            id="scot-sopo-day-before",
        ),
        pytest.param(
            "scotland",
            "2023-03-31",
            "Abusive Behaviour and Sexual Harm (Scotland) Act 2016 (SHPO)",
            "SOA 2003 s.83(1); s.103G",
            "sexual harm prevention order",
            id="scot-shpo-on-the-day",
        ),
    ],
)
def test_order_before_and_after_the_shpo(
    jurisdiction: str, start: str, registration_cite: str, initial_cite: str, words: str
) -> None:
    f = facts(jurisdiction, orders=(shpo(start, "2030-01-01"),))  # type: ignore[arg-type]
    o = run(f, "2024-01-01")
    assert registration_cite in o.registration.citations
    initial = only(o, "initial")
    assert initial.citation == initial_cite
    assert words in initial.explanation


# --- changes_on: a commencement after as_of is a day the outcome may change ---------------------------


def test_changes_on_stops_at_the_2003_act() -> None:
    f = _ew(notifications=ON_REGISTER_1999)
    before = run(f, "2004-04-20")
    assert before.changes_on == D("2004-05-01")
    assert of_kind(before, "periodic") == []
    assert len(of_kind(evaluate(f, D("2004-05-01")), "periodic")) == 1


def test_changes_on_stops_at_the_2012_regulations_for_a_planned_short_trip() -> None:
    f = _ew(ev("departure", "2012-09-01", "2012-09-02", country="FR"), notifications=(note("initial", "1999-01-05"),))
    before = run(f, "2012-08-01")
    assert before.changes_on is not None and before.changes_on <= D("2012-08-13")


# --- Schedule 3 flags appear on the outcome, per disposal ----------------------------------------------


def test_pre_1997_conviction_is_flagged_for_review_not_refused() -> None:
    o = run(facts(disposals=(disp("1995-06-01", "life"),)), "1997-12-01")
    assert o.registration.subject
    assert [e.status for e in o.eligibility] == ["review"]
    assert "1 September 1997" in o.eligibility[0].reason
