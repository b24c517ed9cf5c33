"""Management's part of a registrant, plugged into the register's extension points (``register.extensions``):

- the ``management`` section of a registrant document (docs/management.md): risk levels, assessments, MAPPA,
  management modes, offender managers (by username), home visits and intelligence; validated with the rest of the
  document, written after the people in the same transaction, exported beside them (round-trips exactly);
- the person page's "Risk, MAPPA and visits" section;
- the register's outcomes-written hook: whenever the register stores a registrant's legal outcome (a new registrant,
  a change, a release from custody, the sweep), their management duties are evaluated with it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import pairwise
from typing import Any

from django.utils.dateparse import parse_datetime

from tether.access import permissions
from tether.access.models import User
from tether.core import clock
from tether.core.fields import Fields
from tether.register import extensions
from tether.register.models import Person

from .constants import LeadAgency, LevelSource, MappaCategory, MappaLevel, Mode, RiskLevel, Tool, VisitOutcome
from .models import Assessment, Intelligence, ManagerSpell, MappaSpell, ModeSpell, RiskLevelSpell, Visit

KEY = "management"
NOTE = 5000


@dataclass
class ManagementDoc:
    risk_levels: list[dict[str, Any]] = field(default_factory=list)
    assessments: list[dict[str, Any]] = field(default_factory=list)
    mappa: list[dict[str, Any]] = field(default_factory=list)
    modes: list[dict[str, Any]] = field(default_factory=list)
    offender_managers: list[dict[str, Any]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)
    intelligence: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any((self.risk_levels, self.assessments, self.mappa, self.modes, self.offender_managers, self.visits,
                    self.intelligence))


def _intervals(c: Fields, data: Mapping[str, Any], key: str, today: date, read: Any) -> list[dict[str, Any]]:
    out = []
    for path, item in c.items(data, key):
        row = read(path, item)
        row["valid_from"] = c.day(item, "valid_from", f"{path}.valid_from", today=today)
        row["valid_to"] = c.day(item, "valid_to", f"{path}.valid_to", required=False)
        c.span(row["valid_from"], row["valid_to"], path, "valid_to")
        out.append(row)
    spans = sorted((r["valid_from"], r["valid_to"], i) for i, r in enumerate(out) if r["valid_from"])
    for (_, end, _), (start, _, i) in pairwise(spans):
        if end is None or start < end:
            c.fail(f"{key}[{i}].valid_from", "overlaps an earlier one: close it first (valid_to)")
    return out


def parse(c: Fields, data: Mapping[str, Any], dob: date | None, today: date) -> ManagementDoc:
    raw = data.get(KEY)
    doc = ManagementDoc()
    if raw in (None, {}):
        return doc
    if not isinstance(raw, Mapping):
        c.fail(KEY, "must be an object")
        return doc
    m = {f"{KEY}.{k}": v for k, v in raw.items()}  # paths read management.visits[0].outcome

    def level(path: str, item: Mapping[str, Any]) -> dict[str, Any]:
        return {"level": c.choice(item, "level", f"{path}.level", RiskLevel),
                "source": c.choice(item, "source", f"{path}.source", LevelSource),
                "reason": c.text(item, "reason", f"{path}.reason", max_len=NOTE, multiline=True)}

    def mappa(path: str, item: Mapping[str, Any]) -> dict[str, Any]:
        return {"category": c.choice(item, "category", f"{path}.category", MappaCategory),
                "level": c.choice(item, "level", f"{path}.level", MappaLevel),
                "lead_agency": c.choice(item, "lead_agency", f"{path}.lead_agency", LeadAgency)}

    def mode(path: str, item: Mapping[str, Any]) -> dict[str, Any]:
        return {"mode": c.choice(item, "mode", f"{path}.mode", Mode),
                "plan_months": c.whole(item, "plan_months", f"{path}.plan_months", 1, 24),
                "reason": c.text(item, "reason", f"{path}.reason", required=False, max_len=NOTE, multiline=True)}

    def manager(path: str, item: Mapping[str, Any]) -> dict[str, Any]:
        name = c.text(item, "username", f"{path}.username", max_len=150)
        user = User.objects.filter(username=name).first() if name else None
        if name and user is None:
            c.fail(f"{path}.username", "no account has this username")
        return {"username": name, "handover_note": c.text(item, "handover_note", f"{path}.handover_note",
                                                           required=False, max_len=NOTE, multiline=True)}

    doc.risk_levels = _intervals(c, m, f"{KEY}.risk_levels", today, level)
    doc.mappa = _intervals(c, m, f"{KEY}.mappa", today, mappa)
    doc.modes = _intervals(c, m, f"{KEY}.modes", today, mode)
    doc.offender_managers = _intervals(c, m, f"{KEY}.offender_managers", today, manager)
    for path, item in c.items(m, f"{KEY}.assessments"):
        a = {"tool": c.choice(item, "tool", f"{path}.tool", Tool),
             "assessed_on": c.day(item, "assessed_on", f"{path}.assessed_on", today=today),
             "assessor": c.text(item, "assessor", f"{path}.assessor", max_len=200),
             "category": str(item.get("category") or ""),
             "summary": c.text(item, "summary", f"{path}.summary", required=False, max_len=NOTE, multiline=True),
             "next_review": c.day(item, "next_review", f"{path}.next_review", required=False)}
        if a["category"] and a["category"] not in RiskLevel.values:
            c.fail(f"{path}.category", f"must be one of: {', '.join(RiskLevel.values)}")
        doc.assessments.append(a)
    now = clock.now()
    for path, item in c.items(m, f"{KEY}.visits"):
        raw_at = item.get("visited_at")
        at = parse_datetime(str(raw_at)) if raw_at else None
        if at is None or at.tzinfo is None:
            c.fail(f"{path}.visited_at", "must be a date and time with a time zone, like 2025-06-16T18:30:00Z")
        elif at > now:
            c.fail(f"{path}.visited_at", "must not be in the future")
        doc.visits.append({
            "visited_at": at, "announced": c.flag(item, "announced", f"{path}.announced"),
            "attended_by": c.text(item, "attended_by", f"{path}.attended_by", max_len=200),
            "outcome": c.choice(item, "outcome", f"{path}.outcome", VisitOutcome),
            "concerns": c.text(item, "concerns", f"{path}.concerns", required=False, max_len=NOTE, multiline=True),
            "actions": c.text(item, "actions", f"{path}.actions", required=False, max_len=NOTE, multiline=True)})
    for path, item in c.items(m, f"{KEY}.intelligence"):
        doc.intelligence.append({
            "received_on": c.day(item, "received_on", f"{path}.received_on", today=today),
            "summary": c.text(item, "summary", f"{path}.summary", max_len=NOTE, multiline=True)})
    return doc


def spans(doc: ManagementDoc) -> list[extensions.Span]:
    return []  # management does not change the register status


def write(items: Sequence[tuple[Any, ManagementDoc]], now: datetime) -> None:
    """Store the section for people just written. Their stored outcome is evaluated by the next sweep (or at once
    by the caller: ``outcomes.materialise``), once the register's own outcome exists."""
    users = {u.username: u for u in User.objects.filter(
        username__in={m["username"] for _, d in items for m in d.offender_managers})}
    rows: dict[Any, list[Any]] = {k: [] for k in (RiskLevelSpell, Assessment, MappaSpell, ModeSpell, ManagerSpell,
                                                   Visit, Intelligence)}
    managers: dict[Any, Any] = {}
    for person, d in items:
        pid = person.pk
        rows[RiskLevelSpell] += [RiskLevelSpell(person_id=pid, **r) for r in d.risk_levels]
        rows[Assessment] += [Assessment(person_id=pid, created_at=now, **a) for a in d.assessments]
        rows[MappaSpell] += [MappaSpell(person_id=pid, **r) for r in d.mappa]
        rows[ModeSpell] += [ModeSpell(person_id=pid, **r) for r in d.modes]
        for r in d.offender_managers:
            rows[ManagerSpell].append(ManagerSpell(person_id=pid, manager=users[r["username"]],
                                                   handover_note=r["handover_note"], valid_from=r["valid_from"],
                                                   valid_to=r["valid_to"]))
            if r["valid_to"] is None:
                managers[pid] = users[r["username"]].pk
        rows[Visit] += [Visit(person_id=pid, force_id=person.owning_force_id, visited_on=clock.uk_date(v["visited_at"]),
                              created_at=now, **v) for v in d.visits]
        rows[Intelligence] += [Intelligence(person_id=pid, created_at=now, **i) for i in d.intelligence]
    for model, batch in rows.items():
        model.objects.bulk_create(batch, batch_size=2000)
    for pid, uid in managers.items():
        Person.objects.filter(pk=pid).update(offender_manager_id=uid)


