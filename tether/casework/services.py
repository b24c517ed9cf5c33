"""The sweep, the full re-materialisation, task completion and the playbook: the one write path for compliance.

``sweep``: finds obligations that became overdue (through the stored next-due index), records a breach for
each (once: a unique constraint on (person, kind, due)), creates an "establish compliance" task for the
person's offender manager (or the force's unit queue), audits each breach, and reports. Idempotent,
incremental and serialised by ``locks.job_lock`` (a second run waits, then finds nothing new).
"""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from time import perf_counter
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q

from tether.access import permissions
from tether.access.models import Force, User
from tether.audit.services import PendingEvent, record_many, write_events
from tether.core import clock
from tether.core.arrays import array_literal
from tether.core.collecting import fewer_collections
from tether.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tether.core.inserts import insert_rows
from tether.core.streams import add_up, batches, chunks, in_streams
from tether.obligations import RULES_VERSION
from tether.register.models import Person, PersonObligation, RegisterState
from tether.register.selectors import as_date, as_uuid, id_conditions, ids_in

from . import playbook as rules
from . import tasks as task_rules
from .batches import recompute_range
from .constants import COMPLIANCE_TASKS, OFFICER_OUTCOMES, TRANSFER_TASKS, Outcome, TaskKind, TaskState
from .locks import job_lock
from .models import Breach, Playbook, SweepRun, Task, past_deadline_q
from .selectors import PlaybookVersion, playbook_for, playbooks_for

Progress = Callable[[int, int], None]
BATCH = 2000

# --- Extra sweep steps (a hook for packages above casework) --------------------------------------------------

SweepStep = Callable[[date, "Force | None", str], dict[str, Any]]
_sweep_steps: dict[str, SweepStep] = {}


def register_sweep_step(key: str, step: SweepStep) -> None:
    """Add a step to the daily sweep (from an ``AppConfig.ready``; the same key again replaces it). The step runs
    under the sweep lock after the register's breaches, as ``step(as_of, force, actor_label)``, and returns counts
    that the sweep's summary reports under ``key``. Management uses it for missed home visits and assessments."""
    _sweep_steps[key] = step


def sweep_steps() -> dict[str, SweepStep]:
    return dict(_sweep_steps)


# --- The sweep -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overdue:
    person_id: uuid.UUID
    kind: str
    trigger: date
    due: date
    citation: str


def _force(force_code: str | None) -> Force | None:
    if not force_code:
        return None
    force = Force.objects.filter(code=force_code.strip().upper()).first()
    if force is None:
        raise ValidationFailed({"force": f"no force has the code {force_code!r}"})
    return force


def _scope_sql(force: Force | None) -> tuple[str, list[Any]]:
    if force is None:
        return "", []
    return " JOIN people_person p ON p.id = s.person_id AND p.owning_force_id = %s", [force.pk]


def people_checked(as_of: date, force: Force | None = None) -> int:
    """How many registrants the stored next-due index says have something overdue on ``as_of``."""
    join, params = _scope_sql(force)
    sql = f"SELECT COUNT(*) FROM register_registerstate s{join} WHERE s.next_due < %s"  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(sql, [*params, as_of])
        return int(cur.fetchone()[0])


def unbreached(as_of: date, force: Force | None = None, person_ids: Iterable[Any] | None = None) -> list[Overdue]:
    """Obligations overdue on ``as_of`` with no breach recorded yet: an index range scan on
    ``RegisterState.next_due`` joined to the person's open obligations, minus those already breached.
    ``person_ids``: only these registrants (the per-person sweep), read by primary key."""
    join, params = _scope_sql(force)
    seen: set[tuple[uuid.UUID, str, date]] = set()
    out = []
    groups: Iterable[tuple[str, list[Any]]] = (
        [("", [])] if person_ids is None else id_conditions("s.person_id", sorted(as_uuid(i) for i in person_ids)))
    for condition, prep in groups:
        only = f" AND {condition}" if condition else ""
        sql = (
            "SELECT o.person_id, o.kind, o.trigger, o.due, o.citation"  # noqa: S608
            f" FROM register_registerstate s{join}"
            " JOIN register_personobligation o ON o.person_id = s.person_id"
            f" WHERE s.next_due < %s{only} AND o.open = %s AND o.due < %s"
            " AND NOT EXISTS (SELECT 1 FROM compliance_breach b"
            "  WHERE b.person_id = o.person_id AND b.kind = o.kind AND b.due = o.due)"
            " ORDER BY o.person_id, o.due, o.kind"
        )
        with connection.cursor() as cur:
            cur.execute(sql, [*params, as_of, *prep, True, as_of])
            for pid, kind, trigger, due, citation in cur.fetchall():
                person_id, trigger, due = as_uuid(pid), as_date(trigger), as_date(due)
                key = (person_id, kind, due)
                if key not in seen:  # two obligations of one kind due the same day are one breach
                    seen.add(key)
                    out.append(Overdue(person_id, kind, trigger, due, citation))
    return out


def _person_pk(value: Any) -> Any:
    pk_field = Person._meta.pk
    assert pk_field is not None
    return pk_field.get_db_prep_value(as_uuid(value), connection)


