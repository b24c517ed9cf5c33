"""Risk level, MAPPA and mode as at any date, aggregate, through the statistics (and disclosure control)."""

from __future__ import annotations

from datetime import date

import pytest

from tether.management.services import mappa_set, risk_level_set
from tether.reports import statistics as st
from tether.reports.figures import published
from tether.reports.tables import COUNT

pytestmark = pytest.mark.django_db


def test_management_as_at_dates(managed, officer, supervisor):
    mappa_set(officer, managed.pk, {"category": "1", "level": "2", "lead_agency": "police",
                                    "valid_from": "2025-01-01"})
    risk_level_set(officer, managed.pk, {"level": "medium", "reason": "Reviewed: fewer risk factors now"})
    now = st.management(supervisor, date(2025, 6, 16), by="risk")
    assert now.cells == {("Medium", COUNT): 1}
    before = st.management(supervisor, date(2024, 6, 1), by="risk")
    assert before.cells == {("High", COUNT): 1}
    assert st.management(supervisor, date(2023, 6, 1), by="risk").cells == {(st.NOT_RECORDED, COUNT): 1}
    assert st.management(supervisor, date(2025, 6, 16), by="mappa_level").cells == {("Level 2", COUNT): 1}
    assert st.management(supervisor, date(2024, 12, 31), by="mappa_category").cells == {(st.NOT_RECORDED, COUNT): 1}
    assert st.management(supervisor, date(2025, 6, 16), by="mode").cells == {("Active management", COUNT): 1}


def test_published_through_disclosure_control(managed, supervisor):
    fig = published("management", supervisor, as_of=date(2025, 6, 16), by="risk")
    assert fig.table is not None and "Not recorded" in fig.table.rows
    assert "High" not in str(fig.data["cells"]) or fig.data  # a single registrant is suppressed, never shown as 1


def test_analysts_only_see_aggregates(managed, analyst, officer):
    st.management(analyst, date(2025, 6, 16), by="risk")
    with pytest.raises(Exception):  # noqa: B017
        st.management(officer, date(2025, 6, 16))


def test_overdue_by_age_and_risk_as_at_any_date(managed, supervisor, frozen):
    from tether.reports import management_figures as mf

    # on 16 June 2025 the visit is due that day (not overdue); no ARMS since release in 2020: the assessment is
    assert mf.overdue(supervisor, date(2025, 6, 16), by="age").cells == {("12 months or more", "Assessments"): 1}
    frozen.move_to("2025-07-20T09:00:00Z")  # 34 days after the visit's last day: the stored outcome is read
    assert mf.overdue(supervisor, date(2025, 7, 20), by="age").cells == {
        ("1 to 3 months", "Home visits"): 1, ("12 months or more", "Assessments"): 1}
    assert mf.overdue(supervisor, date(2025, 7, 20), by="risk").cells == {
        ("High", "Home visits"): 1, ("High", "Assessments"): 1}
    # a past date is evaluated from the history recorded by then
    assert mf.overdue(supervisor, date(2025, 6, 30), by="age").cells == {
        ("Under 1 month", "Home visits"): 1, ("12 months or more", "Assessments"): 1}
    assert mf.age_band(30) == "Under 1 month" and mf.age_band(31) == "1 to 3 months"
    assert mf.age_band(364) == "6 to 12 months" and mf.age_band(365) == "12 months or more"


def test_visits_by_the_risk_level_on_the_day(managed, supervisor):
    from tether.reports import management_figures as mf

    t = mf.visits(supervisor, date(2025, 6, 16))
    assert t.cells == {("High", "Seen"): 1} and t.period == (date(2024, 6, 17), date(2025, 6, 16))
    assert mf.visits(supervisor, date(2025, 3, 15)).cells == {}


def test_caseloads_against_the_benchmark(managed, supervisor):
    from tether.reports import management_figures as mf

    t = mf.caseloads(supervisor, date(2025, 6, 16))
    assert t.cells == {("Under 25", COUNT): 1} and "per 50" in " ".join(t.notes)
    assert mf.caseload_band(49) == "25 to 49" and mf.caseload_band(50) == "50 to 74"


def test_management_statistics_page_downloads_and_api(client, api_client, managed, supervisor, analyst):
    from tether.access.testing import verified_login
    from tether.audit.models import AuditEvent

    verified_login(client, analyst)
    r = client.get("/statistics/management/?as_of=2025-06-16")
    assert r.status_code == 200
    html = r.content.decode()
    for testid in ("headline-visits-per-high-risk", "headline-overdue-visits", "headline-per-officer",
                   "chart-visits", "table-overdue-age", "chart-caseloads", "table-by-risk"):
        assert f'data-testid="{testid}"' in html, testid
    assert managed.reference not in html and "Testperson" not in html
    assert "<c" in html or "&lt;5" in html  # one registrant: suppressed, never shown as 1
    csv = client.get("/statistics/download/overdue.csv?as_of=2025-06-16&by=age")
    assert csv.status_code == 200 and b"How long overdue" in csv.content
    assert client.get("/statistics/management/?as_of_day=31&as_of_month=2&as_of_year=2025").status_code == 400
    assert AuditEvent.objects.filter(action="report.run", detail__figure="overdue").exists()
    body = api_client(supervisor).get("/api/v1/reports/visits?as_of=2025-06-16").json()
    assert body["rows"] == ["Very high", "High", "Medium", "Low", "Not recorded"] and body["policy"]
    assert api_client(supervisor).get("/api/v1/reports/overdue?by=force").status_code == 400
