"""``tether duplicates scan``: the Splink deduplication over the register, saved with its trained model, audited,
for reviewers only, and never offering again a pair a reviewer said are different people."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tether.access.testing import verified_login
from tether.audit.models import AuditEvent
from tether.cli import app
from tether.core.errors import Forbidden
from tether.identity.services import decide_pair
from tether.tracing import jobs
from tether.tracing.models import DuplicateScan
from tether.tracing.services import duplicate_scan

pytestmark = pytest.mark.django_db


def test_scan_finds_the_pair_saves_the_model_and_forgets_a_rejected_pair(supervisor, twice):
    a, b, _ = twice
    run, pairs = duplicate_scan(supervisor)
    assert [{p["a"]["id"], p["b"]["id"]} for p in pairs] == [{str(a.pk), str(b.pk)}]
    pair = pairs[0]
    assert pair["probability"] >= 0.5 and pair["a"]["reference"]
    assert pair["agreements"]["dob"] == "Same" and pair["agreements"]["surname"] == "Nearly the same (a typo)"
    saved = DuplicateScan.objects.get(pk=run.pk)
    assert saved.settings["link_type"] == "dedupe_only" and saved.settings["comparisons"]
    assert saved.force_code == "MPS" and saved.people == 3 and saved.pairs[0]["explanation"]
    event = AuditEvent.objects.get(action="tracing.duplicates_scan")
    assert event.detail["pairs"] == 1 and "Testpersen" not in json.dumps(event.detail)
    decide_pair(supervisor, a.pk, b.pk, same=False, reason="Different fathers named on the birth records")
    assert duplicate_scan(supervisor)[1] == []


@pytest.mark.parametrize("persona", ["officer", "analyst", "partner", "auditor"])
def test_scan_is_for_reviewers(request, persona):
    with pytest.raises(Forbidden):
        duplicate_scan(request.getfixturevalue(persona))
    assert not DuplicateScan.objects.exists()


def test_cli_scan_prints_pairs_and_the_plain_command_still_works(supervisor, twice):
    a, b, _ = twice
    runner = CliRunner()
    out = runner.invoke(app, ["duplicates", "scan", "--format", "json", "--as", "supervisor.mps"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert [{p["a"]["id"], p["b"]["id"]} for p in body["pairs"]] == [{str(a.pk), str(b.pk)}]
    assert set(body["pairs"][0]) == {"a", "b", "probability", "agreements"}
    out = runner.invoke(app, ["duplicates", "scan", "--force", "ALL", "--format", "json", "--as", "supervisor.mps"])
    assert out.exit_code == 1 and "national administrator" in out.output
    assert runner.invoke(app, ["duplicates", "sacn", "--as", "supervisor.mps"]).exit_code == 2
    out = runner.invoke(app, ["duplicates", "--json", "--as", "supervisor.mps"])
    assert out.exit_code == 0 and {frozenset((p["a"]["id"], p["b"]["id"])) for p in json.loads(out.stdout)["pairs"]}


def test_review_page_shows_pairs_explained_and_leaves_out_a_rejected_pair(supervisor, twice, verified_client):
    a, b, _ = twice
    client = verified_login(verified_client, supervisor)
    r = client.get("/tracing/duplicates/")
    assert r.status_code == 200 and "No scan has been run" in r.content.decode()
    r = client.post("/tracing/duplicates/")  # queued: the worker runs it
    assert r.status_code == 302
    assert jobs.work(once=True) == 1
    page = client.get("/tracing/duplicates/").content.decode()
    assert b.display_name in page and "Date of birth: same" in page
    assert f"survivor={a.pk}&amp;merged={b.pk}" in page or f"survivor={b.pk}&amp;merged={a.pk}" in page
    event = AuditEvent.objects.filter(action="tracing.duplicates_view").latest("seq")
    assert event.detail == {"pairs": 1} and set(event.personal["people"]) == {str(a.pk), str(b.pk)}
    r = client.post("/people/merge/", {"survivor": str(a.pk), "merged": str(b.pk), "decision": "different",
                                       "reason": "Different fathers named on the birth records"})
    assert r.status_code == 302
    page = client.get("/tracing/duplicates/").content.decode()
    assert b.display_name not in page and "No pairs to decide" in page


def test_review_page_is_for_reviewers(officer, verified_client):
    client = verified_login(verified_client, officer)
    assert client.get("/tracing/duplicates/").status_code == 403
    assert client.post("/tracing/duplicates/").status_code == 403
    assert not DuplicateScan.objects.exists()


def test_a_page_queues_a_scan_of_a_register_too_large_for_a_request(supervisor, twice, verified_client,
                                                                   monkeypatch):
    from tether.tracing import selectors

    monkeypatch.setattr(selectors, "SYNC_SCAN_MAX_PEOPLE", 2)  # the three people of ``twice`` are "too many"
    client = verified_login(verified_client, supervisor)
    page = client.post("/tracing/duplicates/", follow=True).content.decode()
    assert "Scan queued" in page and not DuplicateScan.objects.exists()
    assert jobs.work(once=True) == 1 and DuplicateScan.objects.count() == 1


def test_api_scans_then_lists_the_pairs_audited(supervisor, twice, api_client):
    a, b, _ = twice
    client = api_client(supervisor)
    assert client.get("/api/v1/tracing/duplicates").json() == {"scan": None, "count": 0, "results": []}
    made = client.post("/api/v1/tracing/duplicates")
    assert made.status_code == 201 and made.json()["pairs"] == 1 and made.json()["people"] == 3
    listed = client.get("/api/v1/tracing/duplicates").json()
    assert listed["scan"]["id"] == made.json()["id"] and listed["count"] == 1
    assert {listed["results"][0][k]["id"] for k in "ab"} == {str(a.pk), str(b.pk)}
    seen = AuditEvent.objects.filter(action="tracing.duplicates_view").latest("seq")
    assert seen.detail == {"pairs": 1} and seen.personal == {"people": sorted([str(a.pk), str(b.pk)])}


def test_api_scan_is_for_reviewers_and_refuses_a_register_too_large(supervisor, officer, twice, api_client,
                                                                    monkeypatch):
    from tether.tracing import selectors

    assert api_client(officer).post("/api/v1/tracing/duplicates").status_code == 403
    assert api_client(officer).get("/api/v1/tracing/duplicates").status_code == 403
    monkeypatch.setattr(selectors, "SYNC_SCAN_MAX_PEOPLE", 2)
    refused = api_client(supervisor).post("/api/v1/tracing/duplicates")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "register"
    assert "tether duplicates scan" in refused.json()["errors"][0]["message"]
    assert not DuplicateScan.objects.exists()
