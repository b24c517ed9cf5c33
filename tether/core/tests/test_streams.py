"""Batches over two database connections (``core.streams``): on PostgreSQL outside a transaction, each thread on its
own connection; otherwise in order in the caller's thread. Real threads and connections."""

from __future__ import annotations

import contextvars
import threading

import pytest
from django.db import connection, transaction

from tether.core.streams import add_up, chunks, in_streams, parallel

WHO: contextvars.ContextVar[str] = contextvars.ContextVar("who", default="nobody")


def _backend() -> int | None:
    """The database session this thread is on (PostgreSQL's backend; None on SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return int(cur.fetchone()[0])


def _work(batch: list[int]) -> tuple[list[int], int, int | None, str]:
    with transaction.atomic():
        return [n * n for n in batch], threading.get_ident(), _backend(), WHO.get()


@pytest.mark.django_db
def test_inside_a_transaction_the_batches_run_here_in_order():
    assert connection.in_atomic_block and not parallel()
    prepared = []
    out = in_streams([[1, 2], [3], [4, 5]], _work, prepare=lambda: prepared.append(1))
    assert [squares for squares, *_ in out] == [[1, 4], [9], [16, 25]]
    assert {thread for _, thread, _, _ in out} == {threading.get_ident()}
    assert prepared == []  # this connection is the caller's, set as the caller set it


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_on_postgresql_two_connections_share_the_batches():
    token = WHO.set("the sweep")
    try:
        prepared: list[int | None] = []
        batches = [[n] for n in range(12)]
        out = in_streams(batches, _work, prepare=lambda: prepared.append(_backend()))
    finally:
        WHO.reset(token)
    assert [squares for squares, *_ in out] == [[n * n] for n in range(12)]  # in the batches' order
    assert {who for *_, who in out} == {"the sweep"}  # the caller's context
    if connection.vendor != "postgresql":
        assert not parallel()
        assert {thread for _, thread, _, _ in out} == {threading.get_ident()} and prepared == []
        return
    mine = _backend()
    threads = {thread for _, thread, _, _ in out}
    backends = {backend for _, _, backend, _ in out}
    assert threading.get_ident() not in threads and len(threads) <= 2
    assert mine not in backends and backends <= set(prepared) and len(prepared) == 2  # prepared once a connection
    with connection.cursor() as cur:  # each thread closed its connection when it ended
        cur.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [list(prepared)])
        assert cur.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_the_first_failure_is_raised_and_the_rest_are_not_started():
    started = []

    def work(n: int) -> int:
        started.append(n)
        if n == 1:
            raise ValueError("batch 1 failed")
        return n

    with pytest.raises(ValueError, match="batch 1 failed"):
        in_streams(list(range(50)), work)
    assert len(started) < 50


def test_one_batch_or_one_stream_runs_here():
    assert in_streams([[2]], lambda b: threading.get_ident()) == [threading.get_ident()]
    assert in_streams([[1], [2]], lambda b: threading.get_ident(), streams=1) == [threading.get_ident()] * 2
    assert in_streams([], lambda b: b) == []


@pytest.mark.django_db(transaction=True)
def test_batches_are_even_and_fill_whole_rounds_of_the_streams():
    from tether.core.streams import batches

    items = list(range(10_000))
    split = batches(items, 2000)
    assert [n for batch in split for n in batch] == items  # every item once, in order
    if parallel():  # six of 1,667 or 1,666: three rounds of two, not five batches with a fifth round for one
        assert [len(batch) for batch in split] == [1667, 1667, 1667, 1667, 1666, 1666]
    else:
        assert [len(batch) for batch in split] == [2000] * 5
    assert [len(b) for b in batches(items, 2000, streams=1)] == [2000] * 5
    assert batches(list(range(3)), 2000) == [[0, 1, 2]]  # one batch: nothing to share
    assert batches([], 2000) == []
    assert [len(b) for b in batches(list(range(5)), 1)] == [1] * 5  # no batch is left empty


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_caller_starts_no_more_batches(monkeypatch):
    """Ctrl-C while the threads work: the batches under way end, no more start, and the interruption is raised."""
    if not parallel():
        pytest.skip("the batches run in the caller's thread: an interruption stops them where it lands")
    started = []
    release = threading.Event()

    def work(n: int) -> int:
        started.append(n)
        release.wait(timeout=10)
        return n

    joined = []
    real_join = threading.Thread.join

    def interrupted_join(self, timeout=None):
        if self.name.startswith("tether-stream-") and not joined:
            joined.append(self)
            release.set()
            raise KeyboardInterrupt
        return real_join(self, timeout)

    monkeypatch.setattr(threading.Thread, "join", interrupted_join)
    with pytest.raises(KeyboardInterrupt):
        in_streams(list(range(50)), work)
    assert len(started) <= 4  # the two under way, and at most one more each as the interruption landed


def test_add_up_adds_a_batchs_figures_to_the_runs():
    total = {"breaches": 2}
    add_up(total, {"breaches": 3, "tasks": 1})
    add_up(total, {})
    assert total == {"breaches": 5, "tasks": 1}
    seconds = {"read": 0.5}
    add_up(seconds, {"read": 0.25, "write": 1.0})
    assert seconds == {"read": 0.75, "write": 1.0}


def test_chunks_keep_the_order_and_the_kind_of_sequence():
    assert list(chunks(list(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunks(tuple(range(4)), 2)) == [(0, 1), (2, 3)]
    assert list(chunks([], 5)) == [] and list(chunks([1], 5)) == [[1]]
