"""Management's step of the daily sweep (registered with ``casework.services.register_sweep_step``): a missed home
visit or assessment becomes a breach and an "establish compliance" task the morning after its last day, the same way
as a missed notification (the force's playbook sets the task's deadline; its outcomes lead on to a missing case).

Cost: index range scans on the stored outcome (``ManagementState.next_due < as_of``, ``recheck_on <= as_of``), minus
what already has a breach; the registrants found are re-evaluated before anything is recorded, so a breach reflects
the facts on the day (an outcome found the same is not written again, so its date does not tell whether it was
evaluated that day: every one found is). A registrant comes under these duties once management begins in Tether: their
first management record (a risk level, MAPPA, an assessment, an offender manager, a visit), an imported
``management`` section, or ``tether management evaluate`` for a force.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from tether.access.models import Force
from tether.casework.models import Breach
from tether.casework.selectors import PlaybookVersion
from tether.casework.services import Missed, jit_off, record_breaches
from tether.core.streams import add_up, batches, in_streams

from . import rules
from .models import ManagementState
from .outcomes import materialise

BATCH = 2000
TITLES = {rules.HOME_VISIT: "Home visit", rules.ARMS_INITIAL: "ARMS assessment", rules.ARMS_REVIEW: "ARMS review"}


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
    # every one found overdue is evaluated again before anything is recorded, even if their duties were evaluated
    # earlier that day (a change, or the sweep's re-evaluation of a registration that changed): an outcome found the
    # same is not written, so its stored date does not tell, and these are only the few about to be breached
    candidates = sorted(_unbreached(as_of, force).filter(evaluated_on__lt=as_of).values_list("person_id", flat=True))

    def evaluate(chunk: list[Any]) -> int:
        with transaction.atomic():
            return materialise(chunk, as_of)

    # a batch at a time, on two connections at once on PostgreSQL (``core.streams``), as the sweep's own steps
    evaluated = sum(in_streams(batches(sorted(set(recheck) | set(candidates)), BATCH), evaluate, prepare=jit_off))
    found = list(_unbreached(as_of, force).filter(evaluated_on__lte=as_of)
                 .values_list("person_id", "visit_due", "assessment_kind", "assessment_due", "duties"))
    counts = {"evaluated": evaluated, "new_breaches": 0, "tasks_created": 0, "breaches_on_open_cases": 0}
    playbooks: dict[int, PlaybookVersion] = {}

    def record(chunk: list[tuple[Any, ...]]) -> dict[str, int]:
        recorded = {"new_breaches": 0, "tasks_created": 0, "breaches_on_open_cases": 0}
        with transaction.atomic():
            _record(chunk, as_of, playbooks, recorded, actor_label)
        return recorded

    for recorded in in_streams(batches(found, BATCH), record, prepare=jit_off):
        add_up(counts, recorded)
    return counts


def _record(rows: list[tuple[Any, ...]], as_of: date, playbooks: dict[int, PlaybookVersion],
            counts: dict[str, int], actor_label: str) -> None:
    """One transaction: the missed visits and assessments of these stored outcomes, recorded as the register's missed
    obligations are (``casework.services.record_breaches``: breaches, tasks, audit events)."""
    missed = []
    for pid, visit_due, assessment_kind, assessment_due, duties in rows:
        cites = {d["kind"]: d["citation"] for d in duties}
        for kind, due in ((rules.HOME_VISIT, visit_due), (assessment_kind, assessment_due)):
            if due is not None and due < as_of:
                missed.append(Missed(pid, kind, due, due, cites.get(kind, "")[:80],
                                     f"{TITLES[kind]} due {due.day} {due:%B %Y} not done"))
    record_breaches(missed, as_of, playbooks, counts, actor_label, chained=True)  # under the sweep's lock
