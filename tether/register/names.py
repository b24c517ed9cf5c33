"""Pure name normalising for search and linkage. No Django imports."""

from __future__ import annotations

import re
import unicodedata

_NON_LETTER = re.compile(r"[^a-z\s'-]")
_SPACES = re.compile(r"[\s'-]+")


def normalise(name: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces: "O'Brien-Smith " -> "o brien smith"."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _SPACES.sub(" ", _NON_LETTER.sub("", ascii_only)).strip()


def search_key(given_names: str, family_name: str) -> str:
    """The key stored beside each name and matched by the register search."""
    return f"{normalise(given_names)} {normalise(family_name)}".strip()


def display(given_names: str, family_name: str) -> str:
    """Register style: FAMILY, Given Names."""
    family = family_name.strip().upper()
    given = " ".join(given_names.split())
    return f"{family}, {given}" if given else family
