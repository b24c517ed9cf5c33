"""Pure identity matching: how names, dates of birth and identifiers are compared. No Django imports.

- **Names** are transliterated to Latin letters (``anyascii``: ł -> l, ø -> o, ß -> ss, æ -> ae, đ -> d, ı -> i,
  Cyrillic, Greek, Arabic ...), lower-cased and split into words.
- Each word has **phonetic keys** (Double Metaphone, from the ``metaphone`` package) and **trigrams**; given
  names are also expanded through a **nickname table** shipped as data (``data/nicknames.csv``).
- A typed word is compared with a stored one: exact, nickname, sounds alike, spelt alike (Jaro-Winkler and
  Damerau-Levenshtein from ``jellyfish``, first letter kept) or the start of the word.
- **Dates of birth** are lenient: day and month swapped, one digit wrong, a year either side; a partial date
  (a year, a year and month) matches the whole of it.
- **NI numbers and PNC IDs** ignore spaces, slashes and case, and tolerate one wrong character.

Every score is between 0 and 1; every match carries the reasons a person would give for it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import cast

import jellyfish
from anyascii import anyascii
from metaphone import doublemetaphone

MAX_WORDS = 8  # a name query of more words is refused (bounded work, bounded SQL)
MAX_TOKEN = 80
PHONETIC_LEN = 16  # the stored width of a phonetic key

_NOT_LETTER = re.compile(r"[^a-z]+")


# --- names ----------------------------------------------------------------------------------------------------


def transliterate(text: str) -> str:
    """Latin letters for any script, lower case: "Paweł Kozłowski" -> "pawel kozlowski", "Øyvind" -> "oyvind"."""
    return str(anyascii(text)).casefold()


def words(text: str) -> list[str]:
    """The words of a name, transliterated: "O'Brien-Smith, Seán" -> ["o", "brien", "smith", "sean"]."""
    return [w[:MAX_TOKEN] for w in _NOT_LETTER.split(transliterate(text)) if w]


def joined(text: str) -> str:
    """A multi-word name part written as one word ("O'Brien" -> "obrien"), so both spellings meet."""
    return "".join(words(text))[:MAX_TOKEN]


def name_tokens(given_names: str, family_name: str) -> list[tuple[str, str]]:
    """(part, word) for every word of a name, plus the joined family name when it has several words."""
    out = [("given", w) for w in words(given_names)] + [("family", w) for w in words(family_name)]
    family = words(family_name)
    if len(family) > 1:
        out.append(("family", joined(family_name)))
    return out


@lru_cache(maxsize=65536)
def phonetic(word: str) -> tuple[str, str]:
    """Double Metaphone (primary, alternate or ""): "smyth" and "smith" -> ("SM0", "XMT")."""
    primary, alternate = doublemetaphone(word)
    # cut to the stored width (identity_token.phonetic): a long joined family name has a longer key
    return str(primary or "")[:PHONETIC_LEN], str(alternate or "")[:PHONETIC_LEN]


def trigrams(word: str) -> set[str]:
    """The word's trigrams, padded as pg_trgm pads them ("  s", " sm", "smi", ..., "th ")."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@lru_cache(maxsize=1)
def _nickname_groups() -> dict[str, frozenset[str]]:
    path = Path(__file__).with_name("data") / "nicknames.csv"
    groups: dict[str, set[str]] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.reader(line for line in fh if line.strip() and not line.startswith("#")):
            names = {n.strip() for n in row if n.strip()}
            for name in names:
                groups.setdefault(name, set()).update(names)
    return {k: frozenset(v - {k}) for k, v in groups.items()}


def nicknames(word: str) -> frozenset[str]:
    """Other forms of a given name from the nickname table: "bill" -> {"william", "will", "liam", ...}."""
    return _nickname_groups().get(word, frozenset())


@dataclass(frozen=True)
class WordMatch:
    score: float
    how: str  # exact, nickname, sounds, spelt, starts


EXACT = WordMatch(1.0, "exact")
NO_MATCH = WordMatch(0.0, "")


def compare_words(typed: str, stored: str, *, given: bool = True) -> WordMatch:
    """How well a typed word matches a stored one (0 = not at all)."""
    return _compare_words(typed, stored, given)


@lru_cache(maxsize=1 << 16)  # a search compares the same few words with the same common names again and again
def _compare_words(typed: str, stored: str, given: bool) -> WordMatch:
    if typed == stored:
        return EXACT
    if given and stored in nicknames(typed):
        return WordMatch(0.9, "nickname")
    if len(typed) == 1:  # an initial
        return WordMatch(0.5, "initial") if stored.startswith(typed) else NO_MATCH
    best = NO_MATCH
    codes = {c for c in phonetic(typed) if c}
    if codes & {c for c in phonetic(stored) if c} and (len(typed) > 2 and len(stored) > 2):
        best = WordMatch(0.85, "sounds")
    if typed[0] == stored[0] and len(typed) >= 3:
        jw = jellyfish.jaro_winkler_similarity(typed, stored)
        edits = jellyfish.damerau_levenshtein_distance(typed, stored)
        allowed = 1 if len(typed) < 8 else 2
        if edits <= allowed or jw >= 0.92:
            spelt = round(min(0.88, 0.9 * jw), 3)
            if spelt > best.score:
                best = WordMatch(spelt, "spelt")
    if len(typed) >= 2 and stored.startswith(typed):
        starts = round(0.6 + 0.3 * len(typed) / len(stored), 3)
        if starts > best.score:
            best = WordMatch(starts, "starts")
    return best


