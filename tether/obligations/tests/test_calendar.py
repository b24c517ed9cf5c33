"""Day counting: inclusive "beginning with" periods, anniversaries, disregarded days, business days."""

from __future__ import annotations

import pytest

from tether.obligations.calendar import (
    Disregard,
    add_business_days,
    add_months,
    add_years,
    age_on,
    day_after_period,
    is_business_day,
    period_end,
    us_federal_holidays,
)

from .factories import D


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        pytest.param("2024-02-29", 1, "2025-02-28", id="29-feb-anniversary-in-common-year-is-28-feb"),
        pytest.param("2024-02-29", 4, "2028-02-29", id="29-feb-anniversary-in-leap-year"),
        pytest.param("2023-02-28", 1, "2024-02-28", id="28-feb-stays-28-feb"),
        pytest.param("2015-03-04", 10, "2025-03-04", id="plain-anniversary"),
        pytest.param("2025-02-28", -1, "2024-02-28", id="backwards"),
    ],
)
def test_add_years(start: str, years: int, expected: str) -> None:
    assert add_years(D(start), years) == D(expected)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        pytest.param("2025-01-31", 1, "2025-02-28", id="31-jan-plus-1-month-clamps"),
        pytest.param("2024-01-31", 1, "2024-02-29", id="31-jan-plus-1-month-leap"),
        pytest.param("2025-03-31", -1, "2025-02-28", id="backwards-clamps"),
        pytest.param("2025-11-15", 3, "2026-02-15", id="across-year-end"),
    ],
)
def test_add_months(start: str, months: int, expected: str) -> None:
    assert add_months(D(start), months) == D(expected)


@pytest.mark.parametrize(
    ("start", "years", "months", "expected"),
    [
        pytest.param("2015-03-04", 10, 0, "2025-03-03", id="10-years-beginning-2015-03-04-ends-2025-03-03"),
        pytest.param("2020-01-10", 3, 6, "2023-07-09", id="3.5-years-is-3-years-6-months"),
        pytest.param("2016-02-29", 10, 0, "2026-02-28", id="beginning-29-feb-ends-28-feb"),
        pytest.param("2016-03-01", 10, 0, "2026-02-28", id="beginning-1-mar-ends-28-feb"),
        pytest.param("2019-03-01", 1, 0, "2020-02-29", id="beginning-1-mar-ends-29-feb-in-leap-year"),
        pytest.param("2025-01-31", 0, 1, "2025-02-28", id="one-month-beginning-31-jan"),
    ],
)
def test_period_end(start: str, years: int, months: int, expected: str) -> None:
    assert period_end(D(start), years=years, months=months) == D(expected)


def test_day_after_period_is_the_anniversary_for_ordinary_dates() -> None:
    assert day_after_period(D("2016-01-05"), years=15) == D("2031-01-05")


@pytest.mark.parametrize(
    ("dob", "on", "age"),
    [
        pytest.param("2002-01-10", "2020-01-10", 18, id="18th-birthday-itself"),
        pytest.param("2002-01-10", "2020-01-09", 17, id="day-before-18th-birthday"),
        pytest.param("2004-02-29", "2022-02-28", 18, id="leapling-turns-18-on-28-feb"),
        pytest.param("2004-02-29", "2022-02-27", 17, id="leapling-day-before"),
    ],
)
def test_age_on(dob: str, on: str, age: int) -> None:
    assert age_on(D(dob), D(on)) == age


