"""Benchmark the identity search on PostgreSQL at register scale: speed and accuracy by kind of query.

Run (PostgreSQL; the database name, or the schema named by ``search_path``, must contain "bench"):
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/identity_bench .venv/bin/python bench/bench_search.py
[--registrants N] [--queries Q] [--keep] [--reuse]`` (70,000 registrants by default, about the register of England and
Wales; ``--registrants 1000000`` for the national target). Without a PostgreSQL URL it runs on a throwaway SQLite
file (5,000 registrants).

The register is generated straight into the tables with COPY (PostgreSQL) or executemany (SQLite), not through
the write path: people (synthetic, seeded), their names (about 1.5 per person: a birth name, a current name for
one in ten, an alias for two in five), one home address each, and identity's keys (``identity_namekey``,
``identity_token``) built with the same ``matching`` rules the write path uses. Names are drawn, Zipf-like, from
Faker's name lists of several locales (about 10,000 family and 8,000 given names, so common names are common).

Q queries of each kind are drawn from it (seeded), each perturbed as an officer might type it:
``name_typo`` (two letters of the family name swapped, + DOB), ``phonetic`` (a family name that sounds the same,
+ DOB), ``nickname`` (a nickname for the given name, + DOB), ``alias`` (an alias, + DOB), ``name_order`` (family
name first, + DOB), ``dob_lenient`` (day/month swapped or one digit wrong), ``dob_partial`` (year-month),
``dob_year`` (year only), ``postcode`` (name + full postcode), ``postcode_district`` (name + district),
``ni_one_off`` / ``pnc_one_off`` (the identifier alone with one character wrong), ``reference`` (the number part)
and ``no_match`` (a name + DOB of nobody on the register). Timed: ``search.search_people`` as a national
administrator (force ALL, ranked, audited), median and p95 in ms per kind, with the ratio of the median to the
raw-database baseline (an indexed equality lookup: exact family name + exact date of birth over
``people_personname`` joined to ``people_person``). Accuracy per kind: the true person first and in the top 10;
for ``no_match``, the share of queries where no result scored 0.9 or more. On PostgreSQL also ``server_*_ms``: the
server's own planning + execution time of each search's reads (EXPLAIN ANALYZE of the statements it issued), which
does not include the round trips a loaded machine stretches. Prints one JSON object.
"""


from __future__ import annotations

import argparse
import importlib
import random
import statistics
import string
import sys
import time
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import pct, run_on_throwaway_database  # noqa: E402

LOCALES = ("en_GB", "en_US", "en_IE", "it_IT", "es_ES", "nl_NL", "sk_SK", "uk_UA", "de_DE", "fr_FR", "ar_AA",
           "tr_TR", "pl_PL", "hi_IN", "ro_RO", "cs_CZ")
KINDS = ("name_dob", "name_typo", "phonetic", "nickname", "alias", "name_order", "dob_lenient", "dob_partial",
         "dob_year", "postcode", "postcode_district", "ni_one_off", "pnc_one_off", "reference", "no_match")
NI_LETTERS = "ABCEGHJKLMNPRSTWXYZ"
PNC_CHECK = "ZABCDEFGHJKLMNPQRTUVWXY"
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _pool(attr: str) -> list[str]:
    """Distinct names from Faker's lists (several locales), in a fixed order (the commonest lists first)."""
    seen: dict[str, None] = {}
    for loc in LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        for name in getattr(provider, attr, ()) or ():
            if name and name.replace("-", "").replace(" ", "").replace("'", "").isalpha():
                seen.setdefault(name, None)
    return list(seen)


def _zipf(n: int) -> list[float]:
    """Cumulative Zipf-like weights (exponent 0.9) for ``n`` ranked names."""
    total, out = 0.0, []
    for r in range(1, n + 1):
        total += 1 / r ** 0.9
        out.append(total)
    return out


def _pnc(year: int, serial: int) -> str:
    check = PNC_CHECK[int(f"{year % 100:02d}{serial:07d}") % 23]
    return f"{year}/{serial:07d}{check}"


