"""The rules engine's outcomes, as digests, over many histories: to show a change to how the engine works changes
nothing it says.

Run: ``.venv/bin/python bench/rules_identity.py [--size N] [--demo M] [--write FILE | --check FILE]``

Two sets of histories, each evaluated the way ``tether.obligations.tests.test_outcome_identity`` does (the same
variants and canonical text, ``rules_version`` left out):

- ``--size`` (default 50,000) of the benchmark's generated histories (``histories.typical``, bench_rules.py's seed),
  each at its own date, two earlier ones and its variant (a death, an order with a review and advance-notified
  changes, or an Irish trip and a short-notice departure);
- ``--demo`` (default 5,000) of the demo register's people (the demo generator's documents with their legal record,
  parsed as the register does), each at the demo's day and the first of every year from its first fact to that day.

``--write FILE``: one digest a history into FILE (made with the engine before the change to check). ``--check FILE``:
the same digests made now, compared line by line; exits 1 naming the first histories that differ. Prints one JSON
object either way (the totals, the number of evaluations, a digest of all the digests, the engine used).
``TETHER_ENGINE=python`` checks the source, the default the compiled build when there is one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tether.obligations import FactsError, evaluate, native  # noqa: E402
from tether.obligations.tests.histories import histories  # noqa: E402
from tether.obligations.tests.test_outcome_identity import SEED, canonical, digest, variants  # noqa: E402

DEMO_SEED = 2018
DEMO_TODAY = date(2026, 11, 1)


def bench_digests(size: int) -> tuple[list[str], int]:
    out: list[str] = []
    evaluations = 0
    for i, (facts, as_of) in enumerate(histories(size, SEED)):
        out.append(f"bench {i} {digest(i, facts, as_of)}")
        evaluations += len(variants(i, facts, as_of))
    return out, evaluations


def demo_digests(size: int) -> tuple[list[str], int]:
    from dataclasses import replace

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from tether.demo.generator import generate_documents
    from tether.demo.geography import FORCES
    from tether.demo.identity_noise import with_identity_noise
    from tether.demo.legal import with_legal_record
    from tether.register.documents import parse_registrant
    from tether.register.facts import facts_for

    out: list[str] = []
    evaluations = 0
    docs = with_legal_record(with_identity_noise(generate_documents(size, DEMO_SEED, DEMO_TODAY), DEMO_SEED),
                             DEMO_SEED, DEMO_TODAY)
    for i, raw in enumerate(docs):
        doc = parse_registrant(raw, known_forces=FORCES, today=DEMO_TODAY)
        facts = facts_for(doc, FORCES[doc.force].jurisdiction)
        first = min([d.date for d in facts.disposals] + [n.date for n in facts.notifications], default=DEMO_TODAY)
        days = [date(y, 1, 1) for y in range(first.year + 1, DEMO_TODAY.year + 1)] + [DEMO_TODAY]
        h = hashlib.sha256()
        for on in days:
            try:
                text = canonical(replace(evaluate(facts, on), rules_version=""))
            except FactsError as e:
                text = f"FactsError({e.field!r}, {e.message!r})"
            h.update(text.encode())
            h.update(b"\n")
        evaluations += len(days)
        out.append(f"demo {i} {h.hexdigest()[:16]}")
    return out, evaluations


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=50_000, help="generated histories (bench_rules.py's)")
    parser.add_argument("--demo", type=int, default=5_000, help="demo register people")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", type=Path, help="write the digests to this file")
    group.add_argument("--check", type=Path, help="compare the digests with this file")
    args = parser.parse_args()

    start = time.process_time()
    lines, n_bench = bench_digests(args.size)
    demo_lines, n_demo = demo_digests(args.demo) if args.demo else ([], 0)
    lines += demo_lines
    out: dict[str, object] = {
        "benchmark": "rules_identity",
        "engine": native.active(),
        "histories": args.size,
        "demo_people": args.demo,
        "evaluations": n_bench + n_demo,
        "digest": hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16],
        "cpu_s": round(time.process_time() - start, 1),
    }
    status = 0
    if args.write:
        args.write.write_text("\n".join(lines) + "\n")
        out["written"] = str(args.write)
    elif args.check:
        want = args.check.read_text().split("\n")[:-1]
        if len(want) != len(lines):
            out["identical"] = False
            out["error"] = f"{len(want)} digests in {args.check}, {len(lines)} made now"
            status = 1
        else:
            differ = [got.rsplit(" ", 1)[0] for got, w in zip(lines, want, strict=True) if got != w]
            out["identical"] = not differ
            out["differ"] = len(differ)
            out["first_differing"] = differ[:10]
            status = 1 if differ else 0
    print(json.dumps(out))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
