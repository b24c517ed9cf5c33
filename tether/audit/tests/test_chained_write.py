"""A bulk writer's events written already chained (``record_many(chained=True)``): one write a row, the same chain."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from tether.audit.chain import GENESIS
from tether.audit.models import AuditEvent
from tether.audit.selectors import unchained_tail, verify_chain
from tether.audit.services import PendingEvent, record, record_many
from tether.core import clock

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="chained writes are PostgreSQL's")


def _events(n: int, **detail) -> list[PendingEvent]:
    return [PendingEvent(action="test.bulk", object_type="person", object_id=f"p{i}", force_code="MPS",
                         detail={"i": i, "due": "2025-06-16", "case_id": None, **detail}) for i in range(n)]


@pytest.mark.django_db(transaction=True)
def test_events_written_chained_are_in_the_chain_inside_their_transaction_and_verify():
    record("test.before", None)
    with transaction.atomic():
        written = record_many(_events(3), chained=True)
        inside = list(AuditEvent.objects.filter(action="test.bulk").order_by("id").values_list("seq", "prev_hash"))
        assert [seq for seq, _ in inside] == [2, 3, 4]  # chained as written, after the event before them
        assert inside[1][1] == written[0].hash
    assert [ev.seq for ev in written] == [2, 3, 4]
    record("test.after", None)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    assert unchained_tail() == (0, None)
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_others_pending_events_are_chained_first_and_those_written_while_the_lock_was_held_after_it():
    """Events committed unchained (a chainer that had not run yet) go before the chained write; a change that
    commits while the chained writer holds the lock leaves its events to the writer's own after-commit chaining."""
    from django.db import connections

    with transaction.atomic():
        AuditEvent.objects.create(seq=None, at=clock.now(), action="test.pending", actor_label="system",
                                  prev_hash="", hash="")
    with transaction.atomic():
        record_many(_events(2), chained=True)
        other = connections.create_connection("default")  # another session commits an event meanwhile
        try:
            with other.cursor() as cur:
                cur.execute("INSERT INTO audit_auditevent (seq, at, actor_label, action, object_type, object_id,"
                            " force_code, reason, detail, prev_hash, hash) VALUES (NULL, now(), 'system',"
                            " 'test.meanwhile', '', '', '', '', '{}', '', '')")
        finally:
            other.close()
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["test.pending", "test.bulk", "test.bulk", "test.meanwhile"]
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_an_event_whose_values_may_read_back_otherwise_is_chained_after_commit_as_usual():
    with transaction.atomic():
        written = record_many(_events(1, ratio=1e20), chained=True)
        assert AuditEvent.objects.get(pk=written[0].pk).seq is None  # not hashed from values it may not read back as
    ev = AuditEvent.objects.get()
    assert ev.seq == 1 and ev.prev_hash == GENESIS
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_an_event_recorded_on_its_own_is_written_chained_in_its_transaction():
    """An audited read's event is its transaction's only write: written chained, no second transaction."""
    from django.test.utils import CaptureQueriesContext

    record("test.before", None)
    with CaptureQueriesContext(connection) as ctx:
        ev = record("test.read", None, object_type="person", object_id="p1", detail={"via": "web"})
    assert ev.seq == 2 and AuditEvent.objects.get(pk=ev.pk).hash == ev.hash
    assert not any(q["sql"].startswith("UPDATE audit_auditevent") for q in ctx.captured_queries)
    assert unchained_tail() == (0, None) and verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_an_event_recorded_on_its_own_while_the_lock_is_held_is_chained_after_its_commit():
    from django.db import connections

    other = connections.create_connection("default")  # another session holds the chain's lock
    try:
        with other.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("SELECT pg_advisory_xact_lock(7401001)")
        ev = record("test.read", None)
        assert ev.seq is None  # written unchained: its chaining after commit could not take the lock either
        with other.cursor() as cur:
            cur.execute("COMMIT")
    finally:
        other.close()
    record("test.next", None)  # the next audited write chains what waits, its own after it
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == ["test.read", "test.next"]
    assert verify_chain().ok