def sweep(
    as_of: date | None = None,
    force_code: str | None = None,
    progress: Progress | None = None,
    *,
    reevaluate: bool = True,
    batch: int = BATCH,
    actor_label: str = "system:sweep",
) -> dict[str, Any]:
    """Record a breach and a task for every obligation that became overdue by ``as_of`` (default today).

    Steps, under the sweep lock: (1) re-evaluate every registrant whose stored outcome may have changed with
    the passage of time (``changes_on`` on or before ``as_of``, an index range scan), so obligations that
    appear without any recorded change are seen the same day, and record what each batch of them now has overdue
    in the batch's own transaction (as in step 4); (2) read the other candidates through the next-due
    index; (3) re-evaluate those whose stored outcome may not hold on ``as_of`` (other rules; a registration
    that has since ended), so a breach reflects the law on that day; (4) per batch of
    registrants, in one transaction: breaches (``ON CONFLICT DO NOTHING`` on the unique constraint), tasks,
    audit events.
    On PostgreSQL the batches of steps (1) and (4) run on two database connections at once (``core.streams``): half
    of a batch's time is the database's, so while one connection waits for its statements the other's Python runs.
    Returns the JSON summary."""
    as_of = as_of or clock.today()
    force = _force(force_code)
    started = perf_counter()
    with job_lock(), _no_jit(), fewer_collections():
        now = clock.now()
        run = SweepRun.objects.create(kind="sweep", as_of=as_of, force_code=force.code if force else "",
                                      rules_version=RULES_VERSION, started_at=now, actor_label=actor_label)
        phases: dict[str, float] = {}
        mark = perf_counter()

        def phase(key: str) -> None:
            nonlocal mark
            phases[key] = round(phases.get(key, 0.0) + perf_counter() - mark, 3)
            mark = perf_counter()

        spent: dict[str, float] = {}  # the re-evaluations' own phases (register.outcomes.PHASES)
        counts = {"new_breaches": 0, "tasks_created": 0, "breaches_on_open_cases": 0, "case_reviews_scheduled": 0}
        playbooks: dict[int, PlaybookVersion] = {}
        reporting = threading.Lock()
        with_breaches = 0  # people given a breach this run

        def record_people(chunk: list[uuid.UUID], by_person: dict[uuid.UUID, list[Overdue]]) -> None:
            """The overdue obligations of these people recorded in the caller's transaction; added to ``counts``."""
            nonlocal with_breaches
            people = [pid for pid in chunk if by_person.get(pid)]
            if not people:
                return
            recorded = dict.fromkeys(counts, 0)
            _sweep_batch(run, people, by_person, as_of, playbooks, recorded, actor_label)
            with reporting:
                add_up(counts, recorded)
                with_breaches += len(people)

        # progress: the people re-evaluated with the passage of time, then those recorded after the find
        due_to_time = _due_to_time(as_of, force) if reevaluate else []
        total, done = len(due_to_time), 0
        if progress and total:
            progress(0, total)

        def advance(people: int) -> None:
            nonlocal done
            with reporting:
                done += people
                if progress:
                    progress(done, total)

        def record_newly_due(chunk: list[uuid.UUID]) -> None:
            """In a re-evaluated batch's own transaction: what its people now have overdue (one pass a batch, so the
            recording overlaps the other connection's re-evaluation)."""
            record_people(chunk, _by_person(unbreached(as_of, person_ids=chunk)))
            advance(len(chunk))

        by_time = _rematerialise_in_batches(due_to_time, as_of, batch, spent, then=record_newly_due)
        phase("reevaluate_due_to_time")  # and recording what they have overdue
        checked = people_checked(as_of, force)
        found = unbreached(as_of, force)
        phase("find")
        reevaluated = 0
        if reevaluate and found:
            reevaluated = _reevaluate({o.person_id for o in found}, as_of, batch, spent)
            phase("reevaluate_stale")
            if reevaluated:
                found = unbreached(as_of, force)
                phase("find")
        by_person = _by_person(found)
        people = list(by_person)
        total += len(people)
        if progress and (people or not due_to_time):
            progress(done, total)

        def record(chunk: list[uuid.UUID]) -> None:
            with transaction.atomic():
                record_people(chunk, by_person)
            advance(len(chunk))

        in_streams(batches(people, batch), record, prepare=jit_off)
        phase("record")  # breaches, tasks and audit events, committed and chained
        with transaction.atomic():
            counts["case_reviews_scheduled"] = _schedule_reviews(as_of, force, playbooks, actor_label)
        phase("case_reviews")
        extra = {}
        for key, step in _sweep_steps.items():
            extra[key] = step(as_of, force, actor_label)
            phase(f"step_{key}")
        late = Task.objects.filter(past_deadline_q(as_of))
        if force is not None:
            late = late.filter(force=force)
        summary = {
            "as_of": as_of.isoformat(),
            "force": force.code if force else None,
            "people_checked": checked,
            "people_with_new_breaches": with_breaches,
            "reevaluated": reevaluated,
            "reevaluated_due_to_time": by_time,
            **counts,
            "tasks_past_deadline": late.count(),
            **extra,
            "seconds": round(perf_counter() - started, 3),
            # where the time went (seconds): re-evaluating what changed with time, finding what is newly overdue,
            # recording it, the case reviews and each further step
            "phase_seconds": phases,
            # within the re-evaluations: reading histories, the rules, comparing, writing, the hooks (management's);
            # added up over the batches, so over both connections on PostgreSQL (more than the step's own seconds)
            "reevaluate_phase_seconds": {key: round(value, 3) for key, value in spent.items()},
            "run_id": run.pk,
        }
        with transaction.atomic():
            run.finished_at = clock.now()
            run.done = run.total = total
            run.summary = summary
            run.save()
            record_many([PendingEvent(action="compliance.sweep", actor_label=actor_label, object_type="sweep",
                                      object_id=str(run.pk), force_code=force.code if force else "",
                                      detail=summary)])
    return summary


