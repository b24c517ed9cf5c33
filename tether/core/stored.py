"""Figures counted once and reused until something they count changes: one mechanism for the dashboard's counts
(``home.counts``) and today's caseload and capacity counts (``management.stored``).

Each user of it has a version table (one row, id 1) and a table of stored figures (a key, the day counted, the
version counted at, the figures). Writers call ``changed()`` inside their transaction; the version moves on once it
commits (once per transaction, however many writes it holds; at once outside a transaction). A reader takes stored
figures only when they were counted today at the current version.

Why it is correct whichever order things happen in: a reader takes the version *before* counting, and writers move
it on only *after* their transaction commits. A count that ran while a write committed is stored under the old
version, which is already stale once the writer moves it on; a count taken after the new version was read sees the
committed write. Inside a transaction (a write, or a test's wrapping transaction) figures are counted directly: a
write not yet committed must count, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import connection, models, transaction

VERSION_ID = 1


class Versioned:
    """The version of one kind of stored figures (``version_model``: ``id`` and ``value``) and its stored rows
    (``stored_model``: a primary key ``key_field``, ``day``, ``version`` and the figures' columns)."""

    def __init__(self, version_model: type[models.Model], stored_model: type[models.Model], key_field: str) -> None:
        self.version_model, self.stored_model, self.key_field = version_model, stored_model, key_field
        self.bump = self._make_bump()  # one object, so ``changed`` can see it is already waiting for the commit

    def current_version(self) -> int:
        row = self.version_model.objects.filter(pk=VERSION_ID).values_list("value", flat=True).first()  # type: ignore[attr-defined]
        return int(row or 0)

    def fresh(self, key: Any, day: date, columns: Sequence[str]) -> tuple[Any, ...] | None:
        """The stored ``columns`` for ``key`` when counted on ``day`` at the current version; None otherwise (and
        always inside a transaction, where figures are counted directly)."""
        if connection.in_atomic_block:
            return None
        qn = connection.ops.quote_name
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT {', '.join(qn(c) for c in columns)} FROM {qn(self.stored_model._meta.db_table)}"  # noqa: S608 - names, no input
                f" WHERE {qn(self.key_field)} = %s AND {qn('day')} = %s AND {qn('version')} ="
                f" (SELECT COALESCE(MAX({qn('value')}), 0) FROM {qn(self.version_model._meta.db_table)})",
                [key, connection.ops.adapt_datefield_value(day)],
            )
            row = cur.fetchone()
        return tuple(row) if row is not None else None

    def store(self, key: Any, day: date, version: int, figures: dict[str, Any]) -> None:
        """Keep ``figures`` for ``key`` as counted on ``day`` at ``version`` (read before counting). Never inside a
        transaction (``fresh`` says so first)."""
        if connection.in_atomic_block:
            return
        self.stored_model.objects.bulk_create(  # type: ignore[attr-defined]
            [self.stored_model(**{self.key_field: key}, day=day, version=version, **figures)],
            update_conflicts=True, unique_fields=[self.key_field], update_fields=["day", "version", *figures],
        )

    def _make_bump(self) -> Any:
        table = self.version_model._meta.db_table

        def bump() -> None:
            qn = connection.ops.quote_name
            with connection.cursor() as cur:
                cur.execute(
                    f"INSERT INTO {qn(table)} ({qn('id')}, {qn('value')}) VALUES (%s, 1)"  # noqa: S608
                    f" ON CONFLICT ({qn('id')}) DO UPDATE SET {qn('value')} = {qn(table)}.{qn('value')} + 1",
                    [VERSION_ID],
                )

        return bump

    def changed(self, *_: Any) -> None:
        """Something counted changed in the current transaction: move the version on once it commits."""
        if connection.in_atomic_block and any(entry[1] is self.bump for entry in connection.run_on_commit):
            return
        transaction.on_commit(self.bump)
