"""Benchmark the point-in-time statistics on a large register: the as-at missing report and registrants by force.

Run: ``.venv/bin/python bench/bench_reports.py [--registrants N] [--cases C] [--repeats R] [--quiet] [--keep]``

- SQLite by default (100,000 registrants, 10,000 cases): a throwaway database in a temporary directory.
- PostgreSQL when DATABASE_URL names a database whose name contains "bench" (1,000,000 registrants by
  default), e.g. ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/tether_stats_bench``: dropped and created
  fresh, and dropped again at the end (``--keep`` keeps it).

The register is built with the raw bulk SQL of ``bench_sweep.build`` (person, disposal, notification,
register state, obligations), plus one ``Ownership`` interval per registrant (from 2015-01-01) and C cases
with their ``CaseState`` history written the same way (INSERT ... SELECT over a generated series): case i
opens on a date spread over the 14 years before the bench date A (2025-06-16); 40% get a warrant 30 days
later (wanted), 40% close ("located") 10-310 days after opening, the rest stay missing; a tenth of them are
believed abroad from opening.

Timed (median and p95 of R runs, each with its ratio to a raw SQL baseline over the same rows):
1. ``statistics.missing(by="force,year_missing")`` as at A (and as at A - 3 years) as a national admin,
   audited, plus ``disclosure.publish`` when that module is present: target < 1 s on PostgreSQL at 1M/10k;
   baseline: one GROUP BY over the open state intervals (force, year of the interval's start);
2. ``statistics.registrants(by="force")`` as at A; baseline: the same GROUP BY in one raw statement.
Prints one JSON object.
"""

# ruff: noqa: S608  (the SQL here is built from integers and constants, never from input)
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import pct, run_on_throwaway_database  # noqa: E402
from bench_sweep import A  # noqa: E402
from bench_sweep import build as build_register  # noqa: E402

TARGET_S = 1.0
SPREAD_DAYS = 14 * 365


