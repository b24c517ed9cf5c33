"""The statistics pages: figures shown, charts beside their tables, downloads, FOI drafts, the national roll-up,
validation and who may see them. The register is ``conftest.world`` plus eight MPS registrants missing since
1 February 2023 (four of them wanted since 10 January 2024 and believed abroad), so that some figures are large
enough to be published. As at 16 June 2025:

- registrants subject to notification: MPS 9, GMP 2, Police Scotland 1 (12);
- open cases: missing 5 (four new, plus GMP's reopened case), wanted 6 (four new, MPS case 1, Scotland's);
- believed abroad: 5 (four new, Scotland's); time missing: under 1 year 1, 2 to 5 years 8, 10 years or more 2;
- the longest-open case (Scotland's) went missing in 2010.
"""

from __future__ import annotations

import copy
import csv
import io
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from odf import teletype
from odf.opendocument import load
from odf.table import TableCell, TableRow
from openpyxl import load_workbook

from tether.access.constants import Role
from tether.access.models import Force, User
from tether.access.testing import verified_login
from tether.audit.models import AuditEvent
from tether.casework.case_services import case_open, case_transition
from tether.conftest import per_module
from tether.register.services import person_create
from tether.reports import statistics as st
from tether.reports.disclosure import Policy, publish
from tether.reports.models import ForceReturn

from .page_html import table as _table
from .page_html import testid as _testid

pytestmark = pytest.mark.django_db

EXACT = "threshold=5&rounding=1"
MPS, GMP, PSOS = "Metropolitan Police Service", "Greater Manchester Police", "Police Scotland"


def _build_register(world: dict[str, Any]) -> dict[str, Any]:
    from tether.conftest import national_admin_user, registrant_doc

    admin = national_admin_user()
    extra = []
    for i in range(8):
        person = person_create(admin, registrant_doc(force="MPS"))
        case = case_open(admin, person.pk, {"opened_on": "2023-02-01", "believed_abroad": i < 4})
        if i < 4:
            case_transition(admin, case.pk, "warrant", {"on": "2024-01-10", "warrant_on": "2024-01-10"})
        extra.append(person)
    return {**world, "extra": extra}


register_built = per_module(_build_register, "world_built")


