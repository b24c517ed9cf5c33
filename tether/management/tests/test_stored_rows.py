"""``outcomes.materialise`` stores its rows as plain rows (``register.plain_rows.Table.upsert``): the same rows, column
by column, as the ORM's upsert of the same values stores, and a row stored since it was read is replaced."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tether.management.models import ManagementState
from tether.management.outcomes import _COLUMNS, materialise
from tether.register.plain_rows import Table

pytestmark = pytest.mark.django_db


def _raw() -> list[tuple[Any, ...]]:
    q = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {q(ManagementState._meta.db_table)} ORDER BY {q('person_id')}")  # noqa: S608
        return list(cur.fetchall())


def test_the_plain_rows_are_the_orms_rows(managed, frozen):
    materialise([managed.pk])
    plain = _raw()
    assert plain and ManagementState.objects.get(pk=managed.pk).duties  # a registrant with duties
    values = list(ManagementState.objects.values_list(*_COLUMNS))
    ManagementState.objects.all().delete()
    ManagementState.objects.bulk_create([ManagementState(**dict(zip(_COLUMNS, row, strict=True))) for row in values],
                                        update_conflicts=True, unique_fields=["person"],
                                        update_fields=[c for c in _COLUMNS if c != "person_id"])
    assert _raw() == plain


def test_a_row_stored_since_it_was_read_is_replaced(managed, frozen):
    materialise([managed.pk])
    before = _raw()
    values = list(ManagementState.objects.values_list(*_COLUMNS))
    ManagementState.objects.filter(pk=managed.pk).update(risk_level="low", duties=[])
    Table(ManagementState, _COLUMNS).upsert(values, "person")
    assert _raw() == before
