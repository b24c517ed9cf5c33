"""Import and export of whole registrants as JSON Lines (docs/import-format.md).

Import is all-or-nothing per file: every line is validated first, every bad line is reported
with its number and reason, and nothing is written unless every line is good.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction

from tether.audit.services import record
from tether.core.collecting import fewer_collections
from tether.core.errors import TetherError, ValidationFailed
from tether.core.streams import chunks
from tether.register.models import Person

from . import extensions
from .display import flagged_disposals
from .documents import RegistrantDoc, parse_registrant
from .selectors import iter_registrant_dicts
from .services import forces_by_code, registrants_write


@dataclass
class LineError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f" {self.field}:" if self.field else ""
        return f"line {self.line}:{where} {self.message}"


class ImportFailed(TetherError):
    def __init__(self, errors: list[LineError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} error(s); nothing was imported")


@dataclass
class LineFlag:
    """Something on a good line for an officer to review (never a refusal): a disposal the Schedule 3 check
    flags. ``field`` is the disposal's path."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportReport:
    lines: int
    imported: int
    errors: list[LineError] = field(default_factory=list)
    flags: list[LineFlag] = field(default_factory=list)
    duplicates: list[LineError] = field(default_factory=list)  # lines that may be people already on the register


DUPLICATE_POLICIES = ("report", "refuse")


MAX_DEPTH = 32  # a registrant document nests 3 deep


def decode_lines(data: bytes) -> tuple[list[str], list[LineError]]:
    """A JSON Lines file's lines: split on LF only (a CR before it is dropped), each decoded as UTF-8 on its own, so
    a bad byte is an error naming its line, not a traceback."""
    lines: list[str] = []
    errors: list[LineError] = []
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()  # the newline ending the last line
    for number, raw in enumerate(parts, start=1):
        try:
            lines.append(raw.removesuffix(b"\r").decode("utf-8"))
        except UnicodeDecodeError as exc:
            errors.append(LineError(number, "", f"is not UTF-8 text (byte {exc.start + 1} of the line)"))
            lines.append("")
    return lines, errors


def _depth(value: Any, depth: int = 0) -> int:
    if depth > MAX_DEPTH or not isinstance(value, dict | list):
        return depth
    items = value.values() if isinstance(value, dict) else value
    return max((_depth(item, depth + 1) for item in items), default=depth)


def validate_lines(
    lines: Iterable[str], line_numbers: list[int] | None = None,
) -> tuple[list[RegistrantDoc], list[LineError], int]:
    """The file's registrant documents, its errors and its line count (``line_numbers``, when given, receives
    each document's line number)."""
    docs, errors, count, _flags = validate_file(lines, line_numbers)
    return docs, errors, count


