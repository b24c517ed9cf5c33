"""The register's bulk writer stores plain rows (``plain_rows``) for an import or the demo register, and model
instances (``bulk_create``) for one person from the web or the API: the same documents must leave the same database
either way, every table's rows (history, outcomes, search keys, cases, tasks, audit events) column by column."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction

from tether.access.forces import ensure_forces
from tether.core import clock
from tether.demo.services import DEMO_ACTION, demo_documents, demo_registrants
from tether.register import plain_rows
from tether.register.models import Notification, Person, Review, Trip
from tether.register.services import forces_by_code, registrants_write

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 15)  # the day before the frozen clock


def _auto_pk(model: type[models.Model]) -> bool:
    return isinstance(model._meta.pk, models.AutoField | models.BigAutoField | models.SmallAutoField)


def _tables() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows as the database holds them (raw, not through the ORM). Auto-incremented ids (and the
    foreign keys to them) are given as their rank in the table."""
    qn = connection.ops.quote_name
    ranks: dict[type[models.Model], dict[Any, int]] = {}
    with connection.cursor() as cur:
        for model in _tables():
            if _auto_pk(model):
                cur.execute(f"SELECT {qn(model._meta.pk.column)} FROM {qn(model._meta.db_table)}"  # noqa: S608
                            f" ORDER BY {qn(model._meta.pk.column)}")
                ranks[model] = {row[0]: i for i, row in enumerate(cur.fetchall())}
        out: dict[str, list[tuple[Any, ...]]] = {}
        for model in _tables():
            fields = model._meta.concrete_fields
            maps = [ranks.get(model) if f.primary_key else ranks.get(f.related_model) if f.is_relation else None
                    for f in fields]
            cur.execute(f"SELECT {', '.join(qn(f.column) for f in fields)} FROM {qn(model._meta.db_table)}"  # noqa: S608
                        f" ORDER BY {qn(model._meta.pk.column)}")
            out[model._meta.label] = [
                tuple(("#", m[v]) if m is not None and v is not None else v for m, v in zip(maps, row, strict=True))
                for row in cur.fetchall()
            ]
    return out


def _reset_sequences() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), _tables()):
                cur.execute(sql)


def write_demo(size: int, seed: int, *, plain: bool,
               ahead: Callable[[], bool] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Write the demo's documents in one call, snapshot the database, and roll the write back (and PostgreSQL's
    sequences, which a rollback leaves moved on: ids written in audit details must match too). ``ahead``: with
    their outcomes worked out beside them while it says so, as the demo's second process does."""
    _reset_sequences()
    with transaction.atomic():
        if ahead is not None:
            pairs = list(demo_registrants(size, seed, TODAY, forces_by_code(), clock.today(), ahead))
            registrants_write([doc for doc, _ in pairs], actor=None, action=DEMO_ACTION, plain=plain,
                              ahead=[e for _, e in pairs])
        else:
            docs = list(demo_documents(size, seed, TODAY, forces_by_code()))
            registrants_write(docs, actor=None, action=DEMO_ACTION, plain=plain)
        taken = snapshot()
        transaction.set_rollback(True)
    return taken


def test_plain_rows_store_what_model_instances_store(frozen):
    ensure_forces()
    instances = write_demo(300, 24, plain=False)
    plain = write_demo(300, 24, plain=True)
    assert set(instances) == set(plain)
    for table, rows in instances.items():
        assert len(rows) == len(plain[table]), table
        for a, b in zip(rows, plain[table], strict=True):
            assert a == b, f"{table}: {a} != {b}"
    # the documents exercised every table the writer fills, and the links between rows
    written = {label: len(rows) for label, rows in plain.items()}
    for model in (Person, Notification, Trip, Review):
        assert written[model._meta.label] > 0, model._meta.label
    for label in ("register.PersonName", "register.Address", "register.Ownership", "register.Disposal",
                  "register.Detention", "register.Order", "register.Stay", "register.AdvanceNotice",
                  "register.Removal", "register.RegisterState", "register.PersonObligation", "identity.NameKey",
                  "casework.Case", "casework.Task", "audit.AuditEvent"):
        assert written[label] > 0, (label, {k: v for k, v in written.items() if k.startswith(("register", "casework"))})
    trip = Trip._meta.get_field("notification")
    at = [f.attname for f in Trip._meta.concrete_fields].index(trip.attname)
    assert all(row[at] is not None for row in plain["register.Trip"])
    assert Person.objects.count() == 0  # rolled back


def test_outcomes_worked_out_beside_the_documents_store_what_the_writer_works_out(frozen):
    ensure_forces()
    here = write_demo(150, 24, plain=True)
    ahead = write_demo(150, 24, plain=True, ahead=lambda: True)
    assert ahead == here  # every table, the outcomes' rows included
    assert len(ahead["register.PersonObligation"]) > 150
    some = itertools.cycle([True, False, False])  # the second process works out some, the writer the rest
    assert write_demo(150, 24, plain=True, ahead=lambda: next(some)) == here


def test_an_outcome_worked_out_for_another_day_or_person_is_worked_out_again(frozen):
    ensure_forces()
    pairs = list(demo_registrants(20, 24, TODAY, forces_by_code(), clock.today(), lambda: True))
    wrong = [e._replace(as_of=TODAY) if i % 2 else e._replace(state=(pairs[0][0].id, *e.state[1:]))
             for i, (_, e) in enumerate(pairs) if e is not None]
    _reset_sequences()
    with transaction.atomic():
        registrants_write([doc for doc, _ in pairs[1:]], actor=None, action=DEMO_ACTION, plain=True, ahead=wrong[1:])
        taken = snapshot()
        transaction.set_rollback(True)
    _reset_sequences()
    with transaction.atomic():
        registrants_write([doc for doc, _ in pairs[1:]], actor=None, action=DEMO_ACTION, plain=True)
        assert snapshot() == taken
        transaction.set_rollback(True)


def test_a_table_refuses_a_column_it_does_not_have():
    with pytest.raises(ValueError, match="no column"):
        plain_rows.Table(Person, ["id", "colour"])
