"""PostgreSQL array literals: many rows sent as a few parameters, each column one array (``unnest``).

Made here as one text value per column and cast in the statement (``%s::date[]``), rather than handed to the driver as
a list that it adapts element by element: what costs, for the tens of thousands of values of a bulk write."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _hex(value: uuid.UUID) -> str:
    """An id as 32 hex digits, which a ``uuid`` column reads as it reads the hyphenated form: a sixth of the cost of
    ``str`` (thousands of ids go into each statement of a bulk read or write)."""
    return value.hex


# Values whose text never holds a quote, a backslash, a comma, a brace or a space, so they go unquoted
_BARE: dict[type, Callable[[Any], str]] = {
    int: str, uuid.UUID: _hex, bool: lambda v: "t" if v else "f", date: date.isoformat, datetime: datetime.isoformat,
}


def _element(v: Any) -> str:
    if v is None:
        return "NULL"
    if type(v) is str:
        return _quoted(v)
    bare = _BARE.get(type(v))
    if bare is not None:
        return bare(v)
    if isinstance(v, bool):  # the same for subclasses (a choices enum's member)
        return "t" if v else "f"
    if isinstance(v, (str, int, uuid.UUID)):
        return _quoted(str(v))
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    raise TypeError(f"no array literal for {type(v).__name__}")


def array_literal(values: Iterable[Any]) -> str:
    """The array literal (``{"a","b",NULL}``) of these values, to be cast to the column's array type. Text is quoted
    (``"`` and ``\\`` escaped); None is NULL; booleans ``t``/``f``; numbers as they are; ids (``UUID``) as 32 hex
    digits, for a ``uuid[]`` cast; dates and times in ISO form (a time is aware: the database's time zone is named)."""
    return "{" + ",".join(map(_element, values)) + "}"
