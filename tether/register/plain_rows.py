"""Rows inserted as plain tuples, stored exactly as the ORM's ``bulk_create`` stores them.

The register's bulk writes (an import, the demo register) insert a million rows or more; building a model instance
for each and letting ``bulk_create`` prepare it costs far more than the database's own work. A ``Table`` takes rows
as tuples of Python values in the order of the columns it was given, fills every other column with the field's
default (as a new model instance would) and adapts each value as the field does for the database (``UUID`` as
32 hex digits on SQLite, dates and times as SQLite's text): ``COPY`` on PostgreSQL, several rows a statement on
SQLite (``core.inserts``). An auto-incremented primary key is left to the database, as ``bulk_create`` leaves it.

``write`` is for the parts other modules write beside a registrant (their document sections): plain rows inside
``writing_plain(True)`` (the register's bulk writer sets it), model instances otherwise, the same rows either way.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import partial
from typing import Any

from django.db import connection, models

from tether.core.inserts import insert_rows

from .selectors import id_conditions

# fields whose Python value is what the database driver is given (after the field's own checks, which the
# documents written here have passed)
_AS_IS = frozenset({
    "CharField", "TextField", "BooleanField", "IntegerField", "SmallIntegerField", "BigIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField", "AutoField", "BigAutoField",
    "SmallAutoField", "FloatField",
})


def _uuid_hex(value: Any) -> Any:
    return value.hex if isinstance(value, uuid.UUID) else value


def _each_once(adapt: Callable[[Any], Any], values: Iterable[Any]) -> list[Any]:
    """``adapt`` applied to each value, once per distinct value (when the values can be told apart by hash)."""
    seen: dict[Any, Any] = {}
    out = []
    for value in values:
        try:
            out.append(seen[value])
        except KeyError:
            out.append(seen.setdefault(value, adapt(value)))
        except TypeError:  # not hashable (a JSON value)
            out.append(adapt(value))
    return out


def _sqlite_utc_datetime(value: datetime | None) -> str | None:
    """SQLite's text for a datetime, as Django's ``adapt_datetimefield_value`` gives it when the connection's time
    zone is UTC (an aware value made naive in UTC), without its checks for each value."""
    if value is None:
        return None
    if value.utcoffset() is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return str(value)


def _json_text(encoder: type[json.JSONEncoder] | None, value: Any) -> str | None:
    """A JSON field's value as the database is given it where Django's ``adapt_json_value`` is ``json.dumps``
    (SQLite): None stays SQL NULL, as ``JSONField.get_db_prep_save`` leaves it. An empty object or list (most of a
    notification's details) is its text at once."""
    if value is None:
        return None
    if not value and type(value) in _EMPTY_JSON:
        return _EMPTY_JSON[type(value)]
    return json.dumps(value, cls=encoder)


_EMPTY_JSON: dict[type, str] = {dict: "{}", list: "[]"}  # json.dumps of an empty one, whatever the encoder


def _adapter(field: models.Field[Any, Any]) -> tuple[Callable[[Any], Any] | None, bool]:
    """How a value of ``field`` is given to the database (None: as it is), and whether its values repeat from row
    to row (dates, times, ids: each distinct value is adapted once) or are mostly distinct (JSON)."""
    target = getattr(field, "target_field", None) if field.is_relation else None
    kind = (target or field).get_internal_type()
    ops, sqlite = connection.ops, connection.vendor == "sqlite"
    if kind == "UUIDField":
        return (None if connection.features.has_native_uuid_field else _uuid_hex), True
    if kind == "DateField":
        return (None if connection.vendor == "postgresql" else ops.adapt_datefield_value), True
    if kind == "DateTimeField":  # each distinct time once: a batch's rows share their creation time
        if connection.vendor == "postgresql":
            return None, False
        utc = sqlite and connection.timezone_name == "UTC"
        return (_sqlite_utc_datetime if utc else ops.adapt_datetimefield_value), True
    if kind in _AS_IS:
        return None, False
    if kind == "JSONField" and sqlite:
        return partial(_json_text, field.encoder), False  # type: ignore[attr-defined]
    return partial(field.get_db_prep_save, connection=connection), False


class Table:
    """One model's table, written from tuples of ``columns`` (attribute names: ``person_id``, not ``person``)."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        self.model, self.columns = model, tuple(columns)
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in self.columns if c not in fields]
        if unknown:
            raise ValueError(f"{model._meta.label} has no column {', '.join(unknown)}")
        pk = model._meta.pk
        auto = pk if isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField) else None
        # every other column, with its default: what a new instance holds when the field is not given
        self.defaulted = [f for f in model._meta.concrete_fields if f.attname not in self.columns and f is not auto]
        self.fields = [fields[c] for c in self.columns] + self.defaulted

    def adapted(self, rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        """The rows as the database is given them: column by column, each distinct value adapted once (dates,
        times and ids repeat from row to row)."""
        n = len(rows)
        columns: list[Any] = list(zip(*rows, strict=True)) if rows else [() for _ in self.columns]
        for f in self.defaulted:  # what a new instance holds: a constant default is worked out once
            columns.append([f.get_default() for _ in range(n)] if f.has_default() and callable(f.default)
                           else [f.get_default()] * n)
        for i, f in enumerate(self.fields):
            adapt, repeats = _adapter(f)
            if adapt is not None:
                columns[i] = _each_once(adapt, columns[i]) if repeats else list(map(adapt, columns[i]))
        return list(zip(*columns, strict=True)) if n else []

    def insert(self, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        qn = connection.ops.quote_name
        table = qn(self.model._meta.db_table)
        names = ", ".join(qn(str(f.column)) for f in self.fields)
        values = self.adapted(rows)
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
                return
            insert_rows(cur, f"INSERT INTO {table} ({names})", values)  # several rows a statement

    def upsert(self, rows: Sequence[Sequence[Any]], conflict: str) -> None:
        """Insert these rows, each replacing the row that holds its ``conflict`` column's value already (``INSERT ...
        ON CONFLICT (...) DO UPDATE``, on both databases): every other given column takes the new value."""
        if not rows:
            return
        qn = connection.ops.quote_name
        names = [qn(str(f.column)) for f in self.fields]
        key = qn(next(str(f.column) for f in self.fields if conflict in (f.name, f.attname)))
        head = f"INSERT INTO {qn(self.model._meta.db_table)} ({', '.join(names)})"
        tail = f" ON CONFLICT ({key}) DO UPDATE SET " + ", ".join(
            f"{name} = EXCLUDED.{name}" for name in names if name != key)
        with connection.cursor() as cur:
            if connection.vendor == "sqlite":  # several rows a statement (a later row replaces an earlier one)
                insert_rows(cur, head, self.adapted(rows), tail=tail)
                return
            cur.executemany(f"{head} VALUES ({', '.join(['%s'] * len(names))}){tail}", self.adapted(rows))


def ids_in_order(model: type[models.Model], person_ids: Sequence[uuid.UUID]) -> list[Any]:
    """The primary keys of every row of ``model`` belonging to these people, in the order they were inserted
    (their auto-incremented ids rise in that order), read back after a bulk insert for people just created."""
    qn = connection.ops.quote_name
    sql = f"SELECT {qn('id')} FROM {qn(model._meta.db_table)} WHERE {{ids}}"  # noqa: S608
    out: list[Any] = []
    with connection.cursor() as cur:
        for condition, params in id_conditions(qn("person_id"), list(person_ids)):
            cur.execute(sql.format(ids=condition), params)
            out.extend(row[0] for row in cur.fetchall())
    return sorted(out)


_plain: ContextVar[bool] = ContextVar("plain_rows", default=False)


@contextmanager
def writing_plain(on: bool) -> Iterator[None]:
    """Within it, ``write`` stores plain rows (``on``) or model instances."""
    token = _plain.set(on)
    try:
        yield
    finally:
        _plain.reset(token)


def write(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert these rows (tuples of ``columns``): plain inside ``writing_plain(True)``, else with ``bulk_create``."""
    if _plain.get():
        Table(model, columns).insert(rows)
    else:
        model._default_manager.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows],
                                           batch_size=2000)
