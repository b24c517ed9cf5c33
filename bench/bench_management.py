"""Benchmark risk-led management: the sweep's management step (and the whole sweep) on a large register, and the
caseload and capacity pages.

Run: ``.venv/bin/python bench/bench_management.py [--registrants N] [--repeats R] [--pages] [--keep] [--reuse]
[--quiet]``

- SQLite by default (a throwaway file); PostgreSQL when ``DATABASE_URL`` is set: a database whose name contains
  "bench" is dropped and created fresh (as every benchmark), any other only with ``--in-place``, which empties it
  (its ``public`` schema is dropped and migrated again): never point that at a database you want to keep.
  ``--keep`` keeps the benchmark database afterwards; ``--reuse`` (with ``--pages``) measures the pages again on a
  database kept by an earlier ``--pages`` run of the same size without building it (so runs before and after a
  change can alternate on the same data; it is built when it does not hold that register).
- Default size: 1,000,000 registrants for the sweep, 70,000 with ``--pages``.

The register is built as ``bench_sweep.py`` builds it (raw bulk SQL: person, disposal, initial notification, the
stored legal outcome; 0.5% of notifications overdue on A = 2025-06-16 and 1% falling due on A), plus, per
registrant, raw rows consistent with the management rules: a risk level in the published shares (very high 2%,
high 18%, medium 30%, low 50%), the last home visit at which they were seen, an ARMS assessment on A-1 with its
review in 180 days, and the stored ``ManagementState`` (the visit's last day is the last visit plus the fixed
minimum for the level). Every force has a visit policy (fixed minimums), so every registrant is under the duties.
Last visits are spread so that 0.5% of visits are already overdue on A and 1% fall due on A (missed on A+1).

Timed (each with its ratio to the raw baseline, ``SELECT COUNT(*)`` of stored outcomes overdue on the date):
1. the management step on A (records the 0.5% backlog); 2. the step again, nothing new (median, p95 of R);
3. the step on A+1 (1% newly missed visits: re-evaluated, breach, task, audit); then the whole sweep
(notifications and management together) nothing new on A+1, and the whole sweep on A+2 after the same again.
Targets (issue 15, PostgreSQL at 1,000,000): nothing new <= 1 s, 1% newly overdue <= 10 s.

``--pages``: the caseload and capacity pages as a national administrator (every force) and as one force's
supervisor, through Django's test client (median and p95 of R requests; target p95 <= 300 ms at 70,000): as viewed
again while nothing changed (today's counts stored, ``management.stored``), ``..._counted`` as viewed first after
every force's stored counts went stale (the sweep, midnight: each request counts every force anew), and
``..._written`` as viewed first after a committed write in one force (MPS: only its counts are counted anew); each
with the median process CPU time of the request (the application) and the time waiting on SQL (the database, and
the machine's load), and the 1-minute load average before and after; with
officers (one per 50 registrants, each registrant assigned) so the caseloads are real; and the dashboard's caseload
figures counted anew and as stored (``home.counts``), checked equal.
Prints one JSON object.
"""

# ruff: noqa: S608  (the SQL here is built from integers and constants, never from input)
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import drop_postgres, kept_postgres, pct, prepare_postgres, timed_steps  # noqa: E402
from bench_sweep import TEMPLATES, A, build  # noqa: E402

LEVELS = (("very_high", 1), ("high", 9), ("medium", 15), ("low", 25))  # of 50: the published shares
BACKLOG, DUE_ON_A = 5, 10  # of TEMPLATES (1000): 0.5% of visits overdue on A, 1% due on A
TARGETS = {"step_nothing_new_s": 1.0, "step_one_percent_new_s": 10.0, "page_p95_s": 0.3}


def _level_of(i: int) -> str:
    r = i % 50
    for level, n in LEVELS:
        if r < n:
            return level
        r -= n
    return "low"


