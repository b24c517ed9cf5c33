"""The one write path for management. Each function checks the permission, opens the full record through the person
guard, locks the registrant's row, validates, writes, re-evaluates the stored outcome (``outcomes.materialise``) and
records its audit event, all in one transaction. A change that changes nothing writes nothing (no audit either).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_datetime

from tether.access import permissions
from tether.access.models import Force, User
from tether.audit.services import PendingEvent, record_many
from tether.casework import playbook as playbook_rules
from tether.casework import tasks as task_rules
from tether.casework.case_selectors import open_case_for
from tether.casework.case_services import case_open
from tether.casework.constants import TaskKind
from tether.casework.selectors import playbook_for as casework_playbook
from tether.core import clock
from tether.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tether.core.fields import Fields
from tether.core.models import holds_on_q
from tether.register.guards import access_person_by_id
from tether.register.models import Person

from . import rules
from .constants import (
    CASEWORK_OUTCOMES,
    LeadAgency,
    LevelSource,
    MappaCategory,
    MappaLevel,
    Mode,
    RiskLevel,
    Tool,
    VisitOutcome,
    VisitPolicyKind,
)
from .facts import policy_for
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
from .outcomes import materialise
from .stored import changed as counts_changed

NOTE_MAX = 5000


@dataclass
class _Change:
    person: Person
    today: date
    detail: dict[str, Any] | None = None  # None: nothing changed, nothing is written
    events: list[PendingEvent] = field(default_factory=list)


@contextmanager
def _managing(actor: Any, person_id: Any, action: str, allowed: bool, refusal: str) -> Iterator[_Change]:
    """Permission, guard (full record), row lock, the change (the caller's block), re-evaluation, audit."""
    if not allowed:
        raise Forbidden(refusal)
    with transaction.atomic():
        access = access_person_by_id(actor, person_id, purpose="write", audit=False)
        if not access.full:
            raise Forbidden("Open the full record (with a reason) before changing another force's registrant.")
        person = Person.objects.select_for_update(of=("self",)).select_related("owning_force").get(
            pk=access.person.pk)
        change = _Change(person, clock.today())
        yield change
        if change.detail is None:
            return
        materialise([person.pk])
        # an assignment or intelligence changes today's counts of the force without changing the stored outcome
        counts_changed([person.owning_force_id])
        record_many([
            PendingEvent(action=action, actor=actor, object_type="person", object_id=str(person.pk),
                         force_code=person.owning_force.code, detail={"reference": person.reference, **change.detail}),
            *change.events,
        ])


def _dob_check(c: Fields, person: Person, value: date | None, path: str) -> None:
    if value is not None and value < person.date_of_birth:
        c.fail(path, "must not be before the date of birth")


def _replace_interval(qs: Any, valid_from: date, path: str = "valid_from") -> list[dict[str, Any]]:
    """Close the open interval the day the new one starts (a new one must not start before it did)."""
    closed = []
    for row in qs.filter(valid_to__isnull=True):
        if row.valid_from > valid_from:
            raise ValidationFailed({path: f"must not be before the current one started ({row.valid_from})"})
        closed.append({"id": row.pk, "valid_from": row.valid_from})
        if row.valid_from == valid_from:
            row.delete()  # replaced the same day: the day's last word holds
        else:
            row.valid_to = valid_from
            row.save(update_fields=["valid_to"])
    return closed


# --- risk ------------------------------------------------------------------------------------------------------


def _level_change(change: _Change, actor: Any, level: str, valid_from: date, source: str, reason: str
                  ) -> dict[str, Any] | None:
    current = RiskLevelSpell.objects.filter(person=change.person, valid_to__isnull=True).first()
    if current is not None and current.level == level:
        return None
    closed = _replace_interval(RiskLevelSpell.objects.filter(person=change.person), valid_from)
    spell = RiskLevelSpell.objects.create(person=change.person, level=level, source=source, reason=reason,
                                          set_by=actor if getattr(actor, "pk", None) else None, valid_from=valid_from)
    return {"before": {"level": current.level if current else None, "closed": closed},
            "after": {"level": level, "source": source, "valid_from": valid_from, "id": spell.pk}}


def risk_level_set(actor: Any, person_id: Any, data: dict[str, Any]) -> RiskLevelSpell | None:
    """The risk level from a date, with its source and reason (the previous level's interval closes). The same
    level again changes nothing (None)."""
    c = Fields()
    level = c.choice(data, "level", None, RiskLevel)
    source = c.choice({"source": data.get("source") or LevelSource.REVIEW}, "source", None, LevelSource)
    reason = c.text(data, "reason", required=True, min_len=10, max_len=NOTE_MAX, multiline=True)
    with _managing(actor, person_id, "management.risk_level", permissions.can_assess_risk(actor),
                   "Your role cannot record risk.") as change:
        valid_from = c.day(data, "valid_from", required=False, default=change.today, today=change.today)
        assert valid_from is not None
        _dob_check(c, change.person, valid_from, "valid_from")
        c.raise_if_any()
        change.detail = _level_change(change, actor, level, valid_from, source, reason)
    return RiskLevelSpell.objects.filter(person_id=change.person.pk, valid_to__isnull=True).first() \
        if change.detail else None


SCORED_TOOLS = {Tool.RM2000_S, Tool.RM2000_V, Tool.RM2000_C, Tool.OASYS_ROSH}


def assessment_record(actor: Any, person_id: Any, data: dict[str, Any]) -> Assessment:
    """A risk assessment as entered: ARMS (with its risk and protective factors summary and next review), an RM2000
    category (entered as given, not scored), or an OASys RoSH level. ``risk_level`` (optional, with ``reason``)
    sets the registrant's risk level from the assessment date in the same transaction."""
    c = Fields()
    tool = c.choice(data, "tool", None, Tool)
    assessor = c.text(data, "assessor", required=True, max_len=200)
    category = str(data.get("category") or "")
    if tool in SCORED_TOOLS and category not in RiskLevel.values:
        c.fail("category", f"is required for this tool: one of {', '.join(RiskLevel.values)}")
    if tool == Tool.ARMS and category:
        c.fail("category", "ARMS gives no category: set the risk level instead")
    summary = c.text(data, "summary", required=tool == Tool.ARMS, min_len=10, max_len=NOTE_MAX, multiline=True)
    new_level = str(data.get("risk_level") or "")
    if new_level and new_level not in RiskLevel.values:
        c.fail("risk_level", f"must be one of: {', '.join(RiskLevel.values)}")
    reason = c.text(data, "reason", required=False, max_len=NOTE_MAX, multiline=True)
    with _managing(actor, person_id, "management.assessment", permissions.can_assess_risk(actor),
                   "Your role cannot record risk assessments.") as change:
        assessed_on = c.day(data, "assessed_on", required=True, today=change.today)
        next_review = c.day(data, "next_review", required=False)
        _dob_check(c, change.person, assessed_on, "assessed_on")
        if next_review and assessed_on and next_review <= assessed_on:
            c.fail("next_review", "must be after the assessment")
        c.raise_if_any()
        assert assessed_on is not None
        a = Assessment.objects.create(
            person=change.person, tool=tool, assessed_on=assessed_on, assessor=assessor, category=category,
            summary=summary, next_review=next_review if tool == Tool.ARMS else None,
            recorded_by=actor if getattr(actor, "pk", None) else None, created_at=clock.now())
        source: str = {"arms": LevelSource.ARMS, "oasys_rosh": LevelSource.OASYS}.get(tool, LevelSource.RM2000)
        level = _level_change(change, actor, new_level, assessed_on, source,
                              reason or f"{Tool(tool).label} of {assessed_on.isoformat()}") if new_level else None
        change.detail = {"assessment_id": a.pk, "tool": tool, "assessed_on": assessed_on, "category": category,
                         "next_review": a.next_review, "risk_level": level}
    return a


def mappa_set(actor: Any, person_id: Any, data: dict[str, Any]) -> MappaSpell | None:
    """MAPPA category and level with the lead agency, from a date. The same again changes nothing (None)."""
    c = Fields()
    category = c.choice(data, "category", None, MappaCategory)
    level = c.choice(data, "level", None, MappaLevel)
    lead = c.choice(data, "lead_agency", None, LeadAgency)
    with _managing(actor, person_id, "management.mappa", permissions.can_assess_risk(actor),
                   "Your role cannot record MAPPA management.") as change:
        valid_from = c.day(data, "valid_from", required=False, default=change.today, today=change.today)
        assert valid_from is not None
        c.raise_if_any()
        current = MappaSpell.objects.filter(person=change.person, valid_to__isnull=True).first()
        if current is not None and (current.category, current.level, current.lead_agency) == (category, level, lead):
            return None
        closed = _replace_interval(MappaSpell.objects.filter(person=change.person), valid_from)
        spell = MappaSpell.objects.create(person=change.person, category=category, level=level, lead_agency=lead,
                                          valid_from=valid_from)
        change.detail = {"before": {"closed": closed, "category": current.category if current else None,
                                    "level": current.level if current else None},
                         "after": {"category": category, "level": level, "lead_agency": lead,
                                   "valid_from": valid_from}}
    return spell


def level_spans(person: Any) -> list[rules.LevelSpan]:
    return [(s.level, s.valid_from, s.valid_to) for s in RiskLevelSpell.objects.filter(person=person)]


def last_police_notice(person: Any, on: date) -> date | None:
    return (Intelligence.objects.filter(person=person, received_on__lte=on).order_by("-received_on")
            .values_list("received_on", flat=True).first())


def mode_set(actor: Any, person_id: Any, data: dict[str, Any]) -> ModeSpell | None:
    """A supervisor's decision: active management (with an individual plan's visit interval in months, optional)
    or reactive management, which needs the eligibility rule to hold (low for at least 3 years, no recent
    police notice). The reason is recorded. The same decision again changes nothing (None)."""
    c = Fields()
    mode = c.choice(data, "mode", None, Mode)
    plan = c.whole(data, "plan_months", "plan_months", 1, 24)
    if plan and mode == Mode.REACTIVE:
        c.fail("plan_months", "a reactive decision has no visit plan")
    reason = c.text(data, "reason", required=True, min_len=10, max_len=NOTE_MAX, multiline=True)
    with _managing(actor, person_id, "management.mode", permissions.can_decide_management_mode(actor),
                   "Only a supervisor decides active or reactive management.") as change:
        valid_from = c.day(data, "valid_from", required=False, default=change.today, today=change.today)
        assert valid_from is not None
        eligible, why = rules.reactive_eligibility(level_spans(change.person), valid_from,
                                                   last_police_notice(change.person, valid_from))
        if mode == Mode.REACTIVE and not eligible:
            c.fail("mode", f"Reactive management needs low risk for at least 3 years and no recent police "
                           f"notice: {why}")
        c.raise_if_any()
        current = ModeSpell.objects.filter(person=change.person, valid_to__isnull=True).first()
        if current is not None and (current.mode, current.plan_months) == (mode, plan):
            return None
        if current is None and mode == Mode.ACTIVE and plan is None:
            return None  # active is the default
        closed = _replace_interval(ModeSpell.objects.filter(person=change.person), valid_from)
        spell = ModeSpell.objects.create(person=change.person, mode=mode, plan_months=plan, reason=reason,
                                         decided_by=actor, valid_from=valid_from)
        change.detail = {"before": {"closed": closed, "mode": current.mode if current else Mode.ACTIVE},
                         "after": {"mode": mode, "plan_months": plan, "valid_from": valid_from,
                                   "eligibility": why}, "reason": reason}
    return spell


def intelligence_record(actor: Any, person_id: Any, data: dict[str, Any]) -> Intelligence:
    """New intelligence or changed circumstances. Under reactive management it brings back a home visit and a risk
    review (``rules.evaluate``)."""
    c = Fields()
    summary = c.text(data, "summary", required=True, min_len=10, max_len=NOTE_MAX, multiline=True)
    with _managing(actor, person_id, "management.intelligence", permissions.can_assess_risk(actor),
                   "Your role cannot record intelligence.") as change:
        received_on = c.day(data, "received_on", required=False, default=change.today, today=change.today)
        c.raise_if_any()
        assert received_on is not None
        row = Intelligence.objects.create(person=change.person, received_on=received_on, summary=summary,
                                          recorded_by=actor, created_at=clock.now())
        change.detail = {"intelligence_id": row.pk, "received_on": received_on}
    return row


# --- offender managers -----------------------------------------------------------------------------------------


def _manager(raw: Any, force_id: int, c: Fields) -> User | None:
    if raw in (None, ""):
        return None
    qs = User.objects.filter(is_active=True, force_id=force_id, role__in=permissions.worker_roles())
    user = qs.filter(username=str(raw)).first()
    if user is None and str(raw).isdigit() and len(str(raw)) <= 18:
        user = qs.filter(pk=int(str(raw))).first()
    if user is None:
        c.fail("manager", "must be an active officer of the registrant's force")
    return user


def manager_assign(actor: Any, person_id: Any, data: dict[str, Any]) -> ManagerSpell | None:
    """Assign an offender manager, reassign, or hand over (``handover_note``), from a date (default today):
    the current spell closes, a new one opens, ``Person.offender_manager`` follows. ``manager`` empty ends the
    assignment (the unit queue). The same manager again changes nothing (None)."""
    c = Fields()
    note = c.text(data, "handover_note", required=False, max_len=NOTE_MAX, multiline=True)
    with _managing(actor, person_id, "management.manager", permissions.can_assign_caseload(actor),
                   "Only supervisors and administrators assign offender managers.") as change:
        person = change.person
        if not permissions.acts_for_force(actor, person.owning_force_id):
            raise NotFound("No such registrant.")
        user = _manager(data.get("manager"), person.owning_force_id, c)
        valid_from = c.day(data, "valid_from", required=False, default=change.today, today=change.today)
        assert valid_from is not None
        c.raise_if_any()
        current = ManagerSpell.objects.filter(person=person, valid_to__isnull=True).first()
        if (current.manager_id if current else None) == (user.pk if user else None):
            return None
        closed = _replace_interval(ManagerSpell.objects.filter(person=person), valid_from)
        spell = ManagerSpell.objects.create(person=person, manager=user, valid_from=valid_from,
                                            handover_note=note) if user else None
        person.offender_manager = user
        person.updated_at = clock.now()
        person.save(update_fields=["offender_manager", "updated_at"])
        kind = "assign" if current is None else ("handover" if note else "reassign") if user else "unassign"
        change.detail = {"kind": kind, "before": {"manager": current.manager_id if current else None,
                                                  "closed": closed},
                         "after": {"manager": user.pk if user else None, "valid_from": valid_from}, "note": note}
    return spell


# --- home visits -----------------------------------------------------------------------------------------------


def _visited_at(raw: Any, c: Fields, now: datetime) -> datetime | None:
    if raw in (None, ""):
        c.fail("visited_at", "is required")
        return None
    at = raw if isinstance(raw, datetime) else parse_datetime(str(raw))
    if at is None or at.tzinfo is None:
        c.fail("visited_at", "must be a date and time with a time zone, like 2025-06-16T18:30:00+01:00")
        return None
    if at > now:
        c.fail("visited_at", "must not be in the future")
    return at


@dataclass
class VisitResult:
    visit: Visit
    task_id: int | None = None
    case_id: int | None = None


def visit_record(actor: Any, person_id: Any, data: dict[str, Any]) -> VisitResult:
    """Record a home visit: when, announced or not, who attended, the outcome, concerns and actions.

    "No longer lives there" and "not found" flow into casework per the force's playbook: "no longer lives there"
    is the playbook's "not at the notified address" (a follow-up task to establish whereabouts, or a missing case
    if the force set it), "not found" its "whereabouts unknown" (a missing case, opened through
    ``casework.case_services.case_open`` with its own tasks; an open case is left as it is)."""
    c = Fields()
    now = clock.now()
    at = _visited_at(data.get("visited_at"), c, now)
    announced = c.flag(data, "announced")
    attended = c.text(data, "attended_by", required=True, max_len=200)
    outcome = c.choice(data, "outcome", None, VisitOutcome)
    concerns = c.text(data, "concerns", required=False, max_len=NOTE_MAX, multiline=True)
    actions = c.text(data, "actions", required=False, max_len=NOTE_MAX, multiline=True)
    if outcome in CASEWORK_OUTCOMES and len(concerns) < 10:
        c.fail("concerns", "is required for this outcome: what was found (at least 10 characters)")
    result: VisitResult | None = None
    with _managing(actor, person_id, "management.visit", permissions.can_record_visits(actor),
                   "Your role cannot record home visits.") as change:
        person = change.person
        if at is not None:
            _dob_check(c, person, clock.uk_date(at), "visited_at")
        c.raise_if_any()
        assert at is not None
        visit = Visit.objects.create(
            person=person, force_id=person.owning_force_id, visited_at=at, visited_on=clock.uk_date(at),
            announced=announced, attended_by=attended, outcome=outcome, concerns=concerns, actions=actions,
            recorded_by=actor, created_at=now)
        result = VisitResult(visit)
        if outcome in CASEWORK_OUTCOMES:
            _into_casework(actor, change, visit, result)
        change.detail = {"visit_id": visit.pk, "visited_at": at, "outcome": outcome, "announced": announced,
                         "task_id": result.task_id, "case_id": result.case_id}
    assert result is not None
    return result


def _into_casework(actor: Any, change: _Change, visit: Visit, result: VisitResult) -> None:
    person = Person.objects.select_related("owning_force", "offender_manager").get(pk=change.person.pk)
    pb = casework_playbook(person.owning_force)
    key = "not_at_address" if visit.outcome == VisitOutcome.NO_LONGER_LIVES else "whereabouts_unknown"
    action = pb.data["outcomes"][key]["action"]
    label = VisitOutcome(visit.outcome).label.lower()
    if action == playbook_rules.FOLLOW_UP:
        days = int(pb.data["outcomes"][key].get("due_days", 0))
        task = task_rules.new_task(
            person, TaskKind.ESTABLISH_WHEREABOUTS, change.today + timedelta(days=days), playbook=pb,
            title=f"Establish whereabouts: home visit on {visit.visited_on:%-d %B %Y} found {label}")
        task.save()
        result.task_id = task.pk
        change.events.append(PendingEvent(
            action="task.create", actor=actor, object_type="task", object_id=str(task.pk),
            force_code=person.owning_force.code,
            detail={"person_id": str(person.pk), "kind": task.kind, "due_on": task.due_on, "visit_id": visit.pk,
                    "playbook_version": pb.version}))
    elif action == playbook_rules.OPEN_CASE:
        existing = open_case_for(person.pk)
        if existing is not None:
            result.case_id = existing.pk
            return
        try:
            case = case_open(actor, person.pk, {"opened_on": visit.visited_on.isoformat(),
                                                "note": f"Home visit: {label}. {visit.concerns}"[:5000]})
        except Conflict:  # opened meanwhile
            return
        result.case_id = case.pk


# --- the force's policy ----------------------------------------------------------------------------------------

POLICY_FIELDS = ("kind", "arms_days", "arms_review_months", "benchmark", "weights", "hours_per_visit",
                 "hours_per_assessment", "officer_hours_per_month")


def _number(c: Fields, data: dict[str, Any], key: str, lo: float, hi: float, default: float) -> float:
    raw = data.get(key, default)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        c.fail(key, "must be a number")
        return default
    if isinstance(raw, bool) or not lo <= value <= hi:
        c.fail(key, f"must be between {lo:g} and {hi:g}")
    return value


def policy_set(actor: Any, force_code: str | None, data: dict[str, Any]) -> VisitPolicy | None:
    """A force's visit policy (fixed minimums or individual plan), ARMS timings, caseload benchmark and risk
    weights, and the capacity settings. Laid over the current version; stored as a new version (the current one
    closes). The same values again change nothing (None)."""
    if not permissions.can_set_visit_policy(actor):
        raise Forbidden("Only a force administrator sets the visit policy.")
    if permissions.is_national_admin(actor):
        force = Force.objects.filter(code=(force_code or "").strip().upper()).first()
        if force is None:
            raise ValidationFailed({"force": "name a force by its code, like MPS"})
    else:
        if actor.force_id is None or (force_code and force_code.strip().upper() != actor.force.code):
            raise Forbidden("You can only set your own force's visit policy.")
        force = actor.force
    current = VisitPolicy.objects.filter(force=force, valid_to__isnull=True).first()
    base = policy_for(force)
    merged = {"kind": base.rules.kind, "arms_days": base.rules.arms_days,
              "arms_review_months": base.rules.arms_review_months, "benchmark": base.benchmark,
              "weights": base.weights, "hours_per_visit": base.hours_per_visit,
              "hours_per_assessment": base.hours_per_assessment,
              "officer_hours_per_month": base.officer_hours_per_month}
    merged.update({k: v for k, v in data.items() if k in POLICY_FIELDS})
    c = Fields()
    kind = c.choice(merged, "kind", None, VisitPolicyKind)
    values: dict[str, Any] = {
        "kind": kind,
        "arms_days": int(_number(c, merged, "arms_days", 1, 90, 15)),
        "arms_review_months": int(_number(c, merged, "arms_review_months", 1, 36, 12)),
        "benchmark": int(_number(c, merged, "benchmark", 1, 500, 50)),
        "hours_per_visit": _number(c, merged, "hours_per_visit", 0.25, 24, 3),
        "hours_per_assessment": _number(c, merged, "hours_per_assessment", 0.25, 48, 6),
        "officer_hours_per_month": _number(c, merged, "officer_hours_per_month", 1, 200, 60),
    }
    weights = merged.get("weights") or {}
    if not isinstance(weights, dict) or set(weights) - set(rules.LEVELS):
        c.fail("weights", f"must map risk levels ({', '.join(rules.LEVELS)}) to numbers")
        weights = {}
    values["weights"] = {lvl: _number(c, weights, lvl, 0.1, 20, rules.DEFAULT_WEIGHTS[lvl]) for lvl in rules.LEVELS}
    c.raise_if_any()
    before = {k: merged_v for k, merged_v in (("kind", base.rules.kind), ("arms_days", base.rules.arms_days),
                                              ("arms_review_months", base.rules.arms_review_months),
                                              ("benchmark", base.benchmark), ("weights", base.weights),
                                              ("hours_per_visit", base.hours_per_visit),
                                              ("hours_per_assessment", base.hours_per_assessment),
                                              ("officer_hours_per_month", base.officer_hours_per_month))}
    if values == before and current is not None:
        return None  # a force without a version adopts the defaults: its registrants come under management duties
    with transaction.atomic():
        Force.objects.select_for_update().get(pk=force.pk)
        now = clock.now()
        VisitPolicy.objects.filter(force=force, valid_to__isnull=True).update(valid_to=now)
        row = VisitPolicy.objects.create(force=force, valid_from=now, created_by=actor, **values)
        from tether.management.models import ManagementState

        ids = list(ManagementState.objects.filter(force=force).values_list("person_id", flat=True))
        materialise(ids)
        record_many([PendingEvent(action="management.policy", actor=actor, object_type="visit_policy",
                                  object_id=f"{force.code}:{row.pk}", force_code=force.code,
                                  detail={"before": before, "after": values,
                                          "replaced": current.pk if current else None})])
    return row


def holding(qs: Any, on: date) -> Any:
    return qs.filter(holds_on_q(on))


def person_uuid(raw: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError as exc:
        raise NotFound("No such registrant.") from exc
