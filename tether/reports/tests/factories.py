"""Small raw tables for the reports tests (synthetic counts, no people)."""

from __future__ import annotations

from datetime import date

from tether.reports.tables import COUNT, Table

AS_OF = date(2025, 3, 31)


def grid(rows: list[list[int]], *, national: bool = False, title: str = "Missing registrants by force and year",
         notes: tuple[str, ...] = ()) -> Table:
    """A table from a list of rows of counts: rows R1.., columns C1.. (a zero is left out: a true zero)."""
    row_labels = tuple(f"R{i + 1}" for i in range(len(rows)))
    col_labels = tuple(f"C{j + 1}" for j in range(len(rows[0]))) if rows else ()
    cells = {(row_labels[i], col_labels[j]): v for i, r in enumerate(rows) for j, v in enumerate(r) if v}
    return Table(title=title, row_label="Force", col_label="Year went missing", rows=row_labels, cols=col_labels,
                 cells=cells, as_of=AS_OF, national=national, notes=notes, measure="missing registrants")


def oneway(counts: list[int], *, national: bool = False) -> Table:
    labels = tuple(f"R{i + 1}" for i in range(len(counts)))
    return Table(title="Missing registrants by force", row_label="Force", col_label=COUNT, rows=labels, cols=(COUNT,),
                 cells={(labels[i], COUNT): v for i, v in enumerate(counts) if v}, as_of=AS_OF, national=national,
                 period=(date(2024, 4, 1), AS_OF), notes=("Open cases only.",))
