"""The shape every statistic takes before and after disclosure control. Pure: no Django, no Tether models.

A ``Table`` holds raw (unrounded, unsuppressed) counts and never leaves the server. ``disclosure.publish``
turns it into a ``PublishedTable``, the only thing pages, downloads, the API and the CLI may show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

COUNT = "Count"  # the single column of a one-way breakdown


@dataclass(frozen=True)
class Table:
    """Raw counts by row and column. A cell absent from ``cells`` is a true zero.

    ``rows`` and ``cols`` are the labels in display order (a one-way table has ``cols == (COUNT,)``).
    ``national`` marks a table whose grand total is a national figure (a policy may publish it exactly).
    """

    title: str
    row_label: str
    col_label: str
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    cells: Mapping[tuple[str, str], int]
    as_of: date
    period: tuple[date, date] | None = None
    notes: tuple[str, ...] = ()
    national: bool = False
    measure: str = "registrants"  # what is counted, in words ("open missing cases", ...)

    def count(self, row: str, col: str = COUNT) -> int:
        return int(self.cells.get((row, col), 0))

    def row_total(self, row: str) -> int:
        return sum(self.count(row, c) for c in self.cols)

    def col_total(self, col: str) -> int:
        return sum(self.count(r, col) for r in self.rows)

    def total(self) -> int:
        return sum(self.count(r, c) for r in self.rows for c in self.cols)


@dataclass(frozen=True)
class Series:
    """A dated series (e.g. open missing cases at each month end): raw counts, published through disclosure."""

    title: str
    points: tuple[tuple[date, int], ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
