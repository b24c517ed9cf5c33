"""Writing audit events, and chaining them.

Writing and chaining are two steps, so the chain is not a lock every audited request waits for:

1. ``record_many`` inserts the events *unchained* (``seq`` NULL, ``prev_hash`` and ``hash`` empty) in the caller's
   transaction, with no global lock: an event commits or rolls back with its change, and concurrent requests write
   their events in parallel.
2. After the commit (``transaction.on_commit``) the writer chains what is pending: one chainer at a time (a
   non-blocking lock: ``pg_try_advisory_xact_lock`` on PostgreSQL, a per-process lock plus SQLite's own write lock
   on SQLite) takes every committed unchained event in id order, gives each the next ``seq``, the hash of the event
   before it and its own hash, in batches of ``CHAIN_BATCH``, one short transaction each, until none is pending.
   A writer that does not get the lock leaves its events to the holder, which checks again for pending events
   after each batch commits, so none is stranded. A writer chains at least up to its own events, then at most
   ``CHAIN_ROUNDS`` more batches (so one request does not chain a bulk job's events for long). What is left
   (a process died between its commit and its chaining; the holder reached its bound just as a stream of writes
   stopped) is chained by the next audited write anywhere, the compliance sweep (it writes audit events),
   ``tether audit chain`` and ``tether audit verify``.

Tamper evidence (see also ``docs/operations.md``, "The audit trail"): a chained event is exactly as protected as
before (editing, deleting or reordering it breaks the chain at that event, unless the attacker recomputes every hash
after it; keep the chain's head from ``tether audit verify --json`` outside the database to catch that). An event is
unchained only between its commit and the chainer's next batch (milliseconds; ``verify_chain`` reports the pending
tail and fails when an event waited longer than ``chain.MAX_PENDING_SECONDS``). In that window someone with write
access to the database who can also switch the append-only trigger off could edit or delete the event without a
trace; the trigger itself lets through only the chaining update (``seq``, ``prev_hash``, ``hash`` from empty to
set, every other column unchanged). Before this change the window was the transaction itself: the same attacker
could edit a row before it committed, or append made-up events with correct hashes, as they still can.

Tests run inside a transaction that never commits (pytest-django's ``db``), so ``on_commit`` would never fire there:
inside such a transaction ``record_many`` chains its events at once, in the caller's transaction (the test's atomic
block is marked by Django, ``_from_testcase``). Tests on ``transactional_db`` exercise the deferred path.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, cast
from urllib.parse import urlencode

from django.db import connection, transaction
from django.db.models import Field

from tether.core import clock, inserts
from tether.core.arrays import array_literal

from . import chaining
from .models import AuditEvent


@dataclass
class PendingEvent:
    action: str
    actor: Any = None  # access.User or None for the system
    object_type: str = ""
    object_id: str = ""
    force_code: str = ""
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    actor_label: str = ""
    personal: dict[str, Any] = field(default_factory=dict)  # withheld from auditors (models.AuditEvent.personal)


def _label(actor: Any, given: str) -> str:
    if given:
        return given
    if actor is None:
        return "system"
    return str(getattr(actor, "label", None) or actor)


def _commit_never_runs() -> bool:
    """True inside a test's wrapping transaction (pytest-django ``db``, Django's TestCase): it is rolled back, never
    committed, so on_commit hooks never run there."""
    return any(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


Chained = Literal[False, True, "if_free"]


def record_many(
    events: Iterable[PendingEvent], at: datetime | None = None, *, chained: Chained = False
) -> list[AuditEvent]:
    """Write events, in order, inside the caller's transaction; they are chained once it commits (module doc).

    ``chained``: on PostgreSQL the events are written already chained, each row once, where otherwise each is written
    and then updated by the chainer (every index of the table maintained twice, and a second transaction): the
    chain's lock is taken until the caller's transaction ends (``chaining.lock_end``: events pending before keep
    their place, in id order). True: waiting for it (a bulk writer that runs one at a time: the
    compliance sweep, under its lock); ``"if_free"``: only when no one holds it (``record`` for an event that is its
    transaction's only write, an audited read), else written unchained as without it. Elsewhere, and for an event
    whose values might not read back as written (a number with a fraction or an exponent, which the database may
    write in another form), as without it."""
    created = []
    for row in write_events(events, at, chained=chained):
        ev = AuditEvent(**row)
        ev._state.adding, ev._state.db = False, connection.alias
        created.append(ev)
    return created


def write_events(
    events: Iterable[PendingEvent], at: datetime | None = None, *, chained: Chained = False
) -> list[dict[str, Any]]:
    """``record_many`` without model instances (each costs as much again as its write): each event's columns, as
    written (``id`` and, once chained, ``seq`` and the hashes). For writers of thousands of events (the sweep)."""
    if not connection.in_atomic_block:
        raise RuntimeError("Audit events must be written in the same transaction as the change.")
    at = (at or clock.now()).astimezone(UTC)  # as the database hands it back: what the chain hashes
    rows: list[dict[str, Any]] = []
    texts: list[tuple[str, str | None]] = []  # each row's detail and personal values as JSON text: what is sent
    for ev in events:
        detail = json.dumps(ev.detail, default=str)
        personal = json.dumps(ev.personal, default=str) if ev.personal else None
        texts.append((detail, personal))
        rows.append({
            "id": None, "seq": None, "at": at, "actor_id": getattr(ev.actor, "pk", None),
            "actor_label": _label(ev.actor, ev.actor_label), "action": ev.action, "object_type": ev.object_type,
            "object_id": str(ev.object_id), "force_code": ev.force_code, "reason": ev.reason,
            # stored exactly as hashed: as the JSON reads back (dates as text)
            "detail": json.loads(detail), "personal": None if personal is None else json.loads(personal),
            "prev_hash": "", "hash": "",
        })
    if not rows:
        return []
    pg = connection.vendor == "postgresql"
    # SQLite: the transaction holds the database's write lock from its start (``BEGIN IMMEDIATE``), so its events are
    # always written chained (``chaining.lock_end``): no other writer can move the chain's end until it commits
    if ((chained or not pg) and all(_reads_back(r["detail"]) and _reads_back(r["personal"]) for r in rows)
            and (end := chaining.lock_end(wait=chained is True)) is not None):
        chaining.link(rows, end)
    ids = _insert(rows, texts) if pg else _insert_sqlite(rows, texts)
    for row, pk in zip(rows, ids, strict=True):
        row["id"] = pk
    if _commit_never_runs():
        links = chaining.chain_pending()
        for row in rows:
            if row["id"] in links:
                row["seq"], row["prev_hash"], row["hash"] = links[row["id"]]
    else:  # chained after the commit: these, or (written chained) only others' events that wait, if any
        _chain_when_committed(0 if rows[0]["seq"] is not None else max(ids))
    return rows


def _reads_back(value: Any) -> bool:
    """True when PostgreSQL's ``jsonb`` gives this JSON value back as written: no floats (it may write ``1e+20``
    back as ``100000000000000000000``, which reads as another type and hashes differently)."""
    if isinstance(value, dict):
        return all(_reads_back(v) for v in value.values())
    if isinstance(value, list):
        return all(_reads_back(v) for v in value)
    return not isinstance(value, float)


_INSERTED = ("seq", "at", "actor", "actor_label", "action", "object_type", "object_id", "force_code", "reason",
             "detail", "personal", "prev_hash", "hash")


@functools.cache
def _inserted_fields() -> tuple[Field, ...]:  # type: ignore[type-arg]
    """The fields an insert sends, in ``_INSERTED``'s order (each column is named as its field's attribute)."""
    return tuple(cast(Field, AuditEvent._meta.get_field(name)) for name in _INSERTED)  # type: ignore[type-arg]


def _sent_columns(rows: list[dict[str, Any]], texts: list[tuple[str, str | None]]) -> list[list[Any]]:
    """Each sent column's values, one per event, in ``_inserted_fields``' order: ``detail`` and ``personal`` as the
    JSON ``texts`` (as hashed), the rest as the rows hold them."""
    json_at = {"detail": 0, "personal": 1}
    return [[t[json_at[f.attname]] for t in texts] if f.attname in json_at else [r[f.attname] for r in rows]
            for f in _inserted_fields()]


@functools.cache
def _insert_sql() -> str:
    """The insert statement (made once: PostgreSQL only)."""
    fields = _inserted_fields()
    columns = ", ".join(connection.ops.quote_name(f.attname) for f in fields)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    return (f"INSERT INTO {AuditEvent._meta.db_table} ({columns})"  # noqa: S608  (names from the model)
            f" SELECT * FROM unnest({arrays}) RETURNING id")


def _insert(rows: list[dict[str, Any]], texts: list[tuple[str, str | None]]) -> list[int]:
    """PostgreSQL: the events in one ``INSERT ... SELECT FROM unnest(...)`` a column to an array (one text value each,
    ``core.arrays``; ``detail`` and ``personal`` as the JSON ``texts``); their ids, in order: what ``bulk_create``
    stores, without adapting each value on its own."""
    with connection.cursor() as cur:
        cur.execute(_insert_sql(), [array_literal(column) for column in _sent_columns(rows, texts)])
        return [row[0] for row in cur.fetchall()]


SQLITE_ROWS = inserts.ROWS  # events a statement at most (fewer where SQLite allows fewer values: ``core.inserts``)


def _insert_sqlite(rows: list[dict[str, Any]], texts: list[tuple[str, str | None]]) -> list[int]:
    """SQLite: the events in multi-row ``INSERT ... RETURNING id`` statements (``core.inserts``), the same columns as
    ``_insert`` with the time as SQLite's text (each distinct time adapted once: an event's write gives all its events
    one), as ``bulk_create`` stores them, without a model instance and the ORM's preparing of each value; their ids,
    in order."""
    columns = _sent_columns(rows, texts)
    at = _INSERTED.index("at")
    adapted = {t: connection.ops.adapt_datetimefield_value(t) for t in set(columns[at])}
    columns[at] = [adapted[t] for t in columns[at]]
    names = ", ".join(connection.ops.quote_name(f.attname) for f in _inserted_fields())
    with connection.cursor() as cur:
        returned = inserts.insert_rows(cur, f"INSERT INTO {AuditEvent._meta.db_table} ({names})",
                                       list(zip(*columns, strict=True)), tail=" RETURNING id", returning=True)
    return [row[0] for row in returned]


def record(action: str, actor: Any = None, **kwargs: Any) -> AuditEvent:
    """Append one event. Opens its own atomic block when called outside one (reads, sign-ins): the event is then its
    transaction's only write, and is written chained when the chain's lock is free (one transaction, one write)."""
    alone = not connection.in_atomic_block
    with transaction.atomic():
        return record_many([PendingEvent(action=action, actor=actor, **kwargs)],
                           chained="if_free" if alone else False)[0]


# --- chaining after commit (chaining.py does the chaining) --------------------------------------------------

class _AfterCommit:
    """The hook a transaction that wrote events runs once it commits (one a transaction, however many writes)."""

    def __init__(self) -> None:
        self.up_to = 0  # the highest id this transaction wrote

    def __call__(self) -> None:
        if not self.up_to and not chaining.has_pending():  # its own events were written chained: nothing waits
            return
        chaining.chain_pending(rounds=chaining.CHAIN_ROUNDS, own_up_to=self.up_to)


def _chain_when_committed(up_to: int) -> None:
    for hook_entry in connection.run_on_commit:
        func = hook_entry[1]
        if isinstance(func, _AfterCommit):
            func.up_to = max(func.up_to, up_to)
            return
    hook = _AfterCommit()
    hook.up_to = up_to
    transaction.on_commit(hook, robust=True)


WHO_VIEWED_LIMIT = 20
REVEAL_REASON_RULE = ("Give the reason you need these personal values, in words: at least 10 letters, like "
                      "\"Complaint 2025/114: checking which address was recorded\"")


def reveal_personal(actor: Any, seq: Any, reason: Any) -> AuditEvent:
    """One event's personal values (``AuditEvent.personal``), for a national administrator or a supervisor of the
    event's force (``permissions.can_reveal_audit_personal``; never an auditor), with a recorded reason. The reveal
    is itself audited (``audit.reveal``, with the reason and the keys revealed, never the values). NotFound when the
    event is missing, holds no personal values or is not the actor's to reveal: the same answer each time."""
    from tether.access.permissions import can_reveal_audit_personal
    from tether.core.errors import NotFound, ValidationFailed
    from tether.core.fields import reason_problem

    try:
        ev = AuditEvent.objects.filter(seq=int(seq)).first()
    except (TypeError, ValueError, OverflowError):
        ev = None
    if ev is None or not ev.personal or not can_reveal_audit_personal(actor, ev.force_code):
        raise NotFound("No such event.")
    if problem := reason_problem(reason, rule=REVEAL_REASON_RULE):
        raise ValidationFailed({"reason": [problem]})
    record("audit.reveal", actor, object_type="audit_event", object_id=str(ev.seq), force_code=ev.force_code,
           reason=str(reason).strip(), detail={"seq": ev.seq, "action": ev.action, "keys": sorted(ev.personal)})
    return ev


def who_viewed(actor: Any, person: Any) -> dict[str, Any]:
    """The "Who viewed this record" section of a person page, as its template's context: the newest events on the
    record, for supervisors of the owning force, national administrators and auditors (``visible`` False for anyone
    else). Showing it is itself recorded (``audit.view``), by the page that shows it."""
    from django.urls import reverse

    from tether.access.permissions import can_search_audit, can_see_viewers

    from .selectors import viewers_of

    if person is None or not can_see_viewers(actor, person.owning_force_id):
        return {"visible": False}
    rows = viewers_of("person", person.pk, limit=WHO_VIEWED_LIMIT)
    record("audit.view", actor, object_type="person", object_id=str(person.pk), force_code=person.owning_force.code,
           detail={"view": "who_viewed", "events": len(rows)})
    see_all = ""
    if can_search_audit(actor):
        see_all = reverse("audit:search") + "?" + urlencode({"object_id": str(person.pk)})
    return {"visible": True, "rows": rows, "limit": WHO_VIEWED_LIMIT, "see_all": see_all, "person": person}
