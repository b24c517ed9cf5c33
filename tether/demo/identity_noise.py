"""Identity noise for the demo register: variant spellings, aliases and a few planted duplicates, so the search
and the duplicate review have something to show. Deterministic for a seed; synthetic like everything else.

Every ``ALIAS_EVERY``-th registrant gains an alias spelt another way (a transliterated or phonetic variant, a
nickname); every ``DUPLICATE_EVERY``-th is replaced by a near copy of someone generated shortly before (the same
person entered again, often by another force): a variant spelling of the name and, sometimes, the day and month
of birth swapped. Each keeps its own id, reference and history, so totals are unchanged."""

from __future__ import annotations

import copy
import random
from collections import deque
from collections.abc import Iterator
from datetime import date
from typing import Any

from tether.obligations.calendar import age_on

ALIAS_EVERY = 23
DUPLICATE_EVERY = 97

VARIANTS = {  # family names as a second officer might write them
    "smith": "Smyth", "johnson": "Jonson", "jones": "Jonnes", "williams": "Wiliams", "brown": "Browne",
    "taylor": "Tailor", "davies": "Davis", "evans": "Evens", "wilson": "Willson", "thomas": "Tomas",
    "roberts": "Robberts", "walker": "Wolker", "wright": "Right", "thompson": "Thomson", "white": "Whyte",
    "hughes": "Hughs", "edwards": "Edwards-Smith", "green": "Greene", "hall": "Hal", "wood": "Woods",
    "harris": "Harriss", "clarke": "Clark", "martin": "Martyn", "jackson": "Jakson", "lewis": "Louis",
}
GIVEN = {"william": "Bill", "john": "Jack", "margaret": "Peggy", "alexander": "Sandy", "robert": "Bob",
         "richard": "Dick", "james": "Jim", "elizabeth": "Liz", "michael": "Mick", "thomas": "Tom",
         "mohammed": "Muhammad", "edward": "Ted", "peter": "Pete", "catherine": "Kathryn"}
EXTRA = ("Kozłowski", "Øvergaard", "Nowak-Łęcka", "Đurić", "Straßmann", "Ærøe", "Yıldız")


def _variant(family: str, rng: random.Random) -> str:
    known = VARIANTS.get(family.lower())
    if known:
        return known
    if len(family) > 4:  # a typo: two letters the other way round
        i = rng.randrange(1, len(family) - 2)
        return family[:i] + family[i + 1] + family[i] + family[i + 2 :]
    return family + "e"


def _swap_day_month(iso: str) -> str:
    d = date.fromisoformat(iso)
    try:
        return date(d.year, d.day, d.month).isoformat() if d.day <= 12 and d.day != d.month else iso
    except ValueError:
        return iso


def with_identity_noise(docs: Iterator[dict[str, Any]], seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed * 7919 + 12)
    recent: deque[dict[str, Any]] = deque(maxlen=40)
    for i, doc in enumerate(docs, start=1):
        if i % DUPLICATE_EVERY == 0 and recent:
            source = rng.choice(list(recent))
            doc = copy.deepcopy(doc)
            given, family = source["names"][0]["given_names"], source["names"][0]["family_name"]
            dob = _swap_day_month(source["date_of_birth"]) if rng.random() < 0.4 else source["date_of_birth"]
            first_disposal = min((date.fromisoformat(d["date"]) for d in doc["disposals"]), default=date.max)
            # the planted twin keeps its own disposals: the borrowed birth date must leave it old enough for them
            # (12: the highest age of criminal responsibility in the UK)
            if first_disposal != date.max and age_on(date.fromisoformat(dob), first_disposal) >= 12:
                doc["date_of_birth"], doc["sex"] = dob, source["sex"]
                doc["ni_number"] = source["ni_number"] if rng.random() < 0.3 else ""
                first = GIVEN.get(given.lower(), given) if rng.random() < 0.5 else given
                name = {"given_names": first, "family_name": _variant(family, rng)}
                doc["names"] = [{**n, **name, "valid_from": dob if n["kind"] == "birth" else n["valid_from"]}
                                for n in doc["names"]]
        elif i % ALIAS_EVERY == 0:
            doc = copy.deepcopy(doc)
            given, family = doc["names"][-1]["given_names"], doc["names"][-1]["family_name"]
            alias_family = rng.choice(EXTRA) if rng.random() < 0.3 else _variant(family, rng)
            since = max(doc["names"][-1]["valid_from"], "2015-01-01")
            doc["names"].append({"kind": "alias", "given_names": GIVEN.get(given.lower(), given),
                                 "family_name": alias_family, "valid_from": since, "valid_to": None})
        recent.append(doc)
        yield doc
