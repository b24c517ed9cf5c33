"""Merging across forces by both forces' supervisors: one proposes, the other force approves (the merge is made by
the one merge write path), either side may decline or withdraw, and a record that changes makes it stale."""

from __future__ import annotations

from typing import Any

import pytest

from tether.access.models import Force, Role, User
from tether.audit.models import AuditEvent
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.identity.models import Merge, MergeProposal
from tether.identity.services import approve_merge, decline_merge, proposals_for, propose_merge
from tether.register.guards import access_person_by_id
from tether.register.models import Person
from tether.register.services import person_create

from .conftest import MERGE_REASON

pytestmark = pytest.mark.django_db

OPEN_REASON = "Comparing a likely duplicate record held by another force"
APPROVE = "Our custody photograph and fingerprints agree"


@pytest.fixture
def gmp_supervisor(supervisor: User) -> User:
    return User.objects.create_user(username="supervisor.gmp", password="x", role=Role.SUPERVISOR,
                                    force=Force.objects.get(code="GMP"), first_name="Gia", last_name="Persona")


@pytest.fixture
def across(officer: Any, other_officer: Any, make_doc: Any, frozen: Any, supervisor: User,
           gmp_supervisor: User) -> tuple[Person, Person]:
    """One person held by MPS and by GMP; both supervisors have opened the other force's record."""
    mps = person_create(officer, make_doc())
    names = [{"kind": "birth", "given_names": "Alun", "family_name": "Testpersen", "valid_from": "1980-04-02"}]
    gmp = person_create(other_officer, make_doc(force="GMP", names=names, ni_number="", pnc_id=""))
    access_person_by_id(supervisor, gmp.pk, reason=OPEN_REASON)
    access_person_by_id(gmp_supervisor, mps.pk, reason=OPEN_REASON)
    return mps, gmp


def test_proposal_then_approval_by_the_other_force_merges(supervisor, gmp_supervisor, across):
    mps, gmp = across
    proposal = propose_merge(supervisor, mps.pk, gmp.pk, reason=MERGE_REASON)
    assert (proposal.status, proposal.proposer_force.code, proposal.other_force.code) == ("open", "MPS", "GMP")
    assert not Merge.objects.exists()
    assert [p.pk for p in proposals_for(gmp_supervisor)["waiting"]] == [proposal.pk]
    assert proposals_for(supervisor)["waiting"] == [] and len(proposals_for(supervisor)["proposed"]) == 1
    merge = approve_merge(gmp_supervisor, proposal.pk, reason=APPROVE)
    assert (merge.survivor_id, merge.merged_id, merge.actor) == (mps.pk, gmp.pk, gmp_supervisor)
    proposal.refresh_from_db()
    assert proposal.status == "approved" and proposal.merge == merge and proposal.decided_by == gmp_supervisor
    ev = AuditEvent.objects.get(action="person.merge")
    assert ev.detail["proposed_by"] == "supervisor.mps" and ev.detail["approved_by"] == "supervisor.gmp"
    assert ev.detail["proposal_id"] == proposal.pk and ev.reason == APPROVE
    assert proposals_for(gmp_supervisor)["waiting"] == []


def test_audit_events_on_both_forces(supervisor, gmp_supervisor, across):
    mps, gmp = across
    proposal = propose_merge(supervisor, mps.pk, gmp.pk, reason=MERGE_REASON)
    proposed = AuditEvent.objects.filter(action="identity.merge_proposed")
    assert {e.force_code for e in proposed} == {"MPS", "GMP"}
    assert all(e.reason == MERGE_REASON and e.detail["proposal_id"] == proposal.pk for e in proposed)
    assert "Testperson" not in str([e.detail for e in proposed])  # references and ids only
    approve_merge(gmp_supervisor, proposal.pk, reason=APPROVE)
    assert AuditEvent.objects.filter(action="identity.merge_approved").count() == 2


def test_the_proposing_force_cannot_approve_its_own_proposal(supervisor, force_admin, across):
    mps, gmp = across
    proposal = propose_merge(supervisor, mps.pk, gmp.pk, reason=MERGE_REASON)
    for who in (supervisor, force_admin):  # both MPS
        with pytest.raises(Forbidden):
            approve_merge(who, proposal.pk, reason=APPROVE)
    assert not Merge.objects.exists()
    assert MergeProposal.objects.get().status == "open"


@pytest.mark.parametrize("persona", ["officer", "other_officer", "analyst", "auditor"])
def test_only_supervisors_propose(request, persona, across):
    mps, gmp = across
    with pytest.raises((Forbidden, NotFound)):
        propose_merge(request.getfixturevalue(persona), mps.pk, gmp.pk, reason=MERGE_REASON)
    assert not MergeProposal.objects.exists()


def test_a_same_force_pair_is_merged_not_proposed(supervisor, officer, make_doc, frozen):
    a, b = person_create(officer, make_doc()), person_create(officer, make_doc())
    with pytest.raises(Forbidden):
        propose_merge(supervisor, a.pk, b.pk, reason=MERGE_REASON)


