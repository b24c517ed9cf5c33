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


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
NO_CONTROL_CHARACTERS = "must not contain control characters"


def has_control_characters(text: str) -> bool:
    """Free text from a form, a file or a query must hold no control characters (they hide in logs and CSV)."""
    return bool(_CONTROL.search(text))

