"""GET /api/v1/reports/...: published tables for analysts, FOI officers, supervisors and national admins."""

from __future__ import annotations

import pytest
from django.test import Client

from tether.reports import rollup

from .test_rollup import SAMPLE

pytestmark = pytest.mark.django_db
MPS, GMP, PSOS = "Metropolitan Police Service", "Greater Manchester Police", "Police Scotland"


def cells(data):
    return {(c["row"], c["col"]): c["text"] for c in data["cells"]}


def test_missing_by_force_and_year(world, foi_national, api_client):
    r = api_client(foi_national).get("/api/v1/reports/missing",
                                     {"as_of": "2024-06-30", "by": "force,year_missing", "threshold": 3,
                                      "rounding": 1})
    assert r.status_code == 200
    data = r.json()
    assert data["as_of"] == "2024-06-30" and data["cols"][0] == "2010" and data["policy"]["threshold"] == 3
    assert cells(data)[(PSOS, "2010")] == "<3" and cells(data)[(GMP, "2024")] == "0"
    for p in world["people"].values():
        assert p.reference not in r.content.decode() and str(p.pk) not in r.content.decode()


def test_force_scope_and_roles(world, analyst, officer, auditor, supervisor, api_client):
    r = api_client(analyst).get("/api/v1/reports/registrants", {"as_of": "2024-06-30"})
    assert r.status_code == 200 and r.json()["rows"] == [MPS]
    assert api_client(analyst).get("/api/v1/reports/missing", {"force": "GMP"}).status_code == 403
    assert api_client(supervisor).get("/api/v1/reports/series", {"months": 3}).status_code == 200
    for who in (officer, auditor):
        assert api_client(who).get("/api/v1/reports/missing").status_code == 403
    assert Client().get("/api/v1/reports/missing").status_code == 401


def test_bad_input_names_the_field(world, national_admin, api_client):
    c = api_client(national_admin)
    r = c.get("/api/v1/reports/missing", {"by": "name"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "by"
    r = c.get("/api/v1/reports/missing", {"threshold": 2})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "threshold"
    r = c.get("/api/v1/reports/missing", {"as_of": "yesterday"})
    assert r.status_code == 400
    r = c.get("/api/v1/reports/cases", {"period_from": "2025-01-01", "period_to": "2024-01-01"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "period"
    assert c.get("/api/v1/reports/missing", {"force": "XXX"}).status_code == 404


def test_cases_series_and_rollup(world, national_admin, api_client):
    c = api_client(national_admin)
    data = c.get("/api/v1/reports/cases", {"period_from": "2000-01-01", "period_to": "2025-06-16",
                                           "threshold": 3, "rounding": 1}).json()
    assert data["period"] == ["2000-01-01", "2025-06-16"] and data["cols"] == ["Opened", "Reopened", "Closed"]
    assert c.get("/api/v1/reports/cases").json()["period"] == ["2024-06-17", "2025-06-16"]
    series = c.get("/api/v1/reports/series", {"as_of": "2025-01-31", "months": 3, "threshold": 5}).json()
    assert [p["text"] for p in series["points"]] == ["<5", "<5", "<5"]
    rollup.import_returns(national_admin, SAMPLE, source="survey")
    data = c.get("/api/v1/reports/rollup", {"as_of": "2025-06-16"}).json()
    assert data["coverage"]["coverage"] == "17 of 45 forces answered"
    assert cells(data)[(MPS, "2015")] == "<5"
