"""The register search: find a person however their name is written (aliases included), by a lenient date of
birth, a postcode, an NI number or PNC ID with one wrong character, or a reference in full or in part; ranked,
each result with a score (0-1) and the reasons it matched. Without any of those it lists the register (by name).

Bounded: at most ``MAX_WORDS`` name words and a length per field (longer is refused, naming the field), a capped
number of candidates per word, and a time limit on the database (statement timeout on PostgreSQL, a progress
handler on SQLite): a search that runs out of time is refused with a field error, never a 500. Every search is
audited (``person.search``, with its terms and the number of results).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, overload

from django.core.paginator import Page, Paginator
from django.db import OperationalError, connection, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value

from tether.access.models import Force
from tether.access.permissions import can_see_personal_data, is_national_admin, is_partner
from tether.audit.services import record
from tether.core import clock
from tether.core.errors import Forbidden, ValidationFailed
from tether.core.fields import read_text
from tether.core.models import holds_on_q
from tether.core.streams import chunks
from tether.register.constants import REFERENCE_PREFIX, RegisterStatus
from tether.register.guards import FULL, listed_levels
from tether.register.models import Address, Person

from . import matching as m
from .models import Merge, NameKey, Token, TokenGram

MAX_LENGTHS = {"name": 200, "dob": 20, "postcode": 10, "ni": 20, "pnc": 20, "reference": 20, "force": 8,
               "status": 20}
MAX_RESULTS = 500  # ranked results kept (and paged through)
PER_WORD_TOKENS = 60  # vocabulary words one typed word may stand for, per kind of match
PER_WORD_PEOPLE = 5000  # people fetched per typed word before ranking
CANDIDATES = 1000  # people scored
NAME_THRESHOLD = 0.5  # a name matches when its words average at least this
TIME_LIMIT_MS = 3000
TOO_SLOW = "This search took too long: add a date of birth, a postcode or more of the name"
WEIGHTS = {"name": 0.5, "dob": 0.3, "postcode": 0.1, "ni": 0.3, "pnc": 0.3, "reference": 0.3}


@dataclass
class SearchTerms:
    """What was typed, as typed (``force``: "" own force, a force code, or "ALL" for the national index)."""

    name: str = ""
    force: str = ""
    status: str = ""  # a register status, or "overdue"
    reference: str = ""
    dob: str = ""
    postcode: str = ""
    ni: str = ""
    pnc: str = ""

    NOT_PERSONAL = ("force", "status")

    def audit_detail(self) -> dict[str, Any]:
        """What the audit shows anyone: the filters and which kinds of term were given, never their values."""
        return {"terms": sorted(k for k, v in vars(self).items() if v and k not in self.NOT_PERSONAL),
                **{k: getattr(self, k) for k in self.NOT_PERSONAL if getattr(self, k)}}

    def audit_personal(self) -> dict[str, str]:
        """The terms themselves (names, dates of birth, identifiers): withheld from auditors."""
        return {k: v for k, v in vars(self).items() if v and k not in self.NOT_PERSONAL}


@dataclass
class Query:
    words: list[str] = field(default_factory=list)
    dob: m.DobQuery | None = None
    postcode: tuple[str, bool] | None = None
    ni: str | None = None
    pnc: tuple[str, str, str] | None = None
    reference: int | None = None
    force: str = ""
    status: str = ""

    @property
    def ranked(self) -> bool:
        return bool(self.words or self.dob or self.postcode or self.ni or self.pnc or self.reference is not None)


def parse_terms(terms: SearchTerms) -> Query:
    """Read the terms by the one text rule (no control characters, line separators or lone surrogates; a length
    per field), then each by its own rule. Every problem is reported at once, by field."""
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    for key, limit in MAX_LENGTHS.items():
        raw = getattr(terms, key)
        value, problems = read_text(raw, required=False, max_len=limit)
        if not problems and isinstance(raw, str) and m.has_hidden_characters(raw):
            problems = [m.NOT_PLAIN_TEXT]
        if problems:
            errors[key] = problems
        values[key] = value
    q = Query()
    if "name" not in errors:
        q.words = list(dict.fromkeys(m.words(values["name"])))
        if len(m.words(values["name"])) > m.MAX_WORDS:
            errors["name"] = [f"must be {m.MAX_WORDS} words or fewer"]
    readers: dict[str, Any] = {"dob": m.parse_dob, "postcode": m.postcode_query, "ni": m.loose_ni,
                               "pnc": m.loose_pnc, "reference": m.reference_number}
    for key, reader in readers.items():
        if values[key] and key not in errors:
            try:
                setattr(q, key, reader(values[key]))
            except ValueError as exc:
                errors[key] = [str(exc)]
    force = values["force"].upper()
    if force and force != "ALL" and "force" not in errors and not Force.objects.filter(code=force).exists():
        errors["force"] = ["must be a force code from the list, or ALL for the national index"]
    q.force = force
    status = values["status"]
    if status and status != "overdue" and status not in RegisterStatus.values and "status" not in errors:
        errors["status"] = [f"must be one of: overdue, {', '.join(RegisterStatus.values)}"]
    q.status = status
    if errors:
        raise ValidationFailed(errors)
    return q


# --- the SQL part: scope, filters, candidates ------------------------------------------------------------------


def live_merges() -> QuerySet[Merge]:
    return Merge.objects.filter(undone_at__isnull=True)


def scoped(user: Any, force: str, today: date) -> QuerySet[Person]:
    """The people ``user`` may search for this force choice; merged records (pointers) are left out."""
    qs = Person.objects.exclude(pk__in=live_merges().values("merged_id"))
    if is_partner(user):  # partners see only the registrants assigned to them, whatever the filter
        qs = qs.filter(holds_on_q(today, "partner_assignments__"), partner_assignments__user=user).distinct()
    elif force == "ALL":
        pass
    elif force:
        qs = qs.filter(owning_force__code=force)
    elif user.force_id and not is_national_admin(user):
        qs = qs.filter(owning_force_id=user.force_id)
    return qs


def _filtered(qs: QuerySet[Person], q: Query, today: date) -> QuerySet[Person]:
    if q.status == "overdue":
        qs = qs.filter(state__next_due__lt=today)
    elif q.status:
        qs = qs.filter(state__status=q.status)
    if q.dob is not None:
        wanted = m.dob_candidates(q.dob)
        qs = qs.filter(date_of_birth__in=wanted) if isinstance(wanted, list) else qs.filter(
            date_of_birth__range=wanted)
    if q.postcode is not None:
        code, full = q.postcode
        at = Address.objects.filter(person_id=OuterRef("pk"))
        at = at.filter(postcode=code) if full else at.filter(postcode__startswith=f"{code} ")
        qs = qs.filter(Exists(at))
    if q.ni is not None:
        qs = qs.filter(ni_number__in=m.ni_candidates(q.ni))
    if q.pnc is not None:
        qs = qs.filter(pnc_id__in=m.pnc_candidates(q.pnc))
    if q.reference is not None:
        ref = f"{REFERENCE_PREFIX}{q.reference:06d}"
        # a merged record's reference still resolves: to the record it was merged into. Looked up first (two
        # index lookups): an OR of the two in one WHERE would scan the register.
        ids = [*Person.objects.filter(reference=ref).values_list("pk", flat=True),
               *live_merges().filter(merged__reference=ref).values_list("survivor_id", flat=True)]
        qs = qs.filter(pk__in=ids)
    return qs


def _fuzzy_tokens(word: str) -> list[str]:
    """Vocabulary words spelt like ``word``: pg_trgm's GIN index on PostgreSQL, the trigram table on SQLite."""
    if len(word) < 3:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                "SELECT token FROM identity_token WHERE token %% %s "
                "ORDER BY similarity(token, %s) DESC, levenshtein(token, %s), token LIMIT %s",
                [word, word, word, PER_WORD_TOKENS],
            )
            return [row[0] for row in cur.fetchall()]
    grams = sorted(m.trigrams(word))
    shared = (TokenGram.objects.filter(gram__in=grams).values("token").annotate(n=Count("id"))
              .filter(n__gte=max(1, len(grams) // 3)).order_by("-n", "token")[: PER_WORD_TOKENS * 2])
    return [row["token"] for row in shared]


def _vocabulary_pg(words: list[str]) -> dict[str, set[str]]:
    """PostgreSQL: the three vocabulary look-ups of ``word_tokens`` (starts with, sounds like, spelt like) of every
    word, each bounded and ordered as on its own, in one statement (one round trip instead of three a word)."""
    parts: list[str] = []
    params: list[Any] = []
    for i, word in enumerate(words):
        codes = [c for c in m.phonetic(word) if c]
        if len(word) >= 2:
            parts.append("(SELECT %s, token FROM identity_token WHERE token >= %s AND token < %s ORDER BY token "
                         "LIMIT %s)")
            params += [i, word, word + "{", PER_WORD_TOKENS]
        if codes and len(word) > 2:
            parts.append("(SELECT %s, token FROM identity_token WHERE phonetic = ANY(%s) OR phonetic_alt = ANY(%s) "
                         "ORDER BY token LIMIT %s)")
            params += [i, codes, codes, PER_WORD_TOKENS * 2]
        if len(word) >= 3:
            parts.append("(SELECT %s, token FROM identity_token WHERE token %% %s "
                         "ORDER BY similarity(token, %s) DESC, levenshtein(token, %s), token LIMIT %s)")
            params += [i, word, word, word, PER_WORD_TOKENS]
    out: dict[str, set[str]] = {w: set() for w in words}
    if parts:
        with connection.cursor() as cur:
            cur.execute(" UNION ALL ".join(parts), params)
            for i, token in cur.fetchall():
                out[words[i]].add(token)
    return out


def words_tokens(words: list[str]) -> dict[str, set[str]]:
    """``word_tokens`` of each word (on PostgreSQL in one statement)."""
    if connection.vendor != "postgresql":
        return {w: word_tokens(w) for w in words}
    found = _vocabulary_pg(list(dict.fromkeys(words)))
    return {w: {t for t in found[w] | {w} | set(m.nicknames(w)) if t == w or m.compare_words(w, t).score > 0}
            for w in words}


def word_tokens(word: str) -> set[str]:
    """The vocabulary words a typed word may stand for: itself, its nicknames, words that sound or are spelt like
    it, and words it starts (each check bounded)."""
    found = {word} | set(m.nicknames(word))
    if connection.vendor == "postgresql":
        return words_tokens([word])[word]
    if len(word) >= 2:
        found |= set(Token.objects.filter(token__gte=word, token__lt=word + "{")
                     .order_by("token").values_list("token", flat=True)[:PER_WORD_TOKENS])
    codes = [c for c in m.phonetic(word) if c]
    if codes and len(word) > 2:
        found |= set(Token.objects.filter(Q(phonetic__in=codes) | Q(phonetic_alt__in=codes))
                     .order_by("token").values_list("token", flat=True)[: PER_WORD_TOKENS * 2])
    found |= set(_fuzzy_tokens(word))
    return {t for t in found if t == word or m.compare_words(word, t).score > 0}


@dataclass
class Scored:
    person_id: Any
    score: float
    reasons: list[str]


def _name_scores(words: list[str], person_ids: list[Any]) -> dict[Any, m.NameScore]:
    """The best-matching name of each person (birth, current or alias) against the typed words."""
    names: dict[Any, dict[Any, list[m.NameToken]]] = defaultdict(lambda: defaultdict(list))
    alias: dict[Any, bool] = {}
    for chunk in chunks(person_ids, 500):
        rows = NameKey.objects.filter(person_id__in=chunk).values_list(
            "person_id", "name_id", "part", "token", "alias")
        for pid, name_id, part, token, is_alias in rows:
            names[pid][name_id].append(m.NameToken(part, token))
            alias[name_id] = is_alias
    out: dict[Any, m.NameScore] = {}
    for pid, by_name in names.items():
        best = m.NameScore(0.0, ())
        for name_id, tokens in by_name.items():
            s = m.score_name(words, tokens, alias=alias[name_id])
            if s.score > best.score or (s.score == best.score and not alias[name_id] and "alias" in best.reasons):
                best = s
        out[pid] = best
    return out


def _candidate_ids(base: QuerySet[Person] | None, words: list[str], dob: m.DobQuery | None = None) -> list[Any]:
    """People who match at least one typed word, those matching the most words first (bounded). With a date of
    birth, only the keys of people born on the dates it may be are read (``NameKey.date_of_birth``'s index, or
    (token, date of birth) for a range): the same people as through the filtered register, found from a few hundred
    keys instead of every name spelt like the word. ``base`` None: the whole register but merged records (the keys
    alone are read, without a join to the register for every key). Every word's candidates come in one statement
    (each word's own bound kept)."""
    keys = NameKey.objects.all()
    if dob is not None:
        wanted = m.dob_candidates(dob)
        keys = keys.filter(date_of_birth__in=wanted) if isinstance(wanted, list) else keys.filter(
            date_of_birth__range=wanted)
    keys = (keys.exclude(person_id__in=live_merges().values("merged_id")) if base is None
            else keys.filter(person__in=base.values("pk")))
    searched = [w for w in words if len(w) >= 2]  # an initial narrows nothing: it is scored, not searched
    vocab = words_tokens(searched)
    parts = [keys.filter(token__in=sorted(vocab[word])).annotate(w=Value(i, IntegerField()))
             .values_list("w", "person_id").distinct().order_by("person_id")[:PER_WORD_PEOPLE]
             for i, word in enumerate(searched)]
    hits: Counter[Any] = Counter()
    if len(parts) > 1 and connection.features.supports_slicing_ordering_in_compound:
        hits.update(pid for _, pid in parts[0].union(*parts[1:], all=True))
    else:  # SQLite: no LIMIT inside a UNION, a statement a word
        for part in parts:
            hits.update(pid for _, pid in part)
    return [pid for pid, _ in sorted(hits.items(), key=lambda kv: (-kv[1], str(kv[0])))[:CANDIDATES]]


@dataclass(frozen=True)
class _Brief:
    """What scoring and ordering read of a candidate (a row of values, not a model object)."""

    pk: Any
    date_of_birth: date
    ni_number: str
    pnc_id: str
    reference: str
    sort_name: str


def _briefs(ids: list[Any]) -> dict[Any, _Brief]:
    out: dict[Any, _Brief] = {}
    for chunk in chunks(ids, 900):
        for row in Person.objects.filter(pk__in=chunk).values_list(
                "pk", "date_of_birth", "ni_number", "pnc_id", "reference", "sort_name"):
            out[row[0]] = _Brief(*row)
    return out


def rank(base: QuerySet[Person], q: Query, *, threshold: float = NAME_THRESHOLD, whole_register: bool = False
         ) -> list[tuple[Person, Scored]]:
    """Score the candidates in ``base`` (already scoped and filtered) against the query, best first.
    ``whole_register``: ``base`` is every live record with at most the date-of-birth filter, which the name keys
    carry themselves (their candidates are read without the register)."""
    ranked = _ranked(base, q, threshold=threshold, whole_register=whole_register)
    people = Person.objects.select_related("owning_force", "state").in_bulk([b.pk for b, _ in ranked])
    return [(people[b.pk], s) for b, s in ranked if b.pk in people]


def _ranked(base: QuerySet[Person], q: Query, *, threshold: float = NAME_THRESHOLD, whole_register: bool = False
            ) -> list[tuple[_Brief, Scored]]:
    """``rank`` without reading the people's records: what scores and orders them, best first."""
    if q.words and any(len(w) >= 2 for w in q.words):
        ids = _candidate_ids(None if whole_register else base, q.words, q.dob)
    else:
        ids = list(base.order_by("sort_name", "reference").values_list("pk", flat=True)[:CANDIDATES])
    names = _name_scores(q.words, ids) if q.words else {}
    if q.words:  # only the people whose name matches are read from the register
        ids = [pid for pid in ids if names.get(pid, m.NameScore(0.0, ())).score >= threshold]
    people = _briefs(ids)
    out = []
    for pid in ids:
        person = people.get(pid)
        if person is None:
            continue
        parts: list[tuple[str, float]] = []
        reasons: list[str] = []
        if q.words:
            ns = names.get(pid, m.NameScore(0.0, ()))
            if ns.score < threshold:
                continue
            parts.append(("name", ns.score))
            reasons += ns.reasons
        if q.dob is not None:
            s, why = m.score_dob(q.dob, person.date_of_birth)
            if s <= 0:
                continue
            parts.append(("dob", s))
            reasons.append(why)
        if q.ni is not None:
            exact = person.ni_number == q.ni
            parts.append(("ni", 1.0 if exact else 0.85))
            reasons.append("NI number" if exact else "NI number one character different")
        if q.pnc is not None:
            typed = m.pnc_key(f"{q.pnc[0]}/{q.pnc[1]}{q.pnc[2]}")
            exact = m.pnc_key(person.pnc_id) == typed
            parts.append(("pnc", 1.0 if exact else 0.85))
            reasons.append("PNC ID" if exact else "PNC ID one character different")
        if q.postcode is not None:
            parts.append(("postcode", 1.0))
            reasons.append("postcode" if q.postcode[1] else "postcode district")
        if q.reference is not None:
            direct = person.reference == f"{REFERENCE_PREFIX}{q.reference:06d}"
            parts.append(("reference", 1.0))
            reasons.append("reference" if direct else "merged record's reference")
        total = sum(WEIGHTS[k] for k, _ in parts)
        score = round(sum(WEIGHTS[k] * s for k, s in parts) / total, 3) if total else 0.0
        out.append((person, Scored(pid, score, list(dict.fromkeys(reasons)))))
    out.sort(key=lambda ps: (-ps[1].score, ps[0].sort_name, ps[0].reference))
    return out[:MAX_RESULTS]


@contextmanager
def time_limited(field: str = "name", limit_ms: int = TIME_LIMIT_MS) -> Iterator[None]:
    """Stop a search that runs too long on the database; it becomes a field error, never a 500."""
    try:
        if connection.vendor == "postgresql":
            with transaction.atomic():
                with connection.cursor() as cur:
                    cur.execute("SET LOCAL statement_timeout = %s", [int(limit_ms)])
                yield
        else:
            connection.ensure_connection()
            deadline = time.monotonic() + limit_ms / 1000
            raw = connection.connection
            raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 20000)
            try:
                yield
            finally:
                raw.set_progress_handler(None, 0)
    except OperationalError as exc:
        text = str(exc).lower()
        if "interrupted" in text or "statement timeout" in text or "canceling statement" in text:
            raise ValidationFailed({field: TOO_SLOW}) from None
        raise


# --- the search ------------------------------------------------------------------------------------------------


class _People(Sequence[Person]):
    """The ranked people, read from the register a page at a time (the paginator slices it)."""

    def __init__(self, ids: list[Any]) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, i: int) -> Person: ...

    @overload
    def __getitem__(self, i: slice) -> list[Person]: ...

    def __getitem__(self, i: int | slice) -> Person | list[Person]:
        ids = self.ids[i] if isinstance(i, slice) else [self.ids[i]]
        people = Person.objects.select_related("owning_force", "state").in_bulk(ids)
        found = [people[pid] for pid in ids if pid in people]
        return found if isinstance(i, slice) else found[0]


def _whole_register(user: Any, q: Query) -> bool:
    """Whether the search's base is every live record with at most a date of birth (the national index searched
    for a name, or a name and a date of birth, by someone who is not a partner)."""
    return (q.force == "ALL" or (not q.force and is_national_admin(user))) and not is_partner(user) and not (
        q.status or q.postcode or q.ni or q.pnc or q.reference is not None)


@dataclass
class Row:
    person: Person
    level: str
    overdue: bool
    score: float | None = None
    reasons: list[str] = field(default_factory=list)
    url: str = ""  # the person page (set by the page that lists the row)

    @property
    def full(self) -> bool:
        return self.level == FULL


def search_people(user: Any, terms: SearchTerms, page: int = 1, per_page: int = 25, *, today: date | None = None
                  ) -> tuple[Page[Any], list[Row]]:
    """One page of the register for ``user``: ranked matches when anything identifying was typed, else the
    register by name. Each row is marked full or limited (the national index). The search is audited."""
    if not can_see_personal_data(user):
        raise Forbidden("Your role cannot search the register.")
    today = today or clock.today()
    q = parse_terms(terms)
    base = _filtered(scoped(user, q.force, today), q, today)
    scores: dict[Any, Scored] = {}
    with time_limited():
        if q.ranked:
            ranked = _ranked(base, q, whole_register=_whole_register(user, q))
            scores = {b.pk: s for b, s in ranked}
            paginator: Paginator[Any] = Paginator(_People([b.pk for b, _ in ranked]), per_page)
        else:
            paginator = Paginator(base.select_related("owning_force", "state").order_by("sort_name", "reference"),
                                  per_page)
        page_obj = paginator.get_page(page)
        people = list(page_obj.object_list)
    rows = []
    levels = listed_levels(user, people)  # the register's rule: own force, assigned, or being transferred in
    for p in people:
        state = getattr(p, "state", None)
        s = scores.get(p.pk)
        rows.append(Row(p, levels[p.pk], bool(state and state.next_due and state.next_due < today),
                        s.score if s else None, s.reasons if s else []))
    record(
        "person.search", user,
        detail={**terms.audit_detail(), "page": page_obj.number, "results": paginator.count},
        personal=terms.audit_personal(), force_code=user.force_code,
    )
    return page_obj, rows
