"""Events are written unchained in their change's transaction and chained after it commits (audit.services)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction

from tether.audit import chaining
from tether.audit.chain import GENESIS
from tether.audit.chaining import chain_pending
from tether.audit.models import AuditEvent
from tether.audit.selectors import unchained_tail, verify_chain
from tether.audit.services import PendingEvent, record, record_many
from tether.core import clock


def _unchained(n: int, at=None) -> list[int]:
    """Events committed but not chained, as after a process died between its commit and its chaining (bulk_create
    bypasses record_many, so no chaining follows)."""
    at = at or clock.now()
    rows = [AuditEvent(seq=None, at=at, actor_label="system", action="test.stranded", detail={"i": i},
                       prev_hash="", hash="") for i in range(n)]
    return [ev.pk for ev in AuditEvent.objects.bulk_create(rows)]


def _seqs() -> list[int]:
    return list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))


@pytest.mark.django_db(transaction=True)
def test_an_event_is_written_unchained_and_chained_when_its_transaction_commits():
    with transaction.atomic():
        record("test.one", None, detail={"n": 1})
        inside = AuditEvent.objects.get()
        if connection.vendor == "postgresql":
            assert inside.seq is None and inside.hash == "" and inside.prev_hash == ""
        else:  # the transaction holds SQLite's write lock, the chain's lock: written chained at once
            assert inside.seq == 1 and inside.prev_hash == GENESIS and len(inside.hash) == 64
    ev = AuditEvent.objects.get()
    assert ev.seq == 1 and ev.prev_hash == GENESIS and len(ev.hash) == 64
    assert unchained_tail() == (0, None)
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_event_and_no_gap():
    record("test.before", None)
    with pytest.raises(RuntimeError), transaction.atomic():
        record_many([PendingEvent(action="test.rolled_back"), PendingEvent(action="test.rolled_back")])
        raise RuntimeError("the change fails")
    with transaction.atomic():
        record("test.kept", None)
        with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint rolled back inside a kept change
            record("test.rolled_back", None)
            raise RuntimeError
    record("test.after", None)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "action")) == [
        (1, "test.before"), (2, "test.kept"), (3, "test.after")]
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_one_chaining_per_transaction_whatever_the_number_of_writes(monkeypatch):
    calls = []
    real = chaining.chain_pending
    monkeypatch.setattr(chaining, "chain_pending", lambda **kw: calls.append(kw) or real(**kw))
    with transaction.atomic():
        for i in range(5):
            record("test.many", None, detail={"i": i})
    last = AuditEvent.objects.order_by("id").last()
    # SQLite: each was written chained in the transaction, so nothing is left to chain after it
    expected = [{"rounds": chaining.CHAIN_ROUNDS, "own_up_to": last.pk}] if connection.vendor == "postgresql" else []
    assert calls == expected and _seqs() == [1, 2, 3, 4, 5]


@pytest.mark.django_db(transaction=True)
def test_a_writer_chains_its_own_events_then_a_bounded_number_of_batches(monkeypatch):
    monkeypatch.setattr(chaining, "CHAIN_BATCH", 2)
    ids = _unchained(7)
    chained = chain_pending(rounds=1, own_up_to=ids[2])  # its own events end at the third: 2 batches, then 1 more
    assert sorted(chained) == ids[:6] and unchained_tail()[0] == 1
    record("test.next", None)  # the next writer chains what was left, and its own
    assert unchained_tail() == (0, None) and _seqs() == list(range(1, 9))
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_stranded_events_are_chained_by_the_next_write_in_id_order():
    stranded = _unchained(3)
    assert unchained_tail()[0] == 3
    record("test.next", None)
    rows = list(AuditEvent.objects.order_by("seq").values_list("id", "seq"))
    assert rows == [(pk, i) for i, pk in enumerate([*stranded, rows[-1][0]], 1)]
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_the_compliance_sweep_chains_what_is_pending():
    from tether.casework.services import sweep

    _unchained(2)
    sweep()
    assert unchained_tail() == (0, None)
    assert AuditEvent.objects.filter(action="compliance.sweep").get().seq == 3
    assert verify_chain().ok


@pytest.mark.django_db
def test_verify_reports_chains_and_checks_the_unchained_tail(frozen):
    record("test.chained", None)
    _unchained(2)
    result = verify_chain()
    assert result.ok and result.pending == 2 and result.oldest_pending_seconds == 0.0 and result.checked == 3
    assert result.head_seq == 3 and result.head_hash == AuditEvent.objects.get(seq=3).hash
    assert unchained_tail() == (0, None)


@pytest.mark.django_db
def test_verify_fails_when_an_event_waited_too_long_to_be_chained(frozen):
    record("test.chained", None)
    _unchained(1, at=clock.now() - timedelta(hours=1))
    result = verify_chain(max_pending_seconds=600)
    assert not result.ok and result.first_bad_seq is None and result.pending == 1
    assert "had not been chained" in result.problem and "3600 seconds" in result.problem
    assert verify_chain().ok  # chained by the first check, so the next one finds nothing waiting


@pytest.mark.django_db
def test_the_database_lets_through_only_the_update_that_chains_an_event():
    [pk] = _unchained(1)
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET seq = 1, prev_hash = %s, hash = %s, reason = 'edited' WHERE id = %s",
                    [GENESIS, "a" * 64, pk])
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET reason = 'edited' WHERE id = %s", [pk])
    chain_pending()
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET seq = 2, hash = %s WHERE id = %s", ["b" * 64, pk])  # re-chaining
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_one_gapless_valid_chain():
    """Threads (each with its own database connection) write events in many small transactions at once, some
    rolled back: every committed event ends chained, in one gapless chain that verifies, each transaction's
    events in the order written. PostgreSQL only: the SQLite test database is in memory, shared between threads
    through SQLite's shared cache, which refuses a second writer ("database table is locked") where a database
    file waits for it."""
    if connection.vendor != "postgresql":
        pytest.skip("threads cannot share the in-memory SQLite test database for writing")
    threads_n, transactions_n = 4, 15
    errors: list[BaseException] = []
    start = threading.Barrier(threads_n)

    def writer(t: int) -> None:
        try:
            start.wait()
            for i in range(transactions_n):
                try:
                    with transaction.atomic():
                        record_many([PendingEvent(action="test.concurrent", detail={"t": t, "i": i, "k": k})
                                     for k in range(1 + i % 3)])
                        if i % 5 == 4:
                            raise KeyError("rolled back")
                except KeyError:
                    pass
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(threads_n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not errors
    kept = sum(1 + i % 3 for i in range(transactions_n) if i % 5 != 4) * threads_n
    assert unchained_tail() == (0, None)
    assert _seqs() == list(range(1, kept + 1))
    for t in range(threads_n):
        order = [(d["i"], d["k"]) for d in AuditEvent.objects.filter(detail__t=t).order_by("seq")
                 .values_list("detail", flat=True)]
        assert order == sorted(order)
    result = verify_chain()
    assert result.ok and result.checked == kept and result.pending == 0
