"""The duplicate scan as a background job: asked for on the page, through the API or the command line, stored
queued (one per scope), claimed and run by a worker, its start and end audited, its pairs shown when done."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from tether.access.testing import verified_login
from tether.audit.models import AuditEvent
from tether.cli import app
from tether.core.errors import Forbidden, NotFound
from tether.tracing import jobs
from tether.tracing.models import DuplicateScan, Job, JobState

pytestmark = pytest.mark.django_db


def test_a_request_is_queued_once_per_scope_and_a_worker_runs_it(supervisor, national_admin, twice):
    a, b, _ = twice
    job, created = jobs.request_scan(supervisor)
    assert created and job.state == JobState.QUEUED and job.scope == "MPS"
    before = AuditEvent.objects.count()
    again, created = jobs.request_scan(supervisor)
    assert again.pk == job.pk and not created and AuditEvent.objects.count() == before  # nothing written
    national, created = jobs.request_scan(national_admin)
    assert created and national.scope == "ALL"
    assert not DuplicateScan.objects.exists()  # nothing runs until a worker claims it
    assert jobs.work(once=True, worker="test:1") == 2
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.worker == "test:1" and job.scan is not None
    assert job.scan.force_code == "MPS" and len(job.scan.pairs) == 1 and job.started_at and job.finished_at
    assert {job.scan.pairs[0]["a"], job.scan.pairs[0]["b"]} == {str(a.pk), str(b.pk)}
    actions = list(AuditEvent.objects.filter(object_type="job", object_id=str(job.pk)).order_by("seq")
                   .values_list("action", flat=True))
    assert actions == ["tracing.job_request", "tracing.job_start", "tracing.job_finish"]
    finish = AuditEvent.objects.get(action="tracing.job_finish", object_id=str(job.pk))
    assert finish.detail["pairs"] == 1 and finish.actor_label == "worker:test:1"
    assert jobs.work(once=True) == 0
    # once it has run, a new request queues a new scan
    assert jobs.request_scan(supervisor)[1]


def test_a_claimed_job_is_not_claimed_again(supervisor, twice):
    jobs.request_scan(supervisor)
    first = jobs.claim_next("one:1")
    assert first is not None and first.state == JobState.RUNNING
    assert jobs.claim_next("two:2") is None
    # a job queued while one runs is a new job (the running scan read the register before it)
    assert jobs.request_scan(supervisor)[1]


def test_a_refused_run_fails_the_job_with_the_reason(supervisor, twice):
    job, _ = jobs.request_scan(supervisor)
    supervisor.is_active = False
    supervisor.save()
    jobs.work(once=True)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "no longer active" in job.error and job.scan is None
    assert AuditEvent.objects.filter(action="tracing.job_fail", object_id=str(job.pk)).exists()


def test_a_fault_fails_the_job_and_the_worker_goes_on(supervisor, national_admin, twice, monkeypatch):
    bad, _ = jobs.request_scan(supervisor)
    good, _ = jobs.request_scan(national_admin)
    calls = []

    def flaky(job):
        calls.append(job.pk)
        if job.pk == bad.pk:
            raise RuntimeError("disk full")
        return jobs._run_duplicate_scan(job)

    monkeypatch.setitem(jobs.RUNNERS, "duplicate_scan", flaky)
    assert jobs.work(once=True) == 2 and calls == [bad.pk, good.pk]
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.state == JobState.FAILED and "RuntimeError" in bad.error and "disk" not in bad.error
    assert good.state == JobState.DONE


def test_a_job_left_running_by_a_stopped_worker_fails(supervisor, twice, frozen):
    job, _ = jobs.request_scan(supervisor)
    jobs.claim_next("gone:1")
    frozen.shift(jobs.STALE_AFTER + timedelta(minutes=1))
    assert jobs.claim_next("new:2") is None
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "stopped" in job.error


@pytest.mark.parametrize("persona", ["officer", "analyst", "auditor"])
def test_only_reviewers_ask_for_a_scan(request, persona, twice):
    with pytest.raises(Forbidden):
        jobs.request_scan(request.getfixturevalue(persona))
    assert not Job.objects.exists()


def test_a_job_is_seen_only_by_reviewers_of_its_scope(supervisor, national_admin, officer, twice, other_officer):
    job, _ = jobs.request_scan(national_admin)
    with pytest.raises(NotFound):
        jobs.job_for(supervisor, job.pk)  # ALL: national administrators only
    mine, _ = jobs.request_scan(supervisor)
    assert jobs.job_for(national_admin, mine.pk) == mine and jobs.job_for(supervisor, mine.pk) == mine
    for who, ident in ((officer, mine.pk), (supervisor, 10**9), (supervisor, "x")):
        with pytest.raises(NotFound):
            jobs.job_for(who, ident)


def test_api_queues_then_answers_the_state_and_the_pairs_audited(supervisor, officer, twice, api_client):
    a, b, _ = twice
    client = api_client(supervisor)
    made = client.post("/api/v1/duplicates/scans", "{}", content_type="application/json")
    assert made.status_code == 202, made.content
    body = made.json()
    assert body["state"] == "queued" and body["created"] and body["scope"] == "MPS" and body["scan"] is None
    again = client.post("/api/v1/duplicates/scans", "{}", content_type="application/json").json()
    assert again["id"] == body["id"] and not again["created"]
    waiting = client.get(f"/api/v1/duplicates/scans/{body['id']}").json()
    assert waiting["state"] == "queued" and "results" not in waiting
    jobs.work(once=True)
    done = client.get(f"/api/v1/duplicates/scans/{body['id']}").json()
    assert done["state"] == "done" and done["scan"]["pairs"] == 1 and done["count"] == 1
    assert {done["results"][0][k]["id"] for k in "ab"} == {str(a.pk), str(b.pk)}
    seen = AuditEvent.objects.filter(action="tracing.duplicates_view").latest("seq")
    assert seen.object_id == str(done["scan"]["id"]) and seen.personal == {"people": sorted([str(a.pk), str(b.pk)])}
    officer_client = api_client(officer)
    assert officer_client.post("/api/v1/duplicates/scans", "{}", content_type="application/json").status_code == 403
    assert officer_client.get(f"/api/v1/duplicates/scans/{body['id']}").status_code == 404
    assert client.get("/api/v1/duplicates/scans/0").status_code == 400
    assert client.post("/api/v1/duplicates/scans", json.dumps({"force": "ALL"}),
                       content_type="application/json").status_code == 403
    bad = client.post("/api/v1/duplicates/scans", json.dumps({"force": "M\x00S"}), content_type="application/json")
    assert bad.status_code == 400


def test_page_queues_shows_the_state_and_then_the_pairs(supervisor, twice, verified_client):
    _, b, _ = twice
    client = verified_login(verified_client, supervisor)
    r = client.post("/tracing/duplicates/", follow=True)
    page = r.content.decode()
    assert r.status_code == 200 and "Scan queued" in page and "A new scan is queued" in page
    assert "Refresh to see whether it has finished" in page and "Run a new scan" not in page
    page = client.post("/tracing/duplicates/", follow=True).content.decode()
    assert "A scan is already queued" in page and Job.objects.count() == 1
    jobs.work(once=True)
    page = client.get("/tracing/duplicates/").content.decode()
    assert "The last scan asked for finished" in page and b.display_name in page and "Run a new scan" in page


def test_cli_queues_and_the_worker_command_runs_it(supervisor, twice):
    runner = CliRunner()
    out = runner.invoke(app, ["duplicates", "scan", "--queue", "--format", "json", "--as", "supervisor.mps"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["state"] == "queued" and body["created"]
    out = runner.invoke(app, ["duplicates", "scan", "--queue", "--as", "supervisor.mps"])
    assert out.exit_code == 0 and "already queued" in out.stdout
    assert runner.invoke(app, ["duplicates", "--queue", "--as", "supervisor.mps"]).exit_code == 2
    out = runner.invoke(app, ["jobs", "work", "--once"])
    assert out.exit_code == 0, out.output
    assert Job.objects.get(pk=body["id"]).state == JobState.DONE
