"""Management's step of the daily sweep (registered with ``casework.services.register_sweep_step``): a missed home
visit or assessment becomes a breach and an "establish compliance" task the morning after its last day, the same way
as a missed notification (the force's playbook sets the task's deadline; its outcomes lead on to a missing case).

Cost: index range scans on the stored outcome (``ManagementState.next_due < as_of``, ``recheck_on <= as_of``), minus
what already has a breach; the registrants found are re-evaluated before anything is recorded, so a breach reflects
the facts on the day (those whose legal outcome was written that day had their duties evaluated with it, and are not
evaluated twice). A registrant comes under these duties once management begins in Tether: their first
management record (a risk level, MAPPA, an assessment, an offender manager, a visit), an imported ``management``
section, or ``tether management evaluate`` for a force.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q

from tether.access.models import Force
from tether.audit.services import PendingEvent, record_many
from tether.casework import tasks as task_rules
from tether.casework.constants import TaskKind, TaskState
from tether.casework.models import Breach, Case, Task
from tether.casework.selectors import PlaybookVersion, playbook_for
from tether.casework.services import insert_returning
from tether.core import clock
from tether.register.models import Person

from . import rules
from .models import ManagementState
from .outcomes import materialise

BATCH = 2000
TITLES = {rules.HOME_VISIT: "Home visit", rules.ARMS_INITIAL: "ARMS assessment", rules.ARMS_REVIEW: "ARMS review"}


def _chunks(items: list[Any], size: int = BATCH) -> Any:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _scoped(qs: Any, force: Force | None) -> Any:
    return qs.filter(force=force) if force is not None else qs


def _unbreached(as_of: date, force: Force | None) -> Any:
    breached_visit = Breach.objects.filter(person_id=OuterRef("person_id"), kind=rules.HOME_VISIT,
                                           due=OuterRef("visit_due"))
    breached_assessment = Breach.objects.filter(person_id=OuterRef("person_id"), kind=OuterRef("assessment_kind"),
                                                due=OuterRef("assessment_due"))
    return _scoped(ManagementState.objects.filter(next_due__lt=as_of), force).filter(
        (Q(visit_due__lt=as_of) & ~Exists(breached_visit))
        | (Q(assessment_due__lt=as_of) & ~Exists(breached_assessment)))


def step(as_of: date, force: Force | None, actor_label: str) -> dict[str, Any]:
    """Run under the sweep lock. Returns the counts for the sweep's summary."""
    recheck = sorted(_scoped(ManagementState.objects.filter(recheck_on__lte=as_of), force)
                     .values_list("person_id", flat=True))
    # a registrant whose legal outcome was written on ``as_of`` (the sweep's own re-evaluation, or a change that day)
    # had their duties evaluated on ``as_of`` with it (``register_extensions.outcomes_written``): not again here
    candidates = sorted(_unbreached(as_of, force).filter(evaluated_on__lt=as_of)
                        .exclude(person__state__evaluated_on=as_of).values_list("person_id", flat=True))
    evaluated = 0
    for chunk in _chunks(sorted(set(recheck) | set(candidates))):
        with transaction.atomic():
            evaluated += materialise(chunk, as_of)
    found = list(_unbreached(as_of, force).filter(evaluated_on__lte=as_of)
                 .values_list("person_id", "visit_due", "assessment_kind", "assessment_due", "duties"))
    counts = {"evaluated": evaluated, "new_breaches": 0, "tasks_created": 0, "breaches_on_open_cases": 0}
    playbooks: dict[int, PlaybookVersion] = {}
    for chunk in _chunks(found):
        with transaction.atomic():
            _record(chunk, as_of, playbooks, counts, actor_label)
    return counts


_BREACH_COLUMNS = ["person_id", "force_id", "kind", "trigger", "due", "citation", "detected_on", "detected_at",
                   "case_id", "run_id"]
_TASK_COLUMNS = ["person_id", "force_id", "case_id", "breach_id", "kind", "title", "assignee_id", "due_on", "due_at",
                 "state", "outcome", "note", "created_on", "created_at", "playbook_version", "version"]