@contextmanager
def _no_jit() -> Iterator[None]:
    """PostgreSQL: no JIT compilation for the sweep's statements. They are index range scans over few rows, but some
    are estimated dear (a join with an ``OR`` of ``NOT EXISTS``) and compiling them costs more than running them
    (0.1 to 0.2 s a statement at 1,000,000 registrants). Restored afterwards. The sweep's other connections
    (``core.streams``) are set the same way when they open (``jit_off``) and closed at the end."""
    if connection.vendor != "postgresql":
        yield
        return
    jit_off()
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("RESET jit")


def jit_off() -> None:
    """This connection without JIT compilation (PostgreSQL), as the sweep's connections are (``_no_jit``): the
    ``prepare`` of the sweep's steps spread over connections (``core.streams``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET jit = off")


PERSON_SWEEP = "system:sweep-person"


def sweep_people(person_ids: Iterable[Any], as_of: date | None = None, *,
                 actor_label: str = PERSON_SWEEP) -> dict[str, int]:
    """The sweep's per-person step for registrants just written, so their breaches and tasks are current within
    the request: the register calls it (its people-evaluated hook, installed by ``register_extensions``) inside
    the write's transaction, after their obligations were re-evaluated, for every write (web, API, import, CLI).

    The same step as the nightly sweep (``unbreached`` then ``_sweep_batch``), for these people only and with no
    re-evaluation (their stored outcome was just computed). It takes no sweep lock, so a change never waits for
    a nightly run: both insert with ``ON CONFLICT DO NOTHING`` on the unique constraints (breach: person, kind,
    due; task: breach, kind) in person-id order, so whichever stores a breach first makes its one task and the
    other stores nothing (on PostgreSQL the second insert waits for the first transaction, then skips). Nothing
    overdue without a breach: nothing is written."""
    counts = {"new_breaches": 0, "tasks_created": 0, "breaches_on_open_cases": 0}
    ids = list(person_ids)
    if not ids:
        return counts
    as_of = as_of or clock.today()
    found = unbreached(as_of, person_ids=ids)
    if not found:
        return counts
    by_person = _by_person(found)
    playbooks: dict[int, PlaybookVersion] = {}
    for chunk in chunks(list(by_person), BATCH):
        with transaction.atomic():  # a savepoint inside the write's own transaction
            _sweep_batch(None, chunk, by_person, as_of, playbooks, counts, actor_label)
    return counts


def _by_person(found: Iterable[Overdue]) -> dict[uuid.UUID, list[Overdue]]:
    by_person: dict[uuid.UUID, list[Overdue]] = defaultdict(list)
    for o in found:
        by_person[o.person_id].append(o)
    return by_person


def _due_to_time(as_of: date, force: Force | None) -> list[uuid.UUID]:
    """Every registrant whose stored outcome may no longer hold on ``as_of`` because time has passed
    (``RegisterState.changes_on`` on or before it: an index range scan), in id order: the sweep re-evaluates them a
    batch at a time, each batch in its own transaction. Each gets a ``changes_on`` after ``as_of``, so a second run
    finds none. Outcomes evaluated after ``as_of`` (a catch-up run for an earlier date) are left alone: a state never
    moves back."""
    states = RegisterState.objects.filter(changes_on__lte=as_of, evaluated_on__lte=as_of)
    if force is not None:
        states = states.filter(person__owning_force=force)
    return sorted(states.values_list("person_id", flat=True))


def _reevaluate(person_ids: set[uuid.UUID], as_of: date, batch: int, spent: dict[str, float]) -> int:
    """Re-evaluate the candidates whose stored outcome may not hold on ``as_of``: evaluated under other rules,
    or evaluated before ``as_of`` with a registration period that ended before ``as_of`` (an obligation of a
    registration that has ended is no breach). Other stored outcomes change only when the registrant's facts
    change, and every change re-evaluates them at once; those that change with time alone were re-evaluated
    just before, through ``changes_on`` (``_due_to_time``). A state is never moved back in time."""
    stale = ~Q(rules_version=RULES_VERSION) | Q(registration_end__lt=as_of, evaluated_on__lt=as_of)
    ids: list[uuid.UUID] = []
    for chunk in chunks(sorted(person_ids), 5000):
        ids += RegisterState.objects.filter(stale, person_id__in=ids_in(chunk), evaluated_on__lte=as_of).values_list(
            "person_id", flat=True)
    return _rematerialise_in_batches(sorted(ids), as_of, batch, spent)


def _rematerialise_in_batches(ids: list[uuid.UUID], as_of: date, batch: int, spent: dict[str, float],
                              then: Callable[[list[uuid.UUID]], None] | None = None) -> int:
    """Re-evaluate ``ids`` on ``as_of``, a batch to a transaction (``then`` called with the batch's ids before it
    commits), adding the seconds of each phase to ``spent``; returns how many."""
    from tether.register.outcomes import rematerialise

    def one(chunk: list[uuid.UUID]) -> dict[str, float]:
        with transaction.atomic():
            phases = rematerialise(chunk, as_of, facts_changed=False)  # nothing of theirs written since: time passed
            if then is not None:
                then(chunk)
            return phases

    for phases in in_streams(batches(ids, batch), one, prepare=jit_off):
        add_up(spent, phases)
    return len(ids)


def insert_returning(
    model: Any, columns: list[str], rows: list[tuple[Any, ...]], conflict: list[str], returning: list[str]
) -> list[tuple[Any, ...]]:
    """``INSERT ... ON CONFLICT (...) DO NOTHING RETURNING ...`` (PostgreSQL, SQLite >= 3.35): the rows this
    statement stored, none of the ones another run stored first. Values must be adapted already. On PostgreSQL one
    statement for the lot, each column sent as one array (``unnest``): a few parameters rather than one per value,
    so the statement stays small however many rows it holds; on SQLite several rows a statement (``core.inserts``)."""
    if not rows:
        return []
    qn = connection.ops.quote_name
    table = model._meta.db_table
    head = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)})"
    tail = (f" ON CONFLICT ({', '.join(qn(c) for c in conflict)}) DO NOTHING"
            f" RETURNING {', '.join(qn(c) for c in returning)}")
    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            return insert_rows(cur, head, rows, tail=tail, returning=True)
        types = [model._meta.get_field(c).db_type(connection) for c in columns]
        arrays = ", ".join(f"%s::{t}[]" for t in types)
        sql = head + f" SELECT * FROM unnest({arrays})" + tail  # noqa: S608  (names and types from the model)
        cur.execute(sql, [array_literal(col) for col in zip(*rows, strict=True)])
        return list(cur.fetchall())


def _sweep_batch(
    run: SweepRun | None, person_ids: list[uuid.UUID], by_person: dict[uuid.UUID, list[Overdue]], as_of: date,
    playbooks: dict[int, PlaybookVersion], counts: dict[str, int], actor_label: str,
) -> None:
    """The register's overdue obligations of these people, recorded (``record_breaches``) in the caller's
    transaction. ``run``: None for the per-person sweep."""
    record_breaches(
        [Missed(pid, o.kind, o.trigger, o.due, o.citation,
                f"Establish compliance: {task_rules.obligation_label(o.kind)} due {o.due.day} {o.due:%B %Y} not made")
         for pid in person_ids for o in by_person[pid]],
        as_of, playbooks, counts, actor_label, run=run, chained=run is not None)


@dataclass(frozen=True)
class Missed:
    """An obligation (the register's) or a duty (management's) found overdue: its breach, and its task's title."""

    person_id: uuid.UUID
    kind: str
    trigger: date
    due: date
    citation: str
    title: str