def generate(n: int, seed: int) -> dict[str, Any]:
    """N synthetic registrants as plain rows (people, names, addresses)."""
    rng = random.Random(seed)
    family, given = _pool("last_names"), _pool("first_names")
    fw, gw = _zipf(len(family)), _zipf(len(given))
    districts = [f"{a}{b}{d}" for a in "BCDEGHKLMNPRSTW" for b in ("", "A", "E", "L", "N", "S") for d in range(1, 30)]
    people, names, addresses = [], [], []
    fams = rng.choices(family, cum_weights=fw, k=n * 2)
    givs = rng.choices(given, cum_weights=gw, k=n * 3)
    for i in range(n):
        pid = uuid.UUID(int=(0x7000 << 64) | (i + 1))
        dob = date(1940, 1, 1) + timedelta(days=rng.randrange(65 * 365))
        ni = (rng.choice(NI_LETTERS) + rng.choice(NI_LETTERS) + f"{rng.randrange(10 ** 6):06d}"
              + rng.choice("ABCD"))
        pnc = _pnc(rng.randrange(1985, 2025), rng.randrange(1, 10 ** 7))
        g1 = givs[3 * i] if rng.random() < 0.6 else f"{givs[3 * i]} {givs[3 * i + 1]}"
        f1 = fams[2 * i]
        people.append({"id": pid, "ref": f"TTH-{i + 1:06d}", "dob": dob, "ni": ni, "pnc": pnc,
                       "given": g1, "family": f1, "aliases": [], "sex": rng.choice(("male", "female"))})
        names.append((pid, "birth", g1, f1))
        if rng.random() < 0.1:  # a current name (married, changed by deed poll)
            names.append((pid, "current", g1, fams[2 * i + 1]))
        if rng.random() < 0.4:
            alias = (givs[3 * i + 2], f1 if rng.random() < 0.5 else fams[2 * i + 1])
            names.append((pid, "alias", *alias))
            people[-1]["aliases"].append(alias)
        district = rng.choice(districts)
        unit = "ABDEFGHJLNPQRSTUWXYZ"
        postcode = f"{district} {rng.randrange(1, 10)}{rng.choice(unit)}{rng.choice(unit)}"
        people[-1]["postcode"] = postcode
        addresses.append((pid, postcode, f"{rng.randrange(1, 300)} Bench Street (synthetic)"))
    return {"people": people, "names": names, "addresses": addresses, "family": family, "given": given}


def load(connection: Any, data: dict[str, Any], quiet: bool) -> dict[str, Any]:
    """Write the generated register (and identity's keys) straight into the tables."""
    from tether.access.models import Force
    from tether.identity.matching import name_tokens, phonetic
    from tether.register.names import display, search_key

    forces = list(Force.objects.order_by("pk").values_list("pk", flat=True))
    pg = connection.vendor == "postgresql"
    seconds: dict[str, float] = {}
    start = date(2015, 1, 1)
    person_rows = [(p["id"], p["ref"], p["dob"], p["sex"], p["ni"], p["pnc"], True, forces[i % len(forces)],
                    display(p["given"], p["family"]), search_key(p["family"], p["given"]), 1, NOW, NOW)
                   for i, p in enumerate(data["people"])]
    name_rows = [(i + 1, pid, kind, g, f, search_key(g, f), start, None)
                 for i, (pid, kind, g, f) in enumerate(data["names"])]
    address_rows = [(pid, "home", line1, "", "Benchton", pc, False, start, None)
                    for pid, pc, line1 in data["addresses"]]
    key_rows, vocabulary = [], set()
    born = {p["id"]: p["dob"] for p in data["people"]}
    for name_id, pid, kind, g, f, *_ in name_rows:
        for part, word in dict.fromkeys(name_tokens(g, f)):
            key_rows.append((pid, name_id, part, word, kind == "alias", born[pid]))
            vocabulary.add(word)
    token_rows = [(w, *phonetic(w)) for w in sorted(vocabulary)]
    tables = [
        ("people_person", "id, reference, date_of_birth, sex, ni_number, pnc_id, synthetic, owning_force_id, "
         "display_name, sort_name, version, created_at, updated_at", person_rows),
        ("people_personname", "id, person_id, kind, given_names, family_name, search_key, valid_from, valid_to",
         name_rows),
        ("people_address", "person_id, kind, line1, line2, town, postcode, child_under_18, valid_from, valid_to",
         address_rows),
        ("identity_namekey", "person_id, name_id, part, token, alias, date_of_birth", key_rows),
        ("identity_token", "token, phonetic, phonetic_alt", token_rows),
    ]
    for table, columns, rows in tables:
        t = time.perf_counter()
        if pg:
            raw = connection.connection
            with raw.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(rows[0]))
            with connection.cursor() as cur:
                for i in range(0, len(rows), 5000):
                    cur.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                                    [tuple(str(v) if isinstance(v, uuid.UUID) else v for v in r)
                                     for r in rows[i : i + 5000]])
        seconds[table] = round(time.perf_counter() - t, 1)
        if not quiet:
            print(f"  {table}: {len(rows)} rows, {seconds[table]} s", file=sys.stderr, flush=True)
    if pg:
        with connection.cursor() as cur:
            cur.execute("SELECT setval(pg_get_serial_sequence('people_personname', 'id'), %s)", [len(name_rows)])
    else:
        from tether.identity.indexing import add_tokens
        from tether.identity.models import Token

        words = list(Token.objects.values_list("token", flat=True))
        Token.objects.all().delete()
        add_tokens(words)  # the SQLite trigram table too
    t = time.perf_counter()
    with connection.cursor() as cur:  # as autovacuum would leave a register loaded long ago
        cur.execute("VACUUM ANALYZE" if pg else "ANALYZE")
    seconds["vacuum_analyze"] = round(time.perf_counter() - t, 1)
    return {"people": len(person_rows), "names": len(name_rows), "addresses": len(address_rows),
            "name_keys": len(key_rows), "vocabulary": len(token_rows), "seconds": seconds}


