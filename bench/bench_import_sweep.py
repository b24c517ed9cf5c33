"""Benchmark the per-person sweep that every register write runs: what it adds to an import.

Run: ``.venv/bin/python bench/bench_import_sweep.py [--registrants N] [--repeats R]``
(SQLite in a temporary file by default; PostgreSQL when DATABASE_URL names a database whose name contains "bench").

Each repeat imports N synthetic registrants (half of them with an initial notification already overdue, so the
sweep records N/2 breaches and tasks) three ways, on a register emptied between runs:

- ``baseline``: the sweep hook switched off (the import alone, as before);
- ``once``: the hook as installed: one set-based sweep of all the import's people at the end of the write;
- ``per_person``: ``sweep_people`` called once per registrant (the alternative that was measured and rejected).

Prints one JSON object: size, median and p95 seconds of each, and each one's ratio to the baseline.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import pct, run_on_throwaway_database  # noqa: E402


def _docs(n: int) -> list[str]:
    from tether.conftest import BASE_DOC, _with_check_letter
    from tether.register.jsonl import json_line

    lines = []
    for i in range(n):
        doc = _with_check_letter(copy.deepcopy(BASE_DOC))
        doc["ni_number"] = ""
        doc["pnc_id"] = ""
        doc["names"][0]["family_name"] = f"Benchperson{i}"
        if i % 2:  # cautioned a fortnight ago, never notified: the initial notification is overdue
            doc.update(disposals=[{"date": "2025-06-01", "offence": "Exposure (synthetic)", "kind": "caution"}],
                       detentions=[], notifications=[])
        else:  # notified every year: nothing overdue
            doc["notifications"] = [{"kind": "initial", "received_at": "2020-07-02T10:00:00Z", "station": "X"}] + [
                {"kind": "periodic", "received_at": f"{y}-06-20T10:00:00Z", "station": "X"}
                for y in range(2021, 2025)]
        lines.append(json_line(doc))
    return lines


def _empty() -> None:
    from tether.casework.models import Breach, Task
    from tether.register.models import Person

    Task.objects.all().delete()
    Breach.objects.all().delete()
    Person.objects.all().delete()


def run(args: argparse.Namespace, connection: Any) -> dict[str, Any]:
    import time_machine

    from tether.access.forces import ensure_forces
    from tether.casework.models import Breach
    from tether.casework.services import sweep_people
    from tether.conftest import FROZEN_AT
    from tether.register import extensions
    from tether.register.jsonl import import_jsonl
    from tether.register.models import Person

    ensure_forces()
    n = args.registrants
    lines = _docs(n)
    hooks = extensions._people_evaluated
    installed = dict(hooks)
    times: dict[str, list[float]] = {"baseline": [], "once": [], "per_person": []}
    breaches: dict[str, int] = {}
    with time_machine.travel(FROZEN_AT, tick=False):
        for _ in range(args.repeats):
            for way in times:
                _empty()
                hooks.clear()
                if way == "once":
                    hooks.update(installed)
                elif way == "per_person":
                    hooks["sweep"] = lambda ids: [sweep_people([pid]) for pid in ids]
                started = time.perf_counter()
                import_jsonl(lines, actor_label="bench")
                times[way].append(time.perf_counter() - started)
                breaches[way] = Breach.objects.count()
                assert Person.objects.count() == n
        hooks.clear()
        hooks.update(installed)
    base = statistics.median(times["baseline"])
    return {
        "bench": "import_sweep", "database": connection.vendor, "registrants": n, "overdue": n // 2,
        "repeats": args.repeats, "breaches": breaches,
        **{way: {"median_s": round(statistics.median(t), 3), "p95_s": round(pct(t, 0.95), 3),
                 "ratio_to_baseline": round(statistics.median(t) / base, 2)} for way, t in times.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrants", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    run_on_throwaway_database(run, args, default_size=(2000, 5000))


if __name__ == "__main__":
    main()
