"""Day counting for the notification rules.

Conventions (see ``docs/rules.md``, "Day counting"):

* A "period of N days beginning with day X" includes X: its last day is X + (N - 1).
* A period of years/months "beginning with" X ends on the day before the corresponding date:
  ``period_end(X, years=10)`` for X = 2015-03-04 is 2025-03-03. When the corresponding date does not
  exist (29 February in a common year) the period ends on the last day of that month, so 10 years
  beginning with 2016-02-29 end on 2026-02-28 (the same result as the corresponding-date rule of
  Dodds v Walker for the period *after* 28 February).
* An anniversary of 29 February in a common year is 28 February (``add_years``).
* Disregarded days (custody, hospital, abroad) are skipped when counting the s.83/s.84/s.85 windows.
  A detention with ``start`` S and ``end`` E disregards the days S .. E-1: E is the day of release or
  return, on which the person is at liberty (in the UK) at the end of the day, so it counts.
* US federal holidays follow 5 U.S.C. §6103 with the observed-day rule (Saturday -> Friday,
  Sunday -> Monday).

Everything here is pure and works on ``datetime.date``; nothing loops over decades day by day.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import Final

ONE_DAY: Final = timedelta(days=1)
_FIRST: Final = itemgetter(0)
_DAYS_IN_MONTH: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTH_NAMES: Final = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    if month == 2 and is_leap(year):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def add_months(d: date, months: int) -> date:
    """The corresponding date ``months`` later (or earlier); clamps to the last day of a short month."""
    m0 = d.month - 1 + months
    year = d.year + m0 // 12
    month = m0 % 12 + 1
    day = d.day
    if day > 28:  # only a day after the 28th can be missing from the target month
        last = days_in_month(year, month)
        if day > last:
            day = last
    return date(year, month, day)


def add_years(d: date, years: int) -> date:
    """The anniversary ``years`` later; 29 February becomes 28 February in a common year."""
    return add_months(d, 12 * years)


def period_end(start: date, *, years: int = 0, months: int = 0) -> date:
    """Last day of a period of ``years`` years and ``months`` months beginning with ``start``.

    The day before the corresponding date; when the target month has no corresponding day (29 February
    in a common year, 31st in a 30-day month) the period ends on the last day of that month.
    10 years beginning with 2015-03-04 ends on 2025-03-03; 3 years 6 months beginning with
    2020-01-10 ends on 2023-07-09; 1 year beginning with 2019-03-01 ends on 2020-02-29; 10 years
    beginning with 2016-02-29 ends on 2026-02-28.
    """
    corresponding = add_months(start, years * 12 + months)
    # ASSUMPTION: with no corresponding date (a period beginning 29 February) the period ends on the
    # last day of the month, 28 February, rather than the day before a 28 February "anniversary".
    if corresponding.day < start.day:  # add_months clamped to the last day of a shorter month
        return corresponding
    return corresponding - ONE_DAY


def day_after_period(start: date, *, years: int = 0, months: int = 0) -> date:
    """The first day after a period of years/months beginning with ``start``."""
    return period_end(start, years=years, months=months) + ONE_DAY


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on ``on``. A 29 February birthday falls on 28 February in common years."""
    # ASSUMPTION: a person born on 29 February turns 18 on 28 February in a common year (the same
    # anniversary rule as s.85); this can only make a period longer (not halved), never shorter.
    # The birthday in ``on``'s year is compared field by field (the same as ``add_years(date_of_birth,
    # years) > on``, without building the date).
    years = on.year - date_of_birth.year
    month = date_of_birth.month
    day = date_of_birth.day
    if month == 2 and day == 29 and not is_leap(on.year):
        day = 28
    if month > on.month or (month == on.month and day > on.day):
        years -= 1
    return years


_FORMATTED: Final[dict[date, str]] = {}
_FORMATTED_MAX: Final = 200_000  # about 550 years of days: every date a register holds, with room to spare


def format_date(d: date) -> str:
    """Plain English date: ``4 March 2025``."""
    text = _FORMATTED.get(d)
    if text is None:
        text = f"{d.day} {_MONTH_NAMES[d.month]} {d.year}"
        if len(_FORMATTED) < _FORMATTED_MAX:
            _FORMATTED[d] = text
    return text


