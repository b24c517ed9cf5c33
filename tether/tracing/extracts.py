"""Reading a partner's extract file (CSV or Parquet): column mapping, then every line checked. Nothing here
touches the database; ``services.extract_load`` stores the rows only when every line is good."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tether.register.identifiers import normalise_ni_number, normalise_postcode

COLUMNS = ("record_id", "given_names", "family_name", "date_of_birth", "ni_number", "address_line_1",
           "address_line_2", "town", "postcode", "from_date")
REQUIRED = ("record_id", "family_name", "date_of_birth")
LIMITS = {"record_id": 80, "given_names": 120, "family_name": 80, "address_line_1": 120, "address_line_2": 120,
          "town": 80}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
MAX_ROWS = 2_000_000


@dataclass
class LineError:
    line: int  # 1 = the header; data from 2 (Parquet: row number + 1, the same way)
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


@dataclass
class Parsed:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    checksum: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_mapping(raw: str | None) -> dict[str, str]:
    """``--map "surname=family_name,forename=given_names"`` (file header = Tether column)."""
    out: dict[str, str] = {}
    for part in (raw or "").split(","):
        if not part.strip():
            continue
        header, sep, column = part.partition("=")
        if not sep or column.strip() not in COLUMNS:
            raise ValueError(
                f"column mapping {part.strip()!r}: write HEADER=COLUMN, COLUMN one of {', '.join(COLUMNS)}")
        out[header.strip()] = column.strip()
    return out


def _day(raw: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError("must be a real date written as YYYY-MM-DD (or DD/MM/YYYY)")


def fingerprint(row: Mapping[str, Any]) -> str:
    text = "|".join(str(row.get(c) or "") for c in COLUMNS if c != "record_id")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_row(raw: Mapping[str, Any], line: int, today: date) -> tuple[dict[str, Any], list[LineError]]:
    errors: list[LineError] = []
    row: dict[str, Any] = {}
    for column in COLUMNS:
        value = raw.get(column)
        text = "" if value is None else re.sub(r"\s+", " ", str(value)).strip()
        if column in REQUIRED and not text:
            errors.append(LineError(line, column, "is required"))
            row[column] = None
            continue
        if column in ("date_of_birth", "from_date"):
            try:
                row[column] = _day(text) if text else None
            except ValueError as exc:
                errors.append(LineError(line, column, str(exc)))
                row[column] = None
                continue
            if row[column] is not None and row[column] > today:
                errors.append(LineError(line, column, "must not be in the future"))
        elif column == "ni_number":
            try:
                row[column] = normalise_ni_number(text) if text else ""
            except ValueError as exc:
                errors.append(LineError(line, column, str(exc)))
        elif column == "postcode":
            try:
                row[column] = normalise_postcode(text) if text else ""
            except ValueError as exc:
                errors.append(LineError(line, column, str(exc)))
        else:
            if len(text) > LIMITS.get(column, 200):
                errors.append(LineError(line, column, f"must be at most {LIMITS[column]} characters"))
            row[column] = text
    if not errors:
        row["fingerprint"] = fingerprint(row)
    return row, errors


def _renamed(record: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    return {mapping.get(str(k).strip(), str(k).strip()): v for k, v in record.items()}


def read_extract(data: bytes, filename: str, today: date, *, mapping: Mapping[str, str] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Parsed:
    """Every line checked; ``Parsed.errors`` names each bad line (and nothing should be stored then)."""
    mapping = mapping or {}
    out = Parsed(checksum=hashlib.sha256(data).hexdigest())
    try:
        records = _parquet(data) if filename.lower().endswith(".parquet") else _csv(data)
    except ValueError as exc:
        out.errors.append(LineError(1, "file", str(exc)))
        return out
    if not records:
        out.errors.append(LineError(1, "file", "has no data lines"))
        return out
    if len(records) > MAX_ROWS:
        out.errors.append(LineError(1, "file", f"has more than {MAX_ROWS:,} lines: split it"))
        return out
    headers = set(_renamed(records[0], mapping))
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        out.errors.append(LineError(1, "header", f"no column for {', '.join(missing)} (map one with --map)"))
        return out
    seen: dict[str, int] = {}
    for i, record in enumerate(records):
        line = i + 2
        row, errors = check_row(_renamed(record, mapping), line, today)
        rid = row.get("record_id")
        if rid and rid in seen:
            errors.append(LineError(line, "record_id", f"repeats line {seen[rid]}"))
        elif rid:
            seen[rid] = line
        out.errors.extend(errors)
        if not errors:
            out.rows.append(row)
        if progress is not None and (i % 1000 == 0 or i == len(records) - 1):
            progress(i + 1, len(records))
    if out.errors:
        out.rows = []
    return out


def _csv(data: bytes) -> list[dict[str, Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("is not UTF-8 text: save the CSV as UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise ValueError("has no header line")
    return [dict(r) for r in reader]


def _parquet(data: bytes) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:
        raise ValueError(f"is not a readable Parquet file ({exc.__class__.__name__})") from None
    return [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items()} for r in table.to_pylist()]
