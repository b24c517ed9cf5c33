"""Many rows inserted with few statements on SQLite: several rows to each ``INSERT ... VALUES (...), (...)`` (the
plain rows' tables, the stored outcomes, the audit events).

SQLite's ``executemany`` runs its statement once a row: the virtual machine is reset, the row's values bound and
the table's ``AUTOINCREMENT`` sequence updated each time. One statement of a few hundred rows does that once for them
all; on 600,000 notification rows it took about a third less of SQLite's time than ``executemany``
(``core/tests/test_inserts.py`` shows the rows stored are the same, ids in the same order). PostgreSQL's bulk writes
use ``COPY`` and do not come here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

ROWS = 500  # rows a statement at most: more gains nothing measurable and makes longer statements to parse


def variable_limit(connection: Any) -> int:
    """How many ``?`` one statement may hold on this SQLite connection (32,766 since SQLite 3.32; Django assumes the
    older 999)."""
    connection.ensure_connection()
    raw = connection.connection
    if raw is not None and hasattr(raw, "getlimit"):
        return int(raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return int(connection.features.max_query_params)


def insert_rows(cursor: Any, head: str, rows: Sequence[Sequence[Any]], *, tail: str = "",
                returning: bool = False) -> list[tuple[Any, ...]]:
    """Insert ``rows`` with ``head`` (``INSERT INTO t (a, b, c)``) and ``tail`` after the values (an ``ON CONFLICT``
    or a ``RETURNING`` clause), as many rows to a statement as SQLite allows up to ``ROWS``, in their order: SQLite
    gives auto-incremented ids in the order of the rows, as one statement a row would. ``cursor`` is a Django cursor
    on a SQLite connection (``%s`` placeholders). ``returning``: the rows each statement returns (its ``RETURNING``
    clause), in order; otherwise nothing."""
    if not rows:
        return []
    width = len(rows[0])
    if width == 0:
        raise ValueError("a row to insert has at least one column")
    step = max(1, min(ROWS, variable_limit(cursor.db) // width))
    one = "(" + ", ".join(["%s"] * width) + ")"

    def statement(count: int) -> str:
        return f"{head} VALUES {', '.join([one] * count)}{tail}"

    if returning:  # a statement at a time, each one's rows read back before the next
        out: list[tuple[Any, ...]] = []
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            cursor.execute(statement(len(chunk)), _flat(chunk, width))
            out += cursor.fetchall()
        return out
    whole = len(rows) // step * step
    # one executemany for every full statement: Django turns its placeholders into SQLite's once a call
    if whole:
        cursor.executemany(statement(step),
                           [_flat(rows[start : start + step], width) for start in range(0, whole, step)])
    if whole < len(rows):
        rest = rows[whole:]
        cursor.execute(statement(len(rest)), _flat(rest, width))
    return []


def _flat(rows: Sequence[Sequence[Any]], width: int) -> list[Any]:
    values = [value for row in rows for value in row]
    if len(values) != width * len(rows):
        raise ValueError(f"every row to insert has {width} values")
    return values
