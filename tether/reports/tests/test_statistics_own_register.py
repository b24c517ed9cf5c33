"""Statistics over a register of the test's own (not ``conftest.world``)."""

from __future__ import annotations

from datetime import date

import pytest

from tether.register.services import person_create
from tether.reports import statistics as st
from tether.reports.tables import COUNT

from .test_statistics import MPS, _cells

pytestmark = pytest.mark.django_db


def test_summary_only_cases_count_like_recorded_ones(national_admin, make_doc, frozen):
    person_create(national_admin, make_doc(cases=[
        {"kind": "wanted", "opened": "2019-04-01", "warrant": "2020-01-01", "believed_abroad": True},
        {"kind": "missing", "opened": "2012-01-01", "closed": "2013-01-01", "outcome": "located"}]))
    assert _cells(st.missing(national_admin, date(2019, 12, 31), by="force,state")) == {(MPS, "Missing"): 1}
    assert _cells(st.missing(national_admin, date(2020, 1, 1), by="force,state")) == {(MPS, "Wanted"): 1}
    assert _cells(st.missing(national_admin, date(2012, 6, 1), by="year_missing")) == {("2012", COUNT): 1}
    assert _cells(st.abroad(national_admin, date(2025, 6, 16), by="year_missing")) == {("2019", COUNT): 1}


def test_a_national_table_leaves_out_forces_tether_does_not_hold(national_admin, officer, make_doc, frozen):
    person_create(officer, make_doc())  # only the Metropolitan Police is held
    table = st.missing(national_admin, date(2025, 6, 16), by="force")
    assert len(table.rows) == 1 and "Metropolitan" in table.rows[0]
    assert any("44 of 45 forces are not held in Tether and are not listed" in note for note in table.notes)