_BREACH_COLUMNS = ["person_id", "force_id", "kind", "trigger", "due", "citation", "detected_on", "detected_at",
                   "case_id", "run_id"]
_TASK_COLUMNS = ["person_id", "force_id", "case_id", "breach_id", "kind", "title", "assignee_id", "due_on", "due_at",
                 "state", "outcome", "note", "created_on", "created_at", "playbook_version", "version"]


def record_breaches(
    missed: Iterable[Missed], as_of: date, playbooks: dict[int, PlaybookVersion], counts: dict[str, int],
    actor_label: str, *, run: SweepRun | None = None, chained: bool = False,
) -> None:
    """Record what was found overdue, in the caller's transaction: the one write path of a breach for the sweep,
    the per-person sweep and management's step. Plain rows in bulk, not model instances (this is the part of a
    sweep that grows with the number of new breaches): a breach each (``ON CONFLICT DO NOTHING`` on (person, kind,
    due): one another run stored first is skipped, and so is its task), an "establish compliance" task each for the
    person's offender manager or the force's unit queue, due by the force's playbook (none when the person has an
    open case: its own tasks and reviews cover it), and an audit event each. Adds to ``counts``.

    ``chained``: the audit events are written already chained (``audit.services.record_many``): for the sweep, which
    runs one at a time; never for a change's own sweep, which must not wait for the chain's lock."""
    from tether.casework.models import Case

    missed = list(missed)
    ids = list(dict.fromkeys(m.person_id for m in missed))
    ops = connection.ops
    now = clock.now()
    db_now, db_as_of = ops.adapt_datetimefield_value(now), ops.adapt_datefield_value(as_of)
    people = {
        row[0]: row for row in Person.objects.filter(pk__in=ids_in(ids)).values_list(
            "pk", "owning_force_id", "owning_force__code", "offender_manager_id", "offender_manager__is_active",
            "offender_manager__force_id")
    }
    open_cases = dict(
        Case.objects.filter(person_id__in=ids_in(ids), closed_on__isnull=True).order_by("opened_on", "id")
        .values_list("person_id", "pk")
    )
    _playbooks(playbooks, {row[1] for row in people.values()})
    wanted: dict[tuple[uuid.UUID, str, date], Missed] = {}
    rows = []
    for m in missed:
        key = (m.person_id, m.kind, m.due)
        if m.person_id not in people or key in wanted:  # deleted since the read; found twice
            continue
        wanted[key] = m
        rows.append((_person_pk(m.person_id), people[m.person_id][1], m.kind, ops.adapt_datefield_value(m.trigger),
                     ops.adapt_datefield_value(m.due), m.citation, db_as_of, db_now, open_cases.get(m.person_id),
                     run.pk if run else None))
    stored = sorted(
        ((wanted[(as_uuid(pid), kind, as_date(due))], bid)
         for bid, pid, kind, due in insert_returning(Breach, _BREACH_COLUMNS, rows, ["person_id", "kind", "due"],
                                                     ["id", "person_id", "kind", "due"])),
        key=lambda found: (found[0].person_id, found[0].due, found[0].kind))
    task_rows = []
    for m, bid in stored:
        if m.person_id in open_cases:
            counts["breaches_on_open_cases"] += 1
            continue  # the open case's own tasks and reviews cover it
        _, force_id, _, manager_id, manager_active, manager_force = people[m.person_id]
        pb = _playbook(playbooks, force_id)
        task_rows.append((_person_pk(m.person_id), force_id, None, bid, TaskKind.ESTABLISH_COMPLIANCE.value, m.title,
                          task_rules.assignee_id_for(force_id, manager_id, manager_active, manager_force),
                          ops.adapt_datefield_value(as_of + timedelta(days=pb.data["overdue"]["due_days"])), None,
                          TaskState.OPEN.value, "", "", db_as_of, db_now, pb.version, 1))
    task_ids = dict((b, t) for t, b in insert_returning(Task, _TASK_COLUMNS, task_rows, ["breach_id", "kind"],
                                                        ["id", "breach_id"]))
    counts["new_breaches"] += len(stored)
    counts["tasks_created"] += len(task_ids)
    write_events((
        PendingEvent(
            action="compliance.breach", actor_label=actor_label, object_type="person", object_id=str(m.person_id),
            force_code=people[m.person_id][2],
            detail={"breach_id": bid, "kind": m.kind, "due": m.due, "detected_on": as_of,
                    "task_id": task_ids.get(bid), "case_id": open_cases.get(m.person_id), "citation": m.citation},
        )
        for m, bid in stored
    ), chained=chained)