@pytest.fixture
def register(register_built: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    """``conftest.world`` and eight more MPS registrants, built once for the module."""
    return copy.deepcopy(register_built)


def _client(user: Any) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def _text(response: Any) -> str:
    return response.content.decode()


def _personal_data_absent(body: str, people: list[Any]) -> None:
    for p in people:
        assert p.reference not in body
        assert p.ni_number not in body
        assert p.pnc_id not in body
        assert "Testperson" not in body and "Alan" not in body
        assert "Synthetic Street" not in body


# --- the missing-registrants page --------------------------------------------------------------------------


def test_the_page_shows_the_headline_figures(register, national_admin):
    body = _text(_client(national_admin).get(f"/statistics/?{EXACT}"))
    assert _testid(body, "headline-registrants") == "12"
    assert _testid(body, "headline-missing") == "5"
    assert _testid(body, "headline-wanted") == "6"
    assert _testid(body, "headline-abroad") == "5"
    assert _testid(body, "headline-longest") == "2010"
    assert "Missing registrants as at 16 June 2025" in body


def test_the_standard_policy_rounds_and_suppresses(register, national_admin):
    body = _text(_client(national_admin).get("/statistics/"))
    assert _testid(body, "headline-registrants") == "10"  # 12 to the nearest 5
    assert _testid(body, "headline-missing") == "5"
    assert _testid(body, "headline-wanted") == "5"  # 6 to the nearest 5
    bands = _table(body, "table-by-time")
    assert bands["Under 1 year"] == ["<5"] and bands["2 to 5 years"] == ["10"] and bands["10 years or more"] == ["<5"]
    assert bands["Total"] == ["10"]  # 11 rounded
    assert 'policy &quot;Tether standard&quot;' in body


def test_each_chart_has_its_table_beside_it(register, national_admin):
    body = _text(_client(national_admin).get(f"/statistics/?{EXACT}"))
    for key in ("by-force", "trend", "by-year", "by-time", "by-offence", "abroad"):
        section = re.search(rf'data-testid="section-{key}">(.*?)</section>', body, re.S)
        assert section, key
        html = section.group(1)
        assert re.search(rf'data-testid="chart-{key}"><svg [^>]*role="img"', html), key
        assert f'data-testid="table-{key}"' in html
        assert html.count("download-") == 3  # CSV, XLSX, ODS
    assert "<script" not in body.split("</head>")[1]
    assert ' style="' not in body
    bands = _table(body, "table-by-time")
    assert bands[""] == ["Time missing", "Count"]
    assert bands["2 to 5 years"] == ["8"] and bands["Total"] == ["11"]
    trend = _table(body, "table-trend")
    assert trend["16 Jun 2025"] == ["11"] and len(trend) == 25  # header + 24 month ends
    offences = _table(body, "table-by-offence")
    assert offences[""] == ["Offence category", "Count"] and offences["Total"] == ["11"]
    abroad = _table(body, "table-abroad")
    assert abroad["Total"] == ["5"]  # the headline's believed-abroad figure, by force
    # the chart says the same figure as the table
    assert "2 to 5 years: 8" in re.search(r'data-testid="chart-by-time">(.*?)</svg>', body, re.S).group(1)


def test_the_first_chart_by_country(register, national_admin):
    body = _text(_client(national_admin).get(f"/statistics/?{EXACT}&by=country"))
    table = _table(body, "table-by-country")
    # Scotland's one case is below the threshold and the total would give it away: England and Wales is hidden
    assert table["England and Wales"] == ["[c]"] and table["Scotland"] == ["<5"]
    assert table["Northern Ireland"] == ["0"] and table["Total"] == ["11"]


def test_a_past_date(register, national_admin):
    body = _text(_client(national_admin).get(f"/statistics/?as_of=2016-06-30&{EXACT}"))
    assert "as at 30 June 2016" in body
    assert _testid(body, "headline-longest") == "2010"
    years = _table(body, "table-by-year")
    assert list(years)[1:] == [str(y) for y in range(2010, 2017)] + ["Total"]


def test_date_parts_are_read_too(register, analyst):
    body = _text(_client(analyst).get("/statistics/?as_of_day=31&as_of_month=12&as_of_year=2024"))
    assert "as at 31 December 2024" in body


def test_no_personal_data_on_any_statistics_page(register, national_admin):
    client = _client(national_admin)
    people = [*register["people"].values(), *register["extra"]]
    for url in ("/statistics/", f"/statistics/?{EXACT}", "/statistics/cases/", "/statistics/foi/",
                "/statistics/national/", f"/statistics/download/missing.csv?{EXACT}&by=time_missing"):
        response = client.get(url)
        assert response.status_code == 200, url
        _personal_data_absent(_text(response), people)


# --- validation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "field", "message"), [
    ("as_of=2025-13-01", "as_of_day", "The as-at date must be a real date"),
    ("as_of=16/06/2025", "as_of_day", "The as-at date must be a date like 2025-03-31"),
    ("as_of=2025-06-17", "as_of_day", "The as-at date must be today or in the past"),
    ("as_of=1990-01-01", "as_of_day", "The as-at date must be on or after 1 September 1997"),
    ("as_of_day=31&as_of_month=2&as_of_year=2024", "as_of_day", "The as-at date must be a real date"),
    ("threshold=3", "threshold", "Threshold must be a whole number from 5 to 10"),
    ("threshold=11", "threshold", "Threshold must be a whole number from 5 to 10"),
    ("rounding=0", "rounding", "Rounding must be a whole number from 1 to 10"),
    ("threshold=6&rounding=7", "rounding", "Rounding must not be more than the threshold"),
    ("threshold=7&rounding=5", "rounding", "a count of 7 would round to 5"),
    ("force=XYZ", "force", "Select a force from the list"),
    ("by=year", "by", "Select force or country"),
])
def test_bad_choices_show_the_error_summary(register, national_admin, query, field, message):
    response = _client(national_admin).get(f"/statistics/?{query}")
    assert response.status_code == 400
    body = _text(response)
    assert "There is a problem" in body and body.count("govuk-error-summary__list") == 1
    assert f'href="#{field}"' in body
    assert message in body
    assert "<title>Error: " in body
    assert "headline-" not in body  # nothing is counted


def test_a_stricter_policy_is_allowed(register, national_admin):
    body = _text(_client(national_admin).get("/statistics/?threshold=10&rounding=10"))
    assert _testid(body, "headline-registrants") == "10"
    assert _testid(body, "headline-missing") == "&lt;10"
    assert "Counts of 1 to 9 are shown as" in body


