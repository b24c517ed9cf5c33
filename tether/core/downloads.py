"""What every file download shares: CSV cells a spreadsheet will not run, and the attachment headers."""

from __future__ import annotations

from typing import Any, TypeVar

from django.http import HttpResponseBase

# Text starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

R = TypeVar("R", bound=HttpResponseBase)


def csv_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a leading single quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def attachment(response: R, filename: str) -> R:
    """``response`` (plain or streaming) as a download named ``filename``, never cached."""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