def validate_file(
    lines: Iterable[str], line_numbers: list[int] | None = None,
) -> tuple[list[RegistrantDoc], list[LineError], int, list[LineFlag]]:
    """Every line checked: the good documents, every error ("line N: ..."), the number of lines, and the flags
    for review on good lines (the Schedule 3 check of each disposal: a flag, never a refusal). ``line_numbers``,
    when given, receives each document's line number."""
    forces = forces_by_code()
    flags: list[LineFlag] = []
    docs: list[RegistrantDoc] = []
    errors: list[LineError] = []
    seen_ids: dict[Any, int] = {}
    seen_refs: dict[str, int] = {}
    count = 0
    for number, text in enumerate(lines, start=1):
        count = number
        if not text.strip():
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            errors.append(LineError(number, "", f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        except RecursionError:
            errors.append(LineError(number, "", f"nests more than {MAX_DEPTH} levels deep"))
            continue
        if _depth(data) > MAX_DEPTH:
            errors.append(LineError(number, "", f"nests more than {MAX_DEPTH} levels deep"))
            continue
        try:
            doc = parse_registrant(data, known_forces=forces)
        except ValidationFailed as exc:
            errors.extend(LineError(number, e["field"], e["message"]) for e in exc.as_list())
            continue
        if doc.id is not None:
            if doc.id in seen_ids:
                errors.append(LineError(number, "id", f"repeats the id on line {seen_ids[doc.id]}"))
            seen_ids.setdefault(doc.id, number)
        if doc.reference:
            if doc.reference in seen_refs:
                first = seen_refs[doc.reference]
                errors.append(LineError(number, "reference", f"repeats the reference on line {first}"))
            seen_refs.setdefault(doc.reference, number)
        docs.append(doc)
        jurisdiction = str(getattr(forces.get(doc.force), "jurisdiction", "") or "")
        flags += [LineFlag(number, f"disposals[{f['index']}]", f["message"])
                  for f in flagged_disposals(doc.disposals, jurisdiction, doc.date_of_birth)]
        if line_numbers is not None:
            line_numbers.append(number)
    # clashes with what is already on the register
    ids = list(seen_ids)
    for chunk in chunks(ids, 500):
        for pid in Person.objects.filter(pk__in=chunk).values_list("pk", flat=True):
            errors.append(LineError(seen_ids[pid], "id", "a registrant with this id is already on the register"))
    refs = list(seen_refs)
    for chunk in chunks(refs, 500):
        for ref in Person.objects.filter(reference__in=chunk).values_list("reference", flat=True):
            errors.append(LineError(seen_refs[ref], "reference", f"{ref} is already on the register"))
    errors.sort(key=lambda e: e.line)
    return docs, errors, count, flags


def likely_duplicates(
    docs: list[RegistrantDoc], numbers: list[int], actor: Any = None, accepted: Iterable[int] = (),
) -> list[LineError]:
    """For each line, the people already on the register it may be (the registered duplicate finders, across every
    force), as "may be the same person as TTH-000123 (0.93: surname sounds like, date of birth)". Lines in
    ``accepted`` (confirmed as new people) are not asked about."""
    skip = set(accepted)
    out: list[LineError] = []
    if not Person.objects.exists():
        return out  # an empty register (a force's first import) holds nobody a line could be: no search per line
    for number, doc in zip(numbers, docs, strict=True):
        if number in skip:
            continue
        for c in extensions.find_duplicates(actor, doc):
            who = c.reference or f"{c.name} ({c.owning_force})"
            out.append(LineError(number, "", f"may be the same person as {who} ({c.score:.2f}: "
                                             f"{', '.join(c.reasons) or 'similar'})"))
    return out


def import_jsonl(
    lines: Iterable[str], *, actor: Any = None, actor_label: str = "", progress: Callable[[int], None] | None = None,
    duplicates: str = "report", accepted: Iterable[int] = (),
) -> ImportReport:
    """Import the file, all or nothing. Each line is checked against the register for the same person
    (``likely_duplicates``): ``duplicates="report"`` imports and reports them, ``"refuse"`` imports nothing while
    any line not in ``accepted`` (line numbers confirmed as new people) may be someone already registered."""
    if duplicates not in DUPLICATE_POLICIES:
        raise ValueError(f"duplicates must be one of {', '.join(DUPLICATE_POLICIES)}")
    with fewer_collections():
        return _import(lines, actor, actor_label, progress, duplicates, accepted)


def _import(lines: Iterable[str], actor: Any, actor_label: str, progress: Callable[[int], None] | None,
            duplicates: str, accepted: Iterable[int]) -> ImportReport:
    numbers: list[int] = []
    docs, errors, count, flags = validate_file(lines, numbers)
    if errors:
        raise ImportFailed(errors)
    with transaction.atomic():
        found = likely_duplicates(docs, numbers, actor, accepted)
        if found and duplicates == "refuse":
            raise ImportFailed(found)
        registrants_write(docs, actor=actor, action="person.import", reason=actor_label, progress=progress)
        record("register.import", actor, actor_label=actor_label,
               detail={"lines": count, "imported": len(docs), "flagged_for_review": len(flags),
                       "duplicates": duplicates,
                       "likely_duplicate_lines": sorted({d.line for d in found}),
                       "accepted_lines": sorted(set(accepted) & set(numbers))})
    return ImportReport(lines=count, imported=len(docs), flags=flags, duplicates=found)


def json_line(doc: dict[str, Any]) -> str:
    """One registrant as one line: JSON (UTF-8 kept readable), with every character a line reader could split on
    escaped, so whatever was stored re-imports byte for byte."""
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_LINE_BREAKERS)


# line readers (str.splitlines, some editors) also split on these; JSON allows them raw, so they are written escaped
_LINE_BREAKERS = {c: f"\\u{c:04x}" for c in (0x85, 0x2028, 0x2029)}


def export_jsonl(
    out: IO[str], *, force: str | None = None, actor: Any = None, actor_label: str = "",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write every registrant (or one force's) as one JSON line each, in reference order."""
    qs = Person.objects.order_by("reference")
    if force:
        qs = qs.filter(owning_force__code=force.upper())
    ids = list(qs.values_list("pk", flat=True))
    n = 0
    for doc in iter_registrant_dicts(ids):
        out.write(json_line(doc) + "\n")
        n += 1
        if progress and n % 1000 == 0:
            progress(n)
    record("register.export", actor, actor_label=actor_label, detail={"force": force or "ALL", "registrants": n})
    return n