def test_other_forces_and_officers_cannot_decide(supervisor, gmp_supervisor, across, other_officer, national_admin):
    mps, gmp = across
    proposal = propose_merge(supervisor, mps.pk, gmp.pk, reason=MERGE_REASON)
    with pytest.raises(NotFound):  # a GMP officer is of the other force, but not a supervisor
        approve_merge(other_officer, proposal.pk, reason=APPROVE)
    with pytest.raises(NotFound):
        approve_merge(gmp_supervisor, 999_999, reason=APPROVE)
    with pytest.raises(NotFound):
        approve_merge(gmp_supervisor, "x", reason=APPROVE)
    with pytest.raises(ValidationFailed) as exc:
        approve_merge(gmp_supervisor, proposal.pk, reason="ok")
    assert set(exc.value.errors) == {"reason"}
    assert not Merge.objects.exists()


def test_a_stale_proposal_is_refused_and_proposed_again(supervisor, gmp_supervisor, other_officer, across):
    mps, gmp = across
    proposal = propose_merge(supervisor, mps.pk, gmp.pk, reason=MERGE_REASON)
    Person.objects.filter(pk=gmp.pk).update(version=gmp.version + 1)  # the GMP record changed since
    assert proposals_for(gmp_supervisor)["waiting"][0].stale
    with pytest.raises(ValidationFailed) as exc:
        approve_merge(gmp_supervisor, proposal.pk, reason=APPROVE)
    assert "propose the merge again" in exc.value.errors["proposal"][0]
    assert not Merge.objects.exists()
    proposal.refresh_from_db()
    assert proposal.status == "stale"
    assert AuditEvent.objects.filter(action="identity.merge_proposal_stale").count() == 2
    with pytest.raises(ValidationFailed):  # decided: cannot be approved later
        approve_merge(gmp_supervisor, proposal.pk, reason=APPROVE)
    again = propose_merge(supervisor, mps.pk, gmp.pk, reason=MERGE_REASON)
    assert approve_merge(gmp_supervisor, again.pk, reason=APPROVE).merged_id == gmp.pk


def test_an_open_proposal_is_not_made_twice_but_stale_one_is_replaced(supervisor, gmp_supervisor, across):
    mps, gmp = across
    first = propose_merge(supervisor, mps.pk, gmp.pk, reason=MERGE_REASON)
    with pytest.raises(ValidationFailed):
        propose_merge(gmp_supervisor, gmp.pk, mps.pk, reason=MERGE_REASON)
    Person.objects.filter(pk=mps.pk).update(version=mps.version + 1)
    second = propose_merge(gmp_supervisor, gmp.pk, mps.pk, reason=MERGE_REASON)
    first.refresh_from_db()
    assert first.status == "stale" and second.proposer_force.code == "GMP"


def test_decline_and_withdraw(supervisor, gmp_supervisor, across):
    mps, gmp = across
    proposal = propose_merge(supervisor, mps.pk, gmp.pk, reason=MERGE_REASON)
    declined = decline_merge(gmp_supervisor, proposal.pk, reason="Different dates of birth on our PNC record")
    assert declined.status == "declined" and declined.decided_by == gmp_supervisor
    assert AuditEvent.objects.filter(action="identity.merge_declined").count() == 2
    with pytest.raises(ValidationFailed):
        approve_merge(gmp_supervisor, proposal.pk, reason=APPROVE)
    again = propose_merge(supervisor, mps.pk, gmp.pk, reason=MERGE_REASON)
    assert decline_merge(supervisor, again.pk, reason="Proposed in error, sorry").status == "withdrawn"
    assert AuditEvent.objects.filter(action="identity.merge_withdrawn").count() == 2
    assert not Merge.objects.exists()


def test_a_national_administrator_may_still_approve_or_merge_directly(supervisor, national_admin, across):
    mps, gmp = across
    proposal = propose_merge(supervisor, mps.pk, gmp.pk, reason=MERGE_REASON)
    assert [p.pk for p in proposals_for(national_admin)["waiting"]] == [proposal.pk]
    assert approve_merge(national_admin, proposal.pk, reason=APPROVE).survivor_id == mps.pk


def test_web_propose_approve_and_the_requests_page(supervisor, gmp_supervisor, across, client):
    mps, gmp = across
    client.force_login(supervisor)
    page = client.get("/people/merge/", {"survivor": mps.pk, "merged": gmp.pk}).content.decode()
    assert "Propose the merge to Greater Manchester Police" in page and "Merge the records" not in page
    r = client.post("/people/merge/", {"survivor": mps.pk, "merged": gmp.pk, "reason": "short",
                                       "decision": "propose"})
    assert r.status_code == 400 and "Reason" in r.content.decode()
    r = client.post("/people/merge/", {"survivor": mps.pk, "merged": gmp.pk, "reason": MERGE_REASON,
                                       "decision": "propose"})
    assert r.status_code == 302 and r["Location"] == "/people/merges/proposals/"
    proposal = MergeProposal.objects.get()
    html = client.get("/people/merges/proposals/").content.decode()
    assert 'data-testid="proposed"' in html and f"?proposal={proposal.pk}" in html
    page = client.get("/people/merge/", {"proposal": proposal.pk}).content.decode()
    assert "Withdraw the proposal" in page and "Approve" not in page
    client.force_login(gmp_supervisor)
    html = client.get("/people/merges/proposals/").content.decode()
    assert 'data-testid="waiting"' in html and mps.reference in html
    assert AuditEvent.objects.filter(action="identity.merge_proposals_viewed", actor=gmp_supervisor).exists()
    page = client.get("/people/merge/", {"proposal": proposal.pk}).content.decode()
    assert "Approve and merge the records" in page and "Decline the merge" in page
    r = client.post("/people/merge/", {"proposal": proposal.pk, "reason": APPROVE, "decision": "approve"})
    assert r.status_code == 302 and r["Location"] == f"/people/{mps.pk}/"
    assert Merge.objects.get().proposal == proposal
    assert client.get("/people/merge/", {"proposal": 999_999}).status_code == 404