def build_cases(connection: Any, n: int, cases: int) -> dict[str, Any]:
    """Ownership intervals for every registrant, then ``cases`` cases with their state history."""
    pg = connection.vendor == "postgresql"
    t0 = time.perf_counter()
    now = datetime(2025, 6, 16, 8, 0, tzinfo=UTC)
    last = A - timedelta(days=1)
    if pg:
        series = f"SELECT i FROM generate_series(0, {int(cases) - 1}) AS g(i)"
        pid = "('00000000-0000-7000-8000-' || lpad(to_hex((i * 97) %% {n}), 12, '0'))::uuid"
        opened = f"(DATE '{A}' - ((i * 7919) %% {SPREAD_DAYS}) - 1)"
        plus = lambda col, days: f"({col} + {days})"  # noqa: E731
    else:
        series = (f"WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i + 1 < {int(cases)})"
                  " SELECT i FROM g")
        pid = "'00000000000070008000' || printf('%%012x', (i * 97) %% {n})"
        opened = f"date('{A}', '-' || (((i * 7919) %% {SPREAD_DAYS}) + 1) || ' days')"
        plus = lambda col, days: f"date({col}, '+' || ({days}) || ' days')"  # noqa: E731
    pid = pid.replace("{n}", str(int(n)))
    with connection.cursor() as cur:
        steps: list[tuple[str, str, list[Any]]] = [
            ("people_ownership",
             "INSERT INTO people_ownership (person_id, force_id, valid_from, valid_to)"
             " SELECT id, owning_force_id, %s, NULL FROM people_person", [date(2015, 1, 1)]),
            ("bench_case",
             "CREATE TEMP TABLE bench_case AS SELECT i + 1 AS id, "
             f"{pid} AS person_id, {opened} AS opened, i %% 10 AS kind FROM ({series}) s", []),
        ]
        for _table, sql, params in steps:
            cur.execute(sql, params)
        # warrant 30 days after opening (kinds 0-3), closed 10-310 days after (kinds 4-7), else missing;
        # only when that date is before A
        cur.execute("ALTER TABLE bench_case ADD COLUMN warrant date")
        cur.execute("ALTER TABLE bench_case ADD COLUMN closed date")
        cur.execute(f"UPDATE bench_case SET warrant = {plus('opened', 30)} WHERE kind < 4", [])
        cur.execute(f"UPDATE bench_case SET closed = {plus('opened', '10 + (id * 31) %% 300')}"
                    " WHERE kind BETWEEN 4 AND 7", [])
        cur.execute("UPDATE bench_case SET warrant = NULL WHERE warrant > %s", [last])
        cur.execute("UPDATE bench_case SET closed = NULL WHERE closed > %s", [last])
        cur.execute(
            "INSERT INTO cases_case (id, person_id, force_id, kind, opened_on, closed_on, believed_abroad,"
            " warrant_on, outcome, created_at, sio_id, pnc_reference, version)"
            " SELECT b.id, b.person_id, p.owning_force_id, CASE WHEN b.warrant IS NULL THEN 'missing'"
            " ELSE 'wanted' END, b.opened, b.closed, b.id %% 10 = 0, b.warrant,"
            " CASE WHEN b.closed IS NULL THEN '' ELSE 'located' END, %s, NULL, '', 1"
            " FROM bench_case b JOIN people_person p ON p.id = b.person_id", [now])
        state = ("INSERT INTO cases_casestate (case_id, state, believed_abroad, valid_from, valid_to, event,"
                 " outcome, detail, note, actor_id, actor_label, created_at) ")
        cur.execute(state + "SELECT id, 'missing', id %% 10 = 0, opened, COALESCE(warrant, closed), 'open_missing',"
                    " '', '{}', '', NULL, 'bench', %s FROM bench_case", [now])
        cur.execute(state + "SELECT id, 'wanted', id %% 10 = 0, warrant, NULL, 'warrant', '', '{}', '', NULL,"
                    " 'bench', %s FROM bench_case WHERE warrant IS NOT NULL", [now])
        cur.execute(state + "SELECT id, 'closed', id %% 10 = 0, closed, NULL, 'close', 'located', '{}', '', NULL,"
                    " 'bench', %s FROM bench_case WHERE closed IS NOT NULL", [now])
        if pg:
            cur.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT MAX(id) FROM cases_case))")
        cur.execute("ANALYZE")
    rows = {}
    with connection.cursor() as cur:
        for table in ("people_ownership", "cases_case", "cases_casestate"):
            cur.execute(f"SELECT COUNT(*) FROM {table}")
            rows[table] = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM cases_case WHERE closed_on IS NULL")
        rows["open_cases_now"] = cur.fetchone()[0]
    return {"seconds": round(time.perf_counter() - t0, 2), "rows": rows}


BASELINE_MISSING = (
    "SELECT c.force_id, {year}, COUNT(*) FROM cases_casestate s JOIN cases_case c ON c.id = s.case_id"
    " WHERE s.state IN ('missing', 'wanted') AND s.valid_from <= %s AND (s.valid_to IS NULL OR s.valid_to > %s)"
    " GROUP BY 1, 2"
)
BASELINE_REGISTRANTS = (
    "SELECT o.force_id, COUNT(*) FROM people_ownership o JOIN register_registerstate r ON r.person_id = o.person_id"
    " WHERE o.valid_from <= %s AND (o.valid_to IS NULL OR o.valid_to > %s) AND r.registration_start <= %s"
    " AND (r.indefinite OR r.registration_end >= %s) GROUP BY 1"
)


def baseline(connection: Any, sql: str, params: list[Any], repeats: int) -> tuple[int, float]:
    times, total = [], 0
    with connection.cursor() as cur:
        for _ in range(repeats):
            t = time.perf_counter()
            cur.execute(sql, params)
            total = sum(r[-1] for r in cur.fetchall())
            times.append(time.perf_counter() - t)
    return total, statistics.median(times)