def _playbook(cache: dict[int, PlaybookVersion], force_id: int) -> PlaybookVersion:
    """The force's current playbook, read once per run."""
    if force_id not in cache:
        _playbooks(cache, {force_id})
    return cache[force_id]


def _playbooks(cache: dict[int, PlaybookVersion], force_ids: set[int]) -> None:
    """Read into ``cache`` the current playbooks of those of these forces it does not hold (two queries for the lot:
    a batch of breaches spans most forces)."""
    missing = force_ids - cache.keys()
    if missing:
        cache.update(playbooks_for(Force.objects.filter(pk__in=missing)))


def _schedule_reviews(as_of: date, force: Force | None, playbooks: dict[int, PlaybookVersion],
                      actor_label: str) -> int:
    """No open case goes unreviewed: every case open on ``as_of`` has an open case-review task (and, when the
    person is believed abroad, a believed-abroad review task). Cases opened through Tether get theirs when they
    open; cases that arrived without one (imported history, cases from before Tether) get one here, due on
    the playbook's cycle from the last review recorded (or the opening); a review already overdue is due
    today (its title says since when). Idempotent: a case that has its open review task is skipped."""
    from tether.casework.models import ActionKind, Case

    plans = ((TaskKind.CASE_REVIEW, ActionKind.CASE_REVIEW, False),
             (TaskKind.ABROAD_REVIEW, ActionKind.ABROAD_REVIEW, True))
    created: list[tuple[Task, str]] = []
    for task_kind, action_kind, abroad_only in plans:
        cases = Case.objects.filter(closed_on__isnull=True, opened_on__lte=as_of).exclude(
            Exists(Task.objects.filter(case=OuterRef("pk"), kind=task_kind, state=TaskState.OPEN)))
        if abroad_only:
            cases = cases.filter(believed_abroad=True)
        if force is not None:
            cases = cases.filter(force=force)
        cases = cases.annotate(last_review=Max("actions__on", filter=Q(actions__kind=action_kind))).select_related(
            "person", "person__owning_force", "person__offender_manager").order_by("id")
        for case in cases:
            person = case.person
            pb = _playbook(playbooks, person.owning_force_id)
            since = case.last_review or case.opened_on
            due = max(task_rules.next_review_on(task_kind, since, pb), as_of)
            label = "last review" if case.last_review else "opened"
            title = f"{TaskKind(task_kind).label} ({label} {since.day} {since:%B %Y})"
            created.append((task_rules.review_task(person, case, task_kind, since, pb, due_on=due, title=title,
                                                   created_on=as_of), person.owning_force.code))
    Task.objects.bulk_create([t for t, _ in created])
    record_many(
        PendingEvent(action="task.create", actor_label=actor_label, object_type="person", object_id=str(t.person_id),
                     force_code=code, detail={"task_id": t.pk, "kind": t.kind, "case_id": t.case_id,
                                              "due_on": t.due_on, "reason": "the open case had no review scheduled"})
        for t, code in created
    )
    return len(created)


# --- Full re-materialisation -----------------------------------------------------------------------------


