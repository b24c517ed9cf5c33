"""Reading the fields of a document or a service's input: one set of rules and messages for every edge (the web
forms, the API, import files, the command line).

``Fields`` collects every problem with its field path instead of stopping at the first, then ``raise_if_any``
raises one ``ValidationFailed`` naming them all. The ``read_*`` functions are the rules themselves, for callers that
check a single value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from .errors import NO_CONTROL_CHARACTERS, ValidationFailed, has_control_characters

MUST_BE_A_DATE = "must be a real date in the form YYYY-MM-DD"


def read_text(raw: Any, *, required: bool, max_len: int, min_len: int = 1,
              multiline: bool = False) -> tuple[str, list[str]]:
    """(the stripped text, the problems with it: none when it is good). ``multiline`` text (a note, a written
    assessment) may hold line breaks and tabs; line breaks are stored as ``\n``."""
    needed = "is required" if min_len <= 1 else f"is required: at least {min_len} characters"
    if raw is None:
        return "", [needed] if required else []
    if not isinstance(raw, str):
        return "", ["must be text"]
    # the rule is checked on the text as given: str.strip() would also remove a leading or trailing line separator,
    # U+0085 or \x1c-\x1f, which every other way in (the pages, the API's schema) refuses
    control = has_control_characters(raw, multiline=multiline)
    value = raw.strip()
    if not value:
        return "", [NO_CONTROL_CHARACTERS] if control else [needed] if required else []
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    problems = []
    if required and len(value) < min_len:
        problems.append(needed)
    if len(value) > max_len:
        problems.append(f"must be {max_len} characters or fewer")
    if control:
        problems.append(NO_CONTROL_CHARACTERS)
    return value, problems


def read_day(raw: Any, *, required: bool) -> tuple[date | None, str | None]:
    """(the date or None when blank, None) or (None, the problem)."""
    if raw in (None, ""):
        return None, "is required" if required else None
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw, None
    try:
        return date.fromisoformat(str(raw)), None
    except ValueError:
        return None, MUST_BE_A_DATE


def read_flag(raw: Any) -> tuple[bool, str | None]:
    if not isinstance(raw, bool):
        return False, "must be true or false"
    return raw, None


REASON_MAX = 2000
REASON_MIN_LETTERS = 10
REASON_MIN_DISTINCT = 5
# letters that look like nothing (Hangul fillers): they count as letters to str.isalpha but say nothing
_BLANK_LETTERS = frozenset("\u3164\u115f\u1160\uffa0")
REASON_RULE = (f"give the reason you need this record, in words: at least {REASON_MIN_LETTERS} letters, like "
               "\"Joint investigation with GMP, their ref 24/1234\"")


def reason_problem(raw: Any, *, rule: str = REASON_RULE) -> str | None:
    """Why a recorded reason (for opening another force's record, resetting two-factor sign-in, revealing an audit
    event's personal values) is not a reason, or None. A reason is words: at least 10 letters of at least 5
    different kinds, at most 2,000 characters, and the one text rule. ``rule``: what to say when it is not."""
    value, problems = read_text(raw, required=True, max_len=REASON_MAX)
    if problems:
        return problems[0] if problems[0] != "is required" else rule
    letters = [ch.casefold() for ch in value if ch.isalpha() and ch not in _BLANK_LETTERS]
    if len(letters) < REASON_MIN_LETTERS or len(set(letters)) < REASON_MIN_DISTINCT:
        return rule
    return None


_ALLOWED: dict[Any, list[str]] = {}


def _allowed(choices: Any) -> list[str]:
    """The values of a choices class (an enum), worked out once per class."""
    try:
        return _ALLOWED[choices]
    except KeyError:
        _ALLOWED[choices] = allowed = [c.value for c in choices]
        return allowed
    except TypeError:  # not hashable: a list of choices
        return [c.value for c in choices]


class Fields:
    """Collects every error with its field path instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def _report(self, path: str, problem: str | None) -> None:
        if problem:
            self.fail(path, problem)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)

    def text(self, data: Mapping[str, Any], key: str, path: str | None = None, *, required: bool = True,
             max_len: int = 120, min_len: int = 1, multiline: bool = False) -> str:
        value, problems = read_text(data.get(key), required=required, max_len=max_len, min_len=min_len,
                                    multiline=multiline)
        for problem in problems:
            self.fail(path or key, problem)
        return value

    def day(self, data: Mapping[str, Any], key: str, path: str | None = None, *, required: bool = True,
            default: date | None = None, not_before: date | None = None, today: date | None = None) -> date | None:
        """A date; ``today``: it must not be later; ``not_before``: nor earlier than that."""
        where = path or key
        value, problem = read_day(data.get(key), required=required)
        self._report(where, problem)
        if value is None:
            return default
        if today is not None and value > today:
            self.fail(where, "must not be in the future")
        elif not_before is not None and value < not_before:
            self.fail(where, f"must not be before {not_before.isoformat()}")
        return value

    def choice(self, data: Mapping[str, Any], key: str, path: str | None, choices: Any) -> str:
        value = data.get(key)
        allowed = _allowed(choices)
        if value not in allowed:
            self.fail(path or key, f"must be one of: {', '.join(allowed)}")
            return ""
        return str(value)

    def flag(self, data: Mapping[str, Any], key: str, path: str | None = None) -> bool:
        value, problem = read_flag(data.get(key, False))
        self._report(path or key, problem)
        return value

    def whole(self, data: Mapping[str, Any], key: str, path: str, lo: int, hi: int) -> int | None:
        value = data.get(key)
        if value in (None, ""):
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            self.fail(path, "must be a whole number")
            return None
        try:
            n = int(value)
        except ValueError:
            self.fail(path, "must be a whole number")
            return None
        if not lo <= n <= hi:
            self.fail(path, f"must be between {lo} and {hi}")
        return n

    def identifier(self, data: Mapping[str, Any], key: str, path: str, normalise: Callable[[str], str]) -> str:
        value = data.get(key)
        if value in (None, ""):
            return ""
        try:
            return normalise(str(value))
        except ValueError as exc:
            self.fail(path, str(exc))
            return ""

    def items(self, data: Mapping[str, Any], key: str) -> list[tuple[str, Mapping[str, Any]]]:
        value = data.get(key) or []
        if not isinstance(value, list):
            self.fail(key, "must be a list")
            return []
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, Mapping):
                self.fail(f"{key}[{i}]", "must be an object")
                continue
            out.append((f"{key}[{i}]", item))
        return out

    def span(self, start: date | None, end: date | None, path: str, end_key: str = "end") -> None:
        if start and end and end < start:
            self.fail(f"{path}.{end_key}" if path else end_key, "must not be before the start")

    def not_future(self, value: date | None, path: str, today: date) -> None:
        if value and value > today:
            self.fail(path, "must not be in the future")
