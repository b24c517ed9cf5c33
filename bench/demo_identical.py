"""Digest of a seeded demo register, to show a change to the loader leaves the register the same.

Run: ``.venv/bin/python bench/demo_identical.py [--registrants N] [--seed S] > A.json`` on one version of the code,
the same on another (> B.json), then ``.venv/bin/python bench/demo_identical.py --compare A.json B.json``.

Loads the demo (``load_demo``) into a throwaway SQLite database (or the PostgreSQL bench database of DATABASE_URL)
with the clock frozen, then prints one JSON object: the SHA-256 of the national JSONL export (byte-identical when
the register is the same), audit events by action, and every table's row count and SHA-256 (raw rows in primary key
order, as the database holds them; the audit table's hash chain included; but ``VARYING``). ``--compare`` names
every difference and exits 1 when there is one. Also the load's wall and CPU seconds (not compared).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import run_on_throwaway_database  # noqa: E402

FROZEN_AT = datetime(2025, 6, 16, 11, 0, tzinfo=UTC)
# columns that differ from one load to the next whatever the code: an unusable password is random, a run's duration
VARYING = {"access.User": {"password"}, "tracing.LinkageRun": {"seconds"}}
TODAY = date(2025, 6, 16)


def run(args: argparse.Namespace, connection: Any) -> dict[str, Any]:
    import time_machine
    from django.apps import apps

    from tether.audit.models import AuditEvent
    from tether.demo.services import load_demo
    from tether.register.jsonl import export_jsonl

    with time_machine.travel(FROZEN_AT, tick=False):
        t0, c0 = time.perf_counter(), time.process_time()
        summary = load_demo(args.registrants, args.seed, today=TODAY)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        out = io.StringIO()
        export_jsonl(out, actor_label="digest")
    export = out.getvalue().encode()
    qn = connection.ops.quote_name
    tables: dict[str, Any] = {}
    with connection.cursor() as cur:
        for model in apps.get_models():
            if not model._meta.managed or model._meta.proxy:
                continue
            fields = [f for f in model._meta.concrete_fields
                      if f.attname not in VARYING.get(model._meta.label, ())]
            cur.execute(f"SELECT {', '.join(qn(f.column) for f in fields)} FROM {qn(model._meta.db_table)}"  # noqa: S608
                        f" ORDER BY {qn(model._meta.pk.column)}")
            digest, n = hashlib.sha256(), 0
            for row in cur.fetchall():
                digest.update(repr(row).encode())
                n += 1
            if n:
                tables[model._meta.label] = {"rows": n, "sha256": digest.hexdigest()}
    audit: dict[str, int] = {}
    for action in AuditEvent.objects.values_list("action", flat=True):
        audit[action] = audit.get(action, 0) + 1
    return {
        "benchmark": "demo_identical",
        "database": connection.vendor,
        "size": summary["registrants"],
        "seed": args.seed,
        "load_seconds": round(seconds, 2),
        "load_cpu_seconds": round(cpu, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "export": {"lines": export.count(b"\n"), "bytes": len(export), "sha256": hashlib.sha256(export).hexdigest()},
        "audit_by_action": dict(sorted(audit.items())),
        "tables": tables,
    }


def compare(a_path: str, b_path: str) -> int:
    a, b = (json.loads(Path(p).read_text()) for p in (a_path, b_path))
    differences = []
    for key in ("size", "seed", "export", "audit_by_action"):
        if a[key] != b[key]:
            differences.append({"what": key, "a": a[key], "b": b[key]})
    for label in sorted(set(a["tables"]) | set(b["tables"])):
        if a["tables"].get(label) != b["tables"].get(label):
            differences.append({"what": label, "a": a["tables"].get(label), "b": b["tables"].get(label)})
    print(json.dumps({"identical": not differences, "tables_compared": len(set(a["tables"]) | set(b["tables"])),
                      "export_sha256": a["export"]["sha256"], "differences": differences}, indent=2))
    return 1 if differences else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registrants", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--compare", nargs=2, metavar=("A", "B"), help="compare two digests")
    args = parser.parse_args()
    if args.compare:
        raise SystemExit(compare(*args.compare))
    run_on_throwaway_database(run, args)


if __name__ == "__main__":
    main()
