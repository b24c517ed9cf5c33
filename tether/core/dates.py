"""Reading a date typed at a boundary (a query parameter, a command option, an API field): one rule and one
message for all."""

from __future__ import annotations

import re
from datetime import date

from .errors import NO_CONTROL_CHARACTERS, ValidationFailed, has_control_characters

DATE_RULE = "must be a real date written as YYYY-MM-DD, like 2025-06-16"
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)  # keeps date arithmetic (a year back...) in range
_ISO_DAY = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")  # exactly: not 20250616, not 2025-W25-1, not a number of seconds


def read_iso_day(raw: str | None) -> tuple[date | None, str]:
    """``YYYY-MM-DD``: (the date, "") or (None, "") when absent or blank, or (None, what is wrong with it)."""
    if raw and has_control_characters(raw):  # checked before the spaces are trimmed, as read_text does
        return None, NO_CONTROL_CHARACTERS
    text = (raw or "").strip()
    if not text:
        return None, ""
    try:
        if not _ISO_DAY.fullmatch(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        return None, f"{DATE_RULE} (not '{text[:20]}')"
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        return None, f"must be between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}"
    return day, ""


def as_of_error(raw: str | None) -> tuple[date | None, str]:
    """A page's ``?as_of=``: (the date, "") or (None, "") when absent, or (None, the error summary's message)."""
    day, problem = read_iso_day(raw)
    return day, f"The 'as at' date {problem}" if problem else ""


def parse_day(raw: str | None, field: str = "as_of") -> date | None:
    """For commands and the API: None when absent, else the date; ValidationFailed naming ``field``."""
    day, problem = read_iso_day(raw)
    if problem:
        raise ValidationFailed({field: problem})
    return day


def long_date(day: date, *, weekday: bool = False) -> str:
    """A date in prose and captions, the one style everywhere: "6 December 2026" (never zero-padded, never ISO);
    ``weekday``: "Sunday 6 December 2026"."""
    text = f"{day.day} {day:%B %Y}"
    return f"{day:%A} {text}" if weekday else text