# --- perturbations ----------------------------------------------------------------------------------------------


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _dmy(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _lenient(dob: date, rng: random.Random) -> str | None:
    if dob.day <= 12 and dob.day != dob.month and rng.random() < 0.5:
        return f"{dob.month:02d}/{dob.day:02d}/{dob.year}"
    for last in rng.sample("0123456789", 10):  # one digit of the day wrong
        day = int(f"{dob.day:02d}"[0] + last)
        if day != dob.day and 1 <= day <= 28:
            return f"{day:02d}/{dob.month:02d}/{dob.year}"
    return None


def _one_off(value: str, rng: random.Random, positions: list[int]) -> str:
    i = rng.choice(positions)
    alphabet = string.digits if value[i].isdigit() else string.ascii_uppercase
    return value[:i] + rng.choice([c for c in alphabet if c != value[i]]) + value[i + 1 :]


def queries(data: dict[str, Any], per_kind: int, seed: int) -> list[tuple[str, Any, dict[str, str]]]:
    """(kind, true person id or None, search terms) for every kind."""
    from tether.identity.matching import nicknames, phonetic, words

    rng = random.Random(seed)
    people = data["people"]
    by_code: dict[str, list[str]] = defaultdict(list)
    for f in data["family"][:3000]:
        w = words(f)
        if len(w) == 1:
            by_code[phonetic(w[0])[0]].append(f)
    out: list[tuple[str, Any, dict[str, str]]] = []
    for kind in KINDS:
        made, tries = 0, 0
        while made < per_kind and tries < per_kind * 200:
            tries += 1
            p = rng.choice(people)
            given, family, dob = p["given"].split()[0], p["family"], p["dob"]
            terms: dict[str, str] = {"dob": _dmy(dob)}
            if kind == "name_dob":
                terms["name"] = f"{given} {family}"
            elif kind == "name_typo":
                if _typo(family, rng) == family:
                    continue
                terms["name"] = f"{given} {_typo(family, rng)}"
            elif kind == "phonetic":
                w = words(family)
                codes = by_code.get(phonetic(w[0])[0], []) if len(w) == 1 else []
                alike = [f for f in codes if f.lower() != family.lower()]
                if not alike:
                    continue
                terms["name"] = f"{given} {rng.choice(alike)}"
            elif kind == "nickname":
                nick = sorted(nicknames(words(given)[0])) if words(given) else []
                if not nick:
                    continue
                terms["name"] = f"{rng.choice(nick).title()} {family}"
            elif kind == "alias":
                if not p["aliases"]:
                    continue
                ag, af = p["aliases"][0]
                terms["name"] = f"{ag} {af}"
            elif kind == "name_order":
                terms["name"] = f"{family} {given}"
            elif kind == "dob_lenient":
                lenient = _lenient(dob, rng)
                if lenient is None:
                    continue
                terms = {"name": f"{given} {family}", "dob": lenient}
            elif kind == "dob_partial":
                terms = {"name": f"{given} {family}", "dob": f"{dob.month:02d}/{dob.year}"}
            elif kind == "dob_year":
                terms = {"name": f"{given} {family}", "dob": str(dob.year)}
            elif kind == "postcode":
                terms = {"name": family, "postcode": p["postcode"]}
            elif kind == "postcode_district":
                terms = {"name": f"{given} {family}", "postcode": p["postcode"].split()[0]}
            elif kind == "ni_one_off":
                terms = {"ni": _one_off(p["ni"], rng, list(range(2, 8)))}
            elif kind == "pnc_one_off":
                ni_free = p["pnc"].replace("/", "")
                wrong = _one_off(ni_free, rng, list(range(4, 11)))
                terms = {"pnc": f"{wrong[:4]}/{wrong[4:]}"}
            elif kind == "reference":
                terms = {"reference": str(int(p["ref"][4:]))}
            elif kind == "no_match":
                g = rng.choice(data["given"][:500])
                f = rng.choice(data["family"][:2000])
                terms = {"name": f"{g} {f}", "dob": _dmy(date(1940, 1, 1) + timedelta(days=rng.randrange(65 * 365)))}
                out.append((kind, None, terms))
                made += 1
                continue
            out.append((kind, p["id"], terms))
            made += 1
    return out


def _server_ms(connection: Any, issued: list[tuple[str, Any]]) -> float:
    """The database server's own time (planning + execution, EXPLAIN ANALYZE run again just after) of the search's
    reads: what the search costs the database, without the client round trips (which a busy machine stretches)
    and without the audit's append (a write, the same for every search)."""
    total = 0.0
    with connection.cursor() as cur:
        for sql, params in issued:
            head = sql.lstrip().upper()
            if not head.startswith(("SELECT", "(SELECT")) or "advisory" in sql or "audit_" in sql:
                continue
            cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cur.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else plan
            total += plan["Planning Time"] + plan["Execution Time"]
    return total


def _api_times(user: Any, terms: list[dict[str, str]]) -> dict[str, Any]:
    """``GET /api/v1/people/search`` end to end (Django's test client: routing, token check, search, audit, JSON)."""
    from django.test import Client

    from tether.access.services import token_create

    if not terms:
        return {}
    raw, _ = token_create(user.username)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    times = []
    for t in terms:
        start = time.perf_counter()
        r = client.get("/api/v1/people/search", {**t, "force": "ALL", "limit": 10})
        times.append((time.perf_counter() - start) * 1000)
        if r.status_code != 200:
            raise SystemExit(f"API search answered {r.status_code}: {r.content[:200]!r}")
    return {"queries": len(times), "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(pct(times, 0.95), 2)}


def run(args: argparse.Namespace, connection: Any) -> dict[str, Any]:
    from tether.access.constants import Role
    from tether.access.forces import ensure_forces
    from tether.access.models import User
    from tether.identity.search import SearchTerms, search_people

    ensure_forces()
    t0 = time.perf_counter()
    data = generate(args.registrants, seed=2018)
    gen_s = time.perf_counter() - t0
    from tether.register.models import Person

    loaded: dict[str, Any]
    if Person.objects.exists():  # a database kept by an earlier run (--reuse): the same seeded register, or refused
        if Person.objects.count() != len(data["people"]) or not Person.objects.filter(
                pk=data["people"][0]["id"]).exists():
            raise SystemExit("the kept database holds another register: run without --reuse to build this one")
        loaded = {"people": len(data["people"]), "reused": True}
    else:
        loaded = load(connection, data, args.quiet)
    loaded["generate_seconds"] = round(gen_s, 1)
    admin, _ = User.objects.get_or_create(username="bench.national",
                                          defaults={"role": Role.NATIONAL_ADMIN, "force": None})
    todo = queries(data, args.queries, seed=7)
    rng = random.Random(11)
    rng.shuffle(todo)  # kinds interleaved, so no kind has the cache to itself
    base_people = [p for p in rng.sample(data["people"], min(len(data["people"]), 300))]
    del data
    times: dict[str, list[float]] = defaultdict(list)
    db_times: dict[str, list[float]] = defaultdict(list)
    first: dict[str, int] = defaultdict(int)
    top10: dict[str, int] = defaultdict(int)
    high: dict[str, int] = defaultdict(int)
    spent: list[float] = []

    def in_database(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append(time.perf_counter() - t)

    for _, _, terms in todo[: min(30, len(todo))]:  # warm the caches
        search_people(admin, SearchTerms(force="ALL", **terms), 1, per_page=10)
    server_times: dict[str, list[float]] = defaultdict(list)
    issued: list[tuple[str, Any]] = []

    def keep_statement(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        issued.append((sql, params))
        return execute(sql, params, many, context)

    for kind, pid, terms in todo:
        spent.clear()
        issued.clear()
        t = time.perf_counter()
        with connection.execute_wrapper(in_database), connection.execute_wrapper(keep_statement):
            _, rows = search_people(admin, SearchTerms(force="ALL", **terms), 1, per_page=10)
        times[kind].append((time.perf_counter() - t) * 1000)
        db_times[kind].append(sum(spent) * 1000)
        if connection.vendor == "postgresql":
            server_times[kind].append(_server_ms(connection, issued))
        ids = [r.person.pk for r in rows]
        if pid is None:
            high[kind] += any((r.score or 0) >= 0.9 for r in rows)
        else:
            first[kind] += bool(ids and ids[0] == pid)
            top10[kind] += pid in ids
    api_times = _api_times(admin, [terms for kind, _, terms in todo if kind == "name_dob"])
    base = []
    with connection.cursor() as cur:
        for p in base_people:
            t = time.perf_counter()
            cur.execute("SELECT p.id FROM people_person p JOIN people_personname n ON n.person_id = p.id "
                        "WHERE n.family_name = %s AND p.date_of_birth = %s LIMIT 10", [p["family"], p["dob"]])
            cur.fetchall()
            base.append((time.perf_counter() - t) * 1000)
    baseline = statistics.median(base)
    kinds: dict[str, Any] = {}
    for kind in KINDS:
        ts = times.get(kind)
        if not ts:
            continue
        med = statistics.median(ts)
        row: dict[str, Any] = {"queries": len(ts), "median_ms": round(med, 2), "p95_ms": round(pct(ts, 0.95), 2),
                               "ratio_to_baseline": round(med / baseline, 1) if baseline else None,
                               "database_median_ms": round(statistics.median(db_times[kind]), 2),
                               "database_p95_ms": round(pct(db_times[kind], 0.95), 2)}
        if server_times.get(kind):
            row["server_median_ms"] = round(statistics.median(server_times[kind]), 2)
            row["server_p95_ms"] = round(pct(server_times[kind], 0.95), 2)
        if kind == "no_match":
            row["no_result_scored_0_9"] = round(1 - high[kind] / len(ts), 3)
        else:
            row["first"] = round(first[kind] / len(ts), 3)
            row["top10"] = round(top10[kind] / len(ts), 3)
        kinds[kind] = row
    matched = [k for k in KINDS if k in kinds and k != "no_match"]
    n_matched = sum(kinds[k]["queries"] for k in matched)
    every = [t for ts in times.values() for t in ts]
    return {
        "database": connection.vendor, "registrants": args.registrants, "data": loaded,
        "queries": len(todo),
        "all_ms": {"median": round(statistics.median(every), 2), "p95": round(pct(every, 0.95), 2)},
        "baseline_ms": {"what": "exact family name + exact DOB (indexed equality)", "median": round(baseline, 3),
                        "p95": round(pct(base, 0.95), 3)},
        "api_name_dob_ms": api_times,
        "by_kind": kinds,
        "true_person_first": round(sum(first[k] for k in matched) / n_matched, 3) if n_matched else None,
        "true_person_top10": round(sum(top10[k] for k in matched) / n_matched, 3) if n_matched else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrants", type=int, default=None)
    parser.add_argument("--queries", type=int, default=40, help="queries of each kind")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true",
                        help="PostgreSQL: measure on a database kept (--keep) by an earlier run of the same size, "
                             "without building it again (it is built when it does not hold that register)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    run_on_throwaway_database(run, args, keep=args.keep or args.reuse, default_size=(5000, 70000),
                              reuse=args.reuse)


if __name__ == "__main__":
    main()
