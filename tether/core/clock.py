"""The only place in Tether that reads "now".

Datetimes are UTC; legal deadlines are calendar dates in UK local time. Tests freeze
the clock with ``time_machine``; commands take ``--as-of`` and pass dates down.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in the UK (the calendar that legal deadlines use)."""
    return now().astimezone(UK).date()


def uk_date(instant: datetime) -> date:
    """The UK calendar date of an instant. An instant in UTC (the register's own) takes its UTC day's offset, worked
    out once a day (``_utc_day_offset``): a third of the cost of converting each instant, for the millions a bulk
    write dates. ``core/tests/test_clock.py`` compares the two for every hour of 1900 to 2100."""
    if instant.tzinfo is UTC:
        day = instant.toordinal()
        try:
            offset = _UTC_DAYS[day]
        except KeyError:
            offset = _UTC_DAYS[day] = _utc_day_offset(day)
        if offset is not None:
            return (instant + offset).date()
    return instant.astimezone(UK).date()


_UTC_DAYS: dict[int, timedelta | None] = {}  # a UTC day (its ordinal) -> UK time's offset all that day


def _utc_day_offset(day: int) -> timedelta | None:
    """UK time's offset from UTC through the whole of this UTC day, or None on a day it changes (the clocks go
    forward or back at 01:00 UTC)."""
    start = datetime.fromordinal(day).replace(tzinfo=UTC)
    first = start.astimezone(UK).utcoffset()
    last = (start + timedelta(days=1, microseconds=-1)).astimezone(UK).utcoffset()
    return first if first == last else None


def uk_day_start(day: date) -> datetime:
    """Midnight at the start of a UK calendar day (GMT or BST), aware in UK time: the same instant in UTC,
    and adding hours to it counts UK wall-clock time, as the rest of Tether does."""
    return datetime.combine(day, time.min, tzinfo=UK)
