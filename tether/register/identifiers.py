"""Pure validation and normalising of UK identifiers: NI number, PNC ID, postcode.

Each ``normalise_*`` returns the canonical form or raises ``ValueError`` with a
message fit to show a user. No Django imports.
"""

from __future__ import annotations

import re

# National Insurance number: 2 prefix letters, 6 digits, suffix A-D (HMRC NIM39110).
_NINO_RE = re.compile(r"^([A-CEGHJ-PR-TW-Z])([A-CEGHJ-NPR-TW-Z])(\d{6})([A-D])$")
_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})

# PNC ID: year (2 or 4 digits) / serial (up to 7 digits) + check letter.
_PNC_RE = re.compile(r"^(\d{2}|\d{4})/?(\d{1,7})([A-Z])$")
PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"  # index = (yy followed by 7-digit serial) mod 23

# UK postcode (outward + inward), after removing spaces and upper-casing.
_POSTCODE_RE = re.compile(
    r"^(GIR0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?)\d[ABD-HJLNP-UW-Z]{2})$"
)


def normalise_ni_number(value: str) -> str:
    raw = re.sub(r"\s+", "", value).upper()
    m = _NINO_RE.match(raw)
    if not m or (m.group(1) + m.group(2)) in _NINO_BAD_PREFIXES:
        raise ValueError(
            "Enter a National Insurance number in the correct format, like AB 12 34 56 C "
            "(two letters, six digits, then A, B, C or D)"
        )
    return raw


def pnc_check_letter(year: str, serial: str) -> str:
    number = int(year[-2:] + serial.zfill(7))
    return PNC_CHECK_LETTERS[number % 23]


def normalise_pnc_id(value: str) -> str:
    """Canonical PNC ID ``YYYY/NNNNNNNX`` (or ``YY/NNNNNNNX`` when given with a 2-digit year)."""
    raw = re.sub(r"\s+", "", value).upper()
    m = _PNC_RE.match(raw)
    if not m:
        raise ValueError("Enter a PNC ID in the format YYYY/NNNNNNNX, like 2001/0123456A")
    year, serial, check = m.groups()
    if pnc_check_letter(year, serial) != check:
        raise ValueError("PNC ID check character is wrong: check the number was copied exactly")
    return f"{year}/{serial.zfill(7)}{check}"


def normalise_postcode(value: str) -> str:
    raw = re.sub(r"\s+", "", value).upper()
    if not _POSTCODE_RE.match(raw):
        raise ValueError("Enter a real UK postcode, like SW1A 1AA")
    return f"{raw[:-3]} {raw[-3:]}"


def postcode_district(postcode: str) -> str:
    """The outward code (``SW1A`` of ``SW1A 1AA``): the smallest area ever shown in statistics."""
    return normalise_postcode(postcode).split(" ")[0]
