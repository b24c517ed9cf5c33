"""The stored outcome of the law: the one place a person's evaluation is written.

For each person a ``RegisterState`` row (status, registration period, next due date, ``changes_on``) and one
``PersonObligation`` row per obligation, written as plain rows (``COPY`` on PostgreSQL, several rows a statement on
SQLite), replacing the last outcome only where it changed. The write path (``services``) calls ``materialise`` after
each change; the daily sweep and ``tether sweep --recompute`` call ``rematerialise`` for batches of people.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from time import perf_counter
from typing import Any, NamedTuple

from django.db import connection

from tether.core import clock
from tether.core.inserts import insert_rows
from tether.obligations import evaluate

from . import extensions
from .constants import DetentionKind, RegisterStatus
from .documents import RegistrantDoc
from .facts import History, facts_from, history_from_doc
from .models import Person, PersonObligation, RegisterState
from .selectors import Span, as_date, id_conditions, load_histories, person_rows


def status_changes_on(h: History, as_of: date) -> date | None:
    """The first day after ``as_of`` on which the register status may change other than through the law's
    outcome: a status span (a missing or wanted case) starting or ending (detentions are dates the rules engine
    already counts)."""
    return min((d for _, opened, closed in h.status_spans for d in (opened, closed) if d is not None and d > as_of),
               default=None)


def _status(h: History, subject: bool, ever_subject: bool, as_of: date) -> str:
    if h.date_of_death is not None and h.date_of_death <= as_of:
        return RegisterStatus.DECEASED.value  # before any open case: a case on someone who died is for closing
    open_cases = [kind for kind, opened, closed in h.status_spans
                  if opened <= as_of and (closed is None or closed > as_of)]
    if any(kind == "wanted" for kind in open_cases):
        return RegisterStatus.WANTED.value
    if open_cases:
        return RegisterStatus.MISSING.value
    if not subject:
        return RegisterStatus.EXPIRED.value if ever_subject else RegisterStatus.NOT_SUBJECT.value
    current = [kind for kind, start, end in h.periods() if start <= as_of and (end is None or end > as_of)]
    if any(kind == DetentionKind.ABROAD for kind in current):
        return RegisterStatus.ABROAD.value
    if current:
        return RegisterStatus.IN_CUSTODY.value
    return RegisterStatus.ACTIVE.value


STATE_COLUMNS = ("person_id", "jurisdiction", "status", "subject", "registration_start", "registration_end",
                 "indefinite", "review_eligible_from", "next_due", "rules_version", "evaluated_on", "evaluated_at",
                 "changes_on")
# person_id and the state columns compared to tell a changed outcome (not the evaluation dates after them)
COMPARED = STATE_COLUMNS.index("evaluated_on")
# the state columns before it: the registration and status (what management's duties read), not the obligations'
NEXT_DUE = STATE_COLUMNS.index("next_due")
CHANGES_ON = STATE_COLUMNS.index("changes_on")
OBLIGATION_COLUMNS = ("person_id", "kind", "trigger", "due", "status", "met_on", "open", "citation", "explanation")


class Evaluated(NamedTuple):
    """A person's outcome as at ``as_of``, worked out before it is stored (``outcome``): the state row and the
    obligation rows ``materialise_histories`` stores. The demo register's second process works them out beside the
    documents it makes, so the process writing them only stores them."""

    as_of: date
    state: tuple[Any, ...]
    obligations: tuple[tuple[Any, ...], ...]


def outcome(pid: uuid.UUID, h: History, as_of: date, now: datetime) -> Evaluated:
    """The law's outcome for this person's history as at ``as_of``, as the rows that store it (evaluated ``now``)."""
    result = evaluate(facts_from(h), as_of)
    reg = result.registration
    changes_on = min((d for d in (result.changes_on, status_changes_on(h, as_of)) if d is not None), default=None)
    state = (
        pid, h.jurisdiction, _status(h, reg.subject, reg.start is not None and reg.start <= as_of, as_of),
        reg.subject, reg.start, reg.end, reg.indefinite, reg.review_eligible_from,
        result.next_due if reg.subject else None, result.rules_version, as_of, now, changes_on,
    )
    return Evaluated(as_of, state, tuple(
        (pid, o.kind, o.trigger, o.due, o.status, o.met_on, o.status != "met" and reg.subject, o.citation,
         o.explanation)
        for o in result.obligations
    ))


def materialise(
    pairs: Sequence[tuple[Person, RegistrantDoc]], as_of: date | None = None, *, fresh: bool = False,
    ahead: Sequence[Evaluated | None] | None = None,
) -> None:
    """Evaluate the law for each person and store the outcome (state + obligations), replacing the last one.

    ``fresh``: the people were written in this transaction, so there is nothing to replace. ``ahead``: each
    person's outcome if already worked out (``outcome``, from this document), used when it is theirs as at the same
    day."""
    as_of = as_of or clock.today()
    known = ahead or [None] * len(pairs)
    materialise_histories([
        (person.pk, e if e is not None and e.as_of == as_of and e.state[0] == person.pk
         else history_from_doc(doc, person.owning_force.jurisdiction))
        for (person, doc), e in zip(pairs, known, strict=True)
    ], as_of, fresh=fresh)


PHASES = ("read", "evaluate", "compare", "write", "hooks")
"""Where a re-evaluation's time goes (seconds, as ``rematerialise`` returns them): reading the histories, the rules
engine (and the rows it gives), reading and comparing the stored outcome, writing what changed, and the
outcomes-written hooks (management's duties, the dashboard's counts)."""


def rematerialise(
    person_ids: Iterable[uuid.UUID], as_of: date | None = None, *, span: Span | None = None,
    facts_changed: bool = True,
) -> dict[str, float]:
    """Re-evaluate these people from what the register holds (one raw query per table for the lot). Returns the
    seconds spent in each of ``PHASES``.

    ``span``: the ids are every person with lo < id <= hi, so the reads can be index range scans. ``facts_changed``:
    False when nothing of theirs was written since their last evaluation (the sweep's: time passing), as
    ``materialise_histories`` takes it."""
    started = perf_counter()
    ids = list(person_ids)
    histories = load_histories(ids, span=span)
    read = perf_counter() - started
    phases = materialise_histories([(i, histories[i]) for i in ids if i in histories], as_of, span=span,
                                   facts_changed=facts_changed)
    phases["read"] += read
    return phases


def materialise_histories(
    items: Sequence[tuple[uuid.UUID, History | Evaluated]], as_of: date | None = None, *, fresh: bool = False,
    span: Span | None = None, facts_changed: bool = True,
) -> dict[str, float]:
    """The one place the law's outcome is stored: per person a ``RegisterState`` row and one
    ``PersonObligation`` row per obligation, written as plain rows (``COPY`` on PostgreSQL). An item's outcome may
    come worked out already (``Evaluated``, as at ``as_of``). Returns the seconds spent in each of ``PHASES``.

    ``facts_changed``: False for a re-evaluation of facts unchanged since the last (the sweep's: time passing), so
    the outcomes-written hooks are told which of the people written changed in their registration or status
    (``extensions.register_outcomes_written``); the daily sweep's are nearly all an obligation falling due."""
    as_of = as_of or clock.today()
    now = clock.now()
    phases = dict.fromkeys(PHASES, 0.0)
    started = perf_counter()
    states: list[tuple[Any, ...]] = []
    obligations: list[tuple[Any, ...]] = []
    for pid, h in items:
        e = h if isinstance(h, Evaluated) else outcome(pid, h, as_of, now)
        states.append(e.state)
        obligations.extend(e.obligations)
    phases["evaluate"] = perf_counter() - started
    written, registration_changed = _store(tuple(pid for pid, _ in items), states, obligations, as_of, now,
                                           fresh=fresh, span=span, phases=phases)
    started = perf_counter()
    if written:
        # management's duties follow the outcome: told of the people whose outcome was written (one found unchanged
        # was not: what the hooks read of it is as it was)
        extensions.outcomes_written(written, as_of, None if facts_changed else registration_changed)
    phases["hooks"] = perf_counter() - started
    return phases


def _store(
    ids: Sequence[uuid.UUID], states: list[tuple[Any, ...]], obligations: list[tuple[Any, ...]], as_of: date,
    now: datetime, *, fresh: bool, span: Span | None = None, phases: dict[str, float] | None = None,
) -> tuple[list[uuid.UUID], set[uuid.UUID]]:
    """Store the new outcome of the people in ``ids``, replacing the last one where it changed; returns the ids of
    the people whose outcome was written, and those of them whose registration or status changed (the state's
    columns before ``next_due``; everyone written when there was no stored outcome to compare with).

    Most re-evaluations change nothing, so the stored rows are read first: a person whose state (but for the
    evaluation dates and ``changes_on``) and obligations (in order) are unchanged keeps their rows as they are, and
    only ``changes_on`` is moved when it moved (the evaluation dates stay those of the evaluation that gave the
    outcome: an evaluation that finds the same outcome writes nothing); the rest have their rows deleted and written
    again. Writing is what costs: every row written maintains its table's indexes."""
    started = perf_counter()
    qn = connection.ops.quote_name
    state_table, obligation_table = RegisterState._meta.db_table, PersonObligation._meta.db_table
    moved: list[tuple[uuid.UUID, date | None]] = []
    rewrite = list(ids)
    registration_changed = set(ids)
    if not fresh and ids:
        old_states = {
            row[0]: row[1:]
            for row in person_rows(
                f"SELECT {', '.join(qn(c) for c in (*STATE_COLUMNS[:COMPARED], 'changes_on'))}"  # noqa: S608
                f" FROM {qn(state_table)}"
                " WHERE {ids}", ids, span=span)
        }
        old_obligations: dict[uuid.UUID, list[tuple[Any, ...]]] = defaultdict(list)
        for row in person_rows(
            f"SELECT {', '.join(qn(c) for c in OBLIGATION_COLUMNS)} FROM {qn(obligation_table)}"  # noqa: S608
            " WHERE {ids} ORDER BY person_id, id", ids, span=span):
            old_obligations[row[0]].append(row[1:])
        new_obligations: dict[uuid.UUID, list[tuple[Any, ...]]] = defaultdict(list)
        for row in obligations:
            new_obligations[row[0]].append(row[1:])
        same = {
            state[0] for state in states
            if (old := old_states.get(state[0])) is not None and old[: COMPARED - 1] == state[1:COMPARED]
            and old_obligations.get(state[0], []) == new_obligations.get(state[0], [])
        }
        moved = [
            (state[0], state[CHANGES_ON]) for state in states
            if state[0] in same and as_date(old_states[state[0]][COMPARED - 1]) != state[CHANGES_ON]
        ]
        rewrite = [pid for pid in ids if pid not in same]
        registration_changed = {
            state[0] for state in states
            if state[0] not in same
            and ((old := old_states.get(state[0])) is None or old[: NEXT_DUE - 1] != state[1:NEXT_DUE])
        }
        states = [row for row in states if row[0] not in same]
        obligations = [row for row in obligations if row[0] not in same]
    written = perf_counter()
    _write(state_table, obligation_table, [] if fresh else rewrite, states, obligations, moved)
    if phases is not None:
        phases["compare"] += written - started
        phases["write"] += perf_counter() - written
    return rewrite, registration_changed


def _write(
    state_table: str, obligation_table: str, delete: list[uuid.UUID], states: list[tuple[Any, ...]],
    obligations: list[tuple[Any, ...]], moved: Sequence[tuple[uuid.UUID, date | None]] = (),
) -> None:
    """Move ``changes_on`` of those in ``moved`` on, delete the outcome of ``delete``, insert the new rows:
    ``COPY`` on PostgreSQL, several rows a statement on SQLite. Plain rows, never model instances."""
    qn = connection.ops.quote_name
    moving = f"UPDATE {qn(state_table)} SET changes_on = %s WHERE person_id = %s"  # noqa: S608
    deletes = [f"DELETE FROM {qn(table)} WHERE {{ids}}" for table in (state_table, obligation_table)]  # noqa: S608
    inserts = ((state_table, STATE_COLUMNS, states), (obligation_table, OBLIGATION_COLUMNS, obligations))
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            if moved:
                cur.execute(
                    f"UPDATE {qn(state_table)} AS s SET changes_on = m.changes_on"  # noqa: S608
                    " FROM unnest(%s::uuid[], %s::date[]) AS m(person_id, changes_on) WHERE s.person_id = m.person_id",
                    [[pid for pid, _ in moved], [day for _, day in moved]],
                )
            for condition, id_params in id_conditions("person_id", delete):
                for sql in deletes:
                    cur.execute(sql.format(ids=condition), id_params)
            for table, columns, rows in inserts:
                if rows:
                    with cur.copy(f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            return
        ops = connection.ops
        for condition, id_params in id_conditions("person_id", delete):
            for sql in deletes:
                cur.execute(sql.format(ids=condition), id_params)
        if moved:
            cur.executemany(moving, [(ops.adapt_datefield_value(day), pid.hex) for pid, day in moved])
        at = STATE_COLUMNS.index("evaluated_at")  # stored as the ORM stores it (naive UTC text)
        for table, columns, rows in inserts:
            if rows:
                insert_rows(cur, f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)})", [
                    (row[0].hex, *row[1:at], ops.adapt_datetimefield_value(row[at]), *row[at + 1 :])
                    if table == state_table else (row[0].hex, *row[1:])
                    for row in rows
                ])