@dataclass(frozen=True)
class NameToken:
    part: str  # given or family
    word: str


@dataclass(frozen=True)
class NameScore:
    score: float
    reasons: tuple[str, ...]


_REASON = {"nickname": "{part} is a nickname", "sounds": "{part} sounds like", "spelt": "{part} spelt differently",
           "starts": "{part} starts with", "initial": "{part} initial"}


def score_name(query: list[str], tokens: Iterable[NameToken], *, alias: bool = False) -> NameScore:
    """How well the query words match one name (any order of given and family names): the mean of each word's
    best match, each stored word used once."""
    pool = list(tokens)
    if not query or not pool:
        return NameScore(0.0, ())
    used: set[int] = set()
    total = 0.0
    reasons: list[str] = []
    for typed in query:
        best, best_i, best_part = NO_MATCH, -1, ""
        for i, tok in enumerate(pool):
            if i in used:
                continue
            m = compare_words(typed, tok.word, given=tok.part == "given")
            if m.score > best.score:
                best, best_i, best_part = m, i, tok.part
        if best_i >= 0:
            used.add(best_i)
            total += best.score
            if best.how in _REASON:
                reason = _REASON[best.how].format(part="surname" if best_part == "family" else "given name")
                if reason not in reasons:
                    reasons.append(reason)
    score = total / len(query)
    if alias and score > 0:
        reasons.append("alias")
    if score >= 0.999:
        reasons.insert(0, "name")
    return NameScore(round(score, 3), tuple(reasons))


