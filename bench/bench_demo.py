"""Benchmark loading the synthetic demo register, and a person page on the loaded register.

Run: ``.venv/bin/python bench/bench_demo.py [--registrants N] [--seed S] [--pages P] [--profile FILE]``

- SQLite by default: a throwaway database in a temporary directory (TETHER_VAR_DIR), migrated first.
- PostgreSQL when DATABASE_URL is set, e.g. ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/tether_bench``:
  the database named in the URL is dropped and created fresh, and dropped again at the end. For safety
  its name must contain "bench".

Times ``load_demo(N)`` (generate, validate, write with history, materialise obligations, audit), with
a breakdown of where the time went, then GET ``/people/<id>/`` for P random MPS people as the MPS demo
officer (falling back to ``access_person_by_id`` + ``load_registrant_docs`` if the page is not there).
The raw baseline is raw SQL over the same rows: COUNT(*) of every table written, and a per-person
SELECT of that person's rows from every table (the page's data, without Django). Prints one JSON object.
Targets (figures, not assertions): the national size (``--registrants 77000``) in 60 seconds on SQLite, on a quiet
machine; ``cpu_seconds`` (this process) is the steadier figure on a busy one, ``second_process_cpu_seconds`` the
documents' process's.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import pct, run_on_throwaway_database  # noqa: E402

TARGET_SECONDS_SQLITE_77K = 60


class _Timer:
    """Wraps a module attribute (a function) and adds up the time spent in it."""

    def __init__(self, module: Any, attr: str) -> None:
        self.module, self.attr, self.seconds, self.calls = module, attr, 0.0, 0
        self.original = getattr(module, attr)

        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - t
                self.calls += 1

        setattr(module, attr, timed)

    def restore(self) -> None:
        setattr(self.module, self.attr, self.original)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registrants", type=int, default=77_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--pages", type=int, default=50, help="person pages to time")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the load to FILE")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args()

    run_on_throwaway_database(run, args)


def run(args: argparse.Namespace, connection: Any) -> dict[str, Any]:
    from django.apps import apps
    from django.test import Client

    import tether.demo.services as demo_services
    import tether.register.outcomes as register_outcomes
    import tether.register.services as register_services
    from tether.access.models import User
    from tether.access.testing import verified_login
    from tether.demo.services import load_demo
    from tether.demo.users import ensure_demo_users
    from tether.register.guards import access_person_by_id
    from tether.register.models import Person
    from tether.register.selectors import load_registrant_docs

    n = args.registrants
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if not args.quiet and (time.perf_counter() - last[0] > 5 or done == total):
            last[0] = time.perf_counter()
            print(f"  {done:,}/{total:,} registrants written", file=sys.stderr, flush=True)

    import tether.demo.administration as demo_administration
    import tether.demo.management as demo_management
    import tether.demo.tracing as demo_tracing

    # the documents: made in this process (generate and parse_registrant below) or in a second one (demo.pipeline),
    # in which case this process's share is the time it waited for them (unpickling included)
    pipelined = n >= demo_services.PIPELINE_FROM and demo_services.pipeline.available()
    waited = [0.0]
    make_documents = demo_services._documents

    def documents(*a: Any, **k: Any) -> Any:
        items = iter(make_documents(*a, **k))
        while True:
            t = time.perf_counter()
            try:
                item = next(items)
            except StopIteration:
                waited[0] += time.perf_counter() - t
                return
            waited[0] += time.perf_counter() - t
            yield item

    demo_services._documents = documents
    timers = {
        "registrants_write": _Timer(demo_services, "registrants_write"),
        "parse_registrant": _Timer(demo_services, "parse_registrant"),
        "management_populate": _Timer(demo_management.Management, "add"),
        "management_duties": _Timer(demo_management, "evaluate_duties"),
        "tracing": _Timer(demo_tracing, "populate"),
        "administration": _Timer(demo_administration, "populate"),
        "materialise": _Timer(register_services, "materialise"),
        "evaluate": _Timer(register_outcomes, "evaluate"),
        "facts_from": _Timer(register_outcomes, "facts_from"),
        "audit_record_many": _Timer(register_services, "write_events"),
    }
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0, c0, k0 = time.perf_counter(), time.process_time(), os.times()
    summary = load_demo(n, args.seed, progress=progress)
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    k1 = os.times()  # the second process's CPU, counted once it has ended and been waited for
    child_cpu_seconds = (k1.children_user - k0.children_user) + (k1.children_system - k0.children_system)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    for t in timers.values():
        t.restore()
    demo_services._documents = make_documents
    write = timers["registrants_write"].seconds
    materialise = timers["materialise"].seconds
    management = timers["management_populate"].seconds + timers["management_duties"].seconds  # batch by batch
    after = sum(timers[k].seconds for k in ("tracing", "administration"))
    breakdown = {
        "documents_in_second_process": pipelined,
        # in this process: the documents (made here, or waited for), their write, and what follows the last batch
        "documents_seconds": round(waited[0], 2),
        "generate_seconds": None if pipelined else round(waited[0] - timers["parse_registrant"].seconds, 2),
        "parse_registrant_seconds": None if pipelined else round(timers["parse_registrant"].seconds, 2),
        "management_facts_seconds": round(timers["management_populate"].seconds, 2),
        "management_duties_seconds": round(timers["management_duties"].seconds, 2),
        "tracing_seconds": round(timers["tracing"].seconds, 2),
        "administration_seconds": round(timers["administration"].seconds, 2),
        "other_seconds": round(seconds - waited[0] - write - management - after, 2),
        "registrants_write_seconds": round(write, 2),
        "write_build_and_insert_seconds": round(write - materialise - timers["audit_record_many"].seconds, 2),
        "write_materialise_seconds": round(materialise, 2),
        "materialise_facts_from_seconds": round(timers["facts_from"].seconds, 2),
        "materialise_evaluate_seconds": round(timers["evaluate"].seconds, 2),
        "materialise_state_rows_seconds": round(
            materialise - timers["evaluate"].seconds - timers["facts_from"].seconds, 2
        ),
        "write_audit_seconds": round(timers["audit_record_many"].seconds, 2),
    }

    # Rows written, and the raw-SQL baseline over the same tables.
    labels = [
        "register.Person",
        "register.PersonName",
        "register.Address",
        "register.Ownership",
        "register.Disposal",
        "register.Detention",
        "register.Order",
        "register.Notification",
        "casework.Case",
        "register.RegisterState",
        "register.PersonObligation",
        "audit.AuditEvent",
    ]
    models = [apps.get_model(label) for label in labels]
    t = time.perf_counter()
    rows: dict[str, int] = {}
    with connection.cursor() as cur:
        for m in models:
            cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(m._meta.db_table)}")  # noqa: S608
            rows[m._meta.db_table] = cur.fetchone()[0]
    count_seconds = time.perf_counter() - t
    total_rows = sum(rows.values())

    # Person page: the MPS demo officer opens random MPS people.
    ensure_demo_users()
    officer = User.objects.get(username="officer.mps")
    mps_ids = list(Person.objects.filter(owning_force__code="MPS").order_by("pk").values_list("pk", flat=True))
    sample = random.Random(args.seed).sample(mps_ids, min(args.pages, len(mps_ids)))
    client = Client()
    verified_login(client, officer)  # signed in with two-factor verified, as a real session would be
    mode = "http"
    if client.get(f"/people/{sample[0]}/").status_code == 404:
        mode = "fallback: access_person_by_id + load_registrant_docs (no person page yet)"
    page_ms = []
    for pid in sample:
        t = time.perf_counter()
        if mode == "http":
            resp = client.get(f"/people/{pid}/")
            if resp.status_code != 200:
                raise SystemExit(f"GET /people/{pid}/ answered {resp.status_code}")
        else:
            access_person_by_id(officer, pid)
            load_registrant_docs([pid])
        page_ms.append((time.perf_counter() - t) * 1000)

    # Raw baseline per person: that person's rows from every table, with plain SQL.
    person_tables = [m for m in models if m._meta.label not in ("audit.AuditEvent",)]
    raw_ms = []
    with connection.cursor() as cur:
        for pid in sample:
            key = Person._meta.pk.get_db_prep_value(pid, connection)
            t = time.perf_counter()
            for m in person_tables:
                col = "id" if m is Person else "person_id"
                cur.execute(
                    f"SELECT * FROM {connection.ops.quote_name(m._meta.db_table)} WHERE {col} = %s",  # noqa: S608
                    [key],
                )
                cur.fetchall()
            cur.execute(
                f"SELECT * FROM {connection.ops.quote_name(models[-1]._meta.db_table)} "  # noqa: S608
                "WHERE object_type = 'person' AND object_id = %s",
                [str(pid)],
            )
            cur.fetchall()
            raw_ms.append((time.perf_counter() - t) * 1000)

    page_median = statistics.median(page_ms)
    raw_median = statistics.median(raw_ms)
    out: dict[str, Any] = {
        "benchmark": "demo_load",
        "database": connection.vendor,
        "size": summary["registrants"],
        "seed": args.seed,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),  # this process's CPU time: steadier than wall time on a busy machine
        "second_process_cpu_seconds": round(child_cpu_seconds, 2),  # the documents' process (demo.pipeline)
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "rows_per_second": round(summary["registrants"] / seconds, 1),
        "table_rows_written": total_rows,
        "table_rows_per_second": round(total_rows / seconds, 1),
        "breakdown": breakdown,
        "open_cases": summary["open_cases"],
        "missing_rate": summary["missing_rate"],
        "by_country": summary["by_country"],
        "person_page": {
            "mode": mode,
            "median_ms": round(page_median, 2),
            "p95_ms": round(pct(page_ms, 0.95), 2),
            "n": len(page_ms),
        },
        "raw_baseline": {
            "count_all_tables_seconds": round(count_seconds, 3),
            "rows": rows,
            "person_select_median_ms": round(raw_median, 3),
            "person_select_p95_ms": round(pct(raw_ms, 0.95), 3),
            "person_page_ratio": round(page_median / raw_median, 1) if raw_median else None,
        },
    }
    if connection.vendor == "sqlite" and n == 77_000:
        out["target_seconds"] = TARGET_SECONDS_SQLITE_77K
        out["within_target"] = seconds <= TARGET_SECONDS_SQLITE_77K
    return out


if __name__ == "__main__":
    main()
