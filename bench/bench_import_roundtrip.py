"""Benchmark the national export round trip: a demo register exported as JSON Lines and imported into an empty one.

Run: ``.venv/bin/python bench/bench_import_roundtrip.py [--registrants N] [--seed S]``

Two throwaway SQLite databases (or, with DATABASE_URL naming a database whose name contains "bench", that database
twice over): the first is loaded with the seeded demo (``load_demo``, clock frozen) and exported (``export_jsonl``);
the second gets the first's user accounts (offender managers are named in the file) and imports the file
(``import_jsonl``, the path of ``tether import``), timed: wall and CPU seconds. The second is then exported again:
the round trip must give the same bytes. The raw baseline is ``executemany`` of the people's rows alone
(``people_person``, the same columns) into the emptied table. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import run_on_throwaway_database  # noqa: E402

FROZEN_AT = datetime(2025, 6, 16, 11, 0, tzinfo=UTC)
TODAY = date(2025, 6, 16)


def _export() -> bytes:
    from tether.register.jsonl import export_jsonl

    out = io.StringIO()
    export_jsonl(out, actor_label="bench")
    return out.getvalue().encode()


def load_and_export(args: argparse.Namespace, connection: Any) -> dict[str, Any]:
    import time_machine

    from tether.access.models import User
    from tether.demo.services import load_demo

    with time_machine.travel(FROZEN_AT, tick=False):
        load_demo(args.registrants, args.seed, today=TODAY)
        data = _export()
    Path(args.file).write_bytes(data)
    users = [{"username": u.username, "role": u.role, "force": u.force.code if u.force else None}
             for u in User.objects.select_related("force").order_by("pk")]
    Path(args.file + ".users.json").write_text(json.dumps(users))
    return {"exported": data.count(b"\n"), "sha256": hashlib.sha256(data).hexdigest()}


def import_file(args: argparse.Namespace, connection: Any) -> dict[str, Any]:
    import time_machine

    from tether.access.forces import ensure_forces
    from tether.access.models import Force, User
    from tether.register.jsonl import decode_lines, import_jsonl

    ensure_forces()
    forces = {f.code: f for f in Force.objects.all()}
    accounts = []
    for u in json.loads(Path(args.file + ".users.json").read_text()):
        user = User(username=u["username"], role=u["role"], force=forces.get(u["force"]) if u["force"] else None)
        user.set_unusable_password()
        accounts.append(user)
    User.objects.bulk_create(accounts, ignore_conflicts=True)
    data = Path(args.file).read_bytes()
    with time_machine.travel(FROZEN_AT, tick=False):
        lines, _ = decode_lines(data)  # as ``tether import`` reads its file
        t0, c0 = time.perf_counter(), time.process_time()
        report = import_jsonl(lines, actor_label="bench")
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        again = _export()
    # raw baseline: the people's rows alone, inserted with executemany into an empty copy of their table
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM people_person")
        rows = cur.fetchall()
        cur.execute("CREATE TEMPORARY TABLE bench_people AS SELECT * FROM people_person WHERE 1 = 0")
        t = time.perf_counter()
        cur.executemany(f"INSERT INTO bench_people VALUES ({', '.join(['%s'] * len(rows[0]))})", rows)  # noqa: S608
        raw = time.perf_counter() - t
    return {"imported": report.imported, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "raw_baseline": {"insert_people_rows_seconds": round(raw, 3), "ratio": round(seconds / raw, 1)},
            "round_trip_identical": again == data, "sha256_after": hashlib.sha256(again).hexdigest()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registrants", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--step", choices=("export", "import"), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        run_on_throwaway_database(load_and_export if args.step == "export" else import_file, args)
        return
    with tempfile.TemporaryDirectory(prefix="tether-roundtrip-") as tmp:
        file = str(Path(tmp) / "register.jsonl")
        steps = {}
        for step in ("export", "import"):
            done = subprocess.run(
                [sys.executable, __file__, "--step", step, "--file", file, "--registrants", str(args.registrants),
                 "--seed", str(args.seed)], check=True, capture_output=True, text=True)
            steps[step] = json.loads(done.stdout)
    vendor = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    out = {"benchmark": "import_roundtrip", "database": vendor,
           "size": steps["import"]["imported"], "seed": args.seed, **steps["import"],
           "exported_sha256": steps["export"]["sha256"]}
    out["round_trip_identical"] = steps["import"]["round_trip_identical"]
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