def _visit_templates() -> list[tuple[int, str, date, date]]:
    """(template, level, last visit seen, visit due) consistent with ``rules.visit_months`` (fixed minimums)."""
    from tether.management.rules import FIXED_MONTHS
    from tether.obligations.calendar import add_months

    out = []
    for k in range(TEMPLATES):
        if k < BACKLOG:
            target = A - timedelta(days=1 + 10 * k)
        elif k < BACKLOG + DUE_ON_A:
            target = A
        else:
            target = A + timedelta(days=1 + (k - BACKLOG - DUE_ON_A) * 300 // (TEMPLATES - BACKLOG - DUE_ON_A))
        for level, _ in LEVELS:
            months = FIXED_MONTHS[level]
            seen = add_months(target, -months) if target.day <= 28 else add_months(target.replace(day=28), -months)
            out.append((k, level, seen, add_months(seen, months)))
    return out


def build_management(connection: Any, n: int, quiet: bool) -> dict[str, Any]:
    """Risk levels, visits, ARMS and the stored outcome for every registrant, with raw SQL."""
    from tether.access.models import Force
    from tether.management.models import VisitPolicy

    pg = connection.vendor == "postgresql"
    t0 = time.perf_counter()
    now = datetime(2025, 6, 16, 8, 0, tzinfo=UTC)
    for f in Force.objects.all():
        VisitPolicy.objects.get_or_create(force=f, valid_to=None, defaults={"kind": "fixed", "valid_from": now})
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_visit (k integer, level varchar(10), seen date, due date)")
        cur.executemany("INSERT INTO bench_visit VALUES (%s, %s, %s, %s)", _visit_templates())
        cur.execute("CREATE TEMP TABLE bench_level (r integer, level varchar(10))")
        cur.executemany("INSERT INTO bench_level VALUES (%s, %s)", [(i, _level_of(i)) for i in range(50)])
        if pg:
            series = f"SELECT i FROM generate_series(0, {int(n) - 1}) AS g(i)"
            pid = "('00000000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid"
            at = "(v.seen + TIME '18:30')::timestamptz"
        else:
            series = (f"WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i + 1 < {int(n)})"
                      " SELECT i FROM g")
            pid = "'00000000000070008000' || printf('%%012x', i)"
            at = "(v.seen || ' 18:30:00')"
        review = A + timedelta(days=180)
        src = (f" FROM ({series}) s JOIN bench_level l ON l.r = s.i %% 50"
               f" JOIN bench_visit v ON v.k = s.i %% {TEMPLATES} AND v.level = l.level"
               " JOIN people_person p ON p.id = " + pid)
        steps = [
            ("management_risklevelspell",
             "INSERT INTO management_risklevelspell (person_id, level, source, reason, set_by_id, valid_from,"
             f" valid_to) SELECT {pid}, l.level, 'arms', 'Bench level (synthetic)', NULL, %s, NULL{src}",
             [date(2020, 1, 6)]),
            ("management_visit",
             "INSERT INTO management_visit (person_id, force_id, visited_at, visited_on, announced, attended_by,"
             f" outcome, concerns, actions, recorded_by_id, created_at) SELECT {pid}, p.owning_force_id, {at},"
             f" v.seen, %s, 'PC Bench', 'seen', '', '', NULL, %s{src}", [False, now]),
            ("management_assessment",
             "INSERT INTO management_assessment (person_id, tool, assessed_on, assessor, category, summary,"
             f" next_review, recorded_by_id, created_at) SELECT {pid}, 'arms', %s, 'Bench assessor', '',"
             f" 'Bench summary (synthetic)', %s, NULL, %s{src}", [A - timedelta(days=1), review, now]),
            ("management_managementstate",
             "INSERT INTO management_managementstate (person_id, force_id, risk_level, mode, visit_due,"
             " assessment_kind, assessment_due, next_due, duties, recheck_on, rules_version, evaluated_on)"
             f" SELECT {pid}, p.owning_force_id, l.level, 'active', v.due, 'arms_review', %s,"
             f" CASE WHEN v.due < %s THEN v.due ELSE %s END, '[]', NULL, 'management-2025.1', %s{src}",
             [review, review, review, A]),
        ]
        seconds = timed_steps(cur, steps, quiet=quiet)
        cur.execute("ANALYZE")
    return {"seconds": round(time.perf_counter() - t0, 2), "steps_seconds": seconds}


def raw_count(connection: Any, as_of: date, repeats: int = 5) -> tuple[int, float]:
    times, count = [], 0
    with connection.cursor() as cur:
        for _ in range(repeats):
            t = time.perf_counter()
            cur.execute("SELECT COUNT(*) FROM management_managementstate WHERE next_due < %s", [as_of])
            count = cur.fetchone()[0]
            times.append(time.perf_counter() - t)
    return count, statistics.median(times)


def _timer(log: Any) -> Any:
    def timed(label: str, fn: Any) -> tuple[Any, float]:
        t = time.perf_counter()
        result = fn()
        s = time.perf_counter() - t
        log(f"{label}: {s:.3f} s")
        return result, s

    return timed


def run_sweep(args: argparse.Namespace, connection: Any, log: Any) -> dict[str, Any]:
    from tether.casework.models import Breach, Task
    from tether.casework.services import sweep
    from tether.management import sweep as management_sweep

    timed = _timer(log)
    out: dict[str, Any] = {}
    a1, a2 = A + timedelta(days=1), A + timedelta(days=2)
    rows_a, raw_a = raw_count(connection, A)
    first, first_s = timed("management step A (backlog)", lambda: management_sweep.step(A, None, "bench"))
    out["step_backlog"] = {"as_of": A.isoformat(), "seconds": round(first_s, 3), **first,
                           "raw_count_rows": rows_a, "raw_count_seconds": round(raw_a, 6),
                           "ratio_to_raw": round(first_s / raw_a, 1)}
    nothing = []
    for _ in range(args.repeats):
        res, s = timed("management step A (nothing new)", lambda: management_sweep.step(A, None, "bench"))
        assert res["new_breaches"] == 0, res
        nothing.append(s)
    med = statistics.median(nothing)
    out["step_nothing_new"] = {"as_of": A.isoformat(), "runs": len(nothing), "median_seconds": round(med, 4),
                               "p95_seconds": round(pct(nothing, 0.95), 4), "raw_count_seconds": round(raw_a, 6),
                               "ratio_to_raw": round(med / raw_a, 1)}
    rows_a1, raw_a1 = raw_count(connection, a1)
    new, new_s = timed("management step A+1 (1% newly missed)", lambda: management_sweep.step(a1, None, "bench"))
    out["step_one_percent_new"] = {"as_of": a1.isoformat(), "seconds": round(new_s, 3), **new,
                                   "raw_count_rows": rows_a1, "raw_count_seconds": round(raw_a1, 6),
                                   "ratio_to_raw": round(new_s / raw_a1, 1)}
    whole_new, whole_new_s = timed("whole sweep A+1 (notifications 1% new, management done)",
                                   lambda: sweep(as_of=a1))
    out["sweep_a1_notifications_new"] = {"as_of": a1.isoformat(), "seconds": round(whole_new_s, 3),
                                         "new_breaches": whole_new["new_breaches"],
                                         "management": whole_new.get("management")}
    whole = []
    for _ in range(args.repeats):
        res, s = timed("whole sweep A+1 (nothing new)", lambda: sweep(as_of=a1))
        whole.append(s)
    out["sweep_nothing_new"] = {"as_of": a1.isoformat(), "median_seconds": round(statistics.median(whole), 4),
                                "p95_seconds": round(pct(whole, 0.95), 4),
                                "ratio_to_raw": round(statistics.median(whole) / raw_a1, 1)}
    both, both_s = timed("whole sweep A+2", lambda: sweep(as_of=a2))
    out["sweep_a2"] = {"as_of": a2.isoformat(), "seconds": round(both_s, 3), "new_breaches": both["new_breaches"],
                       "management": both.get("management")}
    out["check"] = {"management_breaches": Breach.objects.filter(kind="home_visit").count(),
                    "expected_visit_breaches": rows_a1, "tasks": Task.objects.count()}
    if connection.vendor == "postgresql" and args.registrants >= 1_000_000:
        out["targets"] = TARGETS
        out["within_targets"] = {"step_nothing_new": med <= TARGETS["step_nothing_new_s"],
                                 "step_one_percent_new": new_s <= TARGETS["step_one_percent_new_s"]}
    return out


def assign_officers(connection: Any, n: int) -> int:
    """One officer per 50 registrants of each force; every registrant assigned (raw SQL)."""
    from tether.access.constants import Role
    from tether.access.models import Force, User

    made = 0
    with connection.cursor() as cur:
        for f in Force.objects.order_by("pk"):
            cur.execute("SELECT id FROM people_person WHERE owning_force_id = %s ORDER BY id", [f.pk])
            ids = [r[0] for r in cur.fetchall()]
            officers = []
            for j in range(max(1, len(ids) // 50)):
                u = User(username=f"bench.om{j:03d}.{f.code.lower()}", role=Role.OFFICER, force=f,
                         first_name=f"Bench {j:03d}", last_name="(synthetic)")
                u.set_unusable_password()
                officers.append(u)
            User.objects.bulk_create(officers)
            officers = list(User.objects.filter(username__startswith="bench.om", force=f).order_by("pk"))
            rows = [(pid, officers[i % len(officers)].pk, date(2024, 1, 1)) for i, pid in enumerate(ids)]
            cur.executemany("INSERT INTO management_managerspell (person_id, manager_id, handover_note, valid_from,"
                            " valid_to) VALUES (%s, %s, '', %s, NULL)", rows)
            made += len(officers)
        cur.execute("ANALYZE")
    return made


def run_pages(args: argparse.Namespace, connection: Any, log: Any) -> dict[str, Any]:
    from django.test import Client

    from tether.access.constants import Role
    from tether.access.models import Force, User
    from tether.access.testing import verified_login
    from tether.management import stored

    mps = Force.objects.get(code="MPS")
    admin = User.objects.filter(username="bench.admin").first()
    supervisor = User.objects.filter(username="bench.supervisor").first()
    if admin is None or supervisor is None:
        officers = assign_officers(connection, args.registrants)
        admin = User.objects.create_user("bench.admin", role=Role.NATIONAL_ADMIN, password=None)
        supervisor = User.objects.create_user("bench.supervisor", role=Role.SUPERVISOR, force=mps, password=None)
    else:  # reused (--reuse): built and assigned by an earlier run
        officers = User.objects.filter(username__startswith="bench.om").count()
    out: dict[str, Any] = {"officers": officers}
    with connection.cursor() as cur:
        times = []
        for _ in range(5):
            t = time.perf_counter()
            cur.execute("SELECT manager_id, COUNT(*) FROM management_managerspell WHERE valid_to IS NULL"
                        " GROUP BY manager_id")
            cur.fetchall()
            times.append(time.perf_counter() - t)
        raw = statistics.median(times)
    out["raw_group_by_seconds"] = round(raw, 6)
    import time_machine
    from django.db import connection as conn

    sql = [0.0]

    def timed_sql(execute: Any, *a: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(*a)
        finally:
            sql[0] += time.perf_counter() - t0

    with time_machine.travel(datetime(2025, 6, 16, 9, 0, tzinfo=UTC), tick=True):
        for who, user, force in (("national_admin", admin, ""), ("supervisor_mps", supervisor, "")):
            client = Client()
            verified_login(client, user)
            for name, path in (("caseload", "/management/caseload/"),
                               ("capacity", "/management/capacity/?what_if=reactive_eligible"),
                               ("overdue", "/management/overdue/")):
                url = path + (("&" if "?" in path else "?") + f"force={force}" if force else "")
                client.get(url)  # warm
                for how in ("stored", "counted", "written"):
                    runs, cpu, db = [], [], []
                    load = os.getloadavg()[0]
                    for _ in range(args.repeats):
                        if how == "counted":
                            stored.changed()  # as after the sweep or at midnight: every force's counts are stale
                        elif how == "written":
                            stored.changed([mps.pk])  # as after a committed write in one force (MPS)
                        sql[0] = 0.0
                        t, c = time.perf_counter(), time.process_time()
                        with conn.execute_wrapper(timed_sql):
                            r = client.get(url)
                        runs.append(time.perf_counter() - t)
                        cpu.append(time.process_time() - c)
                        db.append(sql[0])
                        assert r.status_code == 200, (url, r.status_code)
                    med = statistics.median(runs)
                    label = f"{name}_{who}" + ("" if how == "stored" else f"_{how}")
                    out[label] = {"runs": len(runs), "median_seconds": round(med, 4),
                                  "p95_seconds": round(pct(runs, 0.95), 4), "ratio_to_raw": round(med / raw, 1),
                                  "app_cpu_median_seconds": round(statistics.median(cpu), 4),
                                  "sql_wait_median_seconds": round(statistics.median(db), 4),
                                  "load_average_1min": [round(load, 2), round(os.getloadavg()[0], 2)]}
                    log(f"{name} as {who} ({how}): median {med:.3f} s, p95 {pct(runs, 0.95):.3f} s, app CPU "
                        f"{statistics.median(cpu):.3f} s, SQL {statistics.median(db):.3f} s, load {load:.1f}")
        out["dashboard_counts"] = _dashboard_counts(admin, supervisor, raw, log)
    out["target_p95_seconds"] = TARGETS["page_p95_s"]
    return out


def _dashboard_counts(admin: Any, supervisor: Any, raw: float, log: Any) -> dict[str, Any]:
    """The dashboard's caseload figures counted anew (``register.search.caseload_counts``) and as stored
    (``home.counts.dashboard_counts``, after its first count): the same figures, and their times."""
    from tether.home.counts import dashboard_counts
    from tether.register.search import caseload_counts

    out: dict[str, Any] = {}
    for who, user in (("national_admin", admin), ("supervisor_mps", supervisor)):
        assert dashboard_counts(user) == caseload_counts(user)
        for label, fn in (("counted", caseload_counts), ("stored", dashboard_counts)):
            runs = []
            for _ in range(15):
                t = time.perf_counter()
                fn(user)
                runs.append(time.perf_counter() - t)
            med = statistics.median(runs)
            out[f"{who}_{label}"] = {"median_seconds": round(med, 5), "p95_seconds": round(pct(runs, 0.95), 5),
                                     "ratio_to_raw": round(med / raw, 2)}
            log(f"dashboard counts {label} as {who}: median {med * 1000:.1f} ms")
    return out


def _holds_register(connection: Any, n: int) -> bool:
    """Whether a kept database holds the register this run would build (its size, the stored outcomes, the users of
    an earlier ``--pages`` run)."""
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM people_person")
        people = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM management_managementstate")
        states = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM access_user WHERE username IN ('bench.admin', 'bench.supervisor')")
        users = cur.fetchone()[0]
    return bool(people == n and states == n and users == 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registrants", type=int, default=None, help="default 1,000,000 (70,000 with --pages)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pages", action="store_true", help="the caseload and capacity pages instead of the sweep")
    parser.add_argument("--in-place", action="store_true",
                        help="PostgreSQL: empty and use DATABASE_URL's database even if its name lacks 'bench'")
    parser.add_argument("--keep", action="store_true", help="PostgreSQL: keep the benchmark database afterwards")
    parser.add_argument("--reuse", action="store_true",
                        help="PostgreSQL, with --pages: measure on a database kept by an earlier --pages run of the "
                             "same size, without building it again (implies --keep)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    if args.reuse and not args.pages:
        raise SystemExit("--reuse measures the pages only: pass --pages")
    args.registrants = args.registrants or (70_000 if args.pages else 1_000_000)
    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))

    url = os.environ.get("DATABASE_URL", "")
    pg = url.startswith(("postgres://", "postgresql://"))
    throwaway = None
    tmp = None
    reused = None
    if pg and "bench" in urlparse(url).path:
        reused = kept_postgres(url) if args.reuse else None
        throwaway = reused or prepare_postgres(url)
    elif pg:
        if not args.in_place:
            raise SystemExit("DATABASE_URL's database name lacks 'bench': pass --in-place to empty and use it")
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
    else:
        os.environ.pop("DATABASE_URL", None)
        tmp = tempfile.TemporaryDirectory(prefix="tether-bench-")
        os.environ["TETHER_VAR_DIR"] = tmp.name
        (Path(tmp.name) / "static").mkdir()
    os.environ.setdefault("TETHER_DEBUG", "0")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("TETHER_REQUIRE_2FA", "0")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        result: dict[str, Any] = {"benchmark": "management-pages" if args.pages else "management-sweep",
                                  "database": connection.vendor, "size": args.registrants}
        if reused and _holds_register(connection, args.registrants):
            log(f"reusing the kept register of {args.registrants:,} registrants")
            result["reused"] = True
        else:
            if reused:  # another register (or none): built afresh
                drop_postgres(*reused)
                throwaway = prepare_postgres(url)
                call_command("migrate", verbosity=0)
            log(f"building {args.registrants:,} registrants ({connection.vendor})")
            result["register"] = build(connection, args.registrants, args.quiet)
            result["management"] = build_management(connection, args.registrants, args.quiet)
        result.update(run_pages(args, connection, log) if args.pages else run_sweep(args, connection, log))
    finally:
        if throwaway and not (args.keep or args.reuse):
            drop_postgres(*throwaway)
        if tmp:
            from django.db import connections

            connections.close_all()
            tmp.cleanup()
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