# --- dates of birth -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DobQuery:
    """A typed date of birth: all of it, a year and month, or a year."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def full(self) -> date | None:
        return date(self.year, self.month, self.day) if self.month and self.day else None


_DOB_FORMS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[/.\- ](?P<m>\d{1,2})[/.\- ](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$"),
    re.compile(r"^(?P<m>\d{1,2})[/.\- ](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})$"),
)
DOB_MESSAGE = "Enter a date of birth like 27/06/1965, 1965-06-27, 06/1965 or 1965"


def parse_dob(text: str) -> DobQuery:
    """"27/06/1965", "1965-06-27", "06/1965", "1965-06" or "1965"; raises ValueError with a message to show."""
    raw = text.strip()
    for form in _DOB_FORMS:
        m = form.match(raw)
        if not m:
            continue
        parts = m.groupdict()
        year = int(parts["y"])
        month = int(parts["m"]) if parts.get("m") else None
        day = int(parts["d"]) if parts.get("d") else None
        if month is not None and day is not None and month > 12 and 1 <= day <= 12:
            day, month = month, day  # typed month first (06/27/1965): the swap is scored, not refused
        if not 1850 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
            break
        if day is not None:
            try:
                date(year, cast(int, month), day)
            except ValueError:
                break
        return DobQuery(year, month, day)
    raise ValueError(DOB_MESSAGE)


def _digits(d: date) -> str:
    return f"{d.day:02d}{d.month:02d}{d.year:04d}"


def _from_digits(s: str) -> date | None:
    try:
        return date(int(s[4:]), int(s[2:4]), int(s[:2]))
    except ValueError:
        return None


def dob_candidates(q: DobQuery) -> list[date] | tuple[date, date]:
    """What to look up: for a full date every lenient variant (a list), else a (first, last) range."""
    full = q.full
    if full is None:
        if q.month is None:
            return date(q.year - 1, 1, 1), date(q.year + 1, 12, 31)
        end = date(q.year + (q.month == 12), q.month % 12 + 1, 1).toordinal() - 1
        return date(q.year, q.month, 1), date.fromordinal(end)
    out: set[date] = {full}
    swapped = _from_digits(f"{full.month:02d}{full.day:02d}{full.year:04d}")
    if swapped:
        out.add(swapped)
    for years in (-1, 1):
        moved = _from_digits(f"{full.day:02d}{full.month:02d}{full.year + years:04d}")
        if moved:
            out.add(moved)
    digits = _digits(full)
    for i in range(8):
        for c in "0123456789":
            if c != digits[i]:
                d = _from_digits(digits[:i] + c + digits[i + 1 :])
                if d:
                    out.add(d)
    return sorted(out)


def score_dob(q: DobQuery, stored: date) -> tuple[float, str]:
    """(score, reason) of a stored date of birth against the typed one; (0, "") when it does not match."""
    full = q.full
    if full is None:
        if q.month is not None:
            return (1.0, "DOB year and month") if (stored.year, stored.month) == (q.year, q.month) else (0.0, "")
        if stored.year == q.year:
            return 1.0, "DOB year"
        return (0.7, "DOB year ±1") if abs(stored.year - q.year) == 1 else (0.0, "")
    if stored == full:
        return 1.0, "date of birth"
    if (stored.day, stored.month, stored.year) == (full.month, full.day, full.year):
        return 0.9, "DOB day/month swapped"
    a, b = _digits(full), _digits(stored)
    if sum(x != y for x, y in zip(a, b, strict=True)) == 1:
        return 0.8, "DOB one digit different"
    if (stored.day, stored.month) == (full.day, full.month) and abs(stored.year - full.year) == 1:
        return 0.8, "DOB year ±1"
    return 0.0, ""


# --- identifiers ----------------------------------------------------------------------------------------------

_LOOSE = re.compile(r"[\s/\-.]+")
_NI_LOOSE = re.compile(r"^[A-Z]{2}\d{6}[A-Z]$")
NI_MESSAGE = "Enter a National Insurance number like AB 12 34 56 C (two letters, six digits, one letter)"
PNC_MESSAGE = "Enter a PNC ID like 2001/0123456A (year, serial number, check letter)"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def loose_ni(text: str) -> str:
    raw = _LOOSE.sub("", text).upper()
    if not _NI_LOOSE.match(raw):
        raise ValueError(NI_MESSAGE)
    return raw


def _one_off(value: str, alphabet_at: Iterable[str]) -> Iterator[str]:
    for i, alphabet in enumerate(alphabet_at):
        for c in alphabet:
            if c != value[i]:
                yield value[:i] + c + value[i + 1 :]


def ni_candidates(ni: str) -> list[str]:
    """The NI number and every number one character away from it (same shape)."""
    shape = [_LETTERS, _LETTERS, *["0123456789"] * 6, "ABCD"]
    return [ni, *_one_off(ni, shape)]


_PNC_LOOSE = re.compile(r"^(\d{2}|\d{4})/(\d{1,7})([A-Z])$")


def loose_pnc(text: str) -> tuple[str, str, str]:
    """(year, 7-digit serial, check letter) of a typed PNC ID; the check letter is not checked (a wrong one is
    the one character we tolerate)."""
    raw = re.sub(r"\s+", "", text).upper().replace("-", "/").replace(".", "/")
    if "/" not in raw:
        digits = raw[:-1]
        if len(digits) == 11:
            raw = f"{digits[:4]}/{digits[4:]}{raw[-1:]}"
        elif len(digits) == 9:
            raw = f"{digits[:2]}/{digits[2:]}{raw[-1:]}"
    m = _PNC_LOOSE.match(raw)
    if not m:
        raise ValueError(PNC_MESSAGE)
    year, serial, check = m.groups()
    return year, serial.zfill(7), check


def pnc_candidates(pnc: tuple[str, str, str]) -> list[str]:
    """Stored forms of the PNC ID and of every one a character away (2- and 4-digit year forms; a wrong century
    is not counted as the wrong character)."""
    year, serial, check = pnc
    value = year + serial + check
    shape = [*["0123456789"] * (len(year) + 7), _LETTERS]
    out: list[str] = []
    for v in [value, *_one_off(value, shape)]:
        y, s, c = v[: len(year)], v[len(year) : len(year) + 7], v[-1]
        short = y[-2:]
        out += [f"{short}/{s}{c}", f"19{short}/{s}{c}", f"20{short}/{s}{c}"]
    return list(dict.fromkeys(out))


def pnc_key(stored: str) -> str:
    """A stored PNC ID compared without its century: "2001/0123456A" and "01/0123456A" are one ID."""
    year, _, rest = stored.partition("/")
    return f"{year[-2:]}/{rest}"


def differs_by_one(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


_REF = re.compile(r"^(?:TTH)?-?0*(\d{1,7})$")  # six digits, seven past 999,999
REFERENCE_MESSAGE = "Enter a reference like TTH-000123, or its number, like 123"


def reference_number(text: str) -> int:
    """The number of a reference typed in full ("TTH-000123") or as its number part ("123", "000123")."""
    m = _REF.match(re.sub(r"\s+", "", text).upper())
    if not m:
        raise ValueError(REFERENCE_MESSAGE)
    return int(m.group(1))


_POSTCODE_FULL = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$")
_POSTCODE_DISTRICT = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
POSTCODE_MESSAGE = "Enter a postcode like SW1A 1AA, or its district, like SW1A"


def postcode_query(text: str) -> tuple[str, bool]:
    """(postcode as stored "SW1A 1AA" or district "SW1A", whether it is a full postcode)."""
    raw = re.sub(r"\s+", "", text).upper()
    if _POSTCODE_FULL.match(raw):
        return f"{raw[:-3]} {raw[-3:]}", True
    if _POSTCODE_DISTRICT.match(raw):
        return raw, False
    raise ValueError(POSTCODE_MESSAGE)


# --- text rule ------------------------------------------------------------------------------------------------

_INVISIBLE = re.compile("[\u0080-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")
NOT_PLAIN_TEXT = "must not contain control characters, line separators or invalid characters"


def has_hidden_characters(text: str) -> bool:
    """Line and paragraph separators, C1 controls, direction overrides and lone surrogates (on top of the C0
    controls the core text rule refuses)."""
    return bool(_INVISIBLE.search(text))
