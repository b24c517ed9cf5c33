from __future__ import annotations

import pytest
from django.db import connection, transaction

from tether.audit.models import AppendOnlyError, AuditEvent
from tether.audit.selectors import verify_chain
from tether.audit.services import record

pytestmark = pytest.mark.django_db


def _events(n: int = 5) -> None:
    for i in range(n):
        record("test.event", None, detail={"i": i})


def test_intact_chain_verifies():
    _events()
    result = verify_chain()
    assert result.ok and result.checked == 5


def test_model_refuses_update_and_delete():
    _events(1)
    ev = AuditEvent.objects.get()
    ev.reason = "edited"
    with pytest.raises(AppendOnlyError):
        ev.save()
    with pytest.raises(AppendOnlyError):
        ev.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_database_refuses_update():
    _events(1)
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET reason = 'edited'")


def _tamper(sql: str) -> None:
    """Tamper as someone with raw database access would: bypass the triggers."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL session_replication_role = replica")  # a superuser switching triggers off
            cur.execute(sql)
            cur.execute("SET LOCAL session_replication_role = origin")
        else:
            cur.execute("DROP TRIGGER IF EXISTS audit_append_only")
            cur.execute(sql)


def test_edited_event_is_named():
    _events()
    _tamper("UPDATE audit_auditevent SET reason = 'edited' WHERE seq = 3")
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == 3 and "edited" in result.problem


def test_deleted_event_is_named():
    _events()
    _tamper("DELETE FROM audit_auditevent WHERE seq = 2")
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == 2 and "missing" in result.problem


def test_reordered_events_are_named():
    _events()
    for sql in (
        "UPDATE audit_auditevent SET seq = -2 WHERE seq = 2",
        "UPDATE audit_auditevent SET seq = 2 WHERE seq = 4",
        "UPDATE audit_auditevent SET seq = 4 WHERE seq = -2",
    ):
        _tamper(sql)
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == 2 and "reordered" in result.problem


@pytest.mark.django_db(transaction=True)
def test_writes_outside_a_transaction_are_refused():
    from tether.audit.services import PendingEvent, record_many

    with pytest.raises(RuntimeError):
        record_many([PendingEvent(action="x")])