# --- downloads ----------------------------------------------------------------------------------------------


def _csv_table(text: str) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    return {r[0]: r[1:] for r in rows if r}


def test_downloads_hold_the_page_numbers(register, national_admin):
    client = _client(national_admin)
    body = _text(client.get(f"/statistics/?{EXACT}"))
    links = re.findall(r'href="(/statistics/download/missing\.(\w+)\?[^"]*by=time_missing[^"]*)"', body)
    assert {fmt for _, fmt in links} == {"csv", "xlsx", "ods"}
    page = _table(body, "table-by-time")
    for href, fmt in links:
        response = client.get(href.replace("&amp;", "&"))
        assert response.status_code == 200
        filename = f"tether-missing-by-time-missing-2025-06-16.{fmt}"
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
        if fmt == "csv":
            assert response["Content-Type"] == "text/csv; charset=utf-8"
            got = _csv_table(response.content.decode())
            assert got["2 to 5 years"] == page["2 to 5 years"] == ["8"]
            assert got["Under 1 year"] == ["<5"] and got["Total"] == ["11"]
        elif fmt == "xlsx":
            ws = load_workbook(io.BytesIO(response.content)).active
            rows = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r and r[0]}
            assert rows["2 to 5 years"][0] == 8 and rows["Total"][0] == 11 and rows["Under 1 year"][0] == "<5"
        else:
            assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
            doc = load(io.BytesIO(response.content))
            rows = {}
            for tr in doc.getElementsByType(TableRow):
                cells = [teletype.extractText(c) for c in tr.getElementsByType(TableCell)]
                if cells and cells[0]:
                    rows[cells[0]] = cells[1:]
            assert rows["2 to 5 years"][0] == "8" and rows["Total"][0] == "11"
    downloads = AuditEvent.objects.filter(action="report.download")
    assert downloads.count() == 3
    assert downloads.first().detail["figure"] == "missing"


def test_trend_and_force_downloads(register, analyst):
    client = _client(analyst)
    response = client.get("/statistics/download/series.csv?as_of=2025-06-16&threshold=5&rounding=1")
    rows = _csv_table(response.content.decode())
    assert rows["2025-06-16"] == ["9"] and rows["Month end"] == ["Count"]  # MPS: case 1 and the eight
    assert response["Content-Disposition"] == 'attachment; filename="tether-trend-mps-2025-06-16.csv"'
    response = client.get("/statistics/download/registrants.xlsx?as_of=2025-06-16&by=force&threshold=5&rounding=1")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert rows[MPS][0] == 9 and GMP not in rows  # an MPS analyst counts MPS only


@pytest.mark.parametrize(("url", "status"), [
    ("/statistics/download/missing.pdf", 404),
    ("/statistics/download/people.csv", 404),
    ("/statistics/download/missing.csv?by=name", 400),
    ("/statistics/download/missing.csv?as_of=2025-99-01", 400),
    ("/statistics/download/cases.csv?from=2025-06-01&to=2025-01-01", 400),
])
def test_bad_downloads(register, national_admin, url, status):
    assert _client(national_admin).get(url).status_code == status


# --- cases in a period ----------------------------------------------------------------------------------


def test_cases_in_a_period(register, national_admin):
    client = _client(national_admin)
    body = _text(client.get(f"/statistics/cases/?from=2023-01-01&to=2023-12-31&{EXACT}"))
    assert "1 January 2023 to 31 December 2023" in body
    table = _table(body, "table-cases")
    assert table[""] == ["Force", "Opened", "Reopened", "Closed", "Total"]
    raw = st.cases_in_period(national_admin, (date(2023, 1, 1), date(2023, 12, 31)))
    assert raw.count(MPS, "Opened") == 8 and raw.count(GMP, "Closed") == 1
    pt = publish(raw, Policy(name="x", threshold=5, rounding=1))
    assert table[MPS] == [pt.cells[(MPS, c)].text for c in pt.cols] + [pt.row_totals[MPS].text]
    assert re.search(r'data-testid="chart-cases"><svg [^>]*role="img"', body)
    assert "/statistics/download/cases.csv?from=2023-01-01&amp;to=2023-12-31" in body
    response = client.get(f"/statistics/download/cases.csv?from=2023-01-01&to=2023-12-31&{EXACT}")
    assert _csv_table(response.content.decode())[MPS] == table[MPS]