def recompute(
    as_of: date | None = None,
    batch: int = BATCH,
    progress: Progress | None = None,
    resume: bool = True,
    *,
    workers: int = 1,
    actor_label: str = "system:recompute",
) -> dict[str, Any]:
    """Re-evaluate every registrant (after a rules change), in primary-key order, ``batch`` at a time, with
    ``tether.register.services.rematerialise``.

    Resumable: each batch commits on its own and the checkpoint (the last person id before which every batch
    is done) is stored on the run, so an interrupted run continues where it stopped. With ``resume`` (the
    default) an unfinished run is continued at its own as-of date; without, it is marked abandoned and a new
    run starts. ``workers`` > 1 spreads the batches over that many processes (each with its own database
    connection; needs a database file or server, not an in-memory database; the workers are *spawned*, so a
    script calling this must guard its entry point with ``if __name__ == "__main__"``, as the ``tether``
    command and the benchmark do). Cases written without state
    history (import, demo) get it derived on the way. Holds the sweep lock, so a sweep waits for it."""
    started = perf_counter()
    with job_lock():
        unfinished = SweepRun.objects.filter(kind="recompute", finished_at__isnull=True, abandoned=False).order_by(
            "-started_at").first()
        resumed = False
        if unfinished is not None and resume:
            run = unfinished
            resumed = True
        else:
            if unfinished is not None:
                SweepRun.objects.filter(pk=unfinished.pk).update(abandoned=True)
            run = SweepRun.objects.create(kind="recompute", as_of=as_of or clock.today(),
                                          rules_version=RULES_VERSION, started_at=clock.now(),
                                          total=Person.objects.count(), actor_label=actor_label)
        start_done = run.done
        if progress:
            progress(run.done, run.total)
        phases: dict[str, float] = {}
        if workers > 1:
            backfilled = _recompute_parallel(run, batch, workers, progress, phases)
        else:
            backfilled = _recompute_serial(run, batch, progress, phases)
        summary = {
            "as_of": run.as_of.isoformat(),
            "rules_version": RULES_VERSION,
            "resumed": resumed,
            "people": run.done,
            "this_run": run.done - start_done,
            "case_states_derived": backfilled,
            "workers": max(1, workers),
            "seconds": round(perf_counter() - started, 3),
            # where the time went, added up over the batches (and so over the workers): reading the histories,
            # the rules, reading and comparing the stored outcome, writing what changed, the hooks, the cases
            "phase_seconds": {key: round(value, 2) for key, value in phases.items()},
            "run_id": run.pk,
        }
        with transaction.atomic():
            run.finished_at = clock.now()
            run.summary = summary
            run.save(update_fields=["finished_at", "summary"])
            record_many([PendingEvent(action="compliance.recompute", actor_label=actor_label,
                                      object_type="sweep", object_id=str(run.pk), detail=summary)])
    return summary


def _next_bound(after: uuid.UUID | None, batch: int) -> uuid.UUID | None:
    """The id ending the batch that starts after ``after`` (None: the rest fits in one batch)."""
    qs = Person.objects.order_by("pk")
    if after is not None:
        qs = qs.filter(pk__gt=after)
    row = list(qs.values_list("pk", flat=True)[batch - 1 : batch])
    return row[0] if row else None


def _checkpoint(run: SweepRun, last: uuid.UUID | None, count: int) -> None:
    run.checkpoint = str(last) if last else run.checkpoint
    run.done += count
    run.total = max(run.total, run.done)
    run.save(update_fields=["checkpoint", "done", "total"])


def _recompute_serial(run: SweepRun, batch: int, progress: Progress | None, phases: dict[str, float]) -> int:
    last = uuid.UUID(run.checkpoint) if run.checkpoint else None
    backfilled = 0
    while True:
        hi = _next_bound(last, batch)
        with transaction.atomic():  # the batch and its checkpoint commit together
            count, derived, spent = recompute_range(last, hi, run.as_of)
            add_up(phases, spent)
            if count:
                _checkpoint(run, hi or Person.objects.order_by("-pk").values_list("pk", flat=True).first(), count)
        backfilled += derived
        if progress and count:
            progress(run.done, run.total)
        if hi is None:
            return backfilled
        last = hi


def _recompute_parallel(
    run: SweepRun, batch: int, workers: int, progress: Progress | None, phases: dict[str, float]
) -> int:
    """Batches over ``workers`` processes. The checkpoint only moves past a batch once every batch before it
    is done, so a resumed run redoes at most the batches that were in flight (re-evaluation is idempotent)."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    from . import workers as workers_mod

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name):
        raise ValidationFailed({"workers": "parallel workers need a database file or server, not in-memory"})
    last = uuid.UUID(run.checkpoint) if run.checkpoint else None
    ranges: list[tuple[uuid.UUID | None, uuid.UUID | None]] = []
    results: dict[int, tuple[int, int]] = {}
    pending: dict[Future[tuple[int, int, dict[str, float]]], int] = {}
    backfilled = 0
    committed = 0  # ranges[:committed] are done and counted in the checkpoint
    exhausted = False
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=workers_mod.init,
                             initargs=(name,)) as pool:
        try:
            while True:
                while not exhausted and len(pending) < workers * 2:
                    lo = ranges[-1][1] if ranges else last
                    hi = _next_bound(lo, batch)
                    ranges.append((lo, hi))
                    pending[pool.submit(workers_mod.recompute_range, lo, hi, run.as_of)] = len(ranges) - 1
                    exhausted = hi is None
                if not pending:
                    return backfilled
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    count, derived, spent = fut.result()
                    results[pending.pop(fut)] = (count, derived)
                    add_up(phases, spent)
                moved = 0
                end: uuid.UUID | None = None
                while committed in results:
                    count, derived = results.pop(committed)
                    moved += count
                    backfilled += derived
                    end = ranges[committed][1]
                    committed += 1
                if moved or end is not None:
                    if end is None and committed == len(ranges) and exhausted:
                        end = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
                    _checkpoint(run, end, moved)
                    if progress:
                        progress(run.done, run.total)
        except BaseException:
            for fut in pending:
                fut.cancel()
            raise


# --- Tasks -----------------------------------------------------------------------------------------------


def _task_for_write(actor: Any, task_id: Any, expected_version: int | None) -> Task:
    """Lock a task the actor may work: their own, or their force's (national admins: any)."""
    if not permissions.is_worker(actor):
        raise Forbidden("Your role cannot work tasks.")
    try:
        task = Task.objects.select_for_update(of=("self",)).select_related("force", "breach").get(pk=int(task_id))
    except (ValueError, TypeError, Task.DoesNotExist) as exc:
        raise NotFound("No such task.") from exc
    if not permissions.acts_for_force(actor, task.force_id):
        raise NotFound("No such task.")
    if expected_version is not None and expected_version != task.version:
        raise Conflict("The task was changed by someone else since you opened it. Reload it and try again.")
    return task


