"""Duplicates: before a registrant is added (the register's duplicate finder), and across the register (likely
pairs for a supervisor to review and merge). The same matching as the search, across every force."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

from django.db.models import Q

from tether.access.models import Force
from tether.access.permissions import can_review_duplicates, full_access_by_role, is_national_admin
from tether.audit.services import record
from tether.core.errors import Forbidden, ValidationFailed
from tether.register.extensions import PossibleDuplicate
from tether.register.models import Person

from . import matching as m
from .models import NameKey, PairDecision
from .search import Query, _name_scores, live_merges, rank, time_limited

DUPLICATE_THRESHOLD = 0.8  # a new registrant's likely existing record
PAIR_THRESHOLD = 0.85  # a likely duplicate pair in the register
MAX_SHOWN = 5
MAX_BLOCK = 200  # people compared pairwise in one block (larger blocks are split by date of birth)


def live_people() -> Any:
    """Everyone on the register but records merged into another (a live merge)."""
    return Person.objects.exclude(pk__in=live_merges().values("merged_id"))


def find_for_document(actor: Any, doc: Any) -> list[PossibleDuplicate]:
    """Existing records that may be the person in ``doc`` (a validated ``RegistrantDoc``), best first: the same
    or a similar name (any name or alias) with a lenient date of birth, or the same NI number or PNC ID."""
    words = list(dict.fromkeys(w for n in doc.names for w in m.words(f"{n.given_names} {n.family_name}")))
    base = live_people()
    found: dict[Any, tuple[Person, float, list[str]]] = {}
    with time_limited("names"):
        dob = m.DobQuery(doc.date_of_birth.year, doc.date_of_birth.month, doc.date_of_birth.day)
        for name in doc.names:
            q = Query(words=m.words(f"{name.given_names} {name.family_name}")[: m.MAX_WORDS], dob=dob)
            for person, s in rank(base.filter(date_of_birth__in=m.dob_candidates(dob)), q, threshold=0.75):
                if s.score >= DUPLICATE_THRESHOLD and (person.pk not in found or found[person.pk][1] < s.score):
                    found[person.pk] = (person, s.score, s.reasons)
        ident = Q()
        if doc.ni_number:
            ident |= Q(ni_number=doc.ni_number)
        if doc.pnc_id:
            ident |= Q(pnc_id__in={doc.pnc_id, m.pnc_key(doc.pnc_id)})
        if ident:
            same = list(base.filter(ident).select_related("owning_force")[:MAX_SHOWN])
            names = _name_scores(words, [p.pk for p in same])
            for person in same:
                reasons = [r for r, hit in (("NI number", doc.ni_number and person.ni_number == doc.ni_number),
                                            ("PNC ID", doc.pnc_id and person.pnc_id == doc.pnc_id)) if hit]
                score = round(0.7 + 0.3 * names.get(person.pk, m.NameScore(0.0, ())).score, 3)
                if person.pk not in found or found[person.pk][1] < score:
                    found[person.pk] = (person, score, reasons)
    best = sorted(found.values(), key=lambda t: (-t[1], t[0].reference))[:MAX_SHOWN]
    if best:
        record("identity.duplicate_check", actor, force_code=getattr(actor, "force_code", ""),
               detail={"candidates": [{"id": str(p.pk), "score": s} for p, s, _ in best]})
    out = []
    for p, score, why in best:
        # no actor: the console's import, run by whoever holds the database, sees every reference
        full = actor is None or full_access_by_role(actor, p.owning_force_id)
        out.append(PossibleDuplicate(
            person_id=p.pk, name=p.display_name, date_of_birth=p.date_of_birth, owning_force=p.owning_force.name,
            score=score, reasons=tuple(why), reference=p.reference if full else "", full=full,
        ))
    return out


# --- likely duplicate pairs across the register ----------------------------------------------------------------


@dataclass
class Pair:
    a: Any
    b: Any
    score: float
    reasons: list[str]


@dataclass
class _Entry:
    pk: Any
    dob: date
    ni: str
    pnc: str
    names: list[tuple[list[m.NameToken], bool]]


def _entries(person_ids: Iterable[Any] | None, force: Force | None) -> dict[Any, _Entry]:
    qs = live_people()
    if force is not None:
        qs = qs.filter(owning_force=force)
    if person_ids is not None:
        qs = qs.filter(pk__in=list(person_ids))
    entries = {pk: _Entry(pk, dob, ni, pnc, []) for pk, dob, ni, pnc in
               qs.values_list("pk", "date_of_birth", "ni_number", "pnc_id")}
    by_name: dict[Any, dict[Any, tuple[list[m.NameToken], bool]]] = defaultdict(dict)
    keys = NameKey.objects.filter(person__in=qs).values_list("person_id", "name_id", "part", "token", "alias")
    for pid, name_id, part, token, alias in keys.iterator(chunk_size=5000):
        by_name[pid].setdefault(name_id, ([], alias))[0].append(m.NameToken(part, token))
    for pid, names in by_name.items():
        if pid in entries:
            entries[pid].names = list(names.values())
    return entries


def _pair_score(x: _Entry, y: _Entry) -> tuple[float, list[str]]:
    dob_score, dob_why = m.score_dob(m.DobQuery(x.dob.year, x.dob.month, x.dob.day), y.dob)
    best = m.NameScore(0.0, ())
    for tokens_x, _ in x.names:
        query = [t.word for t in tokens_x][: m.MAX_WORDS]
        for tokens_y, alias in y.names:
            s = m.score_name(query, tokens_y, alias=alias)
            if s.score > best.score:
                best = s
    same_id = [r for r, hit in (("NI number", x.ni and x.ni == y.ni),
                                ("PNC ID", x.pnc and y.pnc and m.pnc_key(x.pnc) == m.pnc_key(y.pnc))) if hit]
    score = 0.6 * best.score + 0.4 * dob_score
    if same_id:
        score = max(score, 0.7 + 0.3 * max(best.score, dob_score))
    return round(score, 3), [*best.reasons, *([dob_why] if dob_why else []), *same_id]


def _blocks(entries: dict[Any, _Entry]) -> dict[str, list[Any]]:
    """Who to compare: people sharing a family-name sound, an NI number or a PNC ID."""
    blocks: dict[str, set[Any]] = defaultdict(set)
    for e in entries.values():
        for tokens, _ in e.names:
            for t in tokens:
                if t.part == "family":
                    for code in m.phonetic(t.word):
                        if code:
                            blocks[f"f:{code}"].add(e.pk)
        if e.ni:
            blocks[f"n:{e.ni}"].add(e.pk)
        if e.pnc:
            blocks[f"p:{m.pnc_key(e.pnc)}"].add(e.pk)
    out: dict[str, list[Any]] = {}
    for key, ids in blocks.items():
        if len(ids) < 2:
            continue
        if len(ids) <= MAX_BLOCK:
            out[key] = sorted(ids, key=str)
            continue
        by_year: dict[int, list[Any]] = defaultdict(list)  # a common surname: compare within a year of birth
        for pk in ids:
            year = entries[pk].dob.year
            by_year[year].append(pk)
        for year, members in by_year.items():
            near = members + by_year.get(year + 1, [])
            if len(near) >= 2:
                out[f"{key}:{year}"] = sorted(near, key=str)[: MAX_BLOCK * 5]
    return out


def find_pairs(force: Force | None = None, *, threshold: float = PAIR_THRESHOLD, limit: int = 500) -> list[Pair]:
    """Likely duplicate pairs (at least one record in ``force`` when given), best first, leaving out pairs a
    reviewer already said are different people."""
    entries = _entries(None, None)
    mine = set(entries) if force is None else set(live_people().filter(owning_force=force).values_list("pk", flat=True))
    rejected = rejected_pairs()
    seen: set[frozenset[Any]] = set()
    pairs: list[Pair] = []
    for members in _blocks(entries).values():
        for a, b in combinations(members, 2):
            key = frozenset((a, b))
            if key in seen or key in rejected or not ({a, b} & mine):
                continue
            seen.add(key)
            score, reasons = _pair_score(entries[a], entries[b])
            if score >= threshold:
                pairs.append(Pair(a, b, score, reasons))
    pairs.sort(key=lambda p: (-p.score, str(p.a), str(p.b)))
    return pairs[:limit]


def scan_force(actor: Any, force_code: str | None) -> Force | None:
    """The force a reviewer's scan covers (None: every force), or refused: supervisors and administrators their
    own force; national administrators any force or all."""
    if not can_review_duplicates(actor):
        raise Forbidden("Your role cannot review duplicate records.")
    code = (force_code or "").strip().upper()
    if code == "ALL" or (not code and is_national_admin(actor)):
        if not is_national_admin(actor):
            raise Forbidden("Only a national administrator can scan every force.")
        return None
    force = Force.objects.filter(code=code).first() if code else actor.force
    if force is None:
        raise ValidationFailed({"force": "must be a force code, or ALL"})
    if not full_access_by_role(actor, force.pk):
        raise Forbidden("You can only scan your own force's register.")
    return force


def pair_side(actor: Any, person: Person) -> dict[str, Any]:
    """One side of a pair as a reviewer sees it: the full entry when the actor may see it, else the national
    index entry (no reference). ``person`` carries its ``owning_force``."""
    full = full_access_by_role(actor, person.owning_force_id)
    return {"id": str(person.pk), "reference": person.reference if full else None, "name": person.display_name,
            "date_of_birth": person.date_of_birth.isoformat(), "force": person.owning_force.code}


def rejected_pairs() -> set[frozenset[Any]]:
    """Pairs a reviewer said are different people: never offered again."""
    return {frozenset((a, b)) for a, b in PairDecision.objects.filter(decision="different")
            .values_list("a_id", "b_id")}


def scan(actor: Any, force_code: str | None = None, *, limit: int = 500) -> list[dict[str, Any]]:
    """Likely duplicate pairs for a reviewer (supervisors and administrators: their force; national administrators:
    any force or all). Each side shows the full entry when the actor may see it, else the national index entry."""
    force = scan_force(actor, force_code)
    pairs = find_pairs(force, limit=limit)
    people = Person.objects.select_related("owning_force").in_bulk([x for p in pairs for x in (p.a, p.b)])
    out = [{"a": pair_side(actor, people[p.a]), "b": pair_side(actor, people[p.b]), "score": p.score,
            "reasons": p.reasons} for p in pairs]
    record("identity.duplicates_scan", actor, force_code=getattr(actor, "force_code", ""),
           detail={"force": force.code if force else "ALL", "pairs": len(out)})
    return out
