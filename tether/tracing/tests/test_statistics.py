"""Lead statistics as at a date (page, API, command): leads per source and run, decisions, the precision of the
decisions, days to a decision, cases located after an accepted lead; aggregate only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from tether.access.testing import verified_login
from tether.casework.case_services import case_close
from tether.cli import app
from tether.core import clock
from tether.tracing import services
from tether.tracing.models import Lead, LeadDecision
from tether.tracing.selectors import lead_statistics

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(loaded, officer, frozen):
    """Day 0: the run and a request to the agency; day 3: accepted; day 5: the case closed as located."""
    start = clock.today()
    run = services.linkage_run(officer, loaded["source"], scope="missing")
    lead = Lead.objects.filter(run=run).order_by("-probability").first()
    services.lead_decide(officer, lead.pk, "needs_more", reason="Ask for the tenancy start",
                         due_on=(start + timedelta(days=7)).isoformat())
    frozen.shift(timedelta(days=3))
    services.lead_decide(officer, lead.pk, "accept", reason="Tenancy confirmed")
    frozen.shift(timedelta(days=2))
    case_close(officer, lead.case_id, "located", {"note": "Seen at the partner's address"})
    return {**loaded, "start": start, "run": run, "lead": lead}


def test_figures_as_at_each_day(decided, officer):
    start = decided["start"]
    leads = Lead.objects.filter(run=decided["run"]).count()
    day0 = lead_statistics(officer, start)
    assert day0["totals"]["leads"] == leads and day0["totals"]["needs_more"] == 1
    assert day0["totals"]["accepted"] == 0 and day0["totals"]["precision"] is None
    assert day0["totals"]["median_days_to_decision"] == 0
    day4 = lead_statistics(officer, start + timedelta(days=4))
    assert day4["totals"]["accepted"] == 1 and day4["totals"]["needs_more"] == 0
    assert day4["totals"]["precision"] == 1.0 and day4["totals"]["cases_located_after_accept"] == 0
    day5 = lead_statistics(officer, start + timedelta(days=5))
    [source] = day5["by_source"]
    assert source["source"] == "DWP test extract" and source["cases_located_after_accept"] == 1
    assert source["median_days_to_located"] == 5
    assert day5["by_run"][0]["run"] == decided["run"].pk and day5["by_run"][0]["leads"] == leads
    assert LeadDecision.objects.filter(lead=decided["lead"]).count() == 2
    before = lead_statistics(officer, start - timedelta(days=1))
    assert before["totals"]["leads"] == 0 and before["by_source"] == []


def test_other_forces_see_none_and_readers_outside_the_work_get_small_counts_withheld(decided, other_officer,
                                                                                       analyst, partner):
    from tether.core.errors import Forbidden

    day = decided["start"] + timedelta(days=5)
    assert lead_statistics(other_officer, day)["totals"]["leads"] == 0
    figures = lead_statistics(analyst, day)
    assert figures["exact"] is False and figures["totals"]["accepted"] is None
    assert "accepted" in figures["totals"]["withheld"] and figures["totals"]["precision"] is None
    with pytest.raises(Forbidden):
        lead_statistics(partner, day)


def test_page_api_and_command(decided, officer, verified_client, api_client):
    day = (decided["start"] + timedelta(days=5)).isoformat()
    client = verified_login(verified_client, officer)
    page = client.get(f"/tracing/statistics/?as_of={day}")
    body = page.content.decode()
    assert page.status_code == 200 and "DWP test extract" in body and "Leads per source as at" in body
    assert decided["people"][0].reference not in body
    bad = client.get("/tracing/statistics/?as_of=2025-02-30")
    assert bad.status_code == 400 and "The &#x27;as at&#x27; date must be a real date" in bad.content.decode()
    api = api_client(officer).get(f"/api/v1/tracing/statistics?as_of={day}").json()
    assert api["totals"]["cases_located_after_accept"] == 1
    assert api_client(officer).get("/api/v1/tracing/statistics?as_of=nonsense").status_code == 400
    result = CliRunner().invoke(app, ["trace", "stats", "--as-of", day, "--as", "officer.mps"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"]["accepted"] == 1