def days_word(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


class Disregard:
    """A set of disregarded days (custody, hospital, abroad) as merged half-open ordinal spans.

    Each span is ``(first_disregarded_ordinal, release_ordinal_or_None)``; ``None`` means the
    detention has no end yet, so every day from its start on is disregarded.
    """

    __slots__ = ("_ends", "_spans", "_starts")

    def __init__(self, periods: Iterable[tuple[date, date | None]] = ()) -> None:
        # ASSUMPTION: a day is disregarded when the person is detained (or abroad) at the end of it: the
        # first day of a detention is disregarded, the day of release or return is not.
        raw: list[tuple[int, int | None]] = []
        for start, end in periods:
            s = start.toordinal()
            e = None if end is None else end.toordinal()
            if e is not None and e <= s:
                continue  # released the same day: nothing disregarded
            raw.append((s, e))
        if len(raw) < 2:  # nothing to merge (the common case: one custody period or none)
            self._spans = raw
            self._starts = [raw[0][0]] if raw else []
            self._ends = [raw[0][1]] if raw else []
            return
        raw.sort(key=_FIRST)
        spans: list[tuple[int, int | None]] = []
        for s, e in raw:
            if spans:
                ps, pe = spans[-1]
                if pe is None:
                    continue
                if s <= pe:  # overlapping or adjacent (s == pe means back inside on the release day)
                    spans[-1] = (ps, None if e is None else max(pe, e))
                    continue
            spans.append((s, e))
        self._spans = spans
        self._starts = [s for s, _ in spans]
        self._ends = [e for _, e in spans]

    def __bool__(self) -> bool:
        return bool(self._spans)

    @property
    def spans(self) -> tuple[tuple[int, int | None], ...]:
        return tuple(self._spans)

    def covers(self, d: date) -> bool:
        """True when ``d`` is a disregarded day."""
        o = d.toordinal()
        i = bisect_right(self._starts, o) - 1
        if i < 0:
            return False
        e = self._ends[i]
        return e is None or o < e

    def release_of(self, d: date) -> date | None:
        """For a disregarded day ``d``: the first day after its span (release/return); None if the span
        is open-ended. For a day that is not disregarded: ``d`` itself."""
        o = d.toordinal()
        i = bisect_right(self._starts, o) - 1
        if i < 0:
            return d
        e = self._ends[i]
        if e is None:
            return None
        return d if o >= e else date.fromordinal(e)

    def closed_at(self, last: date) -> Disregard:
        """A copy in which open-ended spans end the day after ``last`` (released the next day)."""
        stop = last + ONE_DAY
        return Disregard((date.fromordinal(s), stop if e is None else date.fromordinal(e)) for s, e in self._spans)

    def nth_counted_day(self, start: date, n: int) -> date | None:
        """The n-th day that counts, counting ``start`` as the first candidate.

        Returns None when an open-ended detention swallows the rest of the window (no deadline can
        be given yet). With no disregarded days this is ``start + (n - 1)``.
        """
        o = start.toordinal()
        if not self._spans:
            return date.fromordinal(o + n - 1)
        counted = 0
        for s, e in self._spans:
            if e is not None and e <= o:
                continue
            if s > o:
                free = s - o
                if counted + free >= n:
                    return date.fromordinal(o + (n - counted) - 1)
                counted += free
            if e is None:
                return None
            if e > o:
                o = e
        return date.fromordinal(o + (n - counted) - 1)

    def disregarded_between(self, first: date, stop: date) -> int | None:
        """Number of disregarded days in ``[first, stop)``; None if an open-ended span overlaps it."""
        a = first.toordinal()
        b = stop.toordinal()
        total = 0
        for s, e in self._spans:
            if s >= b:
                break
            if e is None:
                return None
            lo = s if s > a else a
            hi = e if e < b else b
            if hi > lo:
                total += hi - lo
        return total

    def extend_end(self, start: date, last: date) -> date | None:
        """Push ``last`` (the last day of a period beginning with ``start``) later by every
        disregarded day inside the period, including days inside the extension itself.

        Returns None when an open-ended span falls inside the (extended) period.
        """
        a = start.toordinal()
        end = last.toordinal()
        for s, e in self._spans:
            if e is not None and e <= a:
                continue
            if s > end:
                break
            if e is None:
                return None
            lo = s if s > a else a
            end += e - lo
        return date.fromordinal(end)


# --- US federal holidays (5 U.S.C. §6103) -------------------------------------------------------


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday (Monday=0) of a month; n=-1 for the last one."""
    if n > 0:
        first = date(year, month, 1)
        shift = (weekday - first.weekday()) % 7
        return first + timedelta(days=shift + 7 * (n - 1))
    last = date(year, month, days_in_month(year, month))
    shift = (last.weekday() - weekday) % 7
    return last - timedelta(days=shift)


def _observed(d: date) -> date:
    wd = d.weekday()
    if wd == 5:
        return d - ONE_DAY
    if wd == 6:
        return d + ONE_DAY
    return d


def _holidays_of(year: int) -> list[date]:
    """Observed dates of the holidays *of* ``year`` (New Year's may be observed on 31 December before)."""
    days = [
        _observed(date(year, 1, 1)),  # New Year's Day
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        _nth_weekday(year, 5, 0, -1),  # Memorial Day
        _observed(date(year, 7, 4)),  # Independence Day
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 10, 0, 2),  # Columbus Day
        _observed(date(year, 11, 11)),  # Veterans Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving Day
        _observed(date(year, 12, 25)),  # Christmas Day
    ]
    if year >= 1986:
        days.append(_nth_weekday(year, 1, 0, 3))  # Birthday of Martin Luther King, Jr.
    if year >= 2021:
        days.append(_observed(date(year, 6, 19)))  # Juneteenth National Independence Day
    return days


@lru_cache(maxsize=256)
def us_federal_holidays(year: int) -> frozenset[date]:
    """Days in ``year`` on which a US federal holiday is observed (weekend holidays moved)."""
    return frozenset(d for d in (*_holidays_of(year), *_holidays_of(year + 1)) if d.year == year)


def is_business_day(d: date) -> bool:
    """Monday to Friday and not an observed US federal holiday."""
    return d.weekday() < 5 and d not in us_federal_holidays(d.year)


def add_business_days(d: date, n: int) -> date:
    """The n-th business day after ``d`` (``d`` itself is not counted)."""
    cur = d
    remaining = n
    while remaining > 0:
        cur += ONE_DAY
        if is_business_day(cur):
            remaining -= 1
    return cur
