"""Benchmark the identity search on a demo register (variant spellings, aliases, planted duplicates included).

Run: ``.venv/bin/python bench/bench_search.py [--registrants N] [--queries Q] [--keep]``

- PostgreSQL when DATABASE_URL names a database whose name contains "bench" (70,000 registrants by default, about
  the size of the register of England and Wales), e.g. ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/
  identity_bench``: dropped and created fresh, dropped again at the end (``--keep`` keeps it).
- SQLite otherwise (5,000 registrants): a throwaway database in a temporary directory.

The register is loaded with ``tether.demo.services.load_demo`` (the one write path, so the name keys are built as
in production). Q queries are drawn from it (seeded): a name with a typo or a nickname, plus the date of birth
with one digit changed or day and month swapped. Timed: ``search_people`` as a national administrator (force ALL,
audited, ranked), median and p95 in ms, and its ratio to a raw SQL baseline (the exact name + exact date of birth
lookup over ``people_personname`` joined to ``people_person``). Also how often the true person came first and
in the top 10. Prints one JSON object.
"""

from __future__ import annotations

import argparse
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


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _perturb(dob: Any, rng: random.Random) -> str:
    if dob.day <= 12 and dob.day != dob.month and rng.random() < 0.5:
        return f"{dob.month:02d}/{dob.day:02d}/{dob.year}"
    for last in "1234567890":  # one digit of the day wrong
        day = int(f"{dob.day:02d}"[0] + last)
        if day != dob.day and 1 <= day <= 28:
            return f"{day:02d}/{dob.month:02d}/{dob.year}"
    return f"{dob.day:02d}/{dob.month:02d}/{dob.year}"


def run(args: argparse.Namespace, connection: Any) -> dict[str, Any]:
    from tether.access.constants import Role
    from tether.access.forces import ensure_forces
    from tether.access.models import User
    from tether.demo.services import load_demo
    from tether.identity.search import SearchTerms, search_people
    from tether.register.models import PersonName

    ensure_forces()
    t0 = time.perf_counter()
    load_demo(args.registrants, seed=2018)
    load_s = time.perf_counter() - t0
    admin = User.objects.create_user("bench.national", password=None, role=Role.NATIONAL_ADMIN, force=None)
    rng = random.Random(7)
    names = list(PersonName.objects.filter(kind="birth").select_related("person")
                 .order_by("person_id").values_list("person_id", "given_names", "family_name",
                                                    "person__date_of_birth")[: args.queries * 20])
    picks = rng.sample(names, min(args.queries, len(names)))
    times, base, first, top10 = [], [], 0, 0
    for pid, given, family, dob in picks:
        terms = SearchTerms(name=f"{given.split()[0]} {_typo(family, rng)}", dob=_perturb(dob, rng), force="ALL")
        t = time.perf_counter()
        _, rows = search_people(admin, terms, 1, per_page=10)
        times.append((time.perf_counter() - t) * 1000)
        ids = [r.person.pk for r in rows]
        first += bool(ids and ids[0] == pid)
        top10 += pid in ids
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("SELECT p.id FROM people_person p JOIN people_personname n ON n.person_id = p.id "
                        "WHERE n.family_name = %s AND p.date_of_birth = %s LIMIT 10", [family, dob])
            cur.fetchall()
        base.append((time.perf_counter() - t) * 1000)
    median, baseline = statistics.median(times), statistics.median(base)
    return {
        "database": connection.vendor, "registrants": args.registrants, "queries": len(picks),
        "load_seconds": round(load_s, 1),
        "search_ms": {"median": round(median, 2), "p95": round(pct(times, 0.95), 2)},
        "baseline_ms": {"median": round(baseline, 3), "p95": round(pct(base, 0.95), 3)},
        "ratio_to_baseline": round(median / baseline, 1) if baseline else None,
        "true_person_first": round(first / len(picks), 3), "true_person_top10": round(top10 / len(picks), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrants", type=int, default=None)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    run_on_throwaway_database(run, args, keep=args.keep, default_size=(5000, 70000))


if __name__ == "__main__":
    main()
