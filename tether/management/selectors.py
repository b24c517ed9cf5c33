"""Reads for management: a registrant's management picture, the overdue list, caseloads and the capacity gap, as at
any date. Each guarded read writes its audit event (pages and the API show personal data only through these)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Q,
    QuerySet,
    When,
)

from tether.access import permissions
from tether.access.constants import Role
from tether.access.models import Force, User
from tether.access.selectors import force_scope
from tether.audit.services import record
from tether.core import clock
from tether.core.errors import Forbidden
from tether.core.models import holds_on_q
from tether.core.pagination import Paged, paged
from tether.core.streams import chunks
from tether.obligations.calendar import add_months
from tether.register.guards import access_person_by_id
from tether.register.models import Person
from tether.register.selectors import as_date, separate

from . import rules, stored
from .constants import LevelSource, MappaCategory, MappaLevel, Mode, RiskLevel, VisitOutcome
from .facts import (
    PolicyView,
    facts_for,
    holds_sql,
    one_facts,
    one_params,
    one_statement,
    policies_for,
    policy_for,
    policy_view,
)
from .models import (
    Assessment,
    Intelligence,
    ManagementState,
    ManagerSpell,
    MappaSpell,
    ModeSpell,
    RiskLevelSpell,
    Visit,
    VisitPolicy,
)


def _label(choices: Any, value: str | None) -> str:
    return str(choices(value).label) if value in choices.values else "Not recorded"


def duties_on(person_ids: list[Any] | QuerySet[Any], as_of: date, facts: dict[Any, rules.Facts] | None = None
              ) -> dict[Any, rules.Outcome]:
    """Each registrant's duties on ``as_of`` evaluated from the facts recorded by then (pure rules); ``facts``: those
    facts when already read (``facts_for(person_ids, as_of)``). ``person_ids``: a list, or a query of
    ``person_id``."""
    scope: Any = person_ids.values("person_id") if isinstance(person_ids, QuerySet) else person_ids
    forces = dict(Person.objects.filter(pk__in=scope).values_list("pk", "owning_force_id"))
    out = {}
    read = facts_for(person_ids, as_of) if facts is None else facts
    policies = policies_for({forces[pid] for pid in read})
    for pid, one in read.items():
        out[pid] = rules.evaluate(one, as_of, policies[forces[pid]].rules)
    return out


def _holds(spell: Any, day: date) -> bool:
    """``core.models.holds_on_q`` for one interval already read."""
    return bool(spell.valid_from <= day and (spell.valid_to is None or spell.valid_to > day))


def person_management(person: Person, as_of: date | None = None) -> dict[str, Any]:
    """Everything the person page and the management page show (unguarded: callers have the full record). Each
    record is read once: the risk levels (the current one, the history, the spans for reactive eligibility) and the
    intelligence (the last ten, the latest for eligibility) come from one query each."""
    as_of = as_of or clock.today()
    levels = list(RiskLevelSpell.objects.filter(person=person))  # oldest first (valid_from, id)
    level = next((s for s in levels if _holds(s, as_of)), None)
    mappa = MappaSpell.objects.filter(holds_on_q(as_of), person=person).first()
    mode = ModeSpell.objects.filter(holds_on_q(as_of), person=person).first()
    manager = ManagerSpell.objects.filter(holds_on_q(as_of), person=person).select_related("manager").first()
    visits = list(Visit.objects.filter(person=person, visited_on__lte=as_of).order_by("-visited_at", "-id")[:10])
    facts = facts_for([person.pk], as_of)[person.pk]
    outcome = rules.evaluate(facts, as_of, policy_for(person.owning_force_id).rules)
    spans = [(s.level, s.valid_from, s.valid_to) for s in levels]
    intelligence = list(Intelligence.objects.filter(person=person, received_on__lte=as_of)
                        .select_related("recorded_by").order_by("-received_on", "-id")[:10])
    notice = intelligence[0].received_on if intelligence else None
    eligible, why = rules.reactive_eligibility(spans, as_of, notice)
    visit = outcome.due(rules.HOME_VISIT)
    previous = [(v.visited_at.astimezone(clock.UK).weekday(), _slot(v.visited_at)) for v in visits[:3]]
    return {
        "as_of": as_of, "person": person,
        "level": level, "level_label": _label(RiskLevel, level.level if level else None),
        "level_source": _label(LevelSource, level.source if level else None),
        "mappa": mappa, "mappa_category": _label(MappaCategory, mappa.category if mappa else None),
        "mappa_level": _label(MappaLevel, mappa.level if mappa else None),
        "mode": mode, "mode_label": _label(Mode, mode.mode if mode else Mode.ACTIVE),
        "manager": manager.manager if manager else None, "manager_since": manager.valid_from if manager else None,
        "duties": [{"kind": d.kind, "label": d.label, "due": d.due, "status": d.status, "reason": d.reason,
                    "citation": d.citation, "overdue": d.status == rules.OVERDUE} for d in outcome.duties],
        "notes": list(outcome.explanations),
        "visits": [{"visit": v, "outcome": VisitOutcome(v.outcome).label} for v in visits],
        "assessments": list(Assessment.objects.filter(person=person, assessed_on__lte=as_of)
                            .order_by("-assessed_on", "-id")[:10]),
        "reactive_eligible": eligible, "reactive_why": why,
        "suggestions": rules.suggest_visit_times(visit.due, as_of, previous) if visit else [],
        "level_history": levels[::-1],  # newest first (-valid_from, -id)
        "intelligence": intelligence,
    }


def _summary_sql() -> str:
    """One statement for the panel: the risk level and mode spells holding on the day (``r``, ``o``), MAPPA and the
    offender manager's name, today's stored duties (``_stored_duties``), then the facts the rules need when they are
    not stored (``facts.one_statement``)."""
    q = connection.ops.quote_name
    t = {m: q(m._meta.db_table) for m in (MappaSpell, ManagerSpell, ManagementState, User)}
    pid = q("person_id")
    return one_statement(
        columns=[f"r.{q('source')}", f"r.{q('valid_from')}", f"m.{q('category')}", f"m.{q('level')}",
                 f"m.{q('lead_agency')}", f"u.{q('id')}", f"u.{q('username')}", f"u.{q('first_name')}",
                 f"u.{q('last_name')}", f"s.{q('duties')}"],
        joins=[f"LEFT JOIN {t[MappaSpell]} m ON {holds_sql('m')}", f"LEFT JOIN {t[ManagerSpell]} g ON {holds_sql('g')}",
               f"LEFT JOIN {t[User]} u ON u.{q('id')} = g.{q('manager_id')}",
               f"LEFT JOIN {t[ManagementState]} s ON s.{pid} = %(p)s AND s.{q('evaluated_on')} = %(d)s "
               f"AND s.{q('rules_version')} = %(v)s AND s.{q('force_id')} = %(f)s"],
        order=[f"{a}.{q(c)}" for a in ("m", "g") for c in ("valid_from", "id")])


def _stored_duties(duties: Any, as_of: date) -> list[rules.Duty]:
    """The duties of a stored outcome evaluated on ``as_of`` under the current rules and the registrant's force:
    every write that can change the facts re-evaluates it in its own transaction (``outcomes.materialise``), so
    they are what a fresh evaluation on the day gives (the status, overdue or not, is the day's)."""
    rows = json.loads(duties) if isinstance(duties, (str, bytes)) else duties
    return [rules.Duty(kind=d["kind"], due=as_date(d["due"]), status=rules.status_on(as_date(d["due"]), as_of),
                       reason=d["reason"], citation=d["citation"]) for d in rows]


def person_summary(person: Person) -> dict[str, Any]:
    """What the person page's management panel shows today (the same values as ``person_management`` for these
    keys), in one statement: the current risk level, MAPPA, management mode and offender manager, and the duties:
    the stored outcome's when it was evaluated today under the current rules and force, otherwise evaluated from
    the facts the same statement read (the stored row keeps the day of the evaluation that gave it, so after
    midnight most are evaluated)."""
    as_of = clock.today()
    with connection.cursor() as cursor:
        cursor.execute(_summary_sql(), {**one_params(person.pk, as_of, person.owning_force_id),
                                        "v": rules.RULES_VERSION})
        row = cursor.fetchone()
    r_source, r_from, m_category, m_level, m_lead, u_id, u_name, u_first, u_last, stored_duties = row[:10]
    facts, policy, _ = one_facts(row[10:], as_of)
    r_level, mode = facts.risk_level, row[11]
    level = RiskLevelSpell(level=r_level, source=r_source, valid_from=as_date(r_from)) if r_level is not None else None
    mappa = MappaSpell(category=m_category, level=m_level, lead_agency=m_lead) if m_category is not None else None
    manager = User(pk=u_id, username=u_name, first_name=u_first, last_name=u_last) if u_id is not None else None
    if stored_duties is not None:
        duties = _stored_duties(stored_duties, as_of)
    else:
        duties = list(rules.evaluate(facts, as_of, policy).duties)
    return {
        "as_of": as_of, "person": person,
        "level": level, "level_label": _label(RiskLevel, r_level), "level_source": _label(LevelSource, r_source),
        "mappa": mappa, "mode_label": _label(Mode, mode or Mode.ACTIVE), "manager": manager,
        "duties": [{"kind": d.kind, "label": d.label, "due": d.due, "reason": d.reason,
                    "overdue": d.status == rules.OVERDUE} for d in duties],
    }


def _slot(at: Any) -> int:
    hour = at.astimezone(clock.UK).hour
    return 0 if hour < 12 else 1 if hour < 17 else 2


def person_view(user: Any, person_id: Any, as_of: date | None = None, *, purpose: str = "management") -> dict[str, Any]:
    """The guarded management picture (audited as ``person.management``); limited access is Forbidden."""
    if not permissions.can_see_management(user):
        raise Forbidden("Your role cannot see management records.")
    access = access_person_by_id(user, person_id, purpose=purpose)
    if not access.full:
        raise Forbidden("Open the full record (with a reason) to see this registrant's management.")
    return person_management(access.person, as_of)


def json_view(m: dict[str, Any]) -> dict[str, Any]:
    """The management picture as JSON (the API and ``tether management show``)."""
    p = m["person"]
    return {
        "person_id": str(p.pk), "reference": p.reference, "as_of": m["as_of"].isoformat(),
        "risk_level": m["level"].level if m["level"] else None,
        "risk_level_source": m["level"].source if m["level"] else None,
        "risk_level_reason": m["level"].reason if m["level"] else None,
        "risk_level_since": m["level"].valid_from.isoformat() if m["level"] else None,
        "mappa": ({"category": m["mappa"].category, "level": m["mappa"].level,
                   "lead_agency": m["mappa"].lead_agency} if m["mappa"] else None),
        "mode": m["mode"].mode if m["mode"] else Mode.ACTIVE,
        "plan_months": m["mode"].plan_months if m["mode"] else None,
        "reactive_eligible": m["reactive_eligible"], "reactive_eligibility": m["reactive_why"],
        "offender_manager": m["manager"].username if m["manager"] else None,
        "duties": [{"kind": d["kind"], "due": d["due"].isoformat(), "status": d["status"], "reason": d["reason"],
                    "citation": d["citation"]} for d in m["duties"]],
        "notes": m["notes"],
        "suggested_visits": [{"date": d.isoformat(), "time": t.strftime("%H:%M"), "part": part}
                             for d, t, part in m["suggestions"]],
        "visits": [{"visited_at": v["visit"].visited_at.isoformat(), "outcome": v["visit"].outcome,
                    "announced": v["visit"].announced} for v in m["visits"]],
        "intelligence": [{"received_on": i.received_on.isoformat(), "summary": i.summary} for i in m["intelligence"]],
    }


# --- lists -----------------------------------------------------------------------------------------------------


def unit_scope(user: Any, force_code: str | None, *, overdue_only: bool = False) -> Force | None:
    """The unit (force) a list covers. The overdue list: every worker (their force); caseloads and capacity:
    supervisors and administrators."""
    allowed = permissions.can_see_management(user) if overdue_only else permissions.can_assign_caseload(user)
    if not allowed:
        raise Forbidden("Only supervisors and administrators see caseloads and capacity.")
    return force_scope(user, force_code, national=permissions.is_national_admin(user), what="caseloads")


def _people(force: Force | None) -> QuerySet[Any]:
    """The registrants with a stored outcome (of ``force``): a query, read as a subquery (no list of ids sent)."""
    return ManagementState.objects.all() if force is None else ManagementState.objects.filter(force=force)


def _outcomes(force: Force | None, as_of: date, *, late: bool = False
              ) -> dict[Any, tuple[str | None, date | None, date | None, str]]:
    """(risk level, visit due, assessment due, assessment kind) per registrant on ``as_of``: the stored outcome for
    today (one indexed read; with ``late``, only those overdue on the day), evaluated from the history for another
    date (everyone)."""
    if as_of == clock.today():
        qs = ManagementState.objects.all() if force is None else ManagementState.objects.filter(force=force)
        if late:
            qs = qs.filter(Q(visit_due__lt=as_of) | Q(assessment_due__lt=as_of))
        return {pid: (lvl or None, v, a, k) for pid, lvl, v, a, k in qs.values_list(
            "person_id", "risk_level", "visit_due", "assessment_due", "assessment_kind")}
    return _evaluated(_people(force), as_of)


def _evaluated(ids: list[Any] | QuerySet[Any], as_of: date
               ) -> dict[Any, tuple[str | None, date | None, date | None, str]]:
    """(risk level, visit due, assessment due, assessment kind) per registrant, evaluated from the history (each
    fact read once)."""
    out = {}
    facts = facts_for(ids, as_of)
    for pid, outcome in duties_on(ids, as_of, facts).items():
        visit = outcome.due(rules.HOME_VISIT)
        arms = outcome.due(rules.ARMS_INITIAL) or outcome.due(rules.ARMS_REVIEW)
        out[pid] = (facts[pid].risk_level, visit.due if visit else None, arms.due if arms else None,
                    arms.kind if arms else "")
    return out


def dues_for(person_ids: list[Any], as_of: date) -> dict[Any, tuple[str | None, date | None, date | None]]:
    """(risk level, home visit due, assessment due) per registrant on ``as_of`` for counting (unguarded: the
    statistics publish only aggregates): the stored outcome for today, evaluated from the history for a past date."""
    out: dict[Any, tuple[str | None, date | None, date | None]] = {}
    if as_of == clock.today():
        for chunk in chunks(person_ids, 2000):
            for pid, lvl, v, a in ManagementState.objects.filter(person_id__in=chunk).values_list(
                    "person_id", "risk_level", "visit_due", "assessment_due"):
                out[pid] = (lvl or None, v, a)
        return out
    return {pid: row[:3] for pid, row in _evaluated(person_ids, as_of).items()}


def levels_on(person_ids: list[Any], days: list[date]) -> dict[tuple[Any, date], str]:
    """The risk level held by each registrant on each of ``days`` (for counting visits by the level at the time)."""
    spans: dict[Any, list[tuple[date, date | None, str]]] = defaultdict(list)
    for chunk in chunks(person_ids, 2000):
        for pid, lvl, vf, vt in RiskLevelSpell.objects.filter(person_id__in=chunk).values_list(
                "person_id", "level", "valid_from", "valid_to"):
            spans[pid].append((vf, vt, lvl))
    out = {}
    for pid in person_ids:
        for day in days:
            for vf, vt, lvl in spans.get(pid, ()):
                if vf <= day and (vt is None or vt > day):
                    out[(pid, day)] = lvl
    return out


def visits_in(person_ids: list[Any], start: date, end: date) -> list[tuple[Any, date, str]]:
    """(registrant, day, outcome) of every home visit from ``start`` to ``end`` inclusive (for counting)."""
    out: list[tuple[Any, date, str]] = []
    for chunk in chunks(person_ids, 2000):
        out += list(Visit.objects.filter(person_id__in=chunk, visited_on__gte=start,
                                         visited_on__lte=end).values_list("person_id", "visited_on", "outcome"))
    return out


def managers_on(person_ids: list[Any], as_of: date) -> dict[Any, int]:
    """The offender manager (user id) of each registrant on ``as_of`` who had one."""
    out: dict[Any, int] = {}
    for chunk in chunks(person_ids, 2000):
        out.update(ManagerSpell.objects.filter(holds_on_q(as_of), person_id__in=chunk)
                   .values_list("person_id", "manager_id"))
    return out


def officer_ids(force_id: int | None) -> list[int]:
    """The active offender managers (officers) of a force, or of every force."""
    return [u.pk for u in _officers(Force.objects.filter(pk=force_id).first() if force_id else None)]


OVERDUE_PER_PAGE = 50


def overdue(user: Any, force_code: str | None = None, as_of: date | None = None, *, page: int | None = 1,
            per_page: int = OVERDUE_PER_PAGE) -> Paged[dict[str, Any]]:
    """Registrants overdue a home visit or an assessment on ``as_of``, with why; longest overdue first. ``page`` of
    ``per_page`` rows (``core.pagination.paged``; None: every row, the command line's export). Only the rows on the
    page have their person read."""
    as_of = as_of or clock.today()
    force = unit_scope(user, force_code, overdue_only=True)
    found: list[tuple[Any, str, date, str | None]] = []  # (person, duty, due, risk level)
    for pid, (level, visit, assessment, kind) in _outcomes(force, as_of, late=True).items():
        found.extend((pid, what, due, level) for what, due in ((rules.HOME_VISIT, visit), (kind, assessment))
                     if due and due < as_of)
    references = dict(Person.objects.filter(pk__in={pid for pid, *_ in found}).values_list("pk", "reference"))
    found.sort(key=lambda r: (-(as_of - r[2]).days, str(references.get(r[0], "")), r[1]))
    page_of = paged(found, page, per_page)
    shown = page_of.rows
    people = {p.pk: p for p in Person.objects.filter(pk__in={pid for pid, *_ in shown}).select_related("owning_force")}
    managers = dict(ManagerSpell.objects.filter(holds_on_q(as_of), person_id__in=[r[0] for r in shown])
                    .values_list("person_id", "manager__username"))
    rows = [{"person_id": pid, "reference": people[pid].reference, "name": people[pid].display_name,
             "force": people[pid].owning_force.code, "kind": what, "label": rules.DUTY_LABELS[what], "due": due,
             "days_overdue": (as_of - due).days, "level": _label(RiskLevel, level), "manager": managers.get(pid) or ""}
            for pid, what, due, level in shown if pid in people]  # (one deleted since the read is left out)
    record("management.overdue", user, detail={"as_of": as_of, "force": force.code if force else "ALL",
                                               "rows": page_of.total, "page": page_of.page, "shown": len(rows)},
           force_code=force.code if force else "")
    return Paged(rows, page_of.total, page_of.page, page_of.pages)


def overdue_json(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The overdue rows as the API and the command line give them (ids and dates as text)."""
    return [{**r, "person_id": str(r["person_id"]), "due": r["due"].isoformat()} for r in rows]


@dataclass
class OfficerLoad:
    user_id: int | None
    name: str
    force: str
    registrants: int
    weighted: float
    benchmark: int
    visits_overdue: int
    assessments_overdue: int

    @property
    def over(self) -> bool:
        return self.weighted > self.benchmark


def _officers(force: Force | None) -> list[User]:
    qs = User.objects.filter(is_active=True, role=Role.OFFICER)
    if force is not None:
        qs = qs.filter(force=force)
    return list(qs.select_related("force").order_by("force__code", "last_name", "username"))


Load = tuple[Counter[str | None], int, int]  # (registrants by risk level, visits overdue, assessments overdue)


def _force_ids(force: Force | None) -> list[int]:
    """The forces a view counts: one, or every force."""
    return [force.pk] if force is not None else list(Force.objects.order_by("pk").values_list("pk", flat=True))


def _loads_stored(force_ids: list[int], every: bool, as_of: date) -> dict[int, dict[int | None, Load]]:
    """Each force's managers' loads from the stored outcome (today), in one aggregate query for all ``force_ids``
    (``every``: they are every force, not named): no row per registrant. Every stored outcome is joined to the
    spells held on the day (none: the unit queue, ``None``), so a registrant counts once per manager holding them,
    and once as unassigned when nobody does."""
    qn = connection.ops.quote_name
    state, spell = ManagementState._meta.db_table, ManagerSpell._meta.db_table
    day = connection.ops.adapt_datefield_value(as_of)
    sql = (f"SELECT m.{qn('force_id')}, h.{qn('manager_id')}, m.{qn('risk_level')}, COUNT(*),"  # noqa: S608 - names
           f" COUNT(CASE WHEN m.{qn('visit_due')} < %s THEN 1 END),"
           f" COUNT(CASE WHEN m.{qn('assessment_due')} < %s THEN 1 END)"
           f" FROM {qn(state)} m LEFT JOIN {qn(spell)} h ON h.{qn('person_id')} = m.{qn('person_id')}"
           f" AND h.{qn('valid_from')} <= %s AND (h.{qn('valid_to')} IS NULL OR h.{qn('valid_to')} > %s)")
    params: list[Any] = [day, day, day, day]
    if not every:
        sql += f" WHERE m.{qn('force_id')} IN ({', '.join(['%s'] * len(force_ids))})"
        params += force_ids
    sql += " GROUP BY 1, 2, 3"
    out: dict[int, dict[int | None, Load]] = {fid: defaultdict(lambda: (Counter(), 0, 0)) for fid in force_ids}
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":  # a registrant a row into a few thousand groups: hashed in memory
            # (at the default 4 MB PostgreSQL sorts them on disk, 1.5 to 2 times slower at 70,000)
            cur.execute("SET LOCAL work_mem = '32MB'")
        cur.execute(sql, params)
        rows = cur.fetchall()
    for fid, mid, level, n, v, a in rows:
        loads = out.setdefault(fid, defaultdict(lambda: (Counter(), 0, 0)))
        levels, vs, as_ = loads[mid]
        levels[level or None] += n
        loads[mid] = (levels, vs + v, as_ + a)
    return out


def _loads_sum(each: Any) -> dict[int | None, Load]:
    """The loads of several forces together (a manager's registrants of every force)."""
    out: dict[int | None, Load] = defaultdict(lambda: (Counter(), 0, 0))
    for loads in each:
        for mid, (levels, v, a) in loads.items():
            total, vs, as_ = out[mid]
            total.update(levels)
            out[mid] = (total, vs + v, as_ + a)
    return out


def _loads_json(loads: dict[int | None, Load]) -> list[Any]:
    return [[mid, [[level, n] for level, n in levels.items()], v, a] for mid, (levels, v, a) in loads.items()]


def _loads_from_json(rows: list[Any]) -> dict[int | None, Load]:
    out: dict[int | None, Load] = defaultdict(lambda: (Counter(), 0, 0))
    for mid, levels, v, a in rows:
        out[mid] = (Counter({level: n for level, n in levels}), v, a)
    return out


def _loads_evaluated(force: Force | None, as_of: date) -> dict[int | None, Load]:
    """Each manager's load on a past date, from the duties evaluated from the history."""
    outcomes = _outcomes(force, as_of)
    spells = ManagerSpell.objects.filter(holds_on_q(as_of))
    if force is not None:
        spells = spells.filter(person__owning_force=force)
    managers = {pid: mid for pid, mid in spells.values_list("person_id", "manager_id") if pid in outcomes}
    out: dict[int | None, Load] = defaultdict(lambda: (Counter(), 0, 0))
    for pid, (level, visit, assessment, _) in outcomes.items():
        mid = managers.get(pid)
        levels, vs, as_ = out[mid]
        levels[level] += 1
        out[mid] = (levels, vs + _late(visit, as_of), as_ + _late(assessment, as_of))
    return out


def caseload(user: Any, force_code: str | None = None, as_of: date | None = None) -> list[OfficerLoad]:
    """Registrants per offender manager on ``as_of``, weighted by risk against the force's benchmark, with overdue
    visits and assessments; a last row for the unassigned (the unit queue). Today's are counted in the database
    from the stored outcome; a past date's from the duties evaluated from the history. The officers are read as
    plain rows (a national page lists over a thousand)."""
    as_of = as_of or clock.today()
    force = unit_scope(user, force_code)
    if as_of == clock.today():
        loads = _loads_sum(stored.per_force("caseload", _force_ids(force), as_of,
                                            lambda ids, every: _loads_stored(ids, every, as_of),
                                            _loads_json, _loads_from_json, every=force is None).values())
    else:
        loads = _loads_evaluated(force, as_of)
    policy_rows = {p.force_id: p for p in VisitPolicy.objects.filter(valid_to__isnull=True)}
    policies: dict[int, PolicyView] = {}
    columns = ("pk", "first_name", "last_name", "username", "force_id", "force__code")
    officers = User.objects.filter(is_active=True, role=Role.OFFICER)
    if force is not None:
        officers = officers.filter(force=force)
    users = {row[0]: row for row in officers.order_by("force__code", "last_name", "username").values_list(*columns)}
    users.update({row[0]: row for row in User.objects.filter(pk__in=[k for k in loads if k and k not in users])
                  .values_list(*columns)})
    rows = []
    uids: list[int | None] = [*users, None]
    for uid in uids:
        levels, visits_late, assessments_late = loads.get(uid) or (Counter(), 0, 0)
        u = users.get(uid) if uid else None
        fid: int | None = u[4] if u and u[4] else (force.pk if force else None)
        if (fid or 0) not in policies:
            policies[fid or 0] = policy_view(policy_rows.get(fid)) if fid else PolicyView()
        pv = policies[fid or 0]
        rows.append(OfficerLoad(
            user_id=uid, name=(f"{u[1]} {u[2]}".strip() or u[3]) if u else "Unassigned (unit queue)",
            force=(u[5] if u and u[5] else (force.code if force else "")),
            registrants=sum(levels.values()), weighted=rules.weighted_counts(levels, pv.weights),
            benchmark=pv.benchmark, visits_overdue=visits_late, assessments_overdue=assessments_late))
    record("management.caseload", user, detail={"as_of": as_of, "force": force.code if force else "ALL"},
           force_code=force.code if force else "")
    return rows


def unit_queue(user: Any, force_code: str | None = None, as_of: date | None = None, *, limit: int = 50
               ) -> list[dict[str, Any]]:
    """The registrants of one force with no offender manager on ``as_of`` (the unit queue), the most urgent duty
    first, for a supervisor to assign (audited). A national view names a force first (empty otherwise)."""
    as_of = as_of or clock.today()
    force = unit_scope(user, force_code)
    if force is None:
        return []
    outcomes = _outcomes(force, as_of)
    assigned = set(ManagerSpell.objects.filter(holds_on_q(as_of), person__owning_force=force)
                   .values_list("person_id", flat=True))
    waiting = sorted(((min((d for d in (o[1], o[2]) if d), default=None), pid) for pid, o in outcomes.items()
                      if pid not in assigned), key=lambda t: (t[0] is None, t[0] or as_of, str(t[1])))[:limit]
    people = {p.pk: p for p in Person.objects.filter(pk__in=[pid for _, pid in waiting])}
    rows = [{"person_id": pid, "reference": people[pid].reference, "name": people[pid].display_name,
             "level": _label(RiskLevel, outcomes[pid][0]), "next_due": due, "overdue": bool(_late(due, as_of))}
            for due, pid in waiting if pid in people]
    record("management.unit_queue", user, detail={"as_of": as_of, "force": force.code, "rows": len(rows)},
           force_code=force.code)
    return rows


def _late(due: date | None, as_of: date) -> int:
    return int(due is not None and due < as_of)


def assigned_count(user: Any, as_of: date | None = None) -> int:
    """How many registrants ``user`` is offender manager for (the dashboard's "assigned to me")."""
    return ManagerSpell.objects.filter(holds_on_q(as_of or clock.today()), manager=user).count()


def owning_forces(person_ids: Sequence[Any]) -> set[int]:
    """The forces owning these registrants, and (management's) the forces their stored outcomes were counted under
    (the force before a transfer until they are evaluated again): whose stored figures a write to them changes."""
    ids = list(person_ids)
    return (set(Person.objects.filter(pk__in=ids).values_list("owning_force_id", flat=True))
            | set(ManagementState.objects.filter(person_id__in=ids).values_list("force_id", flat=True)))


def assigned_on_register(user: Any) -> int:
    """The dashboard's "assigned to you": the separate registrants in the user's scope (their force; every force for
    a national administrator) whose offender manager they are, counted as ``register.search.caseload_counts``."""
    qs = separate(Person.objects.filter(offender_manager=user))
    if not permissions.is_national_admin(user) and user.force_id:
        qs = qs.filter(owning_force_id=user.force_id)
    return int(qs.count())


def assigned_to(user: Any, as_of: date | None = None) -> list[dict[str, Any]]:
    """The registrants assigned to ``user`` with their next duty (their own caseload: no audit beyond the list)."""
    as_of = as_of or clock.today()
    ids = list(ManagerSpell.objects.filter(holds_on_q(as_of), manager=user).values_list("person_id", flat=True))
    states = {s.person_id: s for s in ManagementState.objects.filter(person_id__in=ids)}
    out = []
    for p in Person.objects.filter(pk__in=ids).order_by("sort_name"):
        s = states.get(p.pk)
        out.append({"person_id": p.pk, "reference": p.reference, "name": p.display_name,
                    "level": _label(RiskLevel, s.risk_level if s else None),
                    "next_due": s.next_due if s else None, "overdue": bool(s and s.next_due and s.next_due < as_of)})
    out.sort(key=lambda r: (r["next_due"] is None, r["next_due"] or as_of))
    return out


# --- capacity --------------------------------------------------------------------------------------------------


FIRST_MISSED = 50  # how many of the work that will be missed a force's capacity page names


def capacity(user: Any, force_code: str | None = None, as_of: date | None = None, *, what_if: str = rules.FIXED,
             months: int = 3) -> dict[str, Any]:
    """The visits and assessments the force's policy requires over the next ``months`` against its officers'
    hours, and the same under ``what_if`` (fixed minimums, individual plans, or reactive management for everyone
    eligible): how many will be missed, and whose first. Today's figures are counted from the stored outcome
    (``_capacity_counted``), nationally or for one force, and only the work that is missed first is planned person by
    person; another date plans each registrant from their facts (``_capacity_planned``)."""
    from tether.core.errors import ValidationFailed

    as_of = as_of or clock.today()
    if what_if not in rules.WHAT_IF_POLICIES:
        raise ValidationFailed({"what_if": f"must be one of: {', '.join(rules.WHAT_IF_POLICIES)}"})
    force = unit_scope(user, force_code)
    officers = Counter(User.objects.filter(is_active=True, role=Role.OFFICER).values_list("force_id", flat=True))
    if as_of == clock.today():
        units, missed = _capacity_counted(as_of, months, what_if, officers, force)
    else:
        units, missed = _capacity_planned(as_of, months, what_if, officers, force)
    first: list[dict[str, Any]] = []
    if force is not None and missed:
        people = {str(p.pk): p for p in Person.objects.filter(pk__in={w.key for w in missed})}
        for w in missed:
            p = people.get(w.key)
            if p is not None:
                first.append({"person_id": p.pk, "reference": p.reference, "name": p.display_name,
                              "kind": rules.DUTY_LABELS[w.kind], "due": w.due, "level": _label(RiskLevel, w.level)})
    record("management.capacity", user, detail={"as_of": as_of, "force": force.code if force else "ALL",
                                                "what_if": what_if, "months": months},
           force_code=force.code if force else "")
    return {"as_of": as_of, "months": months, "what_if": what_if, "units": units, "first_missed": first,
            "national": force is None}


def _capacity_planned(as_of: date, months: int, what_if: str, officers: Counter[int], force: Force | None
                      ) -> tuple[list[dict[str, Any]], list[rules.Work]]:
    """Each force's capacity (or one force's) planned registrant by registrant from their facts on ``as_of``, and,
    for one force, the first of the work its current policy will miss."""
    units: list[dict[str, Any]] = []
    first: list[rules.Work] = []
    scope = _people(force)  # read as a subquery: no list of ids sent
    # every force's facts and who is eligible in one pass over each record (not a pass per force), then by force
    all_facts = facts_for(scope, as_of)
    all_eligible = _reactive_eligible(scope.values("person_id"), as_of)
    by_force: dict[int, dict[Any, rules.Facts]] = defaultdict(dict)
    eligible_by_force: dict[int, set[Any]] = defaultdict(set)
    for pid, fid in scope.values_list("person_id", "force_id"):
        if pid in all_facts:
            by_force[fid][pid] = all_facts[pid]
        if pid in all_eligible:
            eligible_by_force[fid].add(pid)
    end = add_months(as_of, months) - timedelta(days=1)
    planned = [force] if force is not None else list(Force.objects.order_by("code"))
    policies = policies_for(f.pk for f in planned)
    for f in planned:
        facts = by_force.get(f.pk, {})
        if not facts and force is None:
            continue
        pv = policies[f.pk]
        eligible = eligible_by_force.get(f.pk, set())
        demand = [rules.Demand(str(pid), fa, pid in eligible) for pid, fa in facts.items()]
        kw = {"start": as_of, "months": months, "officers": officers.get(f.pk, 0),
              "hours_per_officer_month": pv.officer_hours_per_month, "hours_per_visit": pv.hours_per_visit,
              "hours_per_assessment": pv.hours_per_assessment}
        alt_policy = rules.Policy(kind=what_if, arms_days=pv.rules.arms_days,
                                  arms_review_months=pv.rules.arms_review_months)
        if force is None:  # no one is named: the work counted per bucket plans the same (``rules.capacity_counted``)
            now = rules.capacity_counted(rules.work_buckets(demand, pv.rules, as_of, end), policy=pv.rules.kind,
                                         **kw)  # type: ignore[arg-type]
            alt = rules.capacity_counted(rules.work_buckets(demand, alt_policy, as_of, end), policy=what_if,
                                         **kw)  # type: ignore[arg-type]
        else:
            now = rules.capacity(demand, policy=pv.rules, **kw)  # type: ignore[arg-type]
            alt = rules.capacity(demand, policy=alt_policy, **kw)  # type: ignore[arg-type]
            first = list(now.missed[:FIRST_MISSED])
        units.append(_unit(f, officers, pv, what_if, len(eligible), now, alt))
    return units, first


def _last_start(as_of: date, months: int) -> date:
    """The last day ``d`` with ``add_months(d, months) <= as_of`` (add_months never goes backwards)."""
    d = add_months(as_of, -months)
    while add_months(d + timedelta(days=1), months) <= as_of:
        d += timedelta(days=1)
    return d


def _capacity_counted(as_of: date, months: int, what_if: str, officers: Counter[int], force: Force | None = None
                      ) -> tuple[list[dict[str, Any]], list[rules.Work]]:
    """Every force's capacity now and under ``what_if`` (or one force's), and how many are eligible for reactive
    management, counted in the database from today's stored outcome (``ManagementState``), every force in the same
    few queries: the same figures as planning each registrant (``_capacity_planned``). For one force, the first of
    the work that will be missed is found by planning only the registrants whose work falls in the buckets missed
    first (``rules.first_missed``).

    Only the home visits depend on the policy, and only in two ways: an individual plan's interval (those with one,
    few, are planned one by one from their facts) and reactive management for the eligible (low risk for 3 years,
    no police notice in 12 months: counted with SQL; the few whose low risk runs over more than one recorded
    interval are checked by ``rules.reactive_eligibility``). The assessments and everyone else's visits are grouped
    by (force, risk level, due date); the visits that follow within the window come from the level's interval."""
    start, end = as_of, add_months(as_of, months) - timedelta(days=1)
    counts = _counts_sum(stored.per_force(f"capacity:{months}", _force_ids(force), as_of,
                                          lambda ids, every: _capacity_counts(as_of, months, ids, every),
                                          _counts_json, _counts_from_json, every=force is None).values())
    current, dropped, eligible, planned = counts.current, counts.dropped, counts.eligible, counts.planned
    plain = ManagementState.objects.all() if force is None else ManagementState.objects.filter(force=force)
    plain = plain.exclude(person_id__in=ModeSpell.objects.filter(holds_on_q(as_of), plan_months__isnull=False)
                          .values("person_id"))
    facts = facts_for(sorted(planned, key=str), as_of) if planned else {}
    policies = {p.force_id: p for p in VisitPolicy.objects.filter(valid_to__isnull=True)}
    units = []
    first: list[rules.Work] = []
    for f in [force] if force is not None else Force.objects.filter(pk__in=counts.forces).order_by("code"):
        pv = policy_view(policies.get(f.pk))
        alt_policy = rules.Policy(kind=what_if, arms_days=pv.rules.arms_days,
                                  arms_review_months=pv.rules.arms_review_months)
        now, alternative = Counter(current[f.pk]), Counter(current[f.pk])
        if what_if == rules.REACTIVE_ELIGIBLE:
            alternative.subtract(dropped[f.pk])
        demand = [rules.Demand(str(pid), fa, pid in counts.planned_eligible)
                  for pid, fa in facts.items() if planned[pid] == f.pk]
        if demand:
            now.update(rules.work_buckets(demand, pv.rules, start, end))
            alternative.update(rules.work_buckets(demand, alt_policy, start, end))
        kw = {"start": as_of, "months": months, "officers": officers.get(f.pk, 0),
              "hours_per_officer_month": pv.officer_hours_per_month, "hours_per_visit": pv.hours_per_visit,
              "hours_per_assessment": pv.hours_per_assessment}
        current_plan = rules.capacity_counted({k: n for k, n in now.items() if n > 0}, policy=pv.rules.kind,
                                              **kw)  # type: ignore[arg-type]
        units.append(_unit(f, officers, pv, what_if, eligible[f.pk], current_plan,
                           rules.capacity_counted({k: n for k, n in alternative.items() if n > 0}, policy=what_if,
                                                  **kw)))  # type: ignore[arg-type]
        if force is not None and current_plan.missed_buckets:
            needed = rules.missed_first_buckets(current_plan.missed_buckets, FIRST_MISSED)
            members = _bucket_members(plain, needed, demand, pv.rules, start, end)
            first = rules.first_missed(current_plan.missed_buckets, members, hours_per_visit=pv.hours_per_visit,
                                       hours_per_assessment=pv.hours_per_assessment, limit=FIRST_MISSED)
    return units, first


@dataclass
class _Counts:
    """What ``_capacity_counts`` counts from the stored outcomes (stored for reuse by ``stored``)."""

    current: dict[int, Counter[rules.Bucket]]  # per force: the work the fixed minimums give those with no plan
    dropped: dict[int, Counter[rules.Bucket]]  # per force: the visits reactive management would drop
    eligible: Counter[int]  # per force: how many are eligible for reactive management
    forces: list[int]  # the forces with stored outcomes
    planned: dict[Any, int]  # who has an individual plan, and their force
    planned_eligible: set[Any]  # of those, who is eligible


def _counts_json(c: _Counts) -> dict[str, Any]:
    def buckets(by_force: dict[int, Counter[rules.Bucket]]) -> list[Any]:
        return [[fid, [[lvl, due.isoformat(), kind, n] for (lvl, due, kind), n in b.items()]]
                for fid, b in by_force.items()]

    return {"current": buckets(c.current), "dropped": buckets(c.dropped), "eligible": list(c.eligible.items()),
            "forces": c.forces, "planned": [[str(pid), fid] for pid, fid in c.planned.items()],
            "planned_eligible": [str(pid) for pid in c.planned_eligible]}


def _counts_from_json(d: dict[str, Any]) -> _Counts:
    def buckets(rows: list[Any]) -> dict[int, Counter[rules.Bucket]]:
        out: dict[int, Counter[rules.Bucket]] = defaultdict(Counter)
        days: dict[str, date] = {}
        for fid, items in rows:
            out[fid] = Counter({(lvl, days.get(due) or days.setdefault(due, date.fromisoformat(due)), kind): n
                                for lvl, due, kind, n in items})
        return out

    pk = Person._meta.pk
    assert pk is not None
    return _Counts(current=buckets(d["current"]), dropped=buckets(d["dropped"]),
                   eligible=Counter({fid: n for fid, n in d["eligible"]}), forces=list(d["forces"]),
                   planned={pk.to_python(pid): fid for pid, fid in d["planned"]},
                   planned_eligible={pk.to_python(pid) for pid in d["planned_eligible"]})


def _counts_sum(each: Any) -> _Counts:
    """Several forces' counts together (each force's own are apart already: only who is eligible adds up)."""
    out = _Counts(current=defaultdict(Counter), dropped=defaultdict(Counter), eligible=Counter(), forces=[],
                  planned={}, planned_eligible=set())
    for c in each:
        out.current.update(c.current)
        out.dropped.update(c.dropped)
        out.eligible.update(c.eligible)
        out.forces += c.forces
        out.planned.update(c.planned)
        out.planned_eligible |= c.planned_eligible
    out.forces.sort()
    return out


def _counts_apart(c: _Counts, force_ids: list[int]) -> dict[int, _Counts]:
    """``c`` (counted for ``force_ids`` together) as each force's own counts."""
    out = {fid: _Counts(current=defaultdict(Counter), dropped=defaultdict(Counter), eligible=Counter(), forces=[],
                        planned={}, planned_eligible=set()) for fid in force_ids}
    for fid in c.forces:
        out.setdefault(fid, _Counts(current=defaultdict(Counter), dropped=defaultdict(Counter), eligible=Counter(),
                                    forces=[], planned={}, planned_eligible=set())).forces.append(fid)
    for fid, one in out.items():
        if fid in c.current:
            one.current[fid] = c.current[fid]
        if fid in c.dropped:
            one.dropped[fid] = c.dropped[fid]
        if c.eligible.get(fid):
            one.eligible[fid] = c.eligible[fid]
    for pid, fid in c.planned.items():
        out[fid].planned[pid] = fid
        if pid in c.planned_eligible:
            out[fid].planned_eligible.add(pid)
    return out


def _capacity_counts(as_of: date, months: int, force_ids: list[int], every: bool) -> dict[int, _Counts]:
    """The counting of ``_capacity_counted`` (see there) for each of ``force_ids`` (``every``: they are every
    force), all in the same few queries."""
    start, end = as_of, add_months(as_of, months) - timedelta(days=1)
    low_since = _last_start(as_of, 12 * rules.REACTIVE_LOW_YEARS)
    quiet_since = _last_start(as_of, 12)
    states = ManagementState.objects.all() if every else ManagementState.objects.filter(force_id__in=force_ids)
    planned_ids = ModeSpell.objects.filter(holds_on_q(as_of), plan_months__isnull=False).values("person_id")
    later = RiskLevelSpell.objects.filter(person_id=OuterRef("person_id"), valid_from__gt=OuterRef("valid_from"),
                                          valid_from__lte=as_of)
    noticed = Intelligence.objects.filter(person_id=OuterRef("person_id"), received_on__gt=quiet_since,
                                          received_on__lte=as_of)
    # eligible by one interval: low now, since 3 years ago or more, and no police notice in the last 12 months
    eligible_spells = RiskLevelSpell.objects.filter(holds_on_q(as_of), level=rules.LOW, valid_from__lte=low_since
                                                    ).filter(~Exists(later), ~Exists(noticed))
    # low now for under 3 years by this interval, but perhaps longer with the low intervals before it
    joined = RiskLevelSpell.objects.filter(person_id=OuterRef("person_id"), level=rules.LOW,
                                           valid_to=OuterRef("valid_from"))
    maybe = RiskLevelSpell.objects.filter(holds_on_q(as_of), level=rules.LOW, valid_from__gt=low_since,
                                          person__management__isnull=False).filter(Exists(joined))
    if not every:
        maybe = maybe.filter(person__management__force_id__in=force_ids)
    maybe_ids = list(maybe.values_list("person_id", flat=True))
    eligible_more = _reactive_eligible(maybe_ids, as_of) if maybe_ids else set()
    planned = dict(states.filter(person_id__in=planned_ids).values_list("person_id", "force_id"))
    eligible_planned = set(eligible_spells.filter(person_id__in=list(planned)).values_list("person_id", flat=True))
    eligible: Counter[int] = Counter()
    eligible.update(states.filter(person_id__in=list(eligible_more)).values_list("force_id", flat=True))
    plain = states.exclude(person_id__in=planned_ids)
    current: dict[int, Counter[rules.Bucket]] = defaultdict(Counter)
    dropped: dict[int, Counter[rules.Bucket]] = defaultdict(Counter)  # the visits reactive management would drop
    for fid, level, kind, due, n in (plain.filter(assessment_due__lte=end)
                                     .values("force_id", "risk_level", "assessment_kind", "assessment_due")
                                     .annotate(n=Count("person_id")).order_by()
                                     .values_list("force_id", "risk_level", "assessment_kind", "assessment_due", "n")):
        current[fid][(level or None, max(due or start, start), kind)] += n
    # every stored outcome once: who is eligible and who has a plan, and the visit's last day when it falls in the
    # window; the forces counted come from here too. Who is eligible is found once (a hashed subquery, not a lookup
    # per registrant): for one force, among its registrants only
    if every:
        is_eligible_q: Any = Q(person_id__in=eligible_spells.values("person_id"))
    else:
        mine = eligible_spells.filter(person_id__in=states.values("person_id"))
        is_eligible_q = Q(person_id__in=mine.values("person_id"))
    flagged = states.annotate(
        e=ExpressionWrapper(is_eligible_q, output_field=BooleanField()),
        p=ExpressionWrapper(Q(person_id__in=planned_ids), output_field=BooleanField()),
        vd=Case(When(visit_due__lte=end, then="visit_due"), default=None, output_field=DateField()))
    forces: set[int] = set()
    for fid, level, due, mode, is_eligible, is_planned, n in (
            flagged.values("force_id", "risk_level", "vd", "mode", "e", "p")
            .annotate(n=Count("person_id")).order_by()
            .values_list("force_id", "risk_level", "vd", "mode", "e", "p", "n")):
        forces.add(fid)
        if is_eligible:
            eligible[fid] += n
        if is_planned or due is None:
            continue
        lvl = level or None
        for day in rules.visit_dues(due, rules.FIXED_MONTHS.get(lvl or "", 12), start, end):
            current[fid][(lvl, day, rules.HOME_VISIT)] += n
            if is_eligible and mode == rules.ACTIVE:
                dropped[fid][(lvl, day, rules.HOME_VISIT)] += n
    for fid, level, due, mode in plain.filter(person_id__in=list(eligible_more), visit_due__lte=end).values_list(
            "force_id", "risk_level", "visit_due", "mode"):
        if mode == rules.ACTIVE:
            for day in rules.visit_dues(due or start, rules.FIXED_MONTHS.get(level or "", 12), start, end):
                dropped[fid][(level or None, day, rules.HOME_VISIT)] += 1
    return _counts_apart(_Counts(
        current=current, dropped=dropped, eligible=eligible, forces=sorted(forces), planned=planned,
        planned_eligible={pid for pid in planned if pid in eligible_planned or pid in eligible_more}), force_ids)


def _bucket_members(plain: QuerySet[Any], needed: set[rules.Bucket], planned: list[rules.Demand],
                    policy: rules.Policy, start: date, end: date) -> dict[rules.Bucket, list[str]]:
    """The registrants (``str`` of their id) whose work falls in each of the ``needed`` buckets, as
    ``_capacity_counted`` counted them: those with a plan from their facts (``planned``), everyone else from their
    stored outcome (``plain``), read only for the levels needed and up to the last day needed."""
    members: dict[rules.Bucket, list[str]] = defaultdict(list)
    for b, keys in rules.bucket_keys(planned, policy, start, end).items():
        if b in needed:
            members[b] += keys
    last: dict[str | None, date] = {}
    for level, due, _ in needed:
        last[level] = max(last.get(level, due), due)
    q = Q()
    for level, day in last.items():
        q |= Q(risk_level=level or "") & (Q(visit_due__lte=day) | Q(assessment_due__lte=day))
    for pid, level, vd, kind, ad in plain.filter(q).values_list("person_id", "risk_level", "visit_due",
                                                                "assessment_kind", "assessment_due"):
        lvl = level or None
        if vd is not None and vd <= end:
            for day in rules.visit_dues(vd, rules.FIXED_MONTHS.get(lvl or "", 12), start, end):
                if (lvl, day, rules.HOME_VISIT) in needed:
                    members[(lvl, day, rules.HOME_VISIT)].append(str(pid))
        if ad is not None and ad <= end and (lvl, max(ad, start), kind) in needed:
            members[(lvl, max(ad, start), kind)].append(str(pid))
    return members


def _unit(f: Force, officers: Counter[int], pv: PolicyView, what_if: str, eligible: int,
          now: rules.Capacity, alt: rules.Capacity) -> dict[str, Any]:
    return {"force": f, "officers": officers.get(f.pk, 0), "policy": pv.rules.kind, "current": now,
            "what_if": alt, "eligible": eligible,
            "rows": [(f"Now: {rules.POLICY_LABELS[pv.rules.kind]}", now),
                     (f"What if: {rules.POLICY_LABELS[what_if]}", alt)]}


def _reactive_eligible(ids: list[Any] | QuerySet[Any], as_of: date) -> set[Any]:
    """Of ``ids`` (a list, or a query of ``person_id``), those eligible for reactive management on ``as_of``."""
    spans: dict[Any, list[rules.LevelSpan]] = defaultdict(list)
    for pid, lvl, vf, vt in RiskLevelSpell.objects.filter(person_id__in=ids, valid_from__lte=as_of).values_list(
            "person_id", "level", "valid_from", "valid_to"):
        spans[pid].append((lvl, vf, vt))
    notices = dict(Intelligence.objects.filter(person_id__in=ids, received_on__lte=as_of).values("person_id")
                   .annotate(m=Max("received_on"))
                   .values_list("person_id", "m"))
    return {pid for pid, s in spans.items() if rules.reactive_eligibility(s, as_of, notices.get(pid))[0]}


def capacity_json(c: dict[str, Any]) -> dict[str, Any]:
    def one(x: rules.Capacity) -> dict[str, Any]:
        return {"policy": x.policy, "start": x.start.isoformat(), "end": x.end.isoformat(), "visits": x.visits,
                "assessments": x.assessments, "hours_required": x.hours_required,
                "hours_available": x.hours_available, "shortfall_hours": x.shortfall_hours,
                "will_be_missed": x.will_be_missed, "done": x.done}

    return {"as_of": c["as_of"].isoformat(), "months": c["months"], "what_if": c["what_if"],
            "units": [{"force": u["force"].code, "officers": u["officers"], "reactive_eligible": u["eligible"],
                       "current": one(u["current"]), "what_if": one(u["what_if"])} for u in c["units"]],
            "first_missed": [{"person_id": str(r["person_id"]), "reference": r["reference"], "kind": r["kind"],
                              "due": r["due"].isoformat(), "level": r["level"]} for r in c["first_missed"]]}



def manager_options(person: Person) -> list[tuple[str, str]]:
    """Who may be a registrant's offender manager: the active workers of the owning force (and the unit queue)."""
    users = (User.objects.filter(is_active=True, force_id=person.owning_force_id, role__in=permissions.worker_roles())
             .order_by("last_name", "first_name", "username"))
    return [("", "Unassigned (unit queue)"), *((u.username, u.get_full_name() or u.username) for u in users)]


def policy_versions(force: Force, limit: int = 20) -> list[VisitPolicy]:
    """A force's visit policy versions, newest first (each closed when the next was saved)."""
    return list(VisitPolicy.objects.filter(force=force).select_related("created_by").order_by("-valid_from", "-id")
                [:limit])
