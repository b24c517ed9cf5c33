"""Downloads of a published table: CSV, XLSX (openpyxl) and ODS (odfpy).

Each file carries the title, the as-at date, the period, the table with its totals, the notes and the policy
paragraph. Only a ``PublishedTable`` can be exported, so nothing here ever sees a raw count. Numbers are
written as numbers; "<5" and "[c]" as text. Text that a spreadsheet would run as a formula (starting with
= + - @, tab or carriage return) gets a leading single quote in CSV and is stored as plain text in XLSX/ODS.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table as OdsTable
from odf.table import TableCell, TableColumn, TableRow
from odf.text import P
from openpyxl import Workbook
from openpyxl.styles import Font

from tether.core.downloads import csv_cell
from tether.reports.disclosure import Cell, Policy, PublishedTable
from tether.reports.tables import COUNT

TOTAL = "Total"

Value = str | int


def shows_row_totals(pt: PublishedTable) -> bool:
    """A one-way table's row totals repeat its only column, so they are not shown."""
    return pt.cols != (COUNT,)


def _value(cell: Cell) -> Value:
    return cell.value if cell.value is not None else cell.text


def table_rows(pt: PublishedTable) -> list[list[Value]]:
    """The table with its totals: a header row, one row a label, then the totals row."""
    with_totals = shows_row_totals(pt)
    header: list[Value] = [pt.row_label, *pt.cols]
    if with_totals:
        header.append(TOTAL)
    out = [header]
    for r in pt.rows:
        out.append([r, *(_value(pt.cells[(r, c)]) for c in pt.cols)]
                   + ([_value(pt.row_totals[r])] if with_totals else []))
    out.append([TOTAL, *(_value(pt.col_totals[c]) for c in pt.cols)] + ([_value(pt.total)] if with_totals else []))
    return out


def period_text(pt: PublishedTable) -> str:
    return f"{pt.period[0].isoformat()} to {pt.period[1].isoformat()}" if pt.period else ""


def layout(pt: PublishedTable) -> list[list[Value]]:
    """Everything a download carries, as rows of cells (the same for CSV, XLSX and ODS)."""
    rows: list[list[Value]] = [[pt.title], ["As at", pt.as_of.isoformat()]]
    if pt.period:
        rows.append(["Period", period_text(pt)])
    rows.append(["Counting", pt.measure])
    rows.append([])
    rows.extend(table_rows(pt))
    rows.append([])
    for note in pt.notes:
        rows.append(["Note", note])
    rows.append(["Disclosure control", pt.policy.describe()])
    rows.append(["Policy", json.dumps(pt.policy.to_dict(), sort_keys=True)])
    return rows


def series_layout(title: str, points: Sequence[tuple[date, Cell]], notes: Sequence[str], policy: Policy,
                  as_of: date) -> list[list[Value]]:
    """The trend series as rows of cells: month ends with their published counts, the notes and the policy."""
    rows: list[list[Value]] = [[title], ["As at", as_of.isoformat()], ["Counting", "open missing and wanted cases"],
                               [], ["Month end", COUNT]]
    rows += [[d.isoformat(), _value(c)] for d, c in points]
    rows.append([])
    rows += [["Note", n] for n in notes]
    rows.append(["Disclosure control", policy.describe()])
    return rows


def rows_to_csv(rows: Sequence[Sequence[Value]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


def rows_to_xlsx(rows: Sequence[Sequence[Value]], title: str, *, header: str | None = None) -> bytes:
    """``rows`` on one sheet; the title row large and bold, and the first later row starting ``header`` bold."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Table"
    header_at = 0
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row, start=1):
            cell = ws.cell(row=i, column=j, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
        if header is not None and row and row[0] == header and header_at == 0 and i > 1:
            header_at = i
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    if header_at:
        for cell in ws[header_at]:
            cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 28
    wb.properties.title = title
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def ods_cell(value: Value) -> TableCell:
    cell = TableCell(valuetype="float", value=value) if isinstance(value, int) else TableCell(valuetype="string")
    cell.addElement(P(text=str(value)))
    return cell


def rows_to_ods(rows: Sequence[Sequence[Value]], title: str = "") -> bytes:
    """``rows`` on one sheet (``title`` is for the same call shape as ``rows_to_xlsx``; ODS keeps it in row 1)."""
    doc = OpenDocumentSpreadsheet()
    sheet = OdsTable(name="Table")
    sheet.addElement(TableColumn(numbercolumnsrepeated=max(len(r) for r in rows)))
    for row in rows:
        tr = TableRow()
        for value in row:
            tr.addElement(ods_cell(value))
        sheet.addElement(tr)
    doc.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()


FILE_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def rows_to_file(rows: Sequence[Sequence[Value]], title: str, fmt: str, *, header: str | None = None) -> str | bytes:
    """``rows`` as a CSV (text), XLSX or ODS (bytes) document: the one place a download format is chosen."""
    if fmt == "csv":
        return rows_to_csv(rows)
    if fmt == "xlsx":
        return rows_to_xlsx(rows, title, header=header)
    if fmt == "ods":
        return rows_to_ods(rows, title)
    raise ValueError(f"format: must be one of: {', '.join(FILE_FORMATS)}")
