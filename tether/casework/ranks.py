"""Police ranks, for the rule that a senior investigating officer (SIO) of a missing/wanted
registered sex offender enquiry is of inspector rank or above (domain.md §9.2 step 7). Pure.

``User.rank`` is free text (what the force's HR system exports), so it is normalised first:
case and punctuation are ignored; a leading "detective", "acting" or "temporary" is ignored
(an acting inspector may act as SIO); common abbreviations are understood.

Inspector or above (England & Wales, Scotland, Northern Ireland, plus the Metropolitan Police and
City of London ranks above chief superintendent):

    inspector, chief inspector, superintendent, chief superintendent, commander,
    assistant chief constable, deputy chief constable, chief constable,
    deputy assistant commissioner, assistant commissioner, deputy commissioner, commissioner

Below inspector (refused): constable, sergeant, police staff and anything not recognised.
"""

from __future__ import annotations

import re
from typing import Final

# Rank -> seniority (0 = constable). Inspector is 2.
SENIORITY: Final[dict[str, int]] = {
    "constable": 0,
    "sergeant": 1,
    "inspector": 2,
    "chief inspector": 3,
    "superintendent": 4,
    "chief superintendent": 5,
    "commander": 6,
    "assistant chief constable": 6,
    "deputy assistant commissioner": 7,
    "deputy chief constable": 7,
    "assistant commissioner": 8,
    "chief constable": 8,
    "deputy commissioner": 9,
    "commissioner": 10,
}
INSPECTOR: Final = SENIORITY["inspector"]

ABBREVIATIONS: Final[dict[str, str]] = {
    "pc": "constable",
    "dc": "constable",
    "ps": "sergeant",
    "ds": "sergeant",
    "sgt": "sergeant",
    "insp": "inspector",
    "di": "inspector",
    "ci": "chief inspector",
    "ch insp": "chief inspector",
    "chief insp": "chief inspector",
    "dci": "chief inspector",
    "supt": "superintendent",
    "dsupt": "superintendent",
    "det supt": "superintendent",
    "ch supt": "chief superintendent",
    "chief supt": "chief superintendent",
    "csupt": "chief superintendent",
    "dcs": "chief superintendent",
    "dch supt": "chief superintendent",
    "cdr": "commander",
    "acc": "assistant chief constable",
    "dcc": "deputy chief constable",
    "cc": "chief constable",
    "dac": "deputy assistant commissioner",
    "ac": "assistant commissioner",
    "dep comm": "deputy commissioner",
}

_PREFIXES: Final = ("detective ", "det ", "acting ", "a/", "temporary ", "t/")


def normalise(rank: str) -> str | None:
    """The canonical rank name, or None when the text is not a recognised rank."""
    text = re.sub(r"[.,]", "", (rank or "").strip().lower())
    text = re.sub(r"\s+", " ", text)
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix):
                text = text[len(prefix) :].strip()
                changed = True
    text = ABBREVIATIONS.get(text, text)
    return text if text in SENIORITY else None


def is_inspector_or_above(rank: str) -> bool:
    canonical = normalise(rank)
    return canonical is not None and SENIORITY[canonical] >= INSPECTOR
