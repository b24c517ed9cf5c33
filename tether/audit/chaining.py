"""Chaining audit events: one chainer at a time gives committed unchained events their place in the chain.

Below services and selectors (it reads and writes only ``AuditEvent``, like a trigger would): a writer calls it after
its transaction commits (``services``), ``verify_chain`` and ``tether audit chain`` call it to chain what is waiting.
The design and the tamper-evidence it keeps: ``services``' module doc and docs/audit.md.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction

from tether.core.arrays import array_literal

from .chain import GENESIS, event_hash
from .models import AuditEvent

_LOCK_KEY = 7_401_001  # pg advisory lock id for the audit chain (held only while a batch is chained)
CHAIN_BATCH = 1000  # events chained in one transaction
CHAIN_ROUNDS = 20  # batches of others' events a writer chains after its own (a bound on its response time)
_process_lock = threading.Lock()  # one chainer per process (SQLite has no try-lock; PostgreSQL needs none, but it
# saves a connection from asking when another thread of this process is already chaining)

_CHAIN_FIELDS = (
    "id", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "force_code", "reason", "detail",
    "personal",
)


# The two small reads of every chain pass, as fixed statements (no query to build on each audited request).
_TABLE = AuditEvent._meta.db_table
_PENDING_SQL = f"SELECT 1 FROM {_TABLE} WHERE seq IS NULL LIMIT 1"  # noqa: S608 - the model's own table
_END_SQL = f"SELECT seq, hash FROM {_TABLE} WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"  # noqa: S608
_ROWS_SQL = (f"SELECT {', '.join(_CHAIN_FIELDS)} "  # noqa: S608 - the model's columns (no db_column is set)
             f"FROM {_TABLE} WHERE seq IS NULL ORDER BY id LIMIT %s")
_JSON = ("detail", "personal")


def _pending_rows() -> list[dict[str, Any]]:
    """The first unchained events, in id order, as the model reads them (what is hashed: ``chain.event_hash``): a
    fixed statement; both databases hand back the JSON columns as text, SQLite the time without its zone (UTC)."""
    with connection.cursor() as cur:
        cur.execute(_ROWS_SQL, [CHAIN_BATCH])
        rows = [dict(zip(_CHAIN_FIELDS, values, strict=True)) for values in cur.fetchall()]
    for row in rows:
        for name in _JSON:
            if isinstance(row[name], str):
                row[name] = json.loads(row[name])
        at = datetime.fromisoformat(row["at"]) if isinstance(row["at"], str) else row["at"]
        row["at"] = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return rows


def has_pending() -> bool:
    with connection.cursor() as cur:
        cur.execute(_PENDING_SQL)
        return cur.fetchone() is not None


def chain_pending(rounds: int | None = None, own_up_to: int = 0) -> dict[int, tuple[int, str, str]]:
    """Chain every committed unchained event, in id order, batch by batch; return {id: (seq, prev_hash, hash)} of
    those this call chained. Returns at once when another chainer holds the lock (it checks again for pending
    events after each of its batches, so it takes these too).

    A writer passes the highest id it wrote (``own_up_to``) and a bound (``rounds``): it always chains up to its
    own events, then at most ``rounds`` more batches of other writers' events (a bound on its response time under
    a sustained stream of writes; the writers of what it leaves, or the next writer, chain the rest). None: until
    nothing is pending.
    """
    out: dict[int, tuple[int, str, str]] = {}
    own_done = not own_up_to
    extra = 0
    while True:
        got, chained = _chain_batch()
        if not got:
            return out
        out.update(chained)
        if len(chained) < CHAIN_BATCH and not has_pending():  # checked after the lock is released (module doc)
            return out
        own_done = own_done or len(chained) < CHAIN_BATCH or max(chained, default=0) >= own_up_to
        if own_done:
            if rounds is not None and extra >= rounds:
                return out
            extra += 1


def _links(rows: list[dict[str, Any]], end: tuple[int, str]) -> list[tuple[int, str, str]]:
    """(seq, prev_hash, hash) of each of these events (their columns, as ``_pending_rows`` reads them), in order,
    chained after ``end`` (seq, hash)."""
    seq, prev = end
    out = []
    for row in rows:
        seq += 1
        h = event_hash(dict(row, seq=seq, at=row["at"].isoformat()), prev)
        out.append((seq, prev, h))
        prev = h
    return out


def _end() -> tuple[int, str]:
    """The chain's end: its last event's (seq, hash), or the start."""
    with connection.cursor() as cur:
        cur.execute(_END_SQL)
        end = cur.fetchone()
    return (end[0] or 0, end[1]) if end else (0, GENESIS)


def lock_end(*, wait: bool = True) -> tuple[int, str] | None:
    """For a writer that writes its events chained (``services.write_events(chained=...)``): take the
    chain's lock until the caller's transaction ends and return the chain's end (seq, hash), which no one else can
    move meanwhile. Events committed and not chained yet keep their place before the writer's, in id order:

    - ``wait`` (the sweep, which runs one at a time): wait for a chainer's batch to commit, then chain what is pending
      (at most ``CHAIN_ROUNDS`` batches more than one; anything beyond follows the writer's events);
    - otherwise (an audited read): None at once when the lock is held, or when events are pending: the event is then
      written unchained and chained after its commit with the others, in id order.

    Only the sweep waits for the lock; chainers and readers try it, so no two writers can wait for each other.

    SQLite: every transaction begins ``IMMEDIATE`` (settings), holding the database's write lock, which is the chain's
    lock: nothing else can write until the caller's transaction ends. Events pending are chained first, whatever
    ``wait`` says (they can only be there when a writer's events could not be written chained); None when some are
    still pending (another thread of this process is about to chain them)."""
    if connection.vendor != "postgresql":
        if has_pending():
            chain_pending(rounds=CHAIN_ROUNDS)
            if has_pending():
                return None
        return _end()
    with connection.cursor() as cur:
        cur.execute(f"SELECT {'pg_advisory_xact_lock' if wait else 'pg_try_advisory_xact_lock'}(%s)", [_LOCK_KEY])
        if not wait and not cur.fetchone()[0]:
            return None
    if has_pending():
        if not wait:
            return None
        chain_pending(rounds=CHAIN_ROUNDS)
    return _end()


def link(rows: list[dict[str, Any]], end: tuple[int, str]) -> None:
    """Give these new events (their columns, not yet written: no ids) their place in the chain after ``end``."""
    for row, (seq, prev, h) in zip(rows, _links(rows, end), strict=True):
        row["seq"], row["prev_hash"], row["hash"] = seq, prev, h


def _try_lock() -> bool:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_KEY])
            return bool(cur.fetchone()[0])
    # SQLite: transactions begin IMMEDIATE (settings), so this one holds the database's write lock already; a
    # chainer in another process waits for it, then reads the chain's new end.
    return True


def _chain_batch() -> tuple[bool, dict[int, tuple[int, str, str]]]:
    """One batch, in its own transaction (a savepoint when the caller is in one): (got the lock, chained).

    Correct under READ COMMITTED (Django's default on PostgreSQL): the lock is taken by a statement of its own, and
    a transaction's lock is released only once its commit is visible, so the reads after it see the chain as the
    previous chainer left it. The unique ``seq`` would refuse a duplicate if that ever failed."""
    if not _process_lock.acquire(blocking=False):
        return False, {}
    try:
        with transaction.atomic():
            if not _try_lock():
                return False, {}
            rows = _pending_rows()
            if not rows:  # another chainer took them (the chain's end is not needed)
                return True, {}
            # the end is read after the rows: only a chainer holding the lock moves it
            chained = {row["id"]: link for row, link in zip(rows, _links(rows, _end()), strict=True)}
            with connection.cursor() as cur:
                if connection.vendor == "postgresql":  # one statement for the batch (each column one array)
                    cur.execute(
                        "UPDATE audit_auditevent AS e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash"
                        " FROM unnest(%s::bigint[], %s::varchar[], %s::varchar[], %s::bigint[])"
                        " AS v(seq, prev_hash, hash, id) WHERE e.id = v.id AND e.seq IS NULL",
                        [array_literal(s for s, _, _ in chained.values()),
                         array_literal(p for _, p, _ in chained.values()),
                         array_literal(h for _, _, h in chained.values()),
                         array_literal(chained)],
                    )
                else:
                    cur.executemany(
                        "UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s AND seq IS NULL",
                        [(s, p, h, pk) for pk, (s, p, h) in chained.items()],
                    )
            return True, chained
    finally:
        _process_lock.release()