def _record(rows: list[tuple[Any, ...]], as_of: date, playbooks: dict[int, PlaybookVersion],
            counts: dict[str, int], actor_label: str) -> None:
    """One transaction: the breaches, their tasks and their audit events, as plain rows in bulk (one statement
    each, ``casework.services.insert_returning``): a breach another run stored first is skipped (the unique
    constraint), and so is its task."""
    ids = [r[0] for r in rows]
    people = {row[0]: row for row in Person.objects.filter(pk__in=ids).values_list(
        "pk", "owning_force_id", "owning_force__code", "offender_manager_id", "offender_manager__is_active",
        "offender_manager__force_id")}
    open_cases = dict(Case.objects.filter(person_id__in=ids, closed_on__isnull=True).order_by("opened_on", "id")
                      .values_list("person_id", "pk"))
    now = clock.now()
    ops = connection.ops
    pk_field = Person._meta.pk
    assert pk_field is not None

    def pk(pid: Any) -> Any:  # as the database takes it (SQLite: hex text)
        return pk_field.get_db_prep_value(pid, connection)

    def day(d: date) -> Any:
        return ops.adapt_datefield_value(d)

    db_now, db_as_of = ops.adapt_datetimefield_value(now), day(as_of)
    citations: dict[tuple[Any, str, date], str] = {}
    breach_rows: list[tuple[Any, ...]] = []
    for pid, visit_due, assessment_kind, assessment_due, duties in rows:
        if pid not in people:
            continue  # deleted since the read
        cites = {d["kind"]: d["citation"] for d in duties}
        for kind, due in ((rules.HOME_VISIT, visit_due), (assessment_kind, assessment_due)):
            if due is None or due >= as_of or (pid, kind, due) in citations:
                continue
            citation = cites.get(kind, "")[:80]
            citations[(pid, kind, due)] = citation
            breach_rows.append((pk(pid), people[pid][1], kind, day(due), day(due), citation, db_as_of, db_now,
                                open_cases.get(pid), None))
    stored = sorted(((bid, pid if isinstance(pid, uuid.UUID) else uuid.UUID(str(pid)), kind,
                      due if isinstance(due, date) else date.fromisoformat(str(due)))
                     for bid, pid, kind, due in insert_returning(
                         Breach, _BREACH_COLUMNS, breach_rows, ["person_id", "kind", "due"],
                         ["id", "person_id", "kind", "due"])),
                    key=lambda b: (b[1], b[3], b[2]))
    task_rows: list[tuple[Any, ...]] = []
    for bid, pid, kind, due in stored:
        counts["new_breaches"] += 1
        if pid in open_cases:
            counts["breaches_on_open_cases"] += 1
            continue  # the open case's own tasks and reviews cover it
        _, fid, _, manager_id, manager_active, manager_force = people[pid]
        if fid not in playbooks:
            playbooks[fid] = playbook_for(Force.objects.get(pk=fid))
        pb = playbooks[fid]
        task_rows.append((pk(pid), fid, None, bid, TaskKind.ESTABLISH_COMPLIANCE.value,
                          f"{TITLES[kind]} due {due.day} {due:%B %Y} not done",
                          task_rules.assignee_id_for(fid, manager_id, manager_active, manager_force),
                          day(as_of + timedelta(days=pb.data["overdue"]["due_days"])), None, TaskState.OPEN.value, "",
                          "", db_as_of, db_now, pb.version, 1))
    tasks = dict((b, t) for t, b in insert_returning(Task, _TASK_COLUMNS, task_rows, ["breach_id", "kind"],
                                                      ["id", "breach_id"]))
    counts["tasks_created"] += len(tasks)
    record_many(PendingEvent(
        action="compliance.breach", actor_label=actor_label, object_type="person", object_id=str(pid),
        force_code=people[pid][2],
        detail={"breach_id": bid, "kind": kind, "due": due, "detected_on": as_of, "task_id": tasks.get(bid),
                "case_id": open_cases.get(pid), "citation": citations[(pid, kind, due)]})
        for bid, pid, kind, due in stored)