def test_api_propose_list_approve_and_decline(supervisor, gmp_supervisor, officer, across, api_client):
    mps, gmp = across
    mine, theirs = api_client(supervisor), api_client(gmp_supervisor)
    body = {"survivor": str(mps.pk), "merged": str(gmp.pk), "reason": MERGE_REASON}
    r = api_client(officer).post("/api/v1/people/merges/proposals", body, content_type="application/json")
    assert r.status_code == 403 and not MergeProposal.objects.exists()
    assert api_client(officer).get("/api/v1/people/merges/proposals").status_code == 403
    r = mine.post("/api/v1/people/merges/proposals", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "open" and r.json()["other_force"] == "GMP"
    pid = r.json()["id"]
    listed = theirs.get("/api/v1/people/merges/proposals").json()
    assert [p["id"] for p in listed["waiting"]] == [pid] and listed["proposed"] == []
    r = mine.post(f"/api/v1/people/merges/proposals/{pid}/approve", {"reason": APPROVE},
                  content_type="application/json")
    assert r.status_code == 403
    r = theirs.post(f"/api/v1/people/merges/proposals/{pid}/decline", {"reason": "Our record is someone else"},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "declined"
    pid = mine.post("/api/v1/people/merges/proposals", body, content_type="application/json").json()["id"]
    r = theirs.post(f"/api/v1/people/merges/proposals/{pid}/approve", {"reason": APPROVE},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["merged"] == str(gmp.pk)
    r = theirs.post("/api/v1/people/merges/proposals/0/approve", {"reason": APPROVE},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "proposal_id"
    r = theirs.post("/api/v1/people/merges/proposals/99999/decline", {"reason": APPROVE},
                    content_type="application/json")
    assert r.status_code == 404


def test_cli_propose_and_approve(supervisor, gmp_supervisor, officer, across):
    import json

    from typer.testing import CliRunner

    from tether.cli import app

    mps, gmp = across
    runner = CliRunner()
    out = runner.invoke(app, ["merge", str(mps.pk), str(gmp.pk), "--reason", MERGE_REASON, "--as", "officer.mps",
                              "--propose"])
    assert out.exit_code == 1 and not MergeProposal.objects.exists()
    out = runner.invoke(app, ["merge", str(mps.pk), str(gmp.pk), "--reason", MERGE_REASON, "--as", "supervisor.mps"])
    assert out.exit_code == 1 and "propose the merge" in out.output  # across forces: not merged directly
    out = runner.invoke(app, ["merge", str(mps.pk), str(gmp.pk), "--reason", MERGE_REASON, "--as", "supervisor.mps",
                              "--propose"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["status"] == "open" and body["other_force"] == "GMP"
    pid = str(body["proposal_id"])
    out = runner.invoke(app, ["merge-approve", pid, "--reason", APPROVE, "--as", "supervisor.mps"])
    assert out.exit_code == 1 and not Merge.objects.exists()
    out = runner.invoke(app, ["merge-approve", pid, "--reason", APPROVE, "--as", "supervisor.gmp"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["merged"] == str(gmp.pk)
    out = runner.invoke(app, ["merge-decline", pid, "--reason", APPROVE, "--as", "supervisor.gmp"])
    assert out.exit_code == 2 and "proposal" in out.output  # already approved


def test_the_dashboard_shows_the_proposals_waiting_for_the_force(supervisor, gmp_supervisor, national_admin, officer,
                                                                 across, client):
    from tether.access.testing import verified_login
    from tether.identity.services import proposals_waiting_count

    mps, gmp = across
    assert proposals_waiting_count(gmp_supervisor) == 0
    propose_merge(supervisor, mps.pk, gmp.pk, reason=MERGE_REASON)
    assert proposals_waiting_count(gmp_supervisor) == 1 and proposals_waiting_count(supervisor) == 0
    assert proposals_waiting_count(national_admin) == 1 and proposals_waiting_count(officer) is None
    page = verified_login(client, gmp_supervisor).get("/").content.decode()
    assert 'data-testid="merge-proposals-waiting"' in page and "1 merge of records across forces is waiting" in page
    assert 'href="/people/merges/proposals/"' in page
    for who in (supervisor, officer):
        page = verified_login(client, who).get("/").content.decode()
        assert "merge-proposals-waiting" not in page
