"""US SORNA (34 U.S.C. §§20911-20932): tiers, custody exclusion, clean record, business days."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tether.obligations.types import FactsError

from .factories import D, det, disp, ev, facts, note, of_kind, only, run


@pytest.mark.parametrize(
    ("disposal", "detentions", "clean", "end"),
    [
        pytest.param(disp("2010-05-01", tier=1), (), False, "2025-04-30", id="tier-1-15-years"),
        pytest.param(disp("2010-05-01", tier=2), (), False, "2035-04-30", id="tier-2-25-years"),
        pytest.param(disp("2010-05-01", tier=3), (), False, None, id="tier-3-life"),
        pytest.param(
            disp("2010-05-01", tier=1),
            (det("custody", "2010-05-01", "2011-05-01"),),
            False,
            "2026-04-30",
            id="tier-1-custody-year-excluded",
        ),
        pytest.param(
            disp("2010-05-01", tier=2),
            (det("hospital", "2030-01-01", "2030-01-11"),),
            False,
            "2035-05-10",
            id="civil-commitment-excluded",
        ),
        pytest.param(
            disp("2010-05-01", tier=1),
            (det("abroad", "2011-01-01", "2012-01-01"),),
            False,
            "2025-04-30",
            id="time-abroad-not-excluded",
        ),
        pytest.param(
            disp("2010-05-01", tier=1),
            (det("custody", "2026-01-01", "2026-02-01"),),
            False,
            "2025-04-30",
            id="custody-after-end-no-effect",
        ),
        pytest.param(disp("2010-05-01", tier=1), (), True, "2020-04-30", id="tier-1-clean-record-5-years-off"),
        pytest.param(disp("2010-05-01", tier=2), (), True, "2035-04-30", id="tier-2-no-reduction"),
        pytest.param(disp("2010-05-01", tier=3), (), True, None, id="tier-3-adult-no-reduction"),
        pytest.param(
            disp("2010-05-01", tier=3, adjudicated_delinquent=True),
            (),
            True,
            "2035-04-30",
            id="tier-3-juvenile-clean-25",
        ),
        pytest.param(
            disp("2010-05-01", tier=3, adjudicated_delinquent=True), (), False, None, id="tier-3-juvenile-not-clean"
        ),
    ],
)
def test_sorna_period(disposal: Any, detentions: Any, clean: bool, end: str | None) -> None:
    reg = run(facts("us-sorna", disposals=(disposal,), detentions=detentions, clean=clean), "2015-01-01").registration
    assert reg.start == D("2010-05-01")
    assert reg.end == (D(end) if end else None)
    assert reg.indefinite is (end is None)
    assert reg.review_eligible_from is None
    assert "34 U.S.C. §20915(a)" in reg.citations
    assert ("34 U.S.C. §20915(b)" in reg.citations) is (clean and disposal.tier != 2 and end is not None)


def test_sorna_open_custody_counts_to_as_of() -> None:
    f = facts("us-sorna", disposals=(disp("2010-05-01", tier=1),), detentions=(det("custody", "2010-05-01"),))
    reg = run(f, "2012-05-01").registration
    held = (D("2012-05-02") - D("2010-05-01")).days
    assert reg.end == D("2025-04-30") + timedelta(days=held)


@pytest.mark.parametrize(
    ("event", "due"),
    [
        pytest.param(ev("name_change", "2025-07-03"), "2025-07-09", id="thursday-before-independence-day-2025"),
        pytest.param(ev("address_change", "2026-07-02"), "2026-07-08", id="before-observed-friday-holiday-2026"),
        pytest.param(ev("address_change", "2026-07-03"), "2026-07-08", id="change-on-observed-holiday"),
        pytest.param(ev("address_change", "2021-12-30"), "2022-01-05", id="over-new-year-observed-31-dec"),
        pytest.param(ev("address_change", "2025-03-04"), "2025-03-07", id="ordinary-tuesday"),
        pytest.param(ev("address_change", "2025-03-07"), "2025-03-12", id="friday-over-weekend"),
    ],
)
def test_sorna_change_in_3_business_days(event: Any, due: str) -> None:
    f = facts(
        "us-sorna",
        disposals=(disp("2015-01-05", tier=2),),
        notifications=(note("initial", "2015-01-06"),),
        events=(event,),
    )
    o = only(run(f, "2027-01-01"), "change")
    assert o.due == D(due)
    assert o.citation == "34 U.S.C. §20913(c)"
    assert o.status == "overdue"


@pytest.mark.parametrize(
    ("detentions", "due"),
    [
        pytest.param((), "2025-07-09", id="not-imprisoned-3-business-days"),
        pytest.param((det("custody", "2024-01-10", "2025-01-10"),), "2025-01-10", id="imprisoned-before-release"),
        pytest.param(
            (det("custody", "2025-07-03", "2025-07-04"),), "2025-07-09", id="short-hold-keeps-3-business-days"
        ),
    ],
)
def test_sorna_initial(detentions: Any, due: str) -> None:
    when = "2024-01-10" if detentions and detentions[0].start.year == 2024 else "2025-07-03"
    f = facts("us-sorna", disposals=(disp(when, tier=1),), detentions=detentions)
    o = only(run(f, "2025-07-04"), "initial")
    assert o.due == D(due)
    assert o.citation == "34 U.S.C. §20913(b)"


def test_sorna_initial_waits_for_release_while_held() -> None:
    f = facts("us-sorna", disposals=(disp("2024-01-10", tier=1),), detentions=(det("custody", "2024-01-10"),))
    assert of_kind(run(f, "2025-01-01"), "initial") == []


@pytest.mark.parametrize(
    ("tier", "notifications", "detentions", "due"),
    [
        pytest.param(1, (note("initial", "2025-01-15"),), (), "2026-01-15", id="tier-1-yearly"),
        pytest.param(2, (note("initial", "2025-01-15"),), (), "2025-07-15", id="tier-2-six-monthly"),
        pytest.param(3, (note("initial", "2025-01-15"),), (), "2025-04-15", id="tier-3-quarterly"),
        pytest.param(
            3,
            (note("initial", "2025-01-15"), note("periodic", "2025-04-14")),
            (),
            "2025-07-14",
            id="tier-3-from-last-verification",
        ),
        pytest.param(
            2,
            (note("initial", "2025-01-15"), note("change", "2025-03-01"), note("travel", "2025-03-02")),
            (),
            "2025-07-15",
            id="change-and-travel-do-not-move-verification",
        ),
        pytest.param(
            1,
            (note("initial", "2024-01-15"),),
            (det("custody", "2024-12-01", "2025-02-03"),),
            "2025-02-06",
            id="verification-in-custody-3-business-days-after-release",
        ),
        pytest.param(3, (note("initial", "2024-11-30"),), (), "2025-02-28", id="month-end-clamps"),
    ],
)
def test_sorna_verification(tier: int, notifications: Any, detentions: Any, due: str) -> None:
    f = facts(
        "us-sorna", disposals=(disp("2015-01-05", tier=tier),), notifications=notifications, detentions=detentions
    )
    o = only(run(f, "2025-04-20"), "verification")
    assert o.due == D(due)
    assert o.citation == "34 U.S.C. §20918"


def test_sorna_highest_tier_sets_verification() -> None:
    f = facts(
        "us-sorna",
        disposals=(disp("2010-01-05", tier=1), disp("2012-01-05", tier=3)),
        notifications=(note("initial", "2012-01-06"),),
    )
    assert only(run(f, "2012-02-01"), "verification").due == D("2012-04-06")


@pytest.mark.parametrize(
    ("notifications", "as_of", "status"),
    [
        pytest.param((note("travel", "2025-08-11"),), "2025-09-10", "met", id="21-days-ahead"),
        pytest.param((), "2025-08-11", "due", id="last-day"),
        pytest.param((), "2025-08-12", "overdue", id="day-after"),
    ],
)
def test_sorna_travel_21_days(notifications: Any, as_of: str, status: str) -> None:
    f = facts(
        "us-sorna",
        disposals=(disp("2015-01-05", tier=1),),
        notifications=(note("initial", "2015-01-06"), *notifications),
        events=(ev("departure", "2025-09-01"),),
    )
    o = only(run(f, as_of), "travel")
    assert (o.due, o.status) == (D("2025-08-11"), status)


def test_sorna_no_obligations_after_period() -> None:
    f = facts(
        "us-sorna",
        disposals=(disp("2000-01-05", tier=1),),
        notifications=(note("initial", "2000-01-06"), note("periodic", "2014-06-01")),
        events=(ev("address_change", "2016-01-01"),),
    )
    out = run(f, "2016-02-01")
    assert not out.registration.subject
    assert of_kind(out, "change") == [] and of_kind(out, "verification") == []


def test_sorna_missing_tier_raises_facts_error() -> None:
    with pytest.raises(FactsError) as err:
        run(facts("us-sorna", disposals=(disp("2010-01-05"),)), "2020-01-01")
    assert err.value.field == "disposals[0].tier"
