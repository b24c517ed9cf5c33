"""PostgreSQL array literals: many rows sent as a few parameters, each column one array (``unnest``).

Made here as one text value per column and cast in the statement (``%s::date[]``), rather than handed to the driver as
a list that it adapts element by element: what costs, for the tens of thousands of values of a bulk write."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any


def array_literal(values: Iterable[Any]) -> str:
    """The array literal (``{"a","b",NULL}``) of these values, to be cast to the column's array type. Each element is
    quoted (``"`` and ``\\`` escaped); None is NULL; booleans ``t``/``f``; dates and times in ISO form (a time is aware:
    the database's time zone is named)."""
    out = []
    for v in values:
        if v is None:
            out.append("NULL")
            continue
        if isinstance(v, bool):
            text = "t" if v else "f"
        elif isinstance(v, (str, int, uuid.UUID)):
            text = str(v)
        elif isinstance(v, (date, datetime)):
            text = v.isoformat()
        else:
            raise TypeError(f"no array literal for {type(v).__name__}")
        out.append('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "{" + ",".join(out) + "}"
