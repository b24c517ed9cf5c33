"""The management facts of registrants as at a date, read in batches, and each force's visit policy: what the pure
rules (``rules.evaluate``) are given, for the stored outcome and the reads alike."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Max, Q, QuerySet

from tether.access.models import Force
from tether.core.models import holds_on_q
from tether.register.constants import DetentionKind, RegisterStatus
from tether.register.models import Detention, Person, RegisterState

from . import rules as R
from .constants import VisitOutcome
from .models import (
    Assessment,
    Intelligence,
    ManagerSpell,
    MappaSpell,
    ModeSpell,
    RiskLevelSpell,
    Visit,
    VisitPolicy,
)

QUIET = {RegisterStatus.EXPIRED, RegisterStatus.NOT_SUBJECT, RegisterStatus.MISSING, RegisterStatus.WANTED,
         RegisterStatus.ABROAD}


@dataclass(frozen=True)
class PolicyView:
    """A force's policy as the rules see it, plus the capacity settings and the caseload benchmark."""

    rules: R.Policy = field(default_factory=R.Policy)
    benchmark: int = R.DEFAULT_BENCHMARK
    weights: dict[str, float] = field(default_factory=lambda: dict(R.DEFAULT_WEIGHTS))
    hours_per_visit: float = 3.0
    hours_per_assessment: float = 6.0
    officer_hours_per_month: float = 60.0
    version_id: int | None = None


def policy_view(row: VisitPolicy | None) -> PolicyView:
    if row is None:
        return PolicyView()
    return PolicyView(
        rules=R.Policy(kind=row.kind, arms_days=row.arms_days, arms_review_months=row.arms_review_months),
        benchmark=row.benchmark, weights={**R.DEFAULT_WEIGHTS, **(row.weights or {})},
        hours_per_visit=row.hours_per_visit, hours_per_assessment=row.hours_per_assessment,
        officer_hours_per_month=row.officer_hours_per_month, version_id=row.pk,
    )


def policy_for(force: Force | int) -> PolicyView:
    """The force's current visit policy (defaults: the fixed minimums, a benchmark of 50)."""
    force_id = force if isinstance(force, int) else force.pk
    return policy_view(VisitPolicy.objects.filter(force_id=force_id, valid_to__isnull=True).first())


def policies_for(force_ids: Iterable[int]) -> dict[int, PolicyView]:
    """``policy_for`` of each force in one read (a force with no policy of its own gets the defaults)."""
    wanted = set(force_ids)
    rows = {row.force_id: row for row in VisitPolicy.objects.filter(force_id__in=wanted, valid_to__isnull=True)}
    return {fid: policy_view(rows.get(fid)) for fid in wanted}


def _chunks(items: Sequence[Any], size: int = 2000) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


RECORDS = (RiskLevelSpell, MappaSpell, ModeSpell, ManagerSpell, Visit, Assessment, Intelligence)


def _in_scope(ids: Sequence[Any], scope: QuerySet[Any] | None = None) -> set[Any]:
    """Of ``ids``, those under management duties: every registrant of a force that manages in Tether (it has set a
    visit policy), and anyone else with a management record of any kind. With ``scope`` (a query of the same ids'
    ``person_id``), the reads filter by it (a semi-join) rather than by the list."""
    adopted = set(VisitPolicy.objects.values_list("force_id", flat=True).distinct())
    people = Person.objects.filter(pk__in=scope if scope is not None else ids)
    out = set(people.filter(owning_force_id__in=adopted).values_list("pk", flat=True))
    rest = [pid for pid in ids if pid not in out]
    for model in RECORDS:
        if not rest:
            break
        qs = model.objects.filter(person_id__in=scope if scope is not None and len(rest) == len(ids) else rest)
        found = set(qs.values_list("person_id", flat=True).distinct())
        out |= found
        rest = [pid for pid in rest if pid not in found]
    return out & set(ids)