def test_cases_period_is_validated(register, national_admin):
    response = _client(national_admin).get("/statistics/cases/?from=2025-06-01&to=2025-01-01")
    assert response.status_code == 400
    assert "Date to must be the same as or after date from" in _text(response)
    response = _client(national_admin).get("/statistics/cases/?from_day=1&from_month=13&from_year=2024")
    assert response.status_code == 400 and "Date from must be a real date" in _text(response)


# --- FOI drafts -----------------------------------------------------------------------------------------


def _foi(client: Client, **overrides: str) -> Any:
    data = {"request_date_day": "2", "request_date_month": "6", "request_date_year": "2025", "as_of": "2025-05-31",
            "reference": "FOI/2025/0042", "by": "time_missing", "format": "odt", **overrides}
    return client.post("/statistics/foi/", data)


def test_foi_draft_as_odt_and_pdf(register, national_admin):
    client = _client(national_admin)
    response = _foi(client, force="MPS")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
    assert response["Content-Disposition"] == ('attachment; filename="tether-foi-draft-mps-foi-2025-0042-'
                                               '2025-05-31.odt"')
    text = teletype.extractText(load(io.BytesIO(response.content)).text)
    assert "Freedom of Information request FOI/2025/0042" in text
    assert "Metropolitan Police Service" in text and "2 June 2025" in text and "31 May 2025" in text
    assert "section 40(2)" in text and "10 years or more" in text
    pdf = _foi(client, force="MPS", format="pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    events = AuditEvent.objects.filter(action="report.foi_draft").order_by("seq")
    assert [e.detail["format"] for e in events] == ["odt", "pdf"]
    assert events[0].force_code == "MPS" and events[0].detail["reference"] == "FOI/2025/0042"


@pytest.mark.parametrize(("by", "title", "figure"), [
    ("visits", "Home visits in the year to 31 May 2025 by risk level", "visits"),
    ("overdue_risk", "Overdue home visits and assessments by risk level on 31 May 2025", "overdue"),
    ("overdue_age", "Overdue home visits and assessments by how long overdue on 31 May 2025", "overdue"),
    ("caseloads", "Offender managers by caseload on 31 May 2025", "caseloads"),
])
def test_foi_draft_of_a_management_figure(register, national_admin, by, title, figure):
    response = _foi(_client(national_admin), force="MPS", by=by)
    assert response.status_code == 200
    text = teletype.extractText(load(io.BytesIO(response.content)).text)
    assert title in text and "section 40(2)" in text
    event = AuditEvent.objects.filter(action="report.foi_draft").latest("seq")
    assert event.detail["figure"] == figure and event.detail["by"] == [by]


def test_foi_draft_for_a_force_bound_officer_is_their_force(register, national_admin):
    foi = User.objects.create_user("foi.gmp", password=None, role=Role.FOI_OFFICER,
                                   force=Force.objects.get(code="GMP"))
    client = _client(foi)
    page = _text(client.get("/statistics/foi/"))
    assert "Greater Manchester Police" in page and 'name="force"' not in page
    response = _foi(client)
    assert response.status_code == 200
    assert "Greater Manchester Police" in teletype.extractText(load(io.BytesIO(response.content)).text)
    assert _foi(client, force="MPS").status_code == 400  # not their force


@pytest.mark.parametrize(("overrides", "message"), [
    ({"force": ""}, "Select the force the request was made to"),
    ({"force": "MPS", "request_date_day": ""}, "The date of the request must include a day"),
    ({"force": "MPS", "as_of": "2025-07-01"}, "The as-at date must be today or in the past"),
    ({"force": "MPS", "by": "offence"}, "Select the figures asked for"),
    ({"force": "MPS", "format": "docx"}, "Choose ODT or PDF"),
    ({"force": "MPS", "reference": "x" * 51}, "FOI reference must be 50 characters or fewer"),
])
def test_foi_form_is_validated(register, national_admin, overrides, message):
    response = _foi(_client(national_admin), **overrides)
    assert response.status_code == 400
    assert "There is a problem" in _text(response) and message in _text(response)
    assert not AuditEvent.objects.filter(action="report.foi_draft").exists()


# --- the national roll-up ------------------------------------------------------------------------------


RETURNS = "force,as_at,year_missing,count\nWMP,2025-03,2024,7\nWMP,2025-03,,3\nKEN,2025-01-31,2020,12\n"


def test_the_national_rollup_with_an_upload(register, national_admin):
    client = _client(national_admin)
    body = _text(client.get("/statistics/national/"))
    assert "3 of 45 forces answered" in body
    upload = io.BytesIO(RETURNS.encode())
    upload.name = "returns.csv"
    response = client.post("/statistics/national/", {"returns": upload, "source": "Press survey 2025"})
    assert response.status_code == 302
    body = _text(client.get(f"/statistics/national/?{EXACT}"))
    assert "Imported 3 lines of returns from 2 forces." in body
    assert "5 of 45 forces answered" in body
    assert "Returns are as at 31 January 2025 to 31 March 2025" in body
    table = _table(body, "table-rollup")
    assert "West Midlands Police" in table and table[""][-2:] == ["Not stated", "Total"]
    assert table["West Midlands Police"][-1] == "10"  # 7 in 2024 and 3 not stated; the 3 pins the 7, hidden
    assert table["Kent Police"][table[""].index("2020") - 1] == "12"
    assert "Press survey 2025" in body
    assert "/statistics/download/rollup.csv" in body
    csv_rows = _csv_table(client.get(f"/statistics/download/rollup.csv?{EXACT}").content.decode())
    assert csv_rows["Kent Police"] == table["Kent Police"]


def test_a_bad_returns_file_lists_every_bad_line_and_imports_nothing(register, national_admin):
    bad = "force,as_at,year_missing,count\nWMP,2025-03,2024,7\nXXX,2025-03,2024,1\nKEN,2030-01,2020,x\n"
    upload = io.BytesIO(bad.encode())
    upload.name = "returns.csv"
    response = _client(national_admin).post("/statistics/national/", {"returns": upload, "source": "Survey"})
    assert response.status_code == 400
    body = _text(response)
    assert "There is a problem" in body
    assert "line 3.force: unknown force code" in body
    assert "line 4.as_at: must not be in the future" in body
    assert "line 4.count: must be a whole number" in body
    assert ForceReturn.objects.count() == 0


def test_only_national_admins_upload_returns(register, national_admin):
    analyst = User.objects.create_user("analyst.national", password=None, role=Role.ANALYST, force=None)
    client = _client(analyst)
    body = _text(client.get("/statistics/national/"))
    assert "3 of 45 forces answered" in body and "import-returns" not in body
    upload = io.BytesIO(RETURNS.encode())
    upload.name = "returns.csv"
    assert client.post("/statistics/national/", {"returns": upload, "source": "x"}).status_code == 403
    assert ForceReturn.objects.count() == 0


# --- access ---------------------------------------------------------------------------------------------


URLS = ["/statistics/", "/statistics/cases/", "/statistics/foi/", "/statistics/national/",
        "/statistics/download/missing.csv"]


@pytest.mark.parametrize("who", ["officer", "partner", "auditor", "force_admin"])
def test_roles_without_statistics_are_refused(register, request, who):
    client = _client(request.getfixturevalue(who))
    for url in URLS:
        assert client.get(url).status_code == 403, url
    assert _foi(client, force="MPS").status_code == 403
    assert 'href="/statistics/"' not in _text(client.get("/"))


def test_force_bound_report_users_see_their_force(register, analyst, supervisor):
    for user in (analyst, supervisor):
        client = _client(user)
        body = _text(client.get(f"/statistics/?{EXACT}"))
        assert MPS in body and GMP not in body
        assert _testid(body, "headline-registrants") == "9"
        assert 'name="force"' not in body  # no force choice
        assert 'href="/statistics/"' in body  # the nav link
        assert client.get("/statistics/?force=GMP").status_code == 400
        assert client.get("/statistics/national/").status_code == 403
        assert "/statistics/national/" not in body


def test_the_dashboard_links_analysts_to_statistics(register, analyst):
    body = _text(_client(analyst).get("/"))
    assert 'data-testid="statistics-links"' in body and "/statistics/foi/" in body


def test_every_run_is_audited(register, analyst):
    _client(analyst).get("/statistics/")
    runs = AuditEvent.objects.filter(action="report.run", actor=analyst)
    assert {e.detail["figure"] for e in runs} == {"registrants", "missing", "abroad", "series", "longest_open"}
    assert all(e.force_code == "MPS" for e in runs)