def _timed(fn: Any, repeats: int) -> tuple[Any, list[float]]:
    times, result = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return result, times


def _summary(times: list[float], raw_s: float) -> dict[str, Any]:
    med = statistics.median(times)
    return {"runs": len(times), "median_seconds": round(med, 4), "p95_seconds": round(pct(times, 0.95), 4),
            "raw_sql_seconds": round(raw_s, 5), "ratio_to_raw": round(med / raw_s, 1) if raw_s else None}


def run(args: argparse.Namespace, connection: Any) -> dict[str, Any]:
    from tether.access.constants import Role
    from tether.access.models import User
    from tether.reports import statistics as st

    try:
        from tether.reports.disclosure import publish
    except ImportError:  # the disclosure module lands on its own branch
        publish = None

    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    n, c = args.registrants, args.cases
    log(f"building {n:,} registrants and {c:,} cases ({connection.vendor})")
    register = build_register(connection, n, args.quiet)
    cases = build_cases(connection, n, c)
    log(f"built in {register['seconds'] + cases['seconds']:.1f} s")
    admin = User.objects.create_user("bench.national", password=None, role=Role.NATIONAL_ADMIN)
    pg = connection.vendor == "postgresql"
    year = "EXTRACT(YEAR FROM s.valid_from)" if pg else "strftime('%%Y', s.valid_from)"
    out: dict[str, Any] = {"benchmark": "reports", "database": connection.vendor, "size": n, "cases": c,
                           "data": {"register": register, "cases": cases}, "published": publish is not None}

    for label, day in (("missing_by_force_and_year", A), ("missing_by_force_and_year_3_years_ago",
                                                          A.replace(year=A.year - 3))):
        raw_total, raw_s = baseline(connection, BASELINE_MISSING.format(year=year), [day, day], 5)

        def report(day: date = day) -> Any:
            table = st.missing(admin, day, by="force,year_missing")
            return (table, publish(table)) if publish else (table, None)

        (table, _pt), times = _timed(report, args.repeats)
        log(f"{label}: median {statistics.median(times):.3f} s")
        out[label] = {"as_of": day.isoformat(), "total": table.total(), "raw_sql_total": raw_total,
                      "totals_agree": table.total() == raw_total, "rows": len(table.rows),
                      "cols": len(table.cols), **_summary(times, raw_s)}

    raw_total, raw_s = baseline(connection, BASELINE_REGISTRANTS, [A, A, A, A], 5)
    table, times = _timed(lambda: st.registrants(admin, A, by="force"), args.repeats)
    log(f"registrants_by_force: median {statistics.median(times):.3f} s")
    out["registrants_by_force"] = {"as_of": A.isoformat(), "total": table.total(), "raw_sql_total": raw_total,
                                   "totals_agree": table.total() == raw_total, **_summary(times, raw_s)}
    series, times = _timed(lambda: st.monthly_series(admin, A, months=24), max(3, args.repeats // 4))
    out["monthly_series_24"] = {"runs": len(times), "median_seconds": round(statistics.median(times), 4),
                                "last_point": series.points[-1][1]}
    out["target_seconds"] = TARGET_S
    out["within_target"] = {k: out[k]["median_seconds"] < TARGET_S
                            for k in ("missing_by_force_and_year", "missing_by_force_and_year_3_years_ago",
                                      "registrants_by_force")}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registrants", type=int, default=None,
                        help="default: 100,000 on SQLite, 1,000,000 on PostgreSQL")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="PostgreSQL: keep the database afterwards")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args()

    if args.registrants is not None and args.cases > args.registrants:
        raise SystemExit("--cases must not exceed --registrants")
    run_on_throwaway_database(run, args, keep=args.keep, default_size=(100_000, 1_000_000))


if __name__ == "__main__":
    main()
