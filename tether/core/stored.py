"""Figures counted once and reused until something they count changes: one mechanism for the dashboard's counts
(``home.counts``) and today's caseload and capacity counts (``management.stored``).

Each user of it has a version table (a row per force, ``id`` the force's id, and row ``EVERY_FORCE``) and a table of
stored figures (a key, the day counted, the version counted at, the figures). Each stored key counts one force's
registrants, or every force's (``NATIONAL``). Writers call ``changed(force_ids)`` inside their transaction, naming
every force whose figures the write can change (the registrant's force before and after); those forces' versions move
on once it commits (once per transaction, however many writes it holds; at once outside a transaction).
``changed()`` naming no force moves every force's on (row ``EVERY_FORCE``). A reader takes stored figures only when
they were counted today at the current version of their scope:

- a force: its own row plus row ``EVERY_FORCE``, so a write in one force leaves every other force's figures current;
- every force: the sum of every row, so any write makes national figures stale (a national view that is the sum of
  each force's stored figures, as management's, recounts only the forces written to).

Why it is correct whichever order things happen in: a reader takes the version *before* counting, and writers move
it on only *after* their transaction commits. A count that ran while a write committed is stored under the old
version, which is already stale once the writer moves it on; a count taken after the new version was read sees the
committed write. Inside a transaction (a write, or a test's wrapping transaction) figures are counted directly: a
write not yet committed must count, and nothing is stored.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.db import connection, models, transaction

NATIONAL = None
"""The scope of figures counting every force."""
EVERY_FORCE = 0
"""The version row moved on by a write that names no force: every scope's figures are stale after it."""


class Versioned:
    """The versions of one kind of stored figures (``version_model``: ``id`` and ``value``, a row per force) and its
    stored rows (``stored_model``: a primary key ``key_field``, ``day``, ``version`` and the figures' columns)."""

    def __init__(self, version_model: type[models.Model], stored_model: type[models.Model], key_field: str) -> None:
        self.version_model, self.stored_model, self.key_field = version_model, stored_model, key_field
        self._pending = threading.local()  # the forces written in the current transaction (per thread/connection)
        self.bump = self._make_bump()  # one object, so ``changed`` can see it is already waiting for the commit

    # --- reading ------------------------------------------------------------------------------------------------

    def versions(self) -> dict[int, int]:
        """Every version row (force id, or ``EVERY_FORCE``: value)."""
        return {int(i): int(v) for i, v in self.version_model.objects.values_list("id", "value")}  # type: ignore[attr-defined]

    @staticmethod
    def version_in(rows: Mapping[int, int], scope: int | None) -> int:
        """The version of ``scope`` (a force's id, or ``NATIONAL``) given every version row."""
        if scope is NATIONAL:
            return sum(rows.values())
        return rows.get(int(scope), 0) + rows.get(EVERY_FORCE, 0)

    def current_version(self, scope: int | None = NATIONAL) -> int:
        """The version of ``scope``: a force's id, or every force's (moved on by any write)."""
        return self.version_in(self.versions(), scope)

    def fresh_many(self, keys: Mapping[Any, int | None], day: date, columns: Sequence[str]
                   ) -> tuple[dict[Any, tuple[Any, ...]], dict[int, int]]:
        """The stored ``columns`` of each of ``keys`` (key: its scope, a force's id or ``NATIONAL``) counted on
        ``day`` at its scope's current version, and every version row (to store what is counted anew under). None
        is fresh inside a transaction, where figures are counted directly."""
        if connection.in_atomic_block or not keys:
            return {}, {}
        rows = self.versions()  # before the stored rows and before any counting
        wanted = {key: self.version_in(rows, scope) for key, scope in keys.items()}
        qn = connection.ops.quote_name
        out: dict[Any, tuple[Any, ...]] = {}
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT {qn(self.key_field)}, {qn('version')}, {', '.join(qn(c) for c in columns)}"  # noqa: S608 - names, no input
                f" FROM {qn(self.stored_model._meta.db_table)}"
                f" WHERE {qn('day')} = %s AND {qn(self.key_field)} IN ({', '.join(['%s'] * len(wanted))})",
                [connection.ops.adapt_datefield_value(day), *wanted],
            )
            for key, version, *values in cur.fetchall():
                if wanted.get(key) == version:
                    out[key] = tuple(values)
        return out, rows

    def fresh(self, key: Any, scope: int | None, day: date, columns: Sequence[str]) -> tuple[Any, ...] | None:
        """The stored ``columns`` for ``key`` (counting ``scope``) when counted on ``day`` at the scope's current
        version; None otherwise (and always inside a transaction, where figures are counted directly)."""
        return self.fresh_many({key: scope}, day, columns)[0].get(key)

    # --- storing ------------------------------------------------------------------------------------------------

    def store(self, key: Any, day: date, version: int, figures: dict[str, Any]) -> None:
        """Keep ``figures`` for ``key`` as counted on ``day`` at ``version`` (read before counting). Never inside a
        transaction (``fresh`` says so first)."""
        self.store_many({key: (version, figures)}, day)

    def store_many(self, rows: Mapping[Any, tuple[int, dict[str, Any]]], day: date) -> None:
        """``store`` each key's (version, figures) in one statement."""
        if connection.in_atomic_block or not rows:
            return
        fields = sorted({f for _, figures in rows.values() for f in figures})
        self.stored_model.objects.bulk_create(  # type: ignore[attr-defined]
            [self.stored_model(**{self.key_field: key}, day=day, version=version, **figures)
             for key, (version, figures) in sorted(rows.items(), key=lambda kv: str(kv[0]))],
            update_conflicts=True, unique_fields=[self.key_field], update_fields=["day", "version", *fields],
        )

    # --- writing ------------------------------------------------------------------------------------------------

    def _make_bump(self) -> Any:
        table = self.version_model._meta.db_table
        pending = self._pending

        def bump() -> None:
            forces = sorted(getattr(pending, "forces", None) or {EVERY_FORCE})  # in order: no deadlock between two
            pending.forces = set()
            qn = connection.ops.quote_name
            with connection.cursor() as cur:
                cur.execute(
                    f"INSERT INTO {qn(table)} ({qn('id')}, {qn('value')})"  # noqa: S608 - names, no input
                    f" VALUES {', '.join(['(%s, 1)'] * len(forces))}"
                    f" ON CONFLICT ({qn('id')}) DO UPDATE SET {qn('value')} = {qn(table)}.{qn('value')} + 1",
                    forces,
                )

        return bump

    def changed(self, force_ids: Iterable[int | None] | None = None) -> None:
        """Something counted changed in the current transaction: move the versions of ``force_ids`` (every force's
        when None) on once it commits. A write names every force whose figures it can change."""
        forces = {EVERY_FORCE} if force_ids is None else {int(f) for f in force_ids if f is not None}
        if not forces:
            return
        pending = getattr(self._pending, "forces", None)
        if pending is None:
            pending = self._pending.forces = set()
        waiting = connection.in_atomic_block and any(entry[1] is self.bump for entry in connection.run_on_commit)
        if not waiting:
            pending.clear()  # a transaction rolled back left its forces: they were never written
        pending.update(forces)
        if not waiting:
            transaction.on_commit(self.bump)
