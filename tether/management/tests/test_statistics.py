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
