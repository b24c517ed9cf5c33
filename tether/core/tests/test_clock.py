"""The clock: UTC instants, UK calendar dates, and the start of a UK day across GMT and BST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import time_machine

from tether.core import clock

# 2025: BST starts 30 March at 01:00 UTC and ends 26 October at 01:00 UTC.
SPRING_FORWARD = date(2025, 3, 30)
FALL_BACK = date(2025, 10, 26)


def test_now_is_the_frozen_instant_in_utc():
    at = datetime(2025, 6, 16, 11, 0, 0, 123456, tzinfo=UTC)
    with time_machine.travel(at, tick=False):
        now = clock.now()
    assert now == at
    assert now.tzinfo is UTC
    assert now.utcoffset() == timedelta(0)


def test_now_does_not_move_while_frozen():
    with time_machine.travel(datetime(2025, 6, 16, 11, 0, tzinfo=UTC), tick=False):
        assert clock.now() == clock.now()


@pytest.mark.parametrize(
    ("instant", "uk_today"),
    [
        # Summer (BST, UTC+1): an hour before UTC midnight is already tomorrow in the UK.
        (datetime(2025, 6, 16, 22, 59, 59, 999999, tzinfo=UTC), date(2025, 6, 16)),
        (datetime(2025, 6, 16, 23, 0, tzinfo=UTC), date(2025, 6, 17)),
        (datetime(2025, 6, 16, 23, 30, tzinfo=UTC), date(2025, 6, 17)),
        (datetime(2025, 6, 17, 0, 30, tzinfo=UTC), date(2025, 6, 17)),
        # Winter (GMT): the UK date is the UTC date.
        (datetime(2025, 1, 15, 23, 59, 59, 999999, tzinfo=UTC), date(2025, 1, 15)),
        (datetime(2025, 1, 16, 0, 0, tzinfo=UTC), date(2025, 1, 16)),
        # The night the clocks go forward (GMT until 01:00 UTC).
        (datetime(2025, 3, 29, 23, 59, 59, tzinfo=UTC), date(2025, 3, 29)),
        (datetime(2025, 3, 30, 0, 0, tzinfo=UTC), date(2025, 3, 30)),
        (datetime(2025, 3, 30, 0, 59, 59, tzinfo=UTC), date(2025, 3, 30)),
        (datetime(2025, 3, 30, 1, 0, tzinfo=UTC), date(2025, 3, 30)),
        (datetime(2025, 3, 30, 22, 59, 59, tzinfo=UTC), date(2025, 3, 30)),
        (datetime(2025, 3, 30, 23, 0, tzinfo=UTC), date(2025, 3, 31)),  # first BST midnight
        # The night the clocks go back (BST until 01:00 UTC).
        (datetime(2025, 10, 25, 22, 59, 59, tzinfo=UTC), date(2025, 10, 25)),
        (datetime(2025, 10, 25, 23, 0, tzinfo=UTC), date(2025, 10, 26)),  # last BST midnight
        (datetime(2025, 10, 26, 0, 30, tzinfo=UTC), date(2025, 10, 26)),  # 01:30 BST
        (datetime(2025, 10, 26, 1, 30, tzinfo=UTC), date(2025, 10, 26)),  # 01:30 GMT, the repeated hour
        (datetime(2025, 10, 26, 23, 59, 59, tzinfo=UTC), date(2025, 10, 26)),
        (datetime(2025, 10, 27, 0, 0, tzinfo=UTC), date(2025, 10, 27)),
        # New Year and a leap day, both in GMT.
        (datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC), date(2024, 12, 31)),
        (datetime(2025, 1, 1, 0, 0, tzinfo=UTC), date(2025, 1, 1)),
        (datetime(2024, 2, 29, 23, 59, tzinfo=UTC), date(2024, 2, 29)),
    ],
)
def test_today_is_the_uk_calendar_date(instant, uk_today):
    with time_machine.travel(instant, tick=False):
        assert clock.today() == uk_today
        assert clock.uk_date(clock.now()) == uk_today
    assert clock.uk_date(instant) == uk_today


def test_today_differs_from_the_utc_date_late_on_a_summer_evening():
    with time_machine.travel(datetime(2025, 6, 16, 23, 30, tzinfo=UTC), tick=False):
        assert clock.now().date() == date(2025, 6, 16)
        assert clock.today() == date(2025, 6, 17)


def test_uk_date_accepts_an_instant_in_any_zone():
    # 04:30 on 17 June in UTC+5 is 23:30 UTC on the 16th, which is 00:30 BST on the 17th.
    plus_five = timezone(timedelta(hours=5))
    assert clock.uk_date(datetime(2025, 6, 17, 4, 30, tzinfo=plus_five)) == date(2025, 6, 17)
    # 18:30 on 16 June in UTC-5 is 23:30 UTC, also 17 June in the UK.
    minus_five = timezone(timedelta(hours=-5))
    assert clock.uk_date(datetime(2025, 6, 16, 18, 30, tzinfo=minus_five)) == date(2025, 6, 17)
    # The same wall-clock time in UTC-5 in January is 23:30 UTC and GMT: still the 16th.
    assert clock.uk_date(datetime(2025, 1, 16, 18, 30, tzinfo=minus_five)) == date(2025, 1, 16)


@pytest.mark.parametrize(
    ("day", "start_utc"),
    [
        (date(2025, 1, 15), datetime(2025, 1, 15, 0, 0, tzinfo=UTC)),  # GMT
        (date(2025, 6, 16), datetime(2025, 6, 15, 23, 0, tzinfo=UTC)),  # BST
        (SPRING_FORWARD, datetime(2025, 3, 30, 0, 0, tzinfo=UTC)),  # still GMT at midnight
        (date(2025, 3, 31), datetime(2025, 3, 30, 23, 0, tzinfo=UTC)),
        (date(2025, 10, 25), datetime(2025, 10, 24, 23, 0, tzinfo=UTC)),
        (FALL_BACK, datetime(2025, 10, 25, 23, 0, tzinfo=UTC)),  # still BST at midnight
        (date(2025, 10, 27), datetime(2025, 10, 27, 0, 0, tzinfo=UTC)),
    ],
)
def test_uk_day_start_is_uk_midnight(day, start_utc):
    start = clock.uk_day_start(day)
    assert start.tzinfo is clock.UK
    assert (start.year, start.month, start.day, start.hour, start.minute, start.second, start.microsecond) == (
        day.year, day.month, day.day, 0, 0, 0, 0,
    )
    assert start == start_utc
    assert start.astimezone(UTC) == start_utc
    assert clock.uk_date(start) == day
    assert clock.uk_date(start - timedelta(microseconds=1)) == day - timedelta(days=1)


def test_uk_days_are_23_and_25_hours_long_on_the_clock_change_days():
    def length(day: date) -> timedelta:
        return clock.uk_day_start(day + timedelta(days=1)).astimezone(UTC) - clock.uk_day_start(day).astimezone(UTC)

    assert length(date(2025, 3, 29)) == timedelta(hours=24)
    assert length(SPRING_FORWARD) == timedelta(hours=23)
    assert length(date(2025, 6, 16)) == timedelta(hours=24)
    assert length(FALL_BACK) == timedelta(hours=25)
    assert length(date(2025, 10, 27)) == timedelta(hours=24)


@pytest.mark.parametrize("day", [SPRING_FORWARD, FALL_BACK, date(2025, 6, 16), date(2025, 1, 15)])
def test_adding_to_uk_day_start_counts_uk_wall_clock_time(day):
    start = clock.uk_day_start(day)
    # Adding a day (24 wall-clock hours) lands on the next UK midnight, however long the day really is.
    assert start + timedelta(days=1) == clock.uk_day_start(day + timedelta(days=1))
    assert start + timedelta(hours=24) == clock.uk_day_start(day + timedelta(days=1))
    # Noon by the UK clock.
    noon = start + timedelta(hours=12)
    assert (noon.hour, noon.minute) == (12, 0)
    assert clock.uk_date(noon) == day


def test_uk_day_start_then_uk_date_round_trips_for_every_day_of_three_years():
    day = date(2024, 1, 1)
    while day < date(2027, 1, 1):
        start = clock.uk_day_start(day)
        assert clock.uk_date(start) == day
        assert clock.uk_date(start - timedelta(microseconds=1)) == day - timedelta(days=1)
        assert start.astimezone(UTC).hour in (0, 23)
        day += timedelta(days=1)


def test_today_and_uk_day_start_bracket_now():
    for instant in (
        datetime(2025, 3, 30, 0, 30, tzinfo=UTC),
        datetime(2025, 6, 16, 23, 30, tzinfo=UTC),
        datetime(2025, 10, 26, 1, 30, tzinfo=UTC),
        datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ):
        with time_machine.travel(instant, tick=False):
            today = clock.today()
            assert clock.uk_day_start(today) <= clock.now() < clock.uk_day_start(today + timedelta(days=1))


def test_uk_date_of_a_utc_instant_is_the_date_converting_it_gives_from_1900_to_2100():
    """The day's offset (worked out once a UTC day) gives the date that converting each instant gives: at the edges of
    every UTC day and on either side of 01:00 UTC, and every minute of the days the clocks change (double summer time
    in the 1940s included)."""
    from tether.core.clock import UK, _utc_day_offset

    one = timedelta(microseconds=1)
    changed = 0
    for ordinal in range(date(1900, 1, 1).toordinal(), date(2101, 1, 1).toordinal()):
        start = datetime.fromordinal(ordinal).replace(tzinfo=UTC)
        if _utc_day_offset(ordinal) is None:
            changed += 1
            instants = [start + timedelta(minutes=m) for m in range(24 * 60)]
        else:
            hour = timedelta(hours=1)
            instants = [start, start + hour - one, start + hour, start + 12 * hour, start + 24 * hour - one]
        for instant in instants:
            assert clock.uk_date(instant) == instant.astimezone(UK).date(), instant
    assert changed > 2 * 150  # two a year at least, since 1916
