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
runs copy it (``CREATE DATABASE ... TEMPLATE``, seconds) instead of building again (about 7 minutes at 1M).
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

from _common import pct, run_on_throwaway_database  # noqa: E402

A = date(2025, 6, 16)
TEMPLATES = 1000  # distinct last-notification dates
BACKLOG = 5  # of TEMPLATES: 0.5% already overdue on A
DUE_ON_A = 10  # of TEMPLATES: 1% due on A, overdue on A+1
LATER_DAYS = 400  # a second recompute this long after A: every stored outcome has changed by then
TARGETS = {"sweep_nothing_new_s": 1.0, "sweep_one_percent_new_s": 2.0, "recompute_s": 60.0}  # issue 17, at 1M


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
        seconds = {}
        for table, sql, params in steps:
            t = time.perf_counter()
            cur.execute(sql, params)
            seconds[table] = round(time.perf_counter() - t, 2)
            if not quiet:
                print(f"  {table}: {seconds[table]} s", file=sys.stderr, flush=True)
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


def save_snapshot(connection: Any, snapshot: str) -> None:
    """Keep a copy of the freshly built register as the database ``snapshot`` (a file-level copy: PostgreSQL's
    ``CREATE DATABASE ... TEMPLATE``), so later runs with ``--snapshot`` start from it instead of building."""
    import psycopg

    name, admin = _admin_url()
    connection.close()  # a template must have no other session
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{snapshot}"')
        conn.execute(f'CREATE DATABASE "{snapshot}" TEMPLATE "{name}"')


def restore_snapshot(snapshot: str) -> bool:
    """Create the benchmark database afresh as a copy of ``snapshot`` when that exists; False when it does not."""
    import psycopg

    name, admin = _admin_url()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [snapshot]).fetchone() is None:
            return False
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{snapshot}"')
    return True


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
    from tether.casework.services import recompute, sweep

    n = args.registrants
    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    if getattr(args, "restored", None):
        built = {"method": f"copied from the snapshot database {args.restored} (built earlier by this script)"}
        log(f"{n:,} registrants copied from the snapshot {args.restored}")
    else:
        log(f"building {n:,} registrants ({connection.vendor})")
        built = build(connection, n, args.quiet)
        if args.snapshot:
            save_snapshot(connection, args.snapshot)
            log(f"saved the built register as the snapshot {args.snapshot}")
    out: dict[str, Any] = {"benchmark": "sweep", "database": connection.vendor, "size": n, "data": built}
    a1 = A + timedelta(days=1)

    def timed(label: str, fn: Any) -> tuple[Any, float]:
        t = time.perf_counter()
        result = fn()
        s = time.perf_counter() - t
        log(f"{label}: {s:.3f} s")
        return result, s

    count_a, raw_a = raw_count(connection, A)
    first, first_s = timed("sweep A (backlog)", lambda: sweep(as_of=A))
    out["sweep_backlog"] = {"as_of": A.isoformat(), "seconds": round(first_s, 3), "new_breaches": first["new_breaches"],
                            "tasks_created": first["tasks_created"], "reevaluated": first["reevaluated"],
                            "reevaluated_due_to_time": first["reevaluated_due_to_time"],
                            "people_checked": first["people_checked"], "raw_count_rows": count_a,
                            "raw_count_seconds": round(raw_a, 6), "ratio_to_raw": round(first_s / raw_a, 1)}
    nothing = []
    for _ in range(args.repeats):
        res, s = timed("sweep A (nothing new)", lambda: sweep(as_of=A))
        assert res["new_breaches"] == 0, res
        nothing.append(s)
    med = statistics.median(nothing)
    out["sweep_nothing_new"] = {"as_of": A.isoformat(), "runs": len(nothing), "median_seconds": round(med, 4),
                                "p95_seconds": round(pct(nothing, 0.95), 4), "people_checked": res["people_checked"],
                                "raw_count_seconds": round(raw_a, 6), "ratio_to_raw": round(med / raw_a, 1)}

    count_a1, raw_a1 = raw_count(connection, a1)
    new, new_s = timed("sweep A+1 (1% newly overdue)", lambda: sweep(as_of=a1))
    out["sweep_one_percent_new"] = {
        "as_of": a1.isoformat(), "seconds": round(new_s, 3), "new_breaches": new["new_breaches"],
        "tasks_created": new["tasks_created"], "reevaluated": new["reevaluated"],
        "reevaluated_due_to_time": new["reevaluated_due_to_time"],
        "people_checked": new["people_checked"], "raw_count_rows": count_a1, "raw_count_seconds": round(raw_a1, 6),
        "ratio_to_raw": round(new_s / raw_a1, 1), "load_average": _load()}
    again = []
    for _ in range(args.repeats):
        res, s = timed("sweep A+1 (nothing new)", lambda: sweep(as_of=a1))
        assert res["new_breaches"] == 0, res
        again.append(s)
    out["sweep_nothing_new_after"] = {"as_of": a1.isoformat(), "median_seconds": round(statistics.median(again), 4),
                                      "ratio_to_raw": round(statistics.median(again) / raw_a1, 1)}
    out["check"] = {"breaches": Breach.objects.count(), "tasks": Task.objects.count(),
                    "expected": count_a1, "no_duplicates": Breach.objects.count() == count_a1 == Task.objects.count()}

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

    if connection.vendor == "postgresql" and n >= 1_000_000:
        out["targets"] = TARGETS
        out["within_targets"] = {
            "sweep_nothing_new": med < TARGETS["sweep_nothing_new_s"],
            "sweep_one_percent_new": new_s < TARGETS["sweep_one_percent_new_s"],
            **({"recompute": out["recompute"]["seconds"] < TARGETS["recompute_s"],
                "recompute_all_changed": out["recompute_all_changed"]["seconds"] < TARGETS["recompute_s"]}
               if "recompute" in out else {}),
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
