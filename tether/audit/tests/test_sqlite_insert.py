"""SQLite: events are inserted as plain rows, written chained, and stored exactly as the ORM stores them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from tether.audit.models import AuditEvent
from tether.audit.selectors import verify_chain
from tether.audit.services import SQLITE_ROWS, PendingEvent, write_events

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's insert")

AT = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


def _raw(pk: int) -> dict:
    """Every column as stored but the id and the position (unique: the ORM's copy needs another)."""
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM audit_auditevent WHERE id = %s", [pk])
        row = dict(zip([c[0] for c in cur.description], cur.fetchone(), strict=True))
    return {k: v for k, v in row.items() if k not in ("id", "seq")}


@pytest.mark.django_db
def test_the_plain_rows_are_the_rows_the_orm_stores(officer):
    with transaction.atomic():
        row = write_events([PendingEvent(action="test.plain", actor=officer, object_type="person", object_id="x",
                                         force_code="MPS", reason="Why: ünïcode", detail={"b": [1, "two"], "a": None},
                                         personal={"name": "Mary"})], AT)[0]
    assert row["seq"] == 1
    orm = AuditEvent(**{**row, "id": None, "seq": 1000})
    orm.save(force_insert=True)
    assert _raw(row["id"]) == _raw(orm.pk)


@pytest.mark.django_db
def test_many_events_take_several_statements_and_keep_their_order():
    with transaction.atomic():
        rows = write_events([PendingEvent(action="test.many", detail={"i": i}) for i in range(2 * SQLITE_ROWS + 5)],
                            AT)
    stored = list(AuditEvent.objects.order_by("id").values_list("id", "seq", "detail"))
    assert [(r["id"], r["seq"], r["detail"]) for r in rows] == stored
    assert [s for _, s, _ in stored] == list(range(1, 2 * SQLITE_ROWS + 6))
    assert verify_chain().ok
