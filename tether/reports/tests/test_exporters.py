"""Downloads and FOI drafts read back: each file holds the same numbers as the published table."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from odf import teletype
from odf.opendocument import load
from odf.table import TableCell, TableRow
from odf.text import P
from openpyxl import load_workbook

from tether.reports.disclosure import STANDARD, Policy, PublishedTable, publish
from tether.reports.exporters import layout, rows_to_file, table_rows
from tether.reports.foi import WITHHELD, FoiDraft

from .factories import grid, oneway

TWO_WAY = publish(grid([[3, 10, 0], [12, 7, 31], [20, 40, 8]], notes=("Open cases only.",)))
ONE_WAY = publish(oneway([3, 10, 20, 0]))
TABLES = [pytest.param(TWO_WAY, id="two-way"), pytest.param(ONE_WAY, id="one-way"),
          pytest.param(publish(grid([[3, 10], [12, 7]]), Policy(rounding=1)), id="secondary")]


def file_of(pt, fmt):
    """A published table as the downloads write it (the page's layout, in one of the file formats)."""
    return rows_to_file(layout(pt), pt.title, fmt, header=pt.row_label)


def expected(pt: PublishedTable) -> list[list[str]]:
    return [[str(v) for v in row] for row in table_rows(pt)]


def block(rows: list[list[str]], pt: PublishedTable) -> list[list[str]]:
    """The table block of a read-back file: from the header row to the totals row."""
    start = next(i for i, r in enumerate(rows) if r[:1] == [pt.row_label])
    width = len(pt.cols) + 1 + (1 if pt.cols != ("Count",) else 0)
    return [r[:width] for r in rows[start:start + len(pt.rows) + 2]]


def test_table_rows_hold_the_published_cells() -> None:
    rows = table_rows(TWO_WAY)
    assert rows[0] == ["Force", "C1", "C2", "C3", "Total"]
    assert rows[1][1] == "<5"
    assert rows[-1][0] == "Total" and rows[-1][-1] == TWO_WAY.total.value
    assert table_rows(ONE_WAY)[0] == ["Force", "Count"]  # a one-way table does not repeat its row totals


@pytest.mark.parametrize("pt", TABLES)
def test_csv_holds_the_published_table(pt: PublishedTable) -> None:
    rows = list(csv.reader(io.StringIO(file_of(pt, "csv"))))
    assert rows[0] == [pt.title]
    assert ["As at", pt.as_of.isoformat()] in rows
    assert block(rows, pt) == expected(pt)
    assert ["Disclosure control", pt.policy.describe()] in rows
    for note in pt.notes:
        assert ["Note", note] in rows


def test_csv_escapes_formulas() -> None:
    table = grid([[10]], title="=HYPERLINK(\"x\")")
    table = type(table)(**{**table.__dict__, "rows": ("+R1",), "cells": {("+R1", "C1"): 10}})
    text = file_of(publish(table), "csv")
    assert "'=HYPERLINK" in text and "'+R1" in text


@pytest.mark.parametrize("pt", TABLES)
def test_xlsx_holds_the_published_table(pt: PublishedTable) -> None:
    ws = load_workbook(io.BytesIO(file_of(pt, "xlsx"))).active
    assert ws is not None
    rows = [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == pt.title
    assert block(rows, pt) == expected(pt)
    values = [v for r in ws.iter_rows(values_only=True) for v in r]
    assert pt.policy.describe() in values
    numbers = [c.value for r in ws.iter_rows() for c in r if c.data_type == "n" and c.value is not None]
    assert pt.total.value is None or pt.total.value in numbers  # numbers are stored as numbers


def test_xlsx_never_stores_a_formula() -> None:
    table = grid([[10]], title="=1+1")
    ws = load_workbook(io.BytesIO(file_of(publish(table), "xlsx"))).active
    assert ws is not None and ws["A1"].data_type == "s" and ws["A1"].value == "=1+1"


def ods_rows(data: bytes) -> list[list[str]]:
    doc = load(io.BytesIO(data))
    return [[teletype.extractText(c) for c in row.getElementsByType(TableCell)]
            for row in doc.spreadsheet.getElementsByType(TableRow)]


@pytest.mark.parametrize("pt", TABLES)
def test_ods_holds_the_published_table(pt: PublishedTable) -> None:
    rows = ods_rows(file_of(pt, "ods"))
    assert rows[0] == [pt.title]
    assert block(rows, pt) == expected(pt)
    assert ["Disclosure control", pt.policy.describe()] in rows
    doc = load(io.BytesIO(file_of(pt, "ods")))
    floats = [c.getAttribute("value") for c in doc.spreadsheet.getElementsByType(TableCell)
              if c.getAttribute("valuetype") == "float"]
    assert str(pt.col_totals[pt.cols[-1]].value) in floats or pt.col_totals[pt.cols[-1]].value is None


DRAFT = FoiDraft(TWO_WAY, force_name="Testshire Police", request_date=date(2025, 4, 2), reference="FOI-2025-0042")


def test_odt_draft_holds_dates_table_policy_and_exemptions() -> None:
    doc = load(io.BytesIO(DRAFT.odt()))
    paragraphs = [teletype.extractText(p) for p in doc.text.getElementsByType(P)]
    text = "\n".join(paragraphs)
    assert "FOI-2025-0042" in teletype.extractText(doc.text)
    assert "Date of request: 2 April 2025" in text
    assert "Figures as at: 31 March 2025" in text
    assert "DRAFT for the FOI officer" in text
    assert STANDARD.describe() in paragraphs
    assert WITHHELD in paragraphs
    for section in ("section 40(2)", "section 31", "section 38"):
        assert section in WITHHELD
    rows = [[teletype.extractText(c) for c in row.getElementsByType(TableCell)]
            for row in doc.text.getElementsByType(TableRow)]
    assert rows == expected(TWO_WAY)


def test_pdf_draft_holds_the_figures() -> None:
    data = DRAFT.pdf(compress=False)
    assert data.startswith(b"%PDF")
    text = data.decode("latin-1")
    shown = re.findall(r"\((.*?)\) Tj", text)
    for row in expected(TWO_WAY):
        for value in row:
            assert value.replace("(", "\\(").replace(")", "\\)") in shown, value
    joined = " ".join(shown)
    assert "FOI-2025-0042" in joined and "31 March 2025" in joined and "2 April 2025" in joined
    assert "40\\(2\\)" in joined
    assert DRAFT.pdf().startswith(b"%PDF")
