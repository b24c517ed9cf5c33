"""Sentence case: every heading, label, button and message starts with a capital and has no other capitals but
proper nouns and acronyms ("Enter the PNC circulation reference", not "Enter The PNC Circulation Reference").

``PROPER_NOUNS`` lists the capitalised words that may stand mid-sentence (acronyms, written all in capitals, always
may); ``tether/ui/tests/test_sentence_case.py`` checks every template and message against it. ``mid_sentence``
puts a label inside a sentence without lowering a proper noun or an acronym ("Enter the PNC ...", "the National
Insurance number"); ``enter`` is the GOV.UK message for a required field left blank.
"""

from __future__ import annotations

import re

# Capitalised words allowed after the first word of a sentence: names of things, places, months and days.
PROPER_NOUNS: frozenset[str] = frozenset([
    "Tether", "OASys", "RoSH", "ViSOR", "Splink", "DuckDB", "PostgreSQL", "SQLite", "Chromium", "Faker", "England",
    "Wales", "Scotland", "Britain", "London", "Manchester", "Testperson", "January", "February", "March", "April",
    "May", "June", "July", "August", "September", "October", "November", "December", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Mr", "Mrs", "Ms", "Dr", "Regulations"
])
# Names of more than one word (statutes, agencies, places); force names are added by the check from the forces.
PROPER_PHRASES: tuple[str, ...] = (
    "National Insurance", "Home Office", "Freedom of Information", "Sexual Offences Act", "Indecency with Children Act",
    "Criminal Justice Act", "Risk Matrix", "Risk of Serious Harm", "Department for Work and Pensions",
    "Probation Service", "Northern Ireland", "British Summer Time", "Charing Cross Police Station", "Charing Cross",
    "Youth Justice Board", "Crown Court", "Swagger UI", "Synthetic Street",
)

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’/]*")  # a word, or a code such as SW1A or 2000/S


def is_proper(word: str) -> bool:
    """A word that keeps its capital mid-sentence: an acronym (two or more capitals, "PNC", "NI", "OASys"), a single
    letter (a code: "AB 12 34 56 C", "Tier A") or a listed proper noun."""
    letters = word.strip("'’")
    return word in PROPER_NOUNS or len(letters) == 1 or sum(ch.isupper() for ch in letters) >= 2


def mid_sentence(label: str) -> str:
    """``label`` (sentence case) as it reads inside a sentence: its first letter lowered unless the first word is
    a proper noun or an acronym ("Family name" -> "family name", "PNC circulation reference" unchanged)."""
    first = _WORD.match(label)
    if not label or first is None or first.start() != 0 or is_proper(first.group()):
        return label
    if label.startswith(PROPER_PHRASES):
        return label
    return label[0].lower() + label[1:]


_NO_ARTICLE = ("the ", "a ", "an ", "your ", "their ", "who ", "what ", "when ", "where ", "why ", "how ", "which ",
               "whether ", "if ")


def enter(label: str) -> str:
    """The message for a required field left blank: "Enter the family name", "Enter the PNC circulation reference"
    (no "the" before a label that already reads as a phrase: "Enter who was told")."""
    text = mid_sentence(label)
    if text.lower().startswith(_NO_ARTICLE) or text[:1].isdigit():
        return f"Enter {text}"
    return f"Enter the {text}"


def title_case_words(text: str, phrases: tuple[str, ...] = ()) -> list[str]:
    """The capitalised words of ``text`` that sentence case does not allow: after the first word of a sentence
    (a sentence starts the text, or follows ". ", "? ", "! ", ": " or an opening quote or bracket), neither a
    proper noun, nor an acronym, nor part of a listed name (``PROPER_PHRASES`` and ``phrases``)."""
    text = " ".join(text.split())
    for phrase in sorted((*PROPER_PHRASES, *phrases), key=len, reverse=True):
        text = text.replace(phrase, "name")
    found = []
    for part in re.split(r"(?<=[.!?:;])\s+|\s+[–—-]\s+|[\"“(‘']", text):
        words = [w for token in _TOKEN.findall(part) for w in token.split("-")]
        found += [w for w in words[1:] if w[:1].isupper() and w.isalpha() and not is_proper(w)]
    return [w for w in found if w]
