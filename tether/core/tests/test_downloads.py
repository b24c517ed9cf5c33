"""Downloads: CSV cells a spreadsheet will not run as a formula, and attachment headers that forbid caching."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.http import HttpResponse, StreamingHttpResponse

from tether.core.downloads import FORMULA_STARTS, attachment, csv_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("=", "'="),
        ("==", "'=="),
    ],
)
def test_text_starting_like_a_formula_gets_a_leading_quote(value, cell):
    assert csv_cell(value) == cell


@pytest.mark.parametrize(
    "value",
    [
        "Alan Testperson",
        "TTH-000123",  # a minus inside the text is harmless
        "a=b",
        "1+1",
        "user@example.org",
        " =1+1",  # not at the very start
        "'=already quoted",
        "Zoë Ångström",
        "",
        "\n=1+1",
    ],
)
def test_other_text_is_unchanged(value):
    assert csv_cell(value) == value


def test_none_is_an_empty_cell():
    assert csv_cell(None) == ""


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (123, "123"),
        (0, "0"),
        (-5, "'-5"),  # negative numbers are quoted too: everything is checked as text
        (Decimal("-1.5"), "'-1.5"),
        (1.25, "1.25"),
        (True, "True"),
        (date(2025, 6, 16), "2025-06-16"),
    ],
)
def test_non_text_values_are_checked_as_their_text(value, cell):
    assert csv_cell(value) == cell


def test_every_formula_start_is_escaped():
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}
    for start in FORMULA_STARTS:
        assert csv_cell(start + "cmd") == "'" + start + "cmd"


def test_escaped_cells_survive_a_csv_round_trip():
    values = ["=1+1", "plain", None, "-3", 'say "hi", =now']
    out = io.StringIO()
    csv.writer(out).writerow([csv_cell(v) for v in values])
    back = next(csv.reader(io.StringIO(out.getvalue())))
    assert back == ["'=1+1", "plain", "", "'-3", 'say "hi", =now']
    assert not any(cell.startswith(FORMULA_STARTS) for cell in back)


def test_attachment_names_the_file_and_forbids_caching():
    response = HttpResponse(b"a,b\r\n", content_type="text/csv; charset=utf-8")
    returned = attachment(response, "audit-2025-06-16.csv")
    assert returned is response
    assert response["Content-Disposition"] == 'attachment; filename="audit-2025-06-16.csv"'
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content == b"a,b\r\n"


def test_attachment_works_on_a_streaming_response():
    response = StreamingHttpResponse(iter(["a,b\r\n", "1,2\r\n"]), content_type="text/csv")
    returned = attachment(response, "events.csv")
    assert returned is response
    assert response["Content-Disposition"] == 'attachment; filename="events.csv"'
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content) == b"a,b\r\n1,2\r\n"


def test_attachment_replaces_any_earlier_cache_control():
    response = HttpResponse()
    response["Cache-Control"] = "max-age=3600, public"
    attachment(response, "x.csv")
    assert response["Cache-Control"] == "no-store"
