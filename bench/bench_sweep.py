"""Benchmark the compliance sweep and the full re-materialisation on a large register.

Run: ``.venv/bin/python bench/bench_sweep.py [--registrants N] [--repeats R] [--no-recompute] [--quiet]``

- SQLite by default (100,000 registrants): a throwaway database in a temporary directory, migrated first.
- PostgreSQL when DATABASE_URL names a database whose name contains "bench" (1,000,000 registrants by
  default), e.g. ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/tether_bench``: it is dropped and created
  fresh, and dropped again at the end (``--keep`` keeps it).

The register is built FAST with raw bulk SQL (``INSERT ... SELECT`` over a generated series), not with the
demo generator: per registrant one Person, one Disposal (a fine, 5-year notification period) and one initial
Notification, plus the RegisterState and two PersonObligation rows the rules engine gives for those facts
(evaluated once per distinct last-notification date and jurisdiction, then copied). So the stored state is
exactly what ``rematerialise`` would write, and the sweep's re-evaluation and the recompute do real work.
Last notifications are spread so that on the bench date A (2025-06-16): 0.5% are already overdue (a
backlog), 1% fall due on A itself (they become overdue on A+1), the rest fall due within the next year.
Each stored ``changes_on`` is the engine's: for most registrants the day after their periodic deadline (for
the backlog, the day after the registration ends), so the 1% due on A are re-evaluated by the sweep of A+1.

With ``--no-management`` (notifications only) no management facts are planted, but every registrant has the stored
management outcome (``ManagementState``, with no duties) that Tether stores for a registrant whose legal outcome it
wrote (``plant_unmanaged_states``). Otherwise management facts are planted too: a visit policy for every force, and
per registrant a risk level (very high 2%, high 18%, medium 30%, low 50%), the last home visit at which they were
seen (on or before A), an ARMS assessment with its review date, and the stored ``ManagementState`` as the
management rules give it on A. Visits and reviews fall due like the notifications, on the same registrants: 0.5%
before A, 1% on A, so on A+1 the same 1% of registrants are newly overdue on their notification, their home visit
and their ARMS review (10,000 of each at 1M). Targets at 1M on PostgreSQL: nothing new <= 1 s; 1% newly overdue
<= 2 s for notifications alone, <= 10 s for the three kinds together.

Timed, each with its ratio to the raw SQL baseline (``SELECT COUNT(*)`` of overdue open obligations on the
same date, median of 5):
1. ``sweep(A)`` on the fresh register: records the backlog (0.5%);
2. ``sweep(A)`` again, nothing new (median and p95 of R runs): target < 1 s on PostgreSQL at 1M;
3. ``sweep(A+1)``: 1% newly overdue (re-evaluated, breached, tasked, audited): target < 2 s;
4. ``recompute(A+1)``: every registrant re-evaluated in batches (``--workers`` processes, default one per
   CPU): target < 60 s at 1M. Nearly every outcome is unchanged (nothing is written for those; the rest are
   rewritten), with the seconds spent reading, evaluating, comparing, writing and in the hooks
   (``phase_seconds``, added up over the workers);
5. ``recompute(A+400)``: the same when every outcome has changed, so every row is rewritten (the worst case,
   as after a rules change that touches everyone).
``--snapshot NAME`` (PostgreSQL): build once and keep a copy of the built register as the database NAME; later
runs copy it (``CREATE DATABASE ... TEMPLATE``, seconds; on PostgreSQL 15 a file copy, ``STRATEGY = FILE_COPY``,
rather than a copy written through the write-ahead log that the server would write out during the timed sweeps)
instead of building again (about 7 minutes at 1M; a snapshot built without management facts gets them planted and is
saved again). On PostgreSQL each timed step starts after a ``CHECKPOINT``: what the step before left to write does
not weigh on it.
Each timing is printed with the CPU seconds of this process and of the database (``cpu_seconds``; on PostgreSQL on this
machine every PostgreSQL process, the backends of the sweep's other connections included: on a shared machine the
wall clock mostly measures the others), and the 1% sweep with its ``phase_seconds`` and what its re-evaluation of the
registrants whose ``changes_on`` came changed of their stored outcomes (``reevaluated_outcome_changes``: how many had
each column of their state and obligations changed).
``--profile FILE``: the 1% sweep under cProfile (statistics to FILE) with its costliest statements
(``sweep_one_percent_sql``). ``--digest FILE``: what the sweeps (and the recompute) produced, table by table
(breaches, tasks, audit events with their ids replaced by what they name, stored outcomes), so that a run of the code
before a change and one after, each on a copy of the same snapshot, can be compared (``--compare-with`` the earlier
file: ``digest_same_as``).
Prints one JSON object.
"""

# ruff: noqa: S608  (the SQL here is built from integers and constants, never from input)
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import pct, run_on_throwaway_database, timed_steps  # noqa: E402

A = date(2025, 6, 16)
TEMPLATES = 1000  # distinct last-notification dates
BACKLOG = 5  # of TEMPLATES: 0.5% already overdue on A
DUE_ON_A = 10  # of TEMPLATES: 1% due on A, overdue on A+1
LATER_DAYS = 400  # a second recompute this long after A: every stored outcome has changed by then
# at 1M on PostgreSQL: 1% newly overdue notifications alone within 2 s; with management planted, 1% newly overdue
# across notifications, home visits and ARMS reviews together within 10 s
TARGETS = {"sweep_nothing_new_s": 1.0, "sweep_one_percent_new_s": 2.0, "sweep_one_percent_all_kinds_s": 10.0,
           "recompute_s": 60.0}


