"""Reading a date typed at a boundary (a query parameter, a command option): one rule and one message for all."""

from __future__ import annotations

from datetime import date

from .errors import ValidationFailed


def as_of_error(raw: str | None) -> tuple[date | None, str]:
    """``YYYY-MM-DD``: (the date, "") or (None, "") when absent or blank, or (None, the error message)."""
    raw = (raw or "").strip()
    if not raw:
        return None, ""
    try:
        return date.fromisoformat(raw), ""
    except ValueError:
        return None, f"The 'as at' date must be a real date written as YYYY-MM-DD, like 2025-06-16 (not '{raw[:20]}')"


def parse_as_of(raw: str | None, field: str = "as_of") -> date | None:
    """The same rule for commands and the API: None when absent, else the date; ValidationFailed naming ``field``."""
    day, error = as_of_error(raw)
    if error:
        raise ValidationFailed({field: error})
    return day
