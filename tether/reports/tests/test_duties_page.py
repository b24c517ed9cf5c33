"""The statistics page of duties and breaches by the law each duty came from: outstanding duties as at a date
(that day's law) and breaches in a period, by provision and by kind, through disclosure control, downloadable,
validated with field-named errors and audited.

The register: six people convicted on 4 January 1999 who never notified (the Sex Offenders Act 1997: 14 days,
so each is overdue under SOA 1997 s.2(1) from 19 January 1999), and the standard 2020 history (MPS), whose
periodic notification was due on 1 July 2022 and never made. The daily sweep of 16 June 2025 records the breaches.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from tether.access.testing import verified_login
from tether.audit.models import AuditEvent
from tether.casework.services import sweep
from tether.register.services import person_create

from .page_html import table as _table
from .page_html import testid as _testid

pytestmark = pytest.mark.django_db

EXACT = "threshold=5&rounding=1"
OLD_LAW = "SOA 1997 s.2(1)"


@pytest.fixture
def people(national_admin: Any, make_doc: Any, frozen: Any) -> list[Any]:
    made = []
    for i in range(6):
        doc = make_doc(date_of_birth="1960-01-01", addresses=[], detentions=[], notifications=[],
                       names=[{"kind": "birth", "given_names": f"Old{i}", "family_name": "Case",
                               "valid_from": "1960-01-01"}],
                       disposals=[{"date": "1999-01-04", "offence": "Indecent assault (synthetic)",
                                   "kind": "imprisonment", "months": 40}])
        made.append(person_create(national_admin, doc))
    made.append(person_create(national_admin, make_doc()))
    sweep(as_of=date(2025, 6, 16))
    return made


def _client(user: Any) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def test_duties_as_at_a_past_date_name_that_days_law(people: Any, national_admin: Any) -> None:
    r = _client(national_admin).get(f"/statistics/duties/?as_of=1999-06-01&{EXACT}")
    body = r.content.decode()
    assert r.status_code == 200
    assert "Duties and breaches by law as at 1 June 1999" in body
    table = _table(body, "table-duties-by-provision")
    assert table[""] == ["Provision", "Due", "Overdue", "Total"]
    assert table[OLD_LAW] == ["0", "6", "6"]
    assert "SOA 2003 s.85(1)" not in table  # the 2003 Act was not yet law
    assert _testid(body, "headline-duties") == "6" and _testid(body, "headline-duties-overdue") == "6"
    assert _table(body, "table-duties-by-kind")["Initial notification"] == ["0", "6", "6"]
    for key in ("duties-by-provision", "duties-by-kind", "breaches-by-provision"):
        section = re.search(rf'data-testid="section-{key}">(.*?)</section>', body, re.S)
        assert section, key
        assert re.search(rf'data-testid="chart-{key}"><svg [^>]*role="img"', section.group(1))
        assert section.group(1).count("download-") == 3
    assert ' style="' not in body and 'aria-current="page">Duties and breaches by law' in body


def test_breaches_in_the_period_default_to_the_year_to_the_as_at_date(people: Any, national_admin: Any) -> None:
    client = _client(national_admin)
    body = client.get(f"/statistics/duties/?as_of=1999-06-01&{EXACT}").content.decode()
    assert "from 2 June 1998 to 1 June 1999" in body
    assert _table(body, "table-breaches-by-provision")[OLD_LAW] == ["6"]  # first day in breach 19 January 1999
    body = client.get(f"/statistics/duties/?from=2022-07-02&to=2022-07-02&{EXACT}").content.decode()
    breaches = _table(body, "table-breaches-by-provision")
    assert OLD_LAW not in breaches and breaches["SOA 2003 s.85(1)"] == ["<5"]  # the 2020 history's one breach
    assert "from 2 July 2022 to 2 July 2022" in body


def test_the_standard_policy_rounds_and_suppresses(people: Any, national_admin: Any) -> None:
    body = _client(national_admin).get("/statistics/duties/?as_of=1999-06-01").content.decode()
    assert _table(body, "table-duties-by-provision")[OLD_LAW] == ["0", "5", "5"]  # 6 to the nearest 5
    assert 'policy &quot;Tether standard&quot;' in body


def test_downloads_hold_the_page_figures(people: Any, national_admin: Any) -> None:
    client = _client(national_admin)
    body = client.get(f"/statistics/duties/?as_of=1999-06-01&{EXACT}").content.decode()
    links = dict(re.findall(r'href="(/statistics/download/(?:duties|breaches)\.[a-z]+\?[^"]*)" '
                            r'data-testid="download-(\w+)"', body))
    assert len(links) == 9
    duty_csv = next(h for h in links if h.startswith("/statistics/download/duties.csv") and "by=provision" in h)
    r = client.get(duty_csv.replace("&amp;", "&"))
    assert r["Content-Disposition"] == 'attachment; filename="tether-duties-by-provision-1999-06-01.csv"'
    rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(r.content.decode())) if row}
    assert rows[OLD_LAW] == ["0", "6", "6"]
    breach_xlsx = next(h for h in links if h.startswith("/statistics/download/breaches.xlsx"))
    r = client.get(breach_xlsx.replace("&amp;", "&"))
    assert r["Content-Disposition"] == ('attachment; filename="tether-breaches-by-provision-1998-06-02-to-'
                                        '1999-06-01.xlsx"')
    ws = load_workbook(io.BytesIO(r.content)).active
    assert {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row and row[0]}[OLD_LAW] == 6
    assert AuditEvent.objects.filter(action="report.download", detail__figure="breaches").count() == 1


@pytest.mark.parametrize(("query", "anchor", "message"), [
    ("as_of=2099-01-01", "#as_of_day", "The as-at date must be today or in the past"),
    ("as_of_day=31&as_of_month=2&as_of_year=2024", "#as_of_day", "The as-at date must be a real date"),
    ("from=1990-01-01", "#from_day", "Breaches from must be on or after 1 September 1997"),
    ("from=2024-02-30", "#from_day", "Breaches from must be a real date"),
    ("from=2025-06-01&to=2025-01-01", "#to_day", "Breaches to must be the same as or after breaches from"),
    ("force=XX", "#force", "Select a force from the list"),
    ("threshold=2", "#threshold", "Threshold must be a whole number from 5 to 10"),
])
def test_bad_input_shows_field_named_errors(people: Any, national_admin: Any, query: str, anchor: str,
                                            message: str) -> None:
    r = _client(national_admin).get(f"/statistics/duties/?{query}")
    body = r.content.decode()
    assert r.status_code == 400
    summary = re.search(r'class="govuk-error-summary"(.*?)</div>\s*</div>', body, re.S)
    assert summary and f'href="{anchor}"' in summary.group(1) and message in summary.group(1)
    assert "table-duties-by-provision" not in body


@pytest.mark.parametrize("url", [
    "/statistics/download/breaches.csv?from=2025-06-01&to=2025-01-01",
    "/statistics/download/duties.csv?as_of=2099-01-01",
    "/statistics/download/duties.csv?by=name",
])
def test_bad_downloads(people: Any, national_admin: Any, url: str) -> None:
    assert _client(national_admin).get(url).status_code == 400


def test_every_run_is_audited_and_scoped_to_the_force(people: Any, analyst: Any, officer: Any) -> None:
    body = _client(analyst).get(f"/statistics/duties/?as_of=1999-06-01&{EXACT}").content.decode()
    assert _table(body, "table-duties-by-provision")[OLD_LAW] == ["0", "6", "6"]  # all MPS
    runs = AuditEvent.objects.filter(action="report.run", actor=analyst)
    assert sorted(e.detail["figure"] for e in runs) == ["breaches", "duties", "duties"]
    assert all(e.force_code == "MPS" for e in runs)
    assert _client(analyst).get("/statistics/duties/?force=GMP").status_code == 400
    assert _client(officer).get("/statistics/duties/").status_code == 403


def test_no_personal_data_on_the_page(people: Any, national_admin: Any) -> None:
    body = _client(national_admin).get(f"/statistics/duties/?{EXACT}").content.decode()
    for p in people:
        assert p.reference not in body and p.ni_number not in body
    assert "Old0" not in body and "Case" not in body.replace("Cases", "")