def _last_notification(k: int) -> date:
    """The last (initial) notification date of template ``k``; the periodic one is due a year later."""
    year_before = A.replace(year=A.year - 1)
    if k < BACKLOG:
        return year_before - timedelta(days=1 + 10 * k)  # due 1..41 days before A
    if k < BACKLOG + DUE_ON_A:
        return year_before  # due on A
    span = TEMPLATES - BACKLOG - DUE_ON_A
    return year_before + timedelta(days=1 + (k - BACKLOG - DUE_ON_A) * 360 // span)


def _templates() -> list[dict[str, Any]]:
    """The engine's outcome for each (template, jurisdiction): state and obligation rows to copy."""
    from tether.obligations import evaluate
    from tether.obligations import types as t

    out = []
    for jurisdiction in ("england-wales", "scotland", "northern-ireland"):
        for k in range(TEMPLATES):
            last = _last_notification(k)
            facts = t.Facts(jurisdiction=jurisdiction, date_of_birth=date(1980, 1, 1),  # type: ignore[arg-type]
                            disposals=(t.Disposal(date=last - timedelta(days=1), kind="other"),),
                            notifications=(t.Notification(kind="initial", date=last),))
            outcome = evaluate(facts, A)
            reg = outcome.registration
            out.append({"k": k, "jurisdiction": jurisdiction, "last": last, "outcome": outcome, "reg": reg})
    return out


def build(connection: Any, n: int, quiet: bool) -> dict[str, Any]:
    """Insert N registrants with raw SQL. Returns row counts and seconds."""
    from tether.access.models import Force

    pg = connection.vendor == "postgresql"
    t0 = time.perf_counter()
    forces = list(Force.objects.order_by("pk"))
    templates = _templates()
    now = datetime(2025, 6, 16, 8, 0, tzinfo=UTC)
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_force (n integer, id integer, jurisdiction varchar(20))")
        cur.executemany("INSERT INTO bench_force VALUES (%s, %s, %s)",
                        [(i, f.pk, f.jurisdiction) for i, f in enumerate(forces)])
        cur.execute(
            "CREATE TEMP TABLE bench_tpl (k integer, jurisdiction varchar(20), last date, next_due date,"
            " reg_start date, reg_end date, rules_version varchar(20), changes_on date)"
        )
        cur.executemany("INSERT INTO bench_tpl VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", [
            (tp["k"], tp["jurisdiction"], tp["last"], tp["outcome"].next_due, tp["reg"].start, tp["reg"].end,
             tp["outcome"].rules_version, tp["outcome"].changes_on) for tp in templates])
        cur.execute(
            "CREATE TEMP TABLE bench_obl (k integer, jurisdiction varchar(20), kind varchar(20), trig date,"
            " due date, status varchar(10), met_on date, is_open boolean, citation varchar(80), explanation text,"
            " ord integer)"
        )
        # ``ord``: the engine's order, in which ``rematerialise`` writes a person's obligations (so their ids follow it)
        cur.executemany("INSERT INTO bench_obl VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", [
            (tp["k"], tp["jurisdiction"], o.kind, o.trigger, o.due, o.status, o.met_on,
             o.status != "met" and tp["reg"].subject, o.citation, o.explanation, n)
            for tp in templates for n, o in enumerate(tp["outcome"].obligations)])

        if pg:
            series = f"SELECT i FROM generate_series(0, {int(n) - 1}) AS g(i)"
            pid = "('00000000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid"
            ref = "'B' || lpad(i::text, 9, '0')"
            dob = "DATE '1980-01-01' + (i %% 3650)"
        else:
            series = (f"WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i + 1 < {int(n)})"
                      " SELECT i FROM g")
            pid = "'00000000000070008000' || printf('%%012x', i)"
            ref = "'B' || printf('%%09d', i)"
            dob = "date('1980-01-01', '+' || (i %% 3650) || ' days')"
        nforces = len(forces)
        steps = [
            ("people_person",
             "INSERT INTO people_person (id, reference, date_of_birth, sex, ni_number, pnc_id, synthetic,"
             " owning_force_id, display_name, sort_name, offender_manager_id, version, created_at, updated_at)"
             f" SELECT {pid}, {ref}, {dob}, 'male', '', '', %s, f.id, 'BENCH, Person', 'bench person', NULL, 1,"
             f" %s, %s FROM ({series}) s JOIN bench_force f ON f.n = s.i %% {nforces}",
             [True, now, now]),
            ("register_disposal",
             "INSERT INTO register_disposal (person_id, date, offence, offence_code, kind, months, tier,"
             " age_at_date, court, created_at)"
             f" SELECT {pid}, {_minus_day(pg, 't.last')}, 'Bench offence (synthetic)', '', 'other', NULL, NULL,"
             f" 40, '', %s FROM ({series}) s JOIN bench_force f ON f.n = s.i %% {nforces}"
             f" JOIN bench_tpl t ON t.k = s.i %% {TEMPLATES} AND t.jurisdiction = f.jurisdiction",
             [now]),
            ("register_notification",
             "INSERT INTO register_notification (person_id, kind, received_at, received_on, station, officer_id,"
             " officer_label, no_fixed_abode, details, change, given, created_at)"
             f" SELECT {pid}, 'initial', {_at_ten(pg, 't.last')}, t.last, 'Bench Police Station', NULL, '',"
             f" %s, '{{}}', '', '{{}}', %s FROM ({series}) s JOIN bench_force f ON f.n = s.i %% {nforces}"
             f" JOIN bench_tpl t ON t.k = s.i %% {TEMPLATES} AND t.jurisdiction = f.jurisdiction",
             [False, now]),
            ("register_registerstate",
             "INSERT INTO register_registerstate (person_id, jurisdiction, status, subject, registration_start,"
             " registration_end, indefinite, review_eligible_from, next_due, rules_version, evaluated_on,"
             " evaluated_at, changes_on)"
             f" SELECT {pid}, f.jurisdiction, 'active', %s, t.reg_start, t.reg_end, %s, NULL, t.next_due,"
             f" t.rules_version, %s, %s, t.changes_on FROM ({series}) s JOIN bench_force f ON f.n = s.i %% {nforces}"
             f" JOIN bench_tpl t ON t.k = s.i %% {TEMPLATES} AND t.jurisdiction = f.jurisdiction",
             [True, False, A, now]),
            ("register_personobligation",
             "INSERT INTO register_personobligation (person_id, kind, trigger, due, status, met_on, open,"
             " citation, explanation)"
             f" SELECT {pid}, o.kind, o.trig, o.due, o.status, o.met_on, o.is_open, o.citation, o.explanation"
             f" FROM ({series}) s JOIN bench_force f ON f.n = s.i %% {nforces}"
             f" JOIN bench_obl o ON o.k = s.i %% {TEMPLATES} AND o.jurisdiction = f.jurisdiction"
             " ORDER BY s.i, o.ord",
             []),
        ]
        seconds = timed_steps(cur, steps, quiet=quiet)
        t = time.perf_counter()
        cur.execute("ANALYZE")
        seconds["analyze"] = round(time.perf_counter() - t, 2)
    rows = {}
    with connection.cursor() as cur:
        for table, *_ in steps:
            cur.execute(f"SELECT COUNT(*) FROM {table}")
            rows[table] = cur.fetchone()[0]
    return {"method": "raw bulk SQL (INSERT ... SELECT over a generated series), not the demo generator",
            "seconds": round(time.perf_counter() - t0, 2), "steps_seconds": seconds, "rows": rows}


LEVELS = (("very_high", 1), ("high", 9), ("medium", 15), ("low", 25))  # of 50: the published shares
MANAGEMENT_TABLES = ("management_risklevelspell", "management_visit", "management_assessment",
                     "management_managementstate")


def _level_of(r: int) -> str:
    for level, share in LEVELS:
        if r < share:
            return level
        r -= share
    return "low"


def _target(k: int, horizon: int) -> date:
    """The day a duty of template ``k`` falls due: 0.5% before A (a backlog), 1% on A, the rest over the next
    ``horizon`` days (spread the same way as the notifications)."""
    if k < BACKLOG:
        return A - timedelta(days=1 + 10 * k)
    if k < BACKLOG + DUE_ON_A:
        return A
    span = TEMPLATES - BACKLOG - DUE_ON_A
    return A + timedelta(days=1 + (k - BACKLOG - DUE_ON_A) * (horizon - 1) // span)


def _management_templates(templates: list[dict[str, Any]], policies: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Per (template, jurisdiction, risk level): the last visit at which the registrant was seen, the ARMS
    assessment (on the last notification's day) and its review date, and the stored outcome the management rules
    give for them on A. The same templates as the notifications, so the 1% whose notification falls due on A have
    their home visit and their ARMS review due on A too: on A+1 each becomes newly overdue on all three. Every last
    visit is on or before A (a visit due d, ``months`` apart, was seen ``months`` before d: d is at most ``months``
    after A)."""
    import json

    from tether.management import rules as R
    from tether.management.outcomes import duty_json
    from tether.obligations.calendar import add_months

    out = []
    for tp in templates:
        reg = tp["reg"]
        policy = policies[tp["jurisdiction"]]
        review = _target(tp["k"], 365)
        for level, _ in LEVELS:
            months = R.FIXED_MONTHS[level]
            due = _target(tp["k"], (add_months(A, months) - A).days)
            seen = add_months(due if due.day <= 28 else due.replace(day=28), -months)
            assert seen <= A, (tp["k"], level, seen)
            facts = R.Facts(managed_from=reg.start, risk_level=level, last_seen_visit=seen, last_arms=tp["last"],
                            arms_next_review=review)
            outcome = R.evaluate(facts, A, policy)
            visit = outcome.due(R.HOME_VISIT)
            arms = outcome.due(R.ARMS_INITIAL) or outcome.due(R.ARMS_REVIEW)
            out.append((tp["k"], tp["jurisdiction"], level, seen, review, visit.due if visit else None,
                        arms.kind if arms else "", arms.due if arms else None, outcome.next_due,
                        json.dumps([duty_json(d) for d in outcome.duties])))
    return out


def plant_management(connection: Any, n: int, quiet: bool) -> dict[str, Any]:
    """Risk-led management for every registrant, as raw rows consistent with the management rules: a visit policy
    (fixed minimums) for every force, so everyone is under the duties; per registrant a risk level in the published
    shares (very high 2%, high 18%, medium 30%, low 50%; independent of the notification template), the last home
    visit at which they were seen, an ARMS assessment with the review date the assessor set, and the stored
    ``ManagementState`` exactly as ``management.outcomes.materialise`` writes it on A. Visits and reviews fall due
    like the notifications: 0.5% before A, 1% on A (the same registrants), the rest later."""
    from tether.access.models import Force
    from tether.management import rules as R
    from tether.management.facts import policy_view
    from tether.management.models import VisitPolicy

    pg = connection.vendor == "postgresql"
    t0 = time.perf_counter()
    now = datetime(2025, 6, 16, 8, 0, tzinfo=UTC)
    policies = {}
    for f in Force.objects.order_by("pk"):
        row, _ = VisitPolicy.objects.get_or_create(force=f, valid_to=None,
                                                   defaults={"kind": "fixed", "valid_from": now})
        policies.setdefault(f.jurisdiction, policy_view(row).rules)
    assert all(p == next(iter(policies.values())) for p in policies.values())
    rows = _management_templates(_templates(), policies)
    with connection.cursor() as cur:
        # a snapshot built without management facts holds the stored outcome of "no duties" for everyone
        # (``plant_unmanaged_states``): the outcome planted below replaces it
        cur.execute("DELETE FROM management_managementstate")
        cur.execute("DROP TABLE IF EXISTS bench_mforce")
        cur.execute("CREATE TEMP TABLE bench_mforce (id integer, jurisdiction varchar(20))")
        cur.executemany("INSERT INTO bench_mforce VALUES (%s, %s)",
                        [(f.pk, f.jurisdiction) for f in Force.objects.order_by("pk")])
        cur.execute("DROP TABLE IF EXISTS bench_mgmt")
        cur.execute("CREATE TEMP TABLE bench_mgmt (k integer, jurisdiction varchar(20), level varchar(10), seen date,"
                    " review date, visit_due date, assessment_kind varchar(16), assessment_due date, next_due date,"
                    " duties text)")
        cur.executemany("INSERT INTO bench_mgmt VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)
        if pg:
            series = f"SELECT i FROM generate_series(0, {int(n) - 1}) AS g(i)"
            pid = "('00000000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid"
            at = "(m.seen + TIME '18:30')::timestamptz"
            duties = "m.duties::jsonb"
            last = "n.received_on"
        else:
            series = (f"WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i + 1 < {int(n)})"
                      " SELECT i FROM g")
            pid = "'00000000000070008000' || printf('%%012x', i)"
            at = "(m.seen || ' 18:30:00')"
            duties = "m.duties"
            last = "n.received_on"
        levels = " ".join(f"WHEN (s.i / {TEMPLATES}) %% 50 < {sum(x for _, x in LEVELS[:j + 1])} THEN '{lv}'"
                          for j, (lv, _) in enumerate(LEVELS[:-1]))
        src = (f" FROM ({series}) s JOIN people_person p ON p.id = {pid}"
               " JOIN bench_mforce f ON f.id = p.owning_force_id"
               f" JOIN bench_mgmt m ON m.k = s.i %% {TEMPLATES} AND m.jurisdiction = f.jurisdiction"
               f" AND m.level = CASE {levels} ELSE '{LEVELS[-1][0]}' END")
        steps = [
            ("management_risklevelspell",
             "INSERT INTO management_risklevelspell (person_id, level, source, reason, set_by_id, valid_from,"
             f" valid_to) SELECT p.id, m.level, 'arms', 'Bench level (synthetic)', NULL, %s, NULL{src}",
             [date(2020, 1, 6)]),
            ("management_visit",
             "INSERT INTO management_visit (person_id, force_id, visited_at, visited_on, announced, attended_by,"
             f" outcome, concerns, actions, recorded_by_id, created_at) SELECT p.id, p.owning_force_id, {at},"
             f" m.seen, %s, 'PC Bench', 'seen', '', '', NULL, %s{src}", [False, now]),
            ("management_assessment",
             "INSERT INTO management_assessment (person_id, tool, assessed_on, assessor, category, summary,"
             f" next_review, recorded_by_id, created_at) SELECT p.id, 'arms', {last}, 'Bench assessor', '',"
             f" 'Bench summary (synthetic)', m.review, NULL, %s{src}"
             " JOIN register_notification n ON n.person_id = p.id", [now]),
            ("management_managementstate",
             "INSERT INTO management_managementstate (person_id, force_id, risk_level, mode, visit_due,"
             " assessment_kind, assessment_due, next_due, duties, recheck_on, rules_version, evaluated_on)"
             f" SELECT p.id, p.owning_force_id, m.level, 'active', m.visit_due, m.assessment_kind, m.assessment_due,"
             f" m.next_due, {duties}, NULL, %s, %s{src}", [R.RULES_VERSION, A]),
        ]
        seconds = timed_steps(cur, steps, quiet=quiet)
        cur.execute("ANALYZE")
    rows_out = {}
    with connection.cursor() as cur:
        for table in MANAGEMENT_TABLES:
            cur.execute(f"SELECT COUNT(*) FROM {table}")
            rows_out[table] = cur.fetchone()[0]
    return {"seconds": round(time.perf_counter() - t0, 2), "steps_seconds": seconds, "rows": rows_out}


def has_management(connection: Any) -> bool:
    """Whether management facts were planted (a risk level is the first of them)."""
    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM management_risklevelspell)")
        return bool(cur.fetchone()[0])


def has_management_states(connection: Any) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM management_managementstate)")
        return bool(cur.fetchone()[0])


def plant_unmanaged_states(connection: Any, quiet: bool) -> dict[str, Any]:
    """Notifications only (``--no-management``): the stored management outcome every registrant has in a register
    Tether wrote, where no management facts are recorded. Every write of a registrant's legal outcome evaluates
    their management duties too (the outcomes-written hook) and stores a ``ManagementState`` even for someone with
    none, so a register without them is not one Tether could hold: a sweep would pay for storing each first. One
    registrant of each force is evaluated by ``management.outcomes.materialise`` itself on A; the rest of the force
    (no management facts, no custody: the same facts) get a copy of that row."""
    from django.db import transaction

    from tether.management.outcomes import materialise
    from tether.register.models import Detention, Person

    assert not Detention.objects.exists(), "the copied rows assume no registrant is in custody"
    t0 = time.perf_counter()
    samples = [pk for pk in (Person.objects.filter(owning_force_id=fid).order_by("pk").values_list("pk", flat=True)
                             .first() for fid in Person.objects.order_by().values_list("owning_force_id", flat=True)
                             .distinct()) if pk is not None]
    columns = ("force_id, risk_level, mode, visit_due, assessment_kind, assessment_due, next_due, duties, recheck_on,"
               " rules_version, evaluated_on")
    with transaction.atomic():
        materialise(samples, A)
        with connection.cursor() as cur:
            for pk in samples:
                cur.execute(f"INSERT INTO management_managementstate (person_id, {columns})"
                            f" SELECT p.id, {', '.join('s.' + c.strip() for c in columns.split(','))}"
                            " FROM people_person p JOIN management_managementstate s ON s.person_id = %s"
                            " WHERE p.owning_force_id = s.force_id AND p.id <> s.person_id", [pk])
    with connection.cursor() as cur:
        cur.execute("ANALYZE management_managementstate")
        cur.execute("SELECT COUNT(*) FROM management_managementstate")
        count = cur.fetchone()[0]
    seconds = round(time.perf_counter() - t0, 2)
    if not quiet:
        print(f"  management_managementstate (no management facts): {seconds} s", file=sys.stderr, flush=True)
    return {"seconds": seconds, "rows": {"management_managementstate": count}}


def _minus_day(pg: bool, col: str) -> str:
    return f"({col} - 1)" if pg else f"date({col}, '-1 day')"


def _at_ten(pg: bool, col: str) -> str:
    # 10:00 UTC on the date (the same UK date)
    return f"({col} + TIME '10:00')::timestamptz" if pg else f"({col} || ' 10:00:00')"


def _admin_url() -> tuple[str, str]:
    """(the benchmark database's name, the maintenance URL)."""
    from urllib.parse import urlparse, urlunparse

    parts = urlparse(os.environ["DATABASE_URL"])
    return parts.path.lstrip("/"), urlunparse(parts._replace(path="/postgres", query=""))


def _copy_database(conn: Any, name: str, template: str) -> None:
    """``CREATE DATABASE name TEMPLATE template``: on PostgreSQL 15 a file copy (``STRATEGY = FILE_COPY``), checkpointed
    before it returns, rather than the default, which writes all of it to the write-ahead log for the server to write
    out through the timed sweeps that follow."""
    strategy = " STRATEGY = FILE_COPY" if conn.info.server_version >= 150000 else ""
    conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{strategy}')


def save_snapshot(connection: Any, snapshot: str) -> None:
    """Keep a copy of the freshly built register as the database ``snapshot`` (a file-level copy: PostgreSQL's
    ``CREATE DATABASE ... TEMPLATE``), so later runs with ``--snapshot`` start from it instead of building."""
    import psycopg

    name, admin = _admin_url()
    connection.close()  # a template must have no other session
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{snapshot}"')
        _copy_database(conn, snapshot, name)


def restore_snapshot(snapshot: str) -> bool:
    """Create the benchmark database afresh as a copy of ``snapshot`` when that exists; False when it does not."""
    import psycopg

    name, admin = _admin_url()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [snapshot]).fetchone() is None:
            return False
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _copy_database(conn, name, snapshot)
    return True


# What the sweep and the recompute produce, as rows with the values that vary from run to run (ids, clock
# times) left out or replaced by what they name, in an order of what they hold (the sweep's batches commit on two
# connections, so the order of their ids varies from run to run): two runs on the same snapshot give the same digest
# exactly when they produced the same breaches, tasks, audit events and stored outcomes.
DIGESTS = {
    "breaches": ("SELECT b.person_id, b.force_id, b.kind, b.trigger, b.due, b.citation, b.detected_on, b.case_id,"
                 " b.run_id IS NULL FROM compliance_breach b ORDER BY b.person_id, b.kind, b.due"),
    "tasks": ("SELECT t.person_id, t.force_id, t.case_id, b.person_id, b.kind, b.due, t.kind, t.title, t.assignee_id,"
              " t.due_on, t.due_at, t.state, t.outcome, t.note, t.created_on, t.playbook_version, t.version"
              " FROM compliance_task t LEFT JOIN compliance_breach b ON b.id = t.breach_id"
              " ORDER BY t.person_id, b.person_id, b.kind, b.due, t.kind, t.title"),
    "audit_breach_events": ("SELECT e.actor_label, e.object_type, e.object_id, e.force_code, e.detail, b.person_id,"
                            " b.kind, b.due, t.kind FROM audit_auditevent e"
                            " LEFT JOIN compliance_breach b ON b.id = CAST(e.detail->>'breach_id' AS integer)"
                            " LEFT JOIN compliance_task t ON t.id = CAST(e.detail->>'task_id' AS integer)"
                            " WHERE e.action = 'compliance.breach' ORDER BY b.person_id, b.kind, b.due"),
    "audit_other_events": ("SELECT e.action, e.actor_label, e.object_type, e.force_code FROM audit_auditevent e"
                           " WHERE e.action NOT IN ('compliance.breach', 'compliance.sweep', 'compliance.recompute')"
                           " ORDER BY e.id"),
    "register_states": ("SELECT person_id, jurisdiction, status, subject, registration_start, registration_end,"
                        " indefinite, review_eligible_from, next_due, rules_version, evaluated_on, changes_on"
                        " FROM register_registerstate ORDER BY person_id"),
    "obligations": ("SELECT person_id, kind, trigger, due, status, met_on, open, citation, explanation,"
                    " ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY id)"
                    " FROM register_personobligation ORDER BY person_id, id"),
    "management_states": ("SELECT person_id, force_id, risk_level, mode, visit_due, assessment_kind, assessment_due,"
                          " next_due, duties, recheck_on, rules_version, evaluated_on"
                          " FROM management_managementstate ORDER BY person_id"),
}
BIG = {"register_states", "obligations", "management_states"}  # a million rows and more: hashed in the database
_IDS = {"breach_id", "task_id"}  # in an audit event's detail: replaced by the breach and task they name


def digest(connection: Any) -> dict[str, dict[str, Any]]:
    """{table: {rows, sha256}} of what the sweep and the recompute produce (``DIGESTS``)."""
    import hashlib
    import json

    out = {}
    for name, sql in DIGESTS.items():
        if connection.vendor == "postgresql" and name in BIG:
            # in the database: the sum of the rows' hashes (the order is in the rows: a person's obligation's rank)
            with connection.cursor() as cur:
                cur.execute("SELECT COUNT(*), COALESCE(SUM(('x' || SUBSTR(MD5(CAST(r AS text)), 1, 15))::bit(60)"
                            f"::bigint), 0) FROM ({sql}) r")
                rows, total = cur.fetchone()
            out[name] = {"rows": rows, "sum_md5": str(total)}
            continue
        if connection.vendor != "postgresql":
            sql = sql.replace("e.detail->>'breach_id'", "json_extract(e.detail, '$.breach_id')").replace(
                "e.detail->>'task_id'", "json_extract(e.detail, '$.task_id')")
        h = hashlib.sha256()
        rows = 0
        with connection.cursor() as cur:
            cur.execute(sql)
            while batch := cur.fetchmany(10_000):
                for row in batch:
                    values = list(row)
                    if name == "audit_breach_events":
                        detail = values[4] if isinstance(values[4], dict) else json.loads(values[4])
                        values[4] = {k: (v is not None if k in _IDS else v) for k, v in sorted(detail.items())}
                    h.update(json.dumps([str(v) if not isinstance(v, (dict, bool, int)) else v for v in values],
                                        sort_keys=True, default=str).encode())
                    rows += 1
        out[name] = {"rows": rows, "sha256": h.hexdigest()}
    return out


def _cpu(connection: Any) -> dict[str, float]:
    """CPU seconds so far of this process and (PostgreSQL on this machine) of the database's processes."""
    out = {"python": time.process_time()}
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        try:
            Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return out  # the server is on another machine
        # every PostgreSQL process: the sweep's work runs on several connections (``core.streams``), whose backends
        # have ended by the time this is read again; so the server's own processes count too (little, when quiet)
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                name, rest = stat.read_text().split(" (", 1)[1].rsplit(")", 1)
            except (OSError, IndexError, ValueError):
                continue
            if name == "postgres":
                fields = rest.split()
                ticks += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
        out["database"] = ticks / os.sysconf("SC_CLK_TCK")
    return out


def _cpu_spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: round(after[k] - before[k], 2) for k in after if k in before}


class SqlTimes:
    """Wall-clock seconds spent in each SQL statement (grouped by its text with the values taken out), through
    Django's execute wrapper: where a run's database time goes. ``COPY`` is not seen (it does not pass through it)."""

    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = {}

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        import re

        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = re.sub(r"(%s|\?)(, (%s|\?))+", "...", re.sub(r"\s+", " ", sql))[:160]
            self.seconds.setdefault(("many " if many else "") + key, []).append(time.perf_counter() - t)

    def top(self, n: int = 25) -> list[dict[str, Any]]:
        ranked = sorted(self.seconds.items(), key=lambda kv: -sum(kv[1]))[:n]
        return [{"sql": k, "calls": len(v), "seconds": round(sum(v), 3)} for k, v in ranked]


def profiled(connection: Any, path: str, fn: Any) -> tuple[Any, list[dict[str, Any]]]:
    """Run ``fn`` under cProfile (its statistics written to ``path``: the calling thread only) and ``SqlTimes`` (every
    connection, those the sweep opens for its batches included); (result, top statements)."""
    import cProfile

    from django.db.backends.signals import connection_created

    times = SqlTimes()
    prof = cProfile.Profile()

    def opened(sender: Any, connection: Any, **kwargs: Any) -> None:  # the sweep's other connections (core.streams)
        connection.execute_wrappers.append(times)

    connection_created.connect(opened)
    try:
        with connection.execute_wrapper(times):
            result = prof.runcall(fn)
    finally:
        connection_created.disconnect(opened)
    prof.dump_stats(path)
    return result, times.top()


def stored_outcomes(ids: list[Any]) -> tuple[dict[Any, dict[str, Any]], dict[Any, list[dict[str, Any]]]]:
    """The stored outcome (state, obligations) of these registrants: read before and after a sweep,
    ``outcome_changes`` says what it changed."""
    from collections import defaultdict

    from tether.register.models import PersonObligation, RegisterState
    from tether.register.selectors import ids_in

    states = {row["person_id"]: row for row in RegisterState.objects.filter(person_id__in=ids_in(ids)).values()}
    obligations: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in (PersonObligation.objects.filter(person_id__in=ids_in(ids))
                .order_by("person_id", "kind", "due", "trigger", "id").values()):
        del row["id"]  # written again, an obligation has a new id
        obligations[row["person_id"]].append(row)
    return states, obligations


def outcome_changes(before: Any, after: Any) -> dict[str, Any]:
    """How many of the registrants read in ``before`` had each part of their stored outcome changed in ``after``
    (an obligation's status and open flag as from -> to)."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for pid, state in before[0].items():
        now = after[0].get(pid)
        if now is None:
            counts["state removed"] += 1
            continue
        counts.update(f"state.{key}" for key, value in state.items() if now[key] != value)
        was, are = before[1].get(pid, []), after[1].get(pid, [])
        if [(o["kind"], o["due"]) for o in was] != [(o["kind"], o["due"]) for o in are]:
            counts["obligations added, removed or moved"] += 1
            continue
        for old, new in zip(was, are, strict=True):
            counts.update(f"obligation.{key}" + (f" {value} -> {new[key]}" if key in ("status", "open") else "")
                          for key, value in old.items() if new[key] != value)
    return {"registrants": len(before[0]), "changed": dict(counts.most_common())}


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def raw_count(connection: Any, as_of: date, repeats: int = 5) -> tuple[int, float]:
    """The baseline: COUNT(*) of open obligations overdue on ``as_of`` (median seconds of ``repeats``)."""
    times = []
    count = 0
    with connection.cursor() as cur:
        for _ in range(repeats):
            t = time.perf_counter()
            cur.execute("SELECT COUNT(*) FROM register_personobligation WHERE open = %s AND due < %s", [True, as_of])
            count = cur.fetchone()[0]
            times.append(time.perf_counter() - t)
    return count, statistics.median(times)


def run(args: argparse.Namespace, connection: Any) -> dict[str, Any]:
    from tether.casework.models import Breach, Task
    from tether.casework.services import _due_to_time, recompute, sweep

    n = args.registrants
    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    if getattr(args, "restored", None):
        built = {"method": f"copied from the snapshot database {args.restored} (built earlier by this script)"}
        log(f"{n:,} registrants copied from the snapshot {args.restored}")
        planted = has_management(connection)
        if planted and not args.management:
            raise SystemExit(f"--no-management: the snapshot {args.restored} holds management facts")
        if args.management and not planted:
            log("planting management facts (the snapshot has none); the snapshot is saved again with them")
            built["management"] = plant_management(connection, n, args.quiet)
            save_snapshot(connection, args.snapshot)
        elif not args.management and not has_management_states(connection):
            log("storing the management outcome of registrants with no management facts (a snapshot built before"
                " this step); the snapshot is saved again with it")
            built["management"] = plant_unmanaged_states(connection, args.quiet)
            save_snapshot(connection, args.snapshot)
    else:
        log(f"building {n:,} registrants ({connection.vendor})")
        built = build(connection, n, args.quiet)
        if args.management:
            built["management"] = plant_management(connection, n, args.quiet)
        else:
            built["management"] = plant_unmanaged_states(connection, args.quiet)
        if args.snapshot:
            save_snapshot(connection, args.snapshot)
            log(f"saved the built register as the snapshot {args.snapshot}")
    out: dict[str, Any] = {"benchmark": "sweep", "database": connection.vendor, "size": n, "data": built}
    a1 = A + timedelta(days=1)

    cpu: dict[str, dict[str, float]] = {}

    def timed(label: str, fn: Any) -> tuple[Any, float]:
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("CHECKPOINT")  # what the step before left to write is written before this one is timed
        c = _cpu(connection)
        t = time.perf_counter()
        result = fn()
        s = time.perf_counter() - t
        cpu[label] = _cpu_spent(c, _cpu(connection))
        log(f"{label}: {s:.3f} s (cpu {cpu[label]}, load {_load()})")
        return result, s

    count_a, raw_a = raw_count(connection, A)
    first, first_s = timed("sweep A (backlog)", lambda: sweep(as_of=A))
    out["sweep_backlog"] = {"as_of": A.isoformat(), "seconds": round(first_s, 3), "new_breaches": first["new_breaches"],
                            "management": first.get("management"), "cpu_seconds": cpu["sweep A (backlog)"],
                            "tasks_created": first["tasks_created"], "reevaluated": first["reevaluated"],
                            "reevaluated_due_to_time": first["reevaluated_due_to_time"],
                            "people_checked": first["people_checked"], "raw_count_rows": count_a,
                            "raw_count_seconds": round(raw_a, 6), "ratio_to_raw": round(first_s / raw_a, 1)}
    nothing = []
    for _ in range(args.repeats):
        res, s = timed("sweep A (nothing new)", lambda: sweep(as_of=A))
        assert res["new_breaches"] == 0 and (res.get("management") or {}).get("new_breaches", 0) == 0, res
        nothing.append(s)
    med = statistics.median(nothing)
    out["sweep_nothing_new"] = {"as_of": A.isoformat(), "runs": len(nothing), "median_seconds": round(med, 4),
                                "p95_seconds": round(pct(nothing, 0.95), 4), "people_checked": res["people_checked"],
                                "raw_count_seconds": round(raw_a, 6), "ratio_to_raw": round(med / raw_a, 1)}

    count_a1, raw_a1 = raw_count(connection, a1)
    changing = _due_to_time(a1, None)  # those the sweep re-evaluates because time has passed, as it picks them
    outcomes_before = stored_outcomes(changing)
    if args.profile:
        prof: list[dict[str, Any]] = []

        def one_percent() -> Any:
            result, prof[:] = profiled(connection, args.profile, lambda: sweep(as_of=a1))
            return result

        new, new_s = timed("sweep A+1 (1% newly overdue)", one_percent)
        out["sweep_one_percent_sql"] = prof
    else:
        new, new_s = timed("sweep A+1 (1% newly overdue)", lambda: sweep(as_of=a1))
    out["sweep_one_percent_new"] = {
        "as_of": a1.isoformat(), "seconds": round(new_s, 3), "new_breaches": new["new_breaches"],
        "tasks_created": new["tasks_created"], "reevaluated": new["reevaluated"],
        "reevaluated_due_to_time": new["reevaluated_due_to_time"],
        "people_checked": new["people_checked"], "management": new.get("management"),
        "phase_seconds": new.get("phase_seconds"), "reevaluate_phase_seconds": new.get("reevaluate_phase_seconds"),
        "cpu_seconds": cpu["sweep A+1 (1% newly overdue)"],
        "raw_count_rows": count_a1, "raw_count_seconds": round(raw_a1, 6),
        "ratio_to_raw": round(new_s / raw_a1, 1), "load_average": _load(),
        # what re-evaluating the registrants whose ``changes_on`` came changed of their stored outcome
        "reevaluated_outcome_changes": outcome_changes(outcomes_before, stored_outcomes(changing))}
    if args.digest:
        out["digest_after_sweeps"] = digest(connection)
    again = []
    for _ in range(args.repeats):
        res, s = timed("sweep A+1 (nothing new)", lambda: sweep(as_of=a1))
        assert res["new_breaches"] == 0 and (res.get("management") or {}).get("new_breaches", 0) == 0, res
        again.append(s)
    out["sweep_nothing_new_after"] = {"as_of": a1.isoformat(), "median_seconds": round(statistics.median(again), 4),
                                      "ratio_to_raw": round(statistics.median(again) / raw_a1, 1)}
    from tether.management.rules import DUTY_KINDS

    breaches = Breach.objects.exclude(kind__in=DUTY_KINDS).count()
    tasks = Task.objects.filter(breach__isnull=False).exclude(breach__kind__in=DUTY_KINDS).count()
    out["check"] = {"breaches": breaches, "tasks": tasks, "expected": count_a1,
                    "no_duplicates": breaches == count_a1 == tasks}
    if args.management:
        with connection.cursor() as cur:
            cur.execute("SELECT (SELECT COUNT(*) FROM management_managementstate WHERE visit_due < %s)"
                        " + (SELECT COUNT(*) FROM management_managementstate WHERE assessment_due < %s)", [a1, a1])
            expected = cur.fetchone()[0]
        managed = Breach.objects.filter(kind__in=DUTY_KINDS).count()
        out["check"]["management"] = {"breaches": managed, "expected": expected, "no_duplicates": managed == expected}
    from tether.audit.selectors import verify_chain

    chain = verify_chain()  # the sweeps' audit events, chained as written, verify
    out["check"]["audit_chain"] = {"ok": chain.ok, "checked": chain.checked, "problem": chain.problem}

    if not args.no_recompute:
        last = [0.0]

        def progress(done: int, total: int) -> None:
            if time.perf_counter() - last[0] > 10 or done == total:
                last[0] = time.perf_counter()
                log(f"  recompute {done:,}/{total:,}")

        rec, rec_s = timed("recompute", lambda: recompute(as_of=a1, batch=args.batch, progress=progress,
                                                          resume=False, workers=args.workers))
        out["recompute"] = {"as_of": a1.isoformat(), "seconds": round(rec_s, 2), "people": rec["people"],
                            "per_second": round(rec["people"] / rec_s, 1), "batch": args.batch,
                            "workers": args.workers, "cpus": os.cpu_count(),
                            "phase_seconds": rec.get("phase_seconds"), "load_average": _load(),
                            "raw_count_seconds": round(raw_a1, 6), "ratio_to_raw": round(rec_s / raw_a1, 1)}
        after, _ = timed("sweep after recompute", lambda: sweep(as_of=a1))
        out["recompute"]["sweep_after_new_breaches"] = after["new_breaches"]
        if args.digest:
            out["digest_after_recompute"] = digest(connection)

    if not args.no_recompute and not args.no_recompute_all_changed:
        # The same again at a date on which every registrant's outcome differs from the stored one (every
        # periodic notification overdue), so every state and obligation row is rewritten, not only re-dated.
        later = A + timedelta(days=LATER_DAYS)
        rec2, rec2_s = timed(f"recompute, every outcome changed ({later})",
                             lambda: recompute(as_of=later, batch=args.batch, progress=progress, resume=False,
                                               workers=args.workers))
        from tether.register.models import PersonObligation, RegisterState

        out["recompute_all_changed"] = {
            "as_of": later.isoformat(), "seconds": round(rec2_s, 2), "people": rec2["people"],
            "per_second": round(rec2["people"] / rec2_s, 1), "batch": args.batch, "workers": args.workers,
            "phase_seconds": rec2.get("phase_seconds"), "load_average": _load(),
            "states_evaluated_on_as_of": RegisterState.objects.filter(evaluated_on=later).count(),
            "obligations_overdue": PersonObligation.objects.filter(status="overdue").count(),
        }

    if args.digest:
        import json

        digests = {k: v for k, v in out.items() if k.startswith("digest_")}
        Path(args.digest).write_text(json.dumps(digests, indent=1))
        if args.compare_with:
            earlier = json.loads(Path(args.compare_with).read_text())
            out["digest_same_as"] = {"file": args.compare_with, **{
                f"{when}.{table}": earlier.get(when, {}).get(table) == value
                for when, tables in digests.items() if when in earlier for table, value in tables.items()}}
            out["digest_same_as"]["all"] = all(v for k, v in out["digest_same_as"].items() if k != "file")
    if connection.vendor == "postgresql" and n >= 1_000_000:
        targets = {**TARGETS, "sweep_one_percent_new_s": TARGETS["sweep_one_percent_all_kinds_s"]} \
            if args.management else {k: v for k, v in TARGETS.items() if k != "sweep_one_percent_all_kinds_s"}
        out["targets"] = targets
        out["within_targets"] = {
            "sweep_nothing_new": med < targets["sweep_nothing_new_s"],
            "sweep_one_percent_new": new_s < targets["sweep_one_percent_new_s"],
            **({"recompute": out["recompute"]["seconds"] < TARGETS["recompute_s"]} if "recompute" in out else {}),
            **({"recompute_all_changed": out["recompute_all_changed"]["seconds"] < TARGETS["recompute_s"]}
               if "recompute_all_changed" in out else {}),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registrants", type=int, default=None,
                        help="default: 100,000 on SQLite, 1,000,000 on PostgreSQL")
    parser.add_argument("--repeats", type=int, default=5, help="runs of the nothing-new sweep")
    parser.add_argument("--batch", type=int, default=2000, help="recompute batch size")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="recompute worker processes (default: one per CPU)")
    parser.add_argument("--no-recompute", action="store_true", help="skip the full re-materialisation")
    parser.add_argument("--no-recompute-all-changed", action="store_true",
                        help="skip the second recompute (every outcome changed)")
    parser.add_argument("--no-management", dest="management", action="store_false",
                        help="plant no management facts (risk levels, visits, assessments): notifications only")
    parser.add_argument("--profile", default="",
                        help="profile the 1%% sweep: cProfile statistics to this file, and the statements it spent the "
                             "most database time in (in the JSON: sweep_one_percent_sql); the timing then includes "
                             "the profiler's overhead")
    parser.add_argument("--compare-with", default="",
                        help="with --digest: a digest file written by an earlier run on the same snapshot; the output "
                             "says, table by table, whether this run produced the same (digest_same_as)")
    parser.add_argument("--digest", default="",
                        help="write to this file the digest of what the sweeps produced (breaches, tasks, audit "
                             "events, stored outcomes) and, with the recompute, of what it left: two runs on the same "
                             "snapshot (before and after a change) must give the same digests")
    parser.add_argument("--keep", action="store_true", help="PostgreSQL: keep the database afterwards")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--snapshot", default="",
                        help="PostgreSQL: a database name containing 'bench'. When it exists, the register is copied "
                             "from it (as built by an earlier run with the same --registrants) instead of built; "
                             "otherwise the register is built and then kept there for later runs")
    args = parser.parse_args()
    args.restored = None
    reuse = False
    if args.snapshot:
        if "bench" not in args.snapshot:
            raise SystemExit("--snapshot: the database name must contain 'bench'")
        if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
            raise SystemExit("--snapshot needs DATABASE_URL to name a PostgreSQL database")
        if restore_snapshot(args.snapshot):
            args.restored = args.snapshot
            reuse = True

    run_on_throwaway_database(run, args, keep=args.keep, default_size=(100_000, 1_000_000), reuse=reuse)


if __name__ == "__main__":
    main()
