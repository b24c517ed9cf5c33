"""The management facts of registrants as at a date, read in batches, and each force's visit policy: what the pure
rules (``rules.evaluate``) are given, for the stored outcome and the reads alike."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Max, Q

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


def _chunks(items: Sequence[Any], size: int = 2000) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


RECORDS = (RiskLevelSpell, MappaSpell, ModeSpell, ManagerSpell, Visit, Assessment, Intelligence)


def _in_scope(ids: Sequence[Any]) -> set[Any]:
    """Of ``ids``, those under management duties: every registrant of a force that manages in Tether (it has set a
    visit policy), and anyone else with a management record of any kind."""
    adopted = set(VisitPolicy.objects.values_list("force_id", flat=True).distinct())
    forces = dict(Person.objects.filter(pk__in=ids).values_list("pk", "owning_force_id"))
    out = {pid for pid, fid in forces.items() if fid in adopted}
    rest = [pid for pid in ids if pid not in out]
    for model in RECORDS:
        if not rest:
            break
        found = set(model.objects.filter(person_id__in=rest).values_list("person_id", flat=True).distinct())
        out |= found
        rest = [pid for pid in rest if pid not in found]
    return out


def facts_for(person_ids: Sequence[Any], as_of: date) -> dict[Any, R.Facts]:
    """``R.Facts`` for each registrant on ``as_of`` (only what was recorded on or before it)."""
    out: dict[Any, R.Facts] = {}
    for ids in _chunks(list(person_ids)):
        states = {s.person_id: s for s in RegisterState.objects.filter(person_id__in=ids)}
        released = dict(Detention.objects.filter(person_id__in=ids, kind=DetentionKind.CUSTODY, end__lte=as_of)
                        .values("person_id").annotate(m=Max("end")).values_list("person_id", "m"))
        custody = set(Detention.objects.filter(Q(end__isnull=True) | Q(end__gt=as_of), person_id__in=ids,
                                               kind=DetentionKind.CUSTODY, start__lte=as_of)
                      .values_list("person_id", flat=True))
        levels = dict(RiskLevelSpell.objects.filter(holds_on_q(as_of), person_id__in=ids)
                      .values_list("person_id", "level"))
        modes = {m.person_id: m for m in ModeSpell.objects.filter(holds_on_q(as_of), person_id__in=ids)}
        seen = dict(Visit.objects.filter(person_id__in=ids, outcome=VisitOutcome.SEEN, visited_on__lte=as_of)
                    .values("person_id").annotate(m=Max("visited_on")).values_list("person_id", "m"))
        arms: dict[Any, Assessment] = {}
        for a in Assessment.objects.filter(person_id__in=ids, tool="arms", assessed_on__lte=as_of).order_by(
                "person_id", "assessed_on", "id"):
            arms[a.person_id] = a
        intel = dict(Intelligence.objects.filter(person_id__in=ids, received_on__lte=as_of)
                     .values("person_id").annotate(m=Max("received_on")).values_list("person_id", "m"))
        in_scope = _in_scope(ids)
        for pid in ids:
            st = states.get(pid)
            start = st.registration_start if st is not None and st.subject else None
            quiet = st is None or st.status in QUIET or (
                st.registration_end is not None and not st.indefinite and st.registration_end < as_of)
            managed_from = None
            if start is not None and not quiet and start <= as_of:
                managed_from = max(start, released.get(pid) or start)
            mode = modes.get(pid)
            latest = arms.get(pid)
            out[pid] = R.Facts(
                managed_from=managed_from, in_custody=pid in custody, risk_level=levels.get(pid),
                mode=mode.mode if mode else R.ACTIVE, mode_since=mode.valid_from if mode else None,
                plan_months=mode.plan_months if mode else None, last_seen_visit=seen.get(pid),
                last_arms=latest.assessed_on if latest else None,
                arms_next_review=latest.next_review if latest else None,
                intelligence_on=intel.get(pid), in_scope=pid in in_scope,
            )
    return out