def load(person_ids: Sequence[Any]) -> dict[Any, ManagementDoc]:
    out: dict[Any, ManagementDoc] = {}

    def doc(pid: Any) -> ManagementDoc:
        return out.setdefault(pid, ManagementDoc())

    ids = list(person_ids)
    for r in RiskLevelSpell.objects.filter(person_id__in=ids).order_by("person_id", "valid_from", "id"):
        doc(r.person_id).risk_levels.append({"level": r.level, "source": r.source, "reason": r.reason,
                                             "valid_from": r.valid_from, "valid_to": r.valid_to})
    for a in Assessment.objects.filter(person_id__in=ids).order_by("person_id", "assessed_on", "id"):
        doc(a.person_id).assessments.append({"tool": a.tool, "assessed_on": a.assessed_on, "assessor": a.assessor,
                                             "category": a.category, "summary": a.summary,
                                             "next_review": a.next_review})
    for m in MappaSpell.objects.filter(person_id__in=ids).order_by("person_id", "valid_from", "id"):
        doc(m.person_id).mappa.append({"category": m.category, "level": m.level, "lead_agency": m.lead_agency,
                                       "valid_from": m.valid_from, "valid_to": m.valid_to})
    for o in ModeSpell.objects.filter(person_id__in=ids).order_by("person_id", "valid_from", "id"):
        doc(o.person_id).modes.append({"mode": o.mode, "plan_months": o.plan_months, "reason": o.reason,
                                       "valid_from": o.valid_from, "valid_to": o.valid_to})
    for s in (ManagerSpell.objects.filter(person_id__in=ids).select_related("manager")
              .order_by("person_id", "valid_from", "id")):
        doc(s.person_id).offender_managers.append({"username": s.manager.username, "handover_note": s.handover_note,
                                                   "valid_from": s.valid_from, "valid_to": s.valid_to})
    for v in Visit.objects.filter(person_id__in=ids).order_by("person_id", "visited_at", "id"):
        doc(v.person_id).visits.append({"visited_at": v.visited_at, "announced": v.announced,
                                        "attended_by": v.attended_by, "outcome": v.outcome, "concerns": v.concerns,
                                        "actions": v.actions})
    for i in Intelligence.objects.filter(person_id__in=ids).order_by("person_id", "received_on", "id"):
        doc(i.person_id).intelligence.append({"received_on": i.received_on, "summary": i.summary})
    return out


