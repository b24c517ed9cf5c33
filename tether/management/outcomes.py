"""The stored outcome (``ManagementState``) kept in step by every management write (and re-checked by the sweep
step before it records a breach)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper

from tether.core import clock
from tether.core.streams import chunks
from tether.register.models import Person, RegisterState
from tether.register.plain_rows import Table
from tether.register.selectors import as_date, as_uuid, by_stored_id, ids_in, stored_rows

from . import rules as R
from .facts import CHUNK, facts_for, in_custody_on, in_scope_q, one_facts, one_params, one_statement, policies_for
from .models import ManagementState
from .stored import changed as counts_changed


def duty_json(d: R.Duty) -> dict[str, Any]:
    return {"kind": d.kind, "due": d.due.isoformat(), "reason": d.reason, "citation": d.citation}


_COMPARED = ("force_id", "risk_level", "mode", "visit_due", "assessment_kind", "assessment_due", "next_due", "duties",
             "recheck_on", "rules_version")
"""The stored outcome's fields that tell whether it changed (not the date it was evaluated on)."""


def _facts(scoped: list[Any], as_of: date, in_custody: Collection[Any]) -> dict[Any, R.Facts]:
    """``facts_for`` these people, every one under management duties and ``in_custody`` those in custody
    (``_many`` has read both); on PostgreSQL read through their stored outcomes as one array-filtered query
    (``facts_for`` takes a query of ``person_id``), then anyone without a stored outcome as a list."""
    if connection.vendor != "postgresql":
        return facts_for(scoped, as_of, all_in_scope=True, in_custody=in_custody)
    out = facts_for(RegisterState.objects.filter(person_id__in=ids_in(scoped)), as_of, all_in_scope=True,
                    in_custody=in_custody)
    rest = [pid for pid in scoped if pid not in out]
    if rest:
        out.update(facts_for(rest, as_of, all_in_scope=True, in_custody=in_custody))
    return out


Evaluated = dict[Any, tuple[int, R.Facts, R.Policy, date | None]]
"""Per registrant: the force, the facts, the force's policy and the end of the custody holding on the day."""


def _one(pid: Any, as_of: date) -> Evaluated:
    """``_many`` for one registrant, in one statement (``facts.one_statement``): what a write of one record asks."""
    q = connection.ops.quote_name
    force = (f"(SELECT {q('owning_force_id')} FROM {q(Person._meta.db_table)} "  # noqa: S608 - the model's names
             f"WHERE {q(Person._meta.pk.attname)} = %(p)s)")
    with connection.cursor() as cursor:
        cursor.execute(one_statement(columns=[force], force=force), one_params(pid, as_of))
        row = cursor.fetchone()
    if row[0] is None:
        return {}
    facts, policy, custody_end = one_facts(row[1:], as_of)
    return {pid: (row[0], facts, policy, custody_end)}


def _many(ids: list[Any], as_of: date) -> Evaluated:
    """The facts of these registrants, in batches (``facts.facts_for``). A registrant out of management's scope
    (``facts.in_scope_q``) has no duties whatever else is recorded, so only custody (the re-check date) is read."""
    forces: dict[Any, int] = {}
    scoped: list[Any] = []
    ids = [as_uuid(pid) for pid in ids]
    key = by_stored_id(ids)  # the rows as stored (``stored_rows``): no converter runs for each id
    for pid, fid, in_scope in stored_rows(Person.objects.filter(pk__in=ids_in(ids)).annotate(
            in_scope=ExpressionWrapper(in_scope_q(), output_field=BooleanField())).values_list(
            "pk", "owning_force_id", "in_scope")):
        forces[key[pid]] = fid
        if in_scope:
            scoped.append(key[pid])
    custody_ends: dict[Any, date | None] = {}
    for stored, stored_end in stored_rows(in_custody_on(as_of).filter(person_id__in=ids_in(ids))
                                          .values_list("person_id", "end")):
        pid, end = key[stored], as_date(stored_end)
        custody_ends[pid] = max(end, custody_ends.get(pid) or end) if end is not None else custody_ends.get(pid)
    facts = _facts(scoped, as_of, custody_ends) if scoped else {}
    policies = policies_for(set(forces.values()))
    return {pid: (fid, facts.get(pid) or R.Facts(managed_from=None, in_custody=pid in custody_ends, in_scope=False),
                  policies[fid].rules, custody_ends.get(pid)) for pid, fid in forces.items()}


_COLUMNS = ("person_id", *_COMPARED, "evaluated_on")
"""A stored outcome as a plain row (``register.plain_rows``): the person, the compared fields, the evaluation date."""


def materialise(person_ids: Sequence[Any], as_of: date | None = None) -> int:
    """Evaluate and store the outcome of each registrant (inside the caller's transaction). Returns how many were
    evaluated. An outcome the same as the stored one (but for ``evaluated_on``) is not written again: the stored row
    keeps the date of the evaluation that gave it. The rest are written as plain rows
    (``register.plain_rows.Table.upsert``: an insert that replaces the stored row), not model instances: the demo
    register and the sweep store tens of thousands at once."""
    as_of = as_of or clock.today()
    ids = list(person_ids)
    rows = []
    for pid, (fid, f, policy, custody_end) in (_one(ids[0], as_of) if len(ids) == 1 else _many(ids, as_of)).items():
        outcome = R.evaluate(f, as_of, policy)
        visit = outcome.due(R.HOME_VISIT)
        assessment = outcome.due(R.ARMS_INITIAL) or outcome.due(R.ARMS_REVIEW)
        rows.append((
            pid, fid, f.risk_level or "", f.mode, visit.due if visit else None, assessment.kind if assessment else "",
            assessment.due if assessment else None, outcome.next_due, [duty_json(d) for d in outcome.duties],
            (custody_end or as_of + timedelta(days=28)) if f.in_custody else None, R.RULES_VERSION, as_of))
    evaluated = len(rows)
    stored: dict[Any, tuple[Any, ...]] = {}
    for chunk in chunks([row[0] for row in rows], CHUNK):
        stored.update((pid, tuple(rest)) for pid, *rest in ManagementState.objects.filter(person_id__in=ids_in(chunk))
                      .values_list("person_id", *_COMPARED))
    rows = [row for row in rows if stored.get(row[0]) != row[1:-1]]
    if rows:  # stored outcomes written: today's caseload and capacity counts (management.stored) of their forces (as
        # stored before, the first compared field, and now) are stale once this commits (a management write moves
        # them on itself, changed outcome or not)
        counts_changed({row[1] for row in rows} | {stored[row[0]][0] for row in rows if row[0] in stored})
    table = Table(ManagementState, _COLUMNS)
    for chunk in chunks(rows, CHUNK):  # one stored since it was read (another write of the same registrant) is replaced
        table.upsert(chunk, "person")
    return evaluated
