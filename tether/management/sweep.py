"""Management's step of the daily sweep (registered with ``casework.services.register_sweep_step``): a missed home
visit or assessment becomes a breach and an "establish compliance" task the morning after its last day, the same way
as a missed notification (the force's playbook sets the task's deadline; its outcomes lead on to a missing case).

Cost: index range scans on the stored outcome (``ManagementState.next_due < as_of``, ``recheck_on <= as_of``), minus
what already has a breach; the registrants found are re-evaluated before anything is recorded, so a breach reflects
the facts on the day. A registrant comes under these duties once management begins in Tether: their first
management record (a risk level, MAPPA, an assessment, an offender manager, a visit), an imported ``management``
section, or ``tether management evaluate`` for a force.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from tether.access.models import Force
from tether.audit.services import PendingEvent, record_many
from tether.casework import tasks as task_rules
from tether.casework.constants import TaskKind
from tether.casework.models import Breach, Case, Task
from tether.casework.selectors import PlaybookVersion, playbook_for
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
    candidates = sorted(_unbreached(as_of, force).filter(evaluated_on__lt=as_of)
                        .values_list("person_id", flat=True))
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


def _record(rows: list[tuple[Any, ...]], as_of: date, playbooks: dict[int, PlaybookVersion],
            counts: dict[str, int], actor_label: str) -> None:
    ids = [r[0] for r in rows]
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids).select_related("owning_force", "offender_manager")}
    open_cases = dict(Case.objects.filter(person_id__in=ids, closed_on__isnull=True).values_list("person_id", "pk"))
    existing = set(Breach.objects.filter(person_id__in=ids, kind__in=rules.DUTY_KINDS, due__lt=as_of)
                   .values_list("person_id", "kind", "due"))
    breaches: list[tuple[Breach, Any]] = []
    for pid, visit_due, assessment_kind, assessment_due, duties in rows:
        person = people.get(pid)
        if person is None:
            continue
        cites = {d["kind"]: d["citation"] for d in duties}
        for kind, due in ((rules.HOME_VISIT, visit_due), (assessment_kind, assessment_due)):
            if due is None or due >= as_of or (pid, kind, due) in existing:
                continue
            breaches.append((Breach(person=person, force_id=person.owning_force_id, kind=kind, trigger=due, due=due,
                                    citation=cites.get(kind, "")[:80], detected_on=as_of, detected_at=clock.now(),
                                    case_id=open_cases.get(pid)), person))
    Breach.objects.bulk_create([b for b, _ in breaches])  # in bulk: the ids come back on both databases
    tasks: dict[int, Any] = {}
    for breach, person in breaches:
        counts["new_breaches"] += 1
        if person.pk in open_cases:
            counts["breaches_on_open_cases"] += 1
            continue
        fid = person.owning_force_id
        if fid not in playbooks:
            playbooks[fid] = playbook_for(person.owning_force)
        pb = playbooks[fid]
        due = breach.due
        tasks[breach.pk] = task_rules.new_task(
            person, TaskKind.ESTABLISH_COMPLIANCE, as_of + timedelta(days=pb.data["overdue"]["due_days"]),
            breach=breach, playbook=pb, created_on=as_of,
            title=f"{TITLES[breach.kind]} due {due.day} {due:%B %Y} not done")
    Task.objects.bulk_create(list(tasks.values()))
    counts["tasks_created"] += len(tasks)
    events = [PendingEvent(
        action="compliance.breach", actor_label=actor_label, object_type="person", object_id=str(person.pk),
        force_code=person.owning_force.code,
        detail={"breach_id": breach.pk, "kind": breach.kind, "due": breach.due, "detected_on": as_of,
                "task_id": tasks[breach.pk].pk if breach.pk in tasks else None,
                "case_id": open_cases.get(person.pk), "citation": breach.citation})
        for breach, person in breaches]
    record_many(events)

