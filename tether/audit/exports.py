"""The audit trail as CSV: one row an event, every column the chain hashes, plus its hash and the one before.

``at_utc``, ``actor_id``, ``detail`` (JSON), ``personal_sha256`` (the digest of the personal values, which the file
never holds) and the other hashed columns are written exactly as hashed, so anyone
can recompute each row's hash from the file (``chain.event_hash``) and check the ``prev_hash`` links; a cell a
spreadsheet would run as a formula (starting with = + - @, tab or carriage return) is written with a leading
single quote instead, and that quote must be dropped before recomputing.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import UTC
from typing import Any

from tether.core import clock
from tether.core.downloads import csv_cell

from .chain import personal_digest

COLUMNS = (
    "seq", "at_utc", "at_uk", "actor_id", "actor_username", "actor_label", "action", "object_type", "object_id",
    "force_code", "reason", "detail", "personal_sha256", "prev_hash", "hash",
)
def detail_json(detail: Any) -> str:
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_row(row: dict[str, Any]) -> list[str]:
    """One CSV row from an ``iter_events`` dict."""
    at = row["at"].astimezone(UTC)
    values = [
        row["seq"], at.isoformat(), at.astimezone(clock.UK).strftime("%Y-%m-%d %H:%M:%S %Z"), row["actor_id"],
        row["actor__username"], row["actor_label"], row["action"], row["object_type"], row["object_id"],
        row["force_code"], row["reason"], detail_json(row["detail"]),
        personal_digest(row["personal"]) if row.get("personal") else "", row["prev_hash"], row["hash"],
    ]
    return [csv_cell(v) for v in values]


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow(event_row(row))