def task_complete(
    actor: Any, task_id: Any, outcome: str, note: str = "", *, data: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Task:
    """Complete an "establish compliance" (or "establish whereabouts") task with an outcome.

    - ``complied_late``: the notification must be on the register (the obligation is no longer open);
    - ``excuse_accepted``: a reasonable excuse, written in ``note``;
    - ``not_at_address``: the playbook's follow-up ("establish whereabouts"), or a case if the force set it;
    - ``whereabouts_unknown``: opens a missing case (wanted when ``data["warrant_on"]`` is given;
      ``data["believed_abroad"]`` too), linked to the breach; if one is already open, the breach joins it.
    Case tasks (PNC, SIO, reviews, ...) are completed by recording the action on the case instead."""
    data = dict(data or {})
    note = (note or "").strip()
    with transaction.atomic():
        task = _task_for_write(actor, task_id, expected_version)
        if task.state != TaskState.OPEN:
            raise Conflict(f"This task is already {task.state}.")
        if task.kind in TRANSFER_TASKS:  # transfers between forces (casework.transfers)
            from .transfers import transfer_task_complete

            return transfer_task_complete(actor, task, note)
        if task.kind == TaskKind.REVIEW_DECISION:
            raise ValidationFailed({"outcome": "record the decision on the registrant's legal record (review of "
                                               "indefinite notification): the task completes itself"})
        if task.kind not in COMPLIANCE_TASKS:
            raise ValidationFailed({"outcome": "record this on the case (PNC, partners, SIO, reviews, media): "
                                               "the task completes itself"})
        if outcome not in OFFICER_OUTCOMES:
            raise ValidationFailed({"outcome": f"must be one of: {', '.join(OFFICER_OUTCOMES)}"})
        if outcome == Outcome.NOT_AT_ADDRESS and task.kind == TaskKind.ESTABLISH_WHEREABOUTS:
            raise ValidationFailed({"outcome": "this task is the follow-up to 'not at the notified address': "
                                               "choose complied late, excuse accepted or whereabouts unknown"})
        if outcome in rules.NOTE_REQUIRED and len(note) < 10:
            raise ValidationFailed({"note": "is required for this outcome: what was found (at least 10 characters)"})
        if len(note) > 5000:
            raise ValidationFailed({"note": "must be 5000 characters or fewer"})
        person = Person.objects.select_related("owning_force", "offender_manager").get(pk=task.person_id)
        breach = task.breach
        if outcome == Outcome.COMPLIED_LATE and breach is not None:
            still_open = PersonObligation.objects.filter(person_id=person.pk, kind=breach.kind, due=breach.due,
                                                         open=True).exists()
            if still_open:
                raise ValidationFailed({"outcome": f"cannot be complied late while the "
                                                   f"{task_rules.obligation_label(breach.kind)} due "
                                                   f"{breach.due.isoformat()} is still not met: record the "
                                                   "notification first"})
        pb = playbook_for(person.owning_force)
        action = pb.data["outcomes"][outcome]["action"]
        today = clock.today()
        task_rules.finish(task, state=TaskState.DONE, outcome=outcome, actor=actor, on=today, note=note)
        follow_up: Task | None = None
        case_id = None
        if action == rules.FOLLOW_UP:
            days = pb.data["outcomes"][outcome]["due_days"]
            follow_up = task_rules.new_task(person, TaskKind.ESTABLISH_WHEREABOUTS, today + timedelta(days=days),
                                            breach=breach, playbook=pb)
            follow_up.save()
        elif action == rules.OPEN_CASE:
            case_id = _open_or_join_case(actor, person, breach, data, note)
        record_many([PendingEvent(
            action="task.complete", actor=actor, object_type="task", object_id=str(task.pk),
            force_code=person.owning_force.code,
            detail={"person_id": str(person.pk), "reference": person.reference, "kind": task.kind,
                    "outcome": outcome, "note": note, "playbook_action": action, "playbook_version": pb.version,
                    "late": task.closed_late(), "follow_up_task": follow_up.pk if follow_up else None,
                    "case_id": case_id, "breach_id": breach.pk if breach else None},
        )])
    return task


def _open_or_join_case(actor: Any, person: Person, breach: Breach | None, data: dict[str, Any], note: str) -> int:
    from tether.casework.case_selectors import open_case_for
    from tether.casework.case_services import case_open

    existing = open_case_for(person.pk)
    if existing is not None:
        if breach is not None and breach.case_id is None:
            breach.case = existing
            breach.save(update_fields=["case"])
        return existing.pk
    opened: dict[str, Any] = {"note": note}
    opened.update({k: data[k] for k in ("warrant_on", "believed_abroad", "opened_on") if k in data})
    return case_open(actor, person.pk, opened, breach_id=breach.pk if breach else None).pk


def task_assign(actor: Any, task_id: Any, assignee_id: Any, *, expected_version: int | None = None) -> Task:
    """Give a task to an officer of the task's force (``None``: back to the unit queue). Supervisors and
    force admins may assign any; an officer may take an unassigned one for themselves."""
    with transaction.atomic():
        task = _task_for_write(actor, task_id, expected_version)
        if task.state != TaskState.OPEN:
            raise Conflict(f"This task is already {task.state}.")
        user = None
        if assignee_id is not None:
            user = User.objects.filter(pk=assignee_id, is_active=True, force_id=task.force_id,
                                       role__in=permissions.worker_roles()).first()
            if user is None:
                raise ValidationFailed({"assignee": "must be an active officer of the task's force"})
        if permissions.takes_unassigned_tasks(actor) and not (
                task.assignee_id is None and user is not None and user.pk == actor.pk):
            raise Forbidden("An officer can only take an unassigned task for themselves.")
        before = task.assignee_id
        task.assignee = user
        task.version += 1
        task.save(update_fields=["assignee", "version"])
        record_many([PendingEvent(action="task.assign", actor=actor, object_type="task", object_id=str(task.pk),
                                  force_code=task.force.code,
                                  detail={"person_id": str(task.person_id), "before": before,
                                          "after": user.pk if user else None})])
    return task


# --- The playbook ----------------------------------------------------------------------------------------

PLAYBOOK_UNCHANGED = "Nothing would change: the playbook already has these settings"


def _playbook_force(actor: Any, force_code: str | None) -> Force:
    """The force whose playbook the actor changes: their own (a national administrator names one)."""
    if not permissions.can_edit_playbook(actor):
        raise Forbidden("Only a force administrator can change the playbook.")
    if not permissions.edits_every_playbook(actor):
        if actor.force_id is None:
            raise Forbidden("Your account belongs to no force.")
        if force_code and force_code.strip().upper() != actor.force.code:
            raise Forbidden("You can only change your own force's playbook.")
        return actor.force  # type: ignore[no-any-return]
    force = _force(force_code)
    if force is None:
        raise ValidationFailed({"force": "is required"})
    return force


def playbook_preview(actor: Any, force_code: str | None, data: dict[str, Any]) -> dict[str, Any]:
    """What saving ``data`` would change (settings, and the force's open work: ``playbook_preview.preview``),
    checked as the save would be; nothing is written. The preview is read by whoever may save it."""
    from .playbook_preview import preview

    force = _playbook_force(actor, force_code)
    if not isinstance(data, dict):
        raise ValidationFailed({"playbook": "must be an object"})
    current = playbook_for(force)
    merged, errors = rules.validate(rules.merge(current.data, data))
    if errors:
        raise ValidationFailed(errors)
    return {"force": force.code, "version": current.version, **preview(force, current.data, merged)}


def playbook_update(actor: Any, force_code: str | None, data: dict[str, Any], *, reason: str = "",
                    expected_version: int | None = None, apply_to_open_tasks: bool = False) -> PlaybookVersion:
    """Change a force's playbook: a force admin for their own force (a national admin for any). ``data`` may
    be partial; it is laid over the current version, validated as a whole, and stored as the next version
    (the current one is closed, not overwritten) with what it changed (``Playbook.changes``). The audit event
    holds both versions. ``apply_to_open_tasks``: the open tasks' deadlines move to the new settings too
    (``playbook_preview.replan``; otherwise only tasks created after it follow it). A change that changes nothing
    is refused (ValidationFailed) and writes nothing."""
    force = _playbook_force(actor, force_code)
    if not isinstance(data, dict):
        raise ValidationFailed({"playbook": "must be an object"})
    with transaction.atomic():
        Force.objects.select_for_update().get(pk=force.pk)  # one edit of a force's playbook at a time
        current = playbook_for(force)
        if expected_version is not None and expected_version != current.version:
            raise Conflict("The playbook was changed by someone else since you opened it. Reload it and try again.")
        merged, errors = rules.validate(rules.merge(current.data, data))
        if errors:
            raise ValidationFailed(errors)
        if merged == current.data:
            raise ValidationFailed({"playbook": PLAYBOOK_UNCHANGED})
        from .playbook_preview import replan

        changes = rules.changed_settings(current.data, merged)
        now = clock.now()
        Playbook.objects.filter(force=force, valid_to__isnull=True).update(valid_to=now)
        row = Playbook.objects.create(force=force, version=current.version + 1, data=merged, valid_from=now,
                                      created_by=actor, reason=(reason or "").strip(), changes=changes)
        moved = replan(force, merged, row.version) if apply_to_open_tasks else []
        record_many([PendingEvent(action="playbook.update", actor=actor, object_type="playbook",
                                  object_id=f"{force.code}:{row.version}", force_code=force.code, reason=row.reason,
                                  detail={"before": {"version": current.version, "playbook": current.data},
                                          "after": {"version": row.version, "playbook": merged},
                                          "changes": changes, "tasks_moved": moved})])
    return PlaybookVersion(force.code, row.version, merged)
