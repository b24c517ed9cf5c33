"""The management facts of registrants as at a date, read in batches, and each force's visit policy: what the pure
rules (``rules.evaluate``) are given, for the stored outcome and the reads alike."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from tether.access.models import Force
from tether.core.models import holds_on_q
from tether.core.streams import chunks
from tether.register.constants import DetentionKind, RegisterStatus
from tether.register.models import Detention, Person, RegisterState
from tether.register.selectors import as_date, by_stored_id, ids_in, stored_rows

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


CHUNK = 2000  # people a statement reads or writes

RECORDS = (RiskLevelSpell, MappaSpell, ModeSpell, ManagerSpell, Visit, Assessment, Intelligence)


def in_scope_q() -> Q:
    """A ``Person`` filter: under management duties (its force manages in Tether, having set a visit policy, or it
    has a management record of any kind): one statement of EXISTS, each probing an index."""
    cond = Q(Exists(VisitPolicy.objects.filter(force_id=OuterRef("owning_force_id"))))
    for model in RECORDS:
        cond |= Q(Exists(model.objects.filter(person_id=OuterRef("pk"))))
    return cond


def _in_scope(ids: Sequence[Any], scope: QuerySet[Any] | None = None) -> set[Any]:
    """Of ``ids``, those under management duties (``in_scope_q``). With ``scope`` (a query of the same ids'
    ``person_id``), the read filters by it (a semi-join) rather than by the list."""
    found = Person.objects.filter(in_scope_q(), pk__in=scope if scope is not None else ids_in(ids))
    return set(found.values_list("pk", flat=True)) & set(ids)


def one_params(person_pk: Any, as_of: date, force: Any = None) -> dict[str, Any]:
    """``one_statement``'s parameters: the person's key (as the database holds it), the day, the force."""
    return {"p": Person._meta.pk.get_db_prep_value(person_pk, connection), "d": as_of, "f": force,
            "custody": DetentionKind.CUSTODY, "seen": VisitOutcome.SEEN}


def holds_sql(alias: str) -> str:
    """``one_statement``'s condition that the spell ``alias`` is the person's and holds on the day."""
    q = connection.ops.quote_name
    return (f"{alias}.{q('person_id')} = %(p)s AND {alias}.{q('valid_from')} <= %(d)s AND "
            f"({alias}.{q('valid_to')} IS NULL OR {alias}.{q('valid_to')} > %(d)s)")


def one_statement(columns: Sequence[str] = (), joins: Sequence[str] = (), order: Sequence[str] = (),
                  force: str = "%(f)s") -> str:
    """One statement that reads what ``facts_for`` reads for one registrant (``%(p)s``) on a day (``%(d)s``), and
    the force's current visit policy: ``columns`` first (the caller's own, which may use the aliases ``r``, the risk
    level spell holding on the day, and ``o``, the mode spell, and the caller's ``joins``), then the facts
    (``one_facts`` reads them from the row past the caller's columns). ``force`` is the force's SQL (a parameter, or
    a subquery). Spells of a kind do not overlap; ordered by each one's (valid_from, id), the first row holds the
    first of each, as ``.first()`` would read it."""
    q = connection.ops.quote_name
    t = {m: q(m._meta.db_table) for m in (RiskLevelSpell, ModeSpell, Visit, Assessment, Intelligence, VisitPolicy,
                                          RegisterState, Detention)}
    pid, kind = q("person_id"), q("kind")
    custody = f"FROM {t[Detention]} c WHERE c.{pid} = %(p)s AND c.{kind} = %(custody)s"
    current = f"{custody} AND c.{q('start')} <= %(d)s AND (c.{q('end')} IS NULL OR c.{q('end')} > %(d)s)"
    arms = (f"FROM {t[Assessment]} a WHERE a.{pid} = %(p)s AND a.{q('tool')} = 'arms' "
            f"AND a.{q('assessed_on')} <= %(d)s ORDER BY a.{q('assessed_on')} DESC, a.{q('id')} DESC LIMIT 1")
    recorded = " OR ".join(f"EXISTS (SELECT 1 FROM {q(m._meta.db_table)} WHERE {pid} = %(p)s)"  # noqa: S608
                           for m in RECORDS)
    facts = [
        f"r.{q('level')}", f"o.{q('mode')}", f"o.{q('valid_from')}", f"o.{q('plan_months')}",
        f"st.{pid}", f"st.{q('registration_start')}", f"st.{q('subject')}", f"st.{q('status')}",
        f"st.{q('registration_end')}", f"st.{q('indefinite')}",
        f"(SELECT MAX(c.{q('end')}) {custody} AND c.{q('end')} <= %(d)s)",
        f"EXISTS (SELECT 1 {current})", f"(SELECT MAX(c.{q('end')}) {current})",
        f"(SELECT MAX(v.{q('visited_on')}) FROM {t[Visit]} v "  # noqa: S608
        f"WHERE v.{pid} = %(p)s AND v.{q('outcome')} = %(seen)s AND v.{q('visited_on')} <= %(d)s)",
        f"(SELECT a.{q('assessed_on')} {arms})", f"(SELECT a.{q('next_review')} {arms})",
        f"(SELECT MAX(i.{q('received_on')}) FROM {t[Intelligence]} i WHERE i.{pid} = %(p)s "  # noqa: S608
        f"AND i.{q('received_on')} <= %(d)s)",
        f"(EXISTS (SELECT 1 FROM {t[VisitPolicy]} WHERE {q('force_id')} = {force}) OR {recorded})",  # noqa: S608
        f"vp.{q('id')}", f"vp.{q('kind')}", f"vp.{q('arms_days')}", f"vp.{q('arms_review_months')}",
    ]
    return (  # the models' own names only: every value is a parameter
        f"SELECT {', '.join([*columns, *facts])} FROM (SELECT 1 AS {q('one')}) x "  # noqa: S608
        f"LEFT JOIN {t[RiskLevelSpell]} r ON {holds_sql('r')} LEFT JOIN {t[ModeSpell]} o ON {holds_sql('o')} "
        f"{' '.join(joins)} LEFT JOIN {t[RegisterState]} st ON st.{pid} = %(p)s "
        f"LEFT JOIN {t[VisitPolicy]} vp ON vp.{q('force_id')} = {force} AND vp.{q('valid_to')} IS NULL "
        f"ORDER BY {', '.join([f'r.{q(c)}' for c in ('valid_from', 'id')] + list(order))}, "
        f"o.{q('valid_from')}, o.{q('id')}, vp.{q('valid_from')}"
    )


def one_facts(row: Sequence[Any], as_of: date) -> tuple[R.Facts, R.Policy, date | None]:
    """The facts, the force's rules policy and the end of the custody holding on the day (None when none, or
    when it has no end) from ``one_statement``'s row past the caller's columns."""
    (level, mode, mode_since, plan, st_person, st_start, st_subject, st_status, st_end, st_indefinite, released,
     custody, custody_end, seen, arms_on, arms_review, intel, in_scope, vp_id, vp_kind, vp_days, vp_months) = row
    state = ((as_date(st_start) if st_subject else None, st_status, as_date(st_end), bool(st_indefinite))
             if st_person is not None else None)
    facts = R.Facts(
        managed_from=managed_from(state, as_date(released), as_of), in_custody=bool(custody), risk_level=level,
        mode=mode or R.ACTIVE, mode_since=as_date(mode_since), plan_months=plan, last_seen_visit=as_date(seen),
        last_arms=as_date(arms_on), arms_next_review=as_date(arms_review), intelligence_on=as_date(intel),
        in_scope=bool(in_scope))
    policy = (R.Policy(kind=vp_kind, arms_days=vp_days, arms_review_months=vp_months) if vp_id is not None
              else R.Policy())
    return facts, policy, as_date(custody_end)


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


def facts_for(person_ids: Sequence[Any] | QuerySet[Any], as_of: date, *, all_in_scope: bool = False,
              in_custody: Collection[Any] | None = None) -> dict[Any, R.Facts]:
    """``R.Facts`` for each registrant on ``as_of`` (only what was recorded on or before it). ``person_ids`` is a list
    (read in chunks, each passed as a list), or a query of ``person_id`` (a force's stored outcomes, say): read in
    one pass, each read filtered by it as a subquery (no list of ids sent to the database). Only the columns the
    rules need are read. ``all_in_scope``: the caller has read that every one is under management duties
    (``in_scope_q``), so that is not read again. ``in_custody``: the caller has read who of them is in custody on
    ``as_of`` (their ids), so that is not read again either."""
    if isinstance(person_ids, QuerySet):
        ids = list(person_ids.values_list("person_id", flat=True))
        return _facts(ids, as_of, person_ids.values("person_id"), all_in_scope, in_custody) if ids else {}
    out: dict[Any, R.Facts] = {}
    for chunk in chunks(list(person_ids), CHUNK):
        out.update(_facts(chunk, as_of, None, all_in_scope, in_custody))
    return out


def in_custody_on(as_of: date) -> QuerySet[Detention]:
    """Custody holding on the day: started on or before it, not ended by it."""
    return Detention.objects.filter(Q(end__isnull=True) | Q(end__gt=as_of), kind=DetentionKind.CUSTODY,
                                    start__lte=as_of)


def _facts(ids: Sequence[Any], as_of: date, scope: QuerySet[Any] | None, all_in_scope: bool,
           in_custody: Collection[Any] | None) -> dict[Any, R.Facts]:
    """The reads run as the ORM builds them; their rows are taken as the database gives them (``stored_rows``) and
    looked up by each person's id as stored (``by_stored_id``; hex text on SQLite), each date read by ``as_date``."""
    of: Any = scope if scope is not None else ids_in(ids)
    def latest(query: QuerySet[Any], column: str) -> dict[Any, date]:
        return {pid: as_date(on) for pid, on in stored_rows(query.values("person_id").annotate(m=Max(column)).order_by()
                                                       .values_list("person_id", "m"))}

    states = {pid: (as_date(start) if subject else None, status, as_date(end), bool(indefinite))
              for pid, start, subject, status, end, indefinite in stored_rows(
                  RegisterState.objects.filter(person_id__in=of).values_list(
                      "person_id", "registration_start", "subject", "status", "registration_end", "indefinite"))}
    released = latest(Detention.objects.filter(person_id__in=of, kind=DetentionKind.CUSTODY, end__lte=as_of), "end")
    key = by_stored_id(ids)
    custody = ({stored for stored, pid in key.items() if pid in in_custody} if in_custody is not None else
               {pid for pid, in stored_rows(in_custody_on(as_of).filter(person_id__in=of).values_list("person_id"))})
    levels = dict(stored_rows(RiskLevelSpell.objects.filter(holds_on_q(as_of), person_id__in=of)
                       .values_list("person_id", "level")))
    modes = {pid: (mode, as_date(since), plan) for pid, mode, since, plan in stored_rows(ModeSpell.objects.filter(
        holds_on_q(as_of), person_id__in=of).values_list("person_id", "mode", "valid_from", "plan_months"))}
    seen = latest(Visit.objects.filter(person_id__in=of, outcome=VisitOutcome.SEEN, visited_on__lte=as_of),
                  "visited_on")
    arms: dict[Any, tuple[date, date | None]] = {}
    for pid, on, review in stored_rows(Assessment.objects.filter(person_id__in=of, tool="arms", assessed_on__lte=as_of)
                                .order_by("person_id", "assessed_on", "id")
                                .values_list("person_id", "assessed_on", "next_review")):
        arms[pid] = (as_date(on), as_date(review))
    intel = latest(Intelligence.objects.filter(person_id__in=of, received_on__lte=as_of), "received_on")
    in_scope = set(ids) if all_in_scope else _in_scope(ids, scope)
    out: dict[Any, R.Facts] = {}
    for stored, pid in key.items():
        mode = modes.get(stored)
        last = arms.get(stored)
        out[pid] = R.Facts(
            managed_from=managed_from(states.get(stored), released.get(stored), as_of), in_custody=stored in custody,
            risk_level=levels.get(stored),
            mode=mode[0] if mode else R.ACTIVE, mode_since=mode[1] if mode else None,
            plan_months=mode[2] if mode else None, last_seen_visit=seen.get(stored),
            last_arms=last[0] if last else None, arms_next_review=last[1] if last else None,
            intelligence_on=intel.get(stored), in_scope=pid in in_scope,
        )
    return out
