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

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table as OdsTable
from odf.table import TableCell, TableColumn, TableRow
from odf.text import P
from openpyxl import Workbook
from openpyxl.styles import Font

from tether.reports.disclosure import Cell, PublishedTable
from tether.reports.tables import COUNT

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TOTAL = "Total"

Value = str | int


def csv_cell(value: Value | None) -> str:
    """A CSV cell a spreadsheet will not run (as ``tether.audit.exports.csv_cell``)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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


def to_csv(pt: PublishedTable) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in layout(pt):
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


def to_xlsx(pt: PublishedTable) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Table"
    header_at = 0
    for i, row in enumerate(layout(pt), start=1):
        for j, value in enumerate(row, start=1):
            cell = ws.cell(row=i, column=j, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
        if row and row[0] == pt.row_label and header_at == 0 and i > 1:
            header_at = i
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    if header_at:
        for cell in ws[header_at]:
            cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 28
    wb.properties.title = pt.title
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def ods_cell(value: Value) -> TableCell:
    cell = TableCell(valuetype="float", value=value) if isinstance(value, int) else TableCell(valuetype="string")
    cell.addElement(P(text=str(value)))
    return cell


def to_ods(pt: PublishedTable) -> bytes:
    doc = OpenDocumentSpreadsheet()
    sheet = OdsTable(name="Table")
    rows = layout(pt)
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
