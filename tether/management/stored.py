"""Today's caseload and capacity counts, counted once per scope and reused until something they count changes.

Counting every stored outcome (70,000 registrants nationally) on each view of the caseload or capacity page is their
biggest cost. What is counted (each manager's registrants by risk level and overdue duties; each force's work by
risk level, due day and kind, the visits reactive management would drop, who is eligible and who has a plan) is
stored with the day and the version it was counted at (``models.StoredFigures``); the version moves on after every
committed write that can change it (``changed``: every stored outcome re-evaluated, which every management write,
the register's outcomes and the daily sweep do through ``outcomes.materialise``, and every registrant written), so
stored counts are only reused while nothing they count has changed, and never after midnight. What is cheap and
may change without a registrant's write is read every time: the officers, the forces' policies, the facts of those
with an individual plan, and who is missed first.

Why it is correct whichever order things happen in (as ``home.counts``): a reader takes the version *before*
counting, and writers move it on only *after* their transaction commits. Inside a transaction (a write, or a test's
wrapping transaction) the figures are counted directly, and nothing is stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.db import connection, transaction

from .models import FiguresVersion, StoredFigures

VERSION_ID = 1
T = TypeVar("T")


def current_version() -> int:
    return int(FiguresVersion.objects.filter(pk=VERSION_ID).values_list("value", flat=True).first() or 0)


def stored(key: str, day: date, count: Callable[[], T], dump: Callable[[T], Any], load: Callable[[Any], T]) -> T:
    """``count()``, or what it gave when last counted for ``key`` on ``day`` if nothing has changed since
    (``dump`` makes it JSON, ``load`` makes it again)."""
    if connection.in_atomic_block:
        return count()
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {qn('figures')} FROM {qn(StoredFigures._meta.db_table)}"  # noqa: S608 - names, no input
            f" WHERE {qn('key')} = %s AND {qn('day')} = %s AND {qn('version')} ="
            f" (SELECT COALESCE(MAX({qn('value')}), 0) FROM {qn(FiguresVersion._meta.db_table)})",
            [key, connection.ops.adapt_datefield_value(day)],
        )
        row = cur.fetchone()
    if row is not None:
        return load(json.loads(row[0]) if isinstance(row[0], (str, bytes)) else row[0])
    version = current_version()  # before counting: a write committed meanwhile makes this version stale
    value = count()
    StoredFigures.objects.bulk_create(
        [StoredFigures(key=key, day=day, version=version, figures=dump(value))],
        update_conflicts=True, unique_fields=["key"], update_fields=["day", "version", "figures"],
    )
    return value


def _bump() -> None:
    table, qn = FiguresVersion._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {qn(table)} ({qn('id')}, {qn('value')}) VALUES (%s, 1)"  # noqa: S608
            f" ON CONFLICT ({qn('id')}) DO UPDATE SET {qn('value')} = {qn(table)}.{qn('value')} + 1",
            [VERSION_ID],
        )


def changed(*_: Any) -> None:
    """Something counted changed in the current transaction: move the version on once it commits (once per
    transaction, however many writes it holds; at once outside a transaction)."""
    if connection.in_atomic_block and any(entry[1] is _bump for entry in connection.run_on_commit):
        return
    transaction.on_commit(_bump)