@pytest.mark.parametrize(
    ("periods", "start", "n", "expected"),
    [
        pytest.param([], "2025-03-04", 3, "2025-03-06", id="no-disregard-day-itself-counts"),
        pytest.param([("2025-03-04", "2025-09-01")], "2025-03-04", 3, "2025-09-03", id="custody-from-day-one"),
        pytest.param([("2025-03-05", "2025-03-10")], "2025-03-04", 3, "2025-03-11", id="custody-mid-window"),
        pytest.param([("2025-03-06", "2025-03-07")], "2025-03-04", 3, "2025-03-07", id="one-day-away"),
        pytest.param([("2025-03-06", "2025-03-06")], "2025-03-04", 3, "2025-03-06", id="same-day-release-ignored"),
        pytest.param([("2025-03-01", "2025-03-04")], "2025-03-04", 3, "2025-03-06", id="released-on-day-one"),
        pytest.param(
            [("2025-03-05", "2025-03-06"), ("2025-03-06", "2025-03-08")],
            "2025-03-04",
            3,
            "2025-03-09",
            id="back-to-back-detentions-merge",
        ),
        pytest.param([("2025-03-05", None)], "2025-03-04", 3, None, id="open-ended-custody-no-deadline"),
    ],
)
def test_nth_counted_day(periods: list[tuple[str, str | None]], start: str, n: int, expected: str | None) -> None:
    dis = Disregard((D(s), D(e) if e else None) for s, e in periods)
    result = dis.nth_counted_day(D(start), n)
    assert result == (D(expected) if expected else None)


def test_disregard_covers_and_counts() -> None:
    dis = Disregard([(D("2025-01-10"), D("2025-01-20")), (D("2025-02-01"), None)])
    assert not dis.covers(D("2025-01-09"))
    assert dis.covers(D("2025-01-10"))
    assert dis.covers(D("2025-01-19"))
    assert not dis.covers(D("2025-01-20"))  # release day counts
    assert dis.covers(D("2030-01-01"))
    assert dis.disregarded_between(D("2025-01-01"), D("2025-02-01")) == 10
    assert dis.disregarded_between(D("2025-01-01"), D("2025-02-02")) is None
    assert dis.release_of(D("2025-01-15")) == D("2025-01-20")
    assert dis.release_of(D("2025-03-01")) is None


def test_extend_end_pushes_through_custody_inside_the_extension() -> None:
    dis = Disregard([(D("2020-01-01"), D("2020-01-11")), (D("2030-01-05"), D("2030-01-15"))])
    # 10 days at the start push 2030-01-01 to 2030-01-11, which now overlaps the second span (10 more).
    assert dis.extend_end(D("2020-01-01"), D("2030-01-01")) == D("2030-01-21")


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        pytest.param("2025-07-04", True, id="independence-day-friday-2025"),
        pytest.param("2026-07-03", True, id="independence-day-2026-observed-friday"),
        pytest.param("2021-12-31", True, id="new-year-2022-observed-31-dec-2021"),
        pytest.param("2022-12-26", True, id="christmas-2022-observed-monday"),
        pytest.param("2021-06-18", True, id="juneteenth-2021-observed-friday"),
        pytest.param("2020-06-19", False, id="no-juneteenth-before-2021"),
        pytest.param("2025-11-27", True, id="thanksgiving-2025"),
        pytest.param("2025-05-26", True, id="memorial-day-2025"),
        pytest.param("2025-01-20", True, id="mlk-day-2025"),
        pytest.param("2025-10-13", True, id="columbus-day-2025"),
        pytest.param("2025-07-07", False, id="ordinary-monday"),
    ],
)
def test_us_federal_holidays(day: str, holiday: bool) -> None:
    d = D(day)
    assert (d in us_federal_holidays(d.year)) is holiday


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param("2025-07-03", 3, "2025-07-09", id="thursday-before-independence-day-2025"),
        pytest.param("2026-07-02", 3, "2026-07-08", id="thursday-before-observed-friday-2026"),
        pytest.param("2026-07-03", 3, "2026-07-08", id="on-the-observed-holiday-itself"),
        pytest.param("2021-12-30", 3, "2022-01-05", id="over-new-year-observed-on-31-dec"),
        pytest.param("2025-03-03", 3, "2025-03-06", id="plain-week"),
        pytest.param("2025-03-07", 1, "2025-03-10", id="friday-plus-one-is-monday"),
    ],
)
def test_add_business_days(start: str, n: int, expected: str) -> None:
    assert add_business_days(D(start), n) == D(expected)


def test_weekend_is_not_a_business_day() -> None:
    assert not is_business_day(D("2025-07-05"))
    assert is_business_day(D("2025-07-07"))