def _j(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value if value not in ("",) else None


def to_json(doc: ManagementDoc) -> dict[str, Any] | None:
    if not doc:
        return None
    return {k: [{f: _j(v) for f, v in row.items()} for row in getattr(doc, k)]
            for k in ("risk_levels", "assessments", "mappa", "modes", "offender_managers", "visits", "intelligence")
            if getattr(doc, k)}


def person_panel(user: Any, person: Any) -> extensions.PersonPanel:
    from .selectors import person_summary

    return extensions.PersonPanel(
        template="management/_person_panel.html", anchor="management", title="Risk, MAPPA and visits",
        context={"m": person_summary(person), "can_record": permissions.can_record_visits(user),
                 "can_assign": permissions.can_assign_caseload(user)},
    )


def install() -> None:
    extensions.register_section(extensions.DocumentSection(
        key=KEY, parse=parse, spans=spans, write=write, load=load, to_json=to_json, empty=ManagementDoc))
    extensions.register_person_panel(KEY, person_panel)
    extensions.register_outcomes_written(KEY, outcomes_written)
    extensions.register_people_written(f"{KEY}-figures", stored_changed)


MANY = 500
"""A write of more registrants than this (an import) makes every force's stored counts stale without reading whose
they are."""


def stored_changed(person_ids: Sequence[Any]) -> None:
    """Registrants were written (their force, say): the caseload and capacity counts stored for today of their
    forces, as their stored outcomes hold them (the force before a transfer) and as the register now does, are
    stale."""
    from .selectors import owning_forces
    from .stored import changed

    ids = list(person_ids)
    if len(ids) > MANY:
        changed()
    elif ids:
        changed(owning_forces(ids) or None)  # none found (not expected): every force's


_deferred: ContextVar[list[Any] | None] = ContextVar("management_duties_deferred", default=None)


@contextmanager
def duties_deferred() -> Iterator[list[Any]]:
    """Within it, the outcomes-written hook only notes the people (in the list it yields) rather than evaluating
    their duties: the caller evaluates them once (``outcomes.materialise``) when it has written everything else.
    The demo register does, once it has added management facts to everyone (a bulk load in many transactions)."""
    pending: list[Any] = []
    token = _deferred.set(pending)
    try:
        yield pending
    finally:
        _deferred.reset(token)


def outcomes_written(person_ids: Sequence[Any], as_of: date, registration_changed: Collection[Any] | None) -> None:
    """The register stored these people's outcome: their management duties follow it (an ARMS assessment within
    the set days of first registration or release, the first home visit), whether or not anything of management
    was recorded yet (unless ``duties_deferred``). Duties read the register's registration and status only (and
    management's own facts, each write of which evaluates them): when the register re-evaluated unchanged facts
    (``registration_changed`` given), only those whose registration or status changed are evaluated again; the
    duties of the rest are as they were (the sweep's step re-evaluates any found overdue before recording it)."""
    from .outcomes import materialise

    if registration_changed is not None:
        person_ids = [pid for pid in person_ids if pid in registration_changed]
        if not person_ids:
            return
    pending = _deferred.get()
    if pending is not None:
        pending.extend(person_ids)
        return
    materialise(person_ids, as_of)
