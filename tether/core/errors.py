"""Errors that cross layers. A ValidationFailed names each field and the rule it broke."""

from __future__ import annotations

import re
from collections.abc import Mapping


class TetherError(Exception):
    """Base for domain errors."""


class ValidationFailed(TetherError):
    """Bad input: nothing was written. ``errors`` maps a field path to its messages."""

    def __init__(self, errors: Mapping[str, list[str] | str]) -> None:
        self.errors: dict[str, list[str]] = {
            k: ([v] if isinstance(v, str) else list(v)) for k, v in errors.items()
        }
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))

    def as_list(self) -> list[dict[str, str]]:
        return [{"field": k, "message": m} for k, msgs in self.errors.items() for m in msgs]


class NotFound(TetherError):
    """The record does not exist, or the caller may not know it exists (the same answer for both)."""


class Forbidden(TetherError):
    """The caller may know the record exists but may not do this to it."""


class Conflict(TetherError):
    """Someone else changed the record since it was read (version mismatch)."""


# The one text rule (every edge: forms, API, import, CLI, query parameters): no C0 or C1 control characters, no
# line or paragraph separators (U+2028, U+2029: JSON Lines readers split on them) and no lone surrogates (they cannot
# be stored or written as UTF-8). Multi-line text (notes, written assessments) may hold line breaks and tabs.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
NO_CONTROL_CHARACTERS = "must not contain control characters or line separators"


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` breaks the text rule (control characters hide in logs and CSV, separators split JSON Lines,
    lone surrogates cannot be stored). ``multiline`` allows line breaks (CR, LF) and tabs."""
    return bool((_CONTROL_MULTILINE if multiline else _CONTROL).search(text))
