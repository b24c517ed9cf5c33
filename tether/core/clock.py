"""The only place in Tether that reads "now".

Datetimes are UTC; legal deadlines are calendar dates in UK local time. Tests freeze
the clock with ``time_machine``; commands take ``--as-of`` and pass dates down.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in the UK (the calendar that legal deadlines use)."""
    return now().astimezone(UK).date()


def uk_date(instant: datetime) -> date:
    """The UK calendar date of an instant."""
    return instant.astimezone(UK).date()


def uk_day_start(day: date) -> datetime:
    """Midnight at the start of a UK calendar day (GMT or BST), aware in UK time: the same instant in UTC,
    and adding hours to it counts UK wall-clock time, as the rest of Tether does."""
    return datetime.combine(day, time.min, tzinfo=UK)