def managed_from(state: tuple[date | None, str, date | None, bool] | None, released: date | None, as_of: date
                 ) -> date | None:
    """When management duties run from on ``as_of``: the later of the registration's start and the latest release
    from custody (``released``), for a registrant subject to the register and not quiet (expired, not subject,
    missing, wanted, abroad, or past a fixed end). ``state``: (start when subject, status, end, indefinite)."""
    start = state[0] if state is not None else None
    quiet = state is None or state[1] in QUIET or (state[2] is not None and not state[3] and state[2] < as_of)
    if start is None or quiet or start > as_of:
        return None
    return max(start, released or start)


def facts_for(person_ids: Sequence[Any] | QuerySet[Any], as_of: date) -> dict[Any, R.Facts]:
    """``R.Facts`` for each registrant on ``as_of`` (only what was recorded on or before it). ``person_ids`` is a list
    (read in chunks, each passed as a list), or a query of ``person_id`` (a force's stored outcomes, say): read in
    one pass, each read filtered by it as a subquery (no list of ids sent to the database). Only the columns the
    rules need are read."""
    if isinstance(person_ids, QuerySet):
        ids = list(person_ids.values_list("person_id", flat=True))
        return _facts(ids, as_of, person_ids.values("person_id")) if ids else {}
    out: dict[Any, R.Facts] = {}
    for chunk in _chunks(list(person_ids)):
        out.update(_facts(chunk, as_of, None))
    return out


def _facts(ids: Sequence[Any], as_of: date, scope: QuerySet[Any] | None) -> dict[Any, R.Facts]:
    of: Any = scope if scope is not None else ids
    states = {pid: (start if subject else None, status, end, indefinite)
              for pid, start, subject, status, end, indefinite in RegisterState.objects.filter(person_id__in=of)
              .values_list("person_id", "registration_start", "subject", "status", "registration_end", "indefinite")}
    released = dict(Detention.objects.filter(person_id__in=of, kind=DetentionKind.CUSTODY, end__lte=as_of)
                    .values("person_id").annotate(m=Max("end")).order_by().values_list("person_id", "m"))
    custody = set(Detention.objects.filter(Q(end__isnull=True) | Q(end__gt=as_of), person_id__in=of,
                                           kind=DetentionKind.CUSTODY, start__lte=as_of)
                  .values_list("person_id", flat=True))
    levels = dict(RiskLevelSpell.objects.filter(holds_on_q(as_of), person_id__in=of)
                  .values_list("person_id", "level"))
    modes = {pid: (mode, since, plan) for pid, mode, since, plan in ModeSpell.objects.filter(
        holds_on_q(as_of), person_id__in=of).values_list("person_id", "mode", "valid_from", "plan_months")}
    seen = dict(Visit.objects.filter(person_id__in=of, outcome=VisitOutcome.SEEN, visited_on__lte=as_of)
                .values("person_id").annotate(m=Max("visited_on")).order_by().values_list("person_id", "m"))
    arms: dict[Any, tuple[date, date | None]] = {}
    for pid, on, review in Assessment.objects.filter(person_id__in=of, tool="arms", assessed_on__lte=as_of).order_by(
            "person_id", "assessed_on", "id").values_list("person_id", "assessed_on", "next_review"):
        arms[pid] = (on, review)
    intel = dict(Intelligence.objects.filter(person_id__in=of, received_on__lte=as_of)
                 .values("person_id").annotate(m=Max("received_on")).order_by().values_list("person_id", "m"))
    in_scope = _in_scope(ids, scope)
    out: dict[Any, R.Facts] = {}
    for pid in ids:
        mode = modes.get(pid)
        latest = arms.get(pid)
        out[pid] = R.Facts(
            managed_from=managed_from(states.get(pid), released.get(pid), as_of), in_custody=pid in custody,
            risk_level=levels.get(pid),
            mode=mode[0] if mode else R.ACTIVE, mode_since=mode[1] if mode else None,
            plan_months=mode[2] if mode else None, last_seen_visit=seen.get(pid),
            last_arms=latest[0] if latest else None, arms_next_review=latest[1] if latest else None,
            intelligence_on=intel.get(pid), in_scope=pid in in_scope,
        )
    return out
