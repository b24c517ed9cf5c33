"""Independent batches of bulk work over two database connections at once (PostgreSQL).

A batch of the sweep spends about half its time in Python and half waiting for the database. Run one after another
on one connection, the two take turns: one core works while the other waits. ``in_streams`` runs the batches in
threads, each with a database connection of its own, so while one thread waits for its statements (the interpreter
lock released) another runs Python, and the database works on two connections at once: on two cores, both are busy.

- Each batch is its own unit of work: ``work`` opens its own transaction, and no batch reads what another writes in
  the same run. The results come back in the batches' order, whatever order they finished in.
- Only on PostgreSQL, and only outside a transaction: SQLite has one writer at a time, and a transaction's other
  connections would not see what it has not committed (a test's transaction, say). Otherwise, and for a single
  batch, the batches run in order in the calling thread, with the same results.
- Each thread runs ``prepare`` once on its new connection (a session setting the caller made on its own, say), in a
  copy of the caller's context (``contextvars``), and closes its connection when it ends.
- The first failure stops the other threads taking further batches, and is raised here once they have stopped; so
  does an interruption of the caller (Ctrl-C): the batches under way end (each commits or rolls back), no more start.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TypeVar, overload

from django.db import connection, connections

T = TypeVar("T")
R = TypeVar("R")
N = TypeVar("N", int, float)

STREAMS = 2  # threads: the machines Tether runs on have two cores at least; the database works on each connection


@overload
def chunks(items: list[T], size: int) -> Iterator[list[T]]: ...


@overload
def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]: ...


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in order, ``size`` at a time (the last may hold fewer): for statements that take at most so many
    values. A list gives lists, a tuple tuples."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def batches(items: Sequence[T], most: int, *, streams: int = STREAMS) -> list[list[T]]:
    """``items`` in batches of at most ``most``, in order, as even in size as can be, and (when there are several, and
    ``parallel()``) as many as a whole number of rounds of ``streams``: 10,000 items of at most 2,000 are six batches of
    1,667 or 1,666 over two connections, three each, not five of 2,000, where one connection would wait for the other
    through a fifth round."""
    items = list(items)
    if not items:
        return []
    count = -(-len(items) // max(1, most))
    if count > 1 and streams > 1 and parallel():
        count = -(-count // streams) * streams
    size, extra = divmod(len(items), count)
    out, start = [], 0
    for n in range(count):
        end = start + size + (1 if n < extra else 0)
        out.append(items[start:end])
        start = end
    return [batch for batch in out if batch]


def parallel() -> bool:
    """True where ``in_streams`` spreads batches over connections: PostgreSQL, outside a transaction."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def in_streams(chunks: Sequence[T], work: Callable[[T], R], *, streams: int = STREAMS,
               prepare: Callable[[], None] | None = None) -> list[R]:
    """``[work(chunk) for chunk in chunks]`` (the batches, ``batches``), spread over ``streams`` threads with their own
    connections where ``parallel()``; in this thread otherwise (``prepare`` is then not called: this connection is the
    caller's)."""
    if streams < 2 or len(chunks) < 2 or not parallel():
        return [work(chunk) for chunk in chunks]
    results: dict[int, R] = {}
    failures: list[BaseException] = []
    stopping = threading.Event()  # a failure, or the caller interrupted (Ctrl-C): no batch more is taken
    lock = threading.Lock()
    queue = iter(enumerate(chunks))

    def take() -> tuple[int, T] | None:
        with lock:
            if stopping.is_set():
                return None
            return next(queue, None)

    def stream() -> None:
        try:
            if prepare is not None:
                prepare()
            while (item := take()) is not None:
                index, chunk = item
                results[index] = work(chunk)
        except BaseException as exc:  # raised in the caller's thread below
            with lock:
                failures.append(exc)
            stopping.set()
        finally:
            connections.close_all()  # this thread's own connections

    threads = [threading.Thread(target=contextvars.copy_context().run, args=(stream,), name=f"tether-stream-{n}")
               for n in range(min(streams, len(chunks)))]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except BaseException:  # interrupted: the batches under way finish (each commits or rolls back), no more start
        stopping.set()
        for thread in threads:
            thread.join()
        raise
    if failures:
        raise failures[0]
    return [results[index] for index in range(len(chunks))]


def add_up(total: dict[str, N], part: Mapping[str, N]) -> None:
    """Add each of a batch's figures (``part``: counts, seconds) to the run's (``total``), a key at a time."""
    for key, value in part.items():
        total[key] = total.get(key, 0) + value
