"""Transfers between forces: the services (validation, ownership, audit), the guard during transit, the receiving
force's task and the escalations, statistics as at before and after, the jurisdiction switch, JSONL and the API."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest

from tether.access.constants import Role
from tether.access.forces import ensure_forces
from tether.access.models import Force, User
from tether.audit.models import AuditEvent
from tether.casework.constants import TaskKind, TaskState
from tether.casework.digest import build_digests
from tether.casework.models import Task
from tether.casework.services import sweep
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.register.guards import access_person_by_id
from tether.register.jsonl import export_jsonl, import_jsonl
from tether.register.models import Ownership, Person, RegisterState, Transfer, TransferState
from tether.register.transfers import transfer_accept, transfer_refuse, transfer_start, transfers_escalate_late
from tether.reports.statistics import registrants_counts

pytestmark = pytest.mark.django_db

MOVED = "2025-06-10"  # the frozen clock is 16 June 2025


def _user(username: str, role: str, code: str) -> User:
    ensure_forces()
    return User.objects.create_user(username, password=None, role=role, force=Force.objects.get(code=code),
                                    last_name="Persona")


@pytest.fixture
def gmp_officer(db):
    return _user("officer.gmp.t", Role.OFFICER, "GMP")


@pytest.fixture
def gmp_supervisor(db):
    return _user("supervisor.gmp.t", Role.SUPERVISOR, "GMP")


@pytest.fixture
def mps_supervisor(db):
    return _user("supervisor.mps.t", Role.SUPERVISOR, "MPS")


@pytest.fixture
def wyp_officer(db):
    return _user("officer.wyp.t", Role.OFFICER, "WYP")


@pytest.fixture
def person(officer, make_doc, frozen):
    from tether.register.services import person_create

    return person_create(officer, make_doc())


def _export() -> str:
    out = io.StringIO()
    export_jsonl(out, actor_label="test")
    return out.getvalue()


def _start(officer, person, to="GMP", moved=MOVED):
    return transfer_start(officer, person.pk, {"to_force": to, "move_date": moved})


# --- starting a transfer ------------------------------------------------------------------------------------


def test_start_puts_the_record_in_transit_and_tells_the_receiving_force(officer, person, gmp_officer):
    t = _start(officer, person)
    assert t.state == TransferState.IN_TRANSIT and t.from_force.code == "MPS" and t.to_force.code == "GMP"
    assert t.accept_by == date(2025, 6, 16) + timedelta(days=14)  # the playbook's default
    person.refresh_from_db()
    assert person.owning_force.code == "MPS" and person.version == 2  # ownership waits for the acceptance
    task = Task.objects.get(kind=TaskKind.TRANSFER_ACCEPT)
    assert task.force.code == "GMP" and task.assignee is None and task.due_on == t.accept_by
    event = AuditEvent.objects.get(action="transfer.start")
    assert event.detail["to_force"] == "GMP" and event.detail["transfer_id"] == t.pk


@pytest.mark.parametrize(("data", "field", "words"), [
    ({"to_force": "NOPE", "move_date": MOVED}, "to_force", "no force has the code"),
    ({"to_force": "MPS", "move_date": MOVED}, "to_force", "must be another force"),
    ({"to_force": "", "move_date": MOVED}, "to_force", "required"),
    ({"to_force": "GMP", "move_date": "2025-07-01"}, "move_date", "future"),
    ({"to_force": "GMP", "move_date": "2019-01-01"}, "move_date", "must be after"),
    ({"to_force": "GMP"}, "move_date", "required"),
])
def test_start_names_the_field_and_writes_nothing(officer, person, data, field, words):
    with pytest.raises(ValidationFailed) as exc:
        transfer_start(officer, person.pk, data)
    assert words in " ".join(exc.value.errors[field])
    person.refresh_from_db()
    assert person.version == 1 and not Transfer.objects.exists()
    assert not AuditEvent.objects.filter(action="transfer.start").exists()


def test_a_second_open_transfer_is_refused(officer, person):
    _start(officer, person)
    with pytest.raises(ValidationFailed) as exc:
        _start(officer, person, to="WYP")
    assert "already waiting" in exc.value.errors["to_force"][0]
    assert Transfer.objects.count() == 1


def test_another_force_cannot_start_without_the_full_record(other_officer, person):
    with pytest.raises(Forbidden):
        _start(other_officer, person)


# --- the guard while in transit -----------------------------------------------------------------------------


def test_both_forces_see_the_full_record_in_transit_and_a_third_does_not(officer, person, gmp_officer,
                                                                          wyp_officer):
    assert not access_person_by_id(gmp_officer, person.pk).full
    t = _start(officer, person)
    assert access_person_by_id(officer, person.pk).full
    assert access_person_by_id(gmp_officer, person.pk).full
    assert not access_person_by_id(wyp_officer, person.pk).full
    transfer_refuse(gmp_officer, t.pk, {"reason": "Risk assessment says the move is not settled yet"})
    assert not access_person_by_id(gmp_officer, person.pk).full  # decided: the receiving force's view ends


def test_after_acceptance_the_new_owner_sees_it_and_the_old_owner_does_not(officer, person, gmp_officer):
    t = _start(officer, person)
    transfer_accept(gmp_officer, t.pk)
    assert access_person_by_id(gmp_officer, person.pk).full
    assert not access_person_by_id(officer, person.pk).full


# --- accepting and refusing ---------------------------------------------------------------------------------


def test_accept_moves_ownership_from_the_move_date(officer, person, gmp_officer):
    t = _start(officer, person)
    transfer_accept(gmp_officer, t.pk)
    person.refresh_from_db()
    assert person.owning_force.code == "GMP"
    owners = list(Ownership.objects.filter(person=person).order_by("valid_from").values_list(
        "force__code", "valid_from", "valid_to"))
    assert owners[-2][0] == "MPS" and owners[-2][2] == date(2025, 6, 10)
    assert owners[-1] == ("GMP", date(2025, 6, 10), None)
    t.refresh_from_db()
    assert t.state == TransferState.ACCEPTED and t.decided_by == gmp_officer and t.escalated_on is None
    task = Task.objects.get(kind=TaskKind.TRANSFER_ACCEPT)
    assert task.state == TaskState.DONE and task.outcome == "transfer_accepted"
    assert AuditEvent.objects.get(action="transfer.accept").force_code == "GMP"


def test_only_the_receiving_force_decides(officer, person, wyp_officer):
    t = _start(officer, person)
    with pytest.raises(Forbidden):
        transfer_accept(officer, t.pk)
    with pytest.raises(NotFound):
        transfer_accept(wyp_officer, t.pk)
    with pytest.raises(NotFound):
        transfer_accept(officer, 999_999)


def test_deciding_twice_changes_nothing(officer, person, gmp_officer):
    t = _start(officer, person)
    transfer_accept(gmp_officer, t.pk)
    person.refresh_from_db()
    version, events = person.version, AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        transfer_accept(gmp_officer, t.pk)
    assert "already accepted" in exc.value.errors["transfer"][0]
    with pytest.raises(ValidationFailed):
        transfer_refuse(gmp_officer, t.pk, {"reason": "Changed our minds about it entirely"})
    person.refresh_from_db()
    assert person.version == version and AuditEvent.objects.count() == events


def test_refusal_needs_a_reason_and_escalates_to_both_forces(officer, person, gmp_officer, gmp_supervisor,
                                                            mps_supervisor, frozen):
    t = _start(officer, person)
    with pytest.raises(ValidationFailed) as exc:
        transfer_refuse(gmp_officer, t.pk, {"reason": "  "})
    assert "reason" in exc.value.errors
    transfer_refuse(gmp_officer, t.pk, {"reason": "No address in our area was verified on a home visit"})
    t.refresh_from_db()
    person.refresh_from_db()
    assert t.state == TransferState.REFUSED and t.escalated_on == date(2025, 6, 16)
    assert person.owning_force.code == "MPS"
    escalated = Task.objects.filter(kind=TaskKind.TRANSFER_ESCALATED, state=TaskState.OPEN)
    assert sorted(escalated.values_list("force__code", flat=True)) == ["GMP", "MPS"]
    event = AuditEvent.objects.get(action="transfer.refuse")
    assert "home visit" not in json.dumps(event.detail) and "home visit" in event.personal["after"]["reason"]
    digests = {d.user_id: d for d in build_digests(date(2025, 6, 16))}
    assert any("refused" in line.title for line in digests[mps_supervisor.pk].transfers)
    assert any("refused" in line.title for line in digests[gmp_supervisor.pk].transfers)


def test_a_missed_deadline_escalates_once_from_the_sweep(officer, person, gmp_officer, frozen):
    t = _start(officer, person)
    assert transfers_escalate_late(t.accept_by) == 0  # the last day itself is not late
    frozen.shift(timedelta(days=15))
    summary = sweep()
    assert summary["transfers"] == {"escalated": 1}
    assert sweep()["transfers"] == {"escalated": 0}  # once
    assert Task.objects.filter(kind=TaskKind.TRANSFER_ESCALATED).count() == 2
    assert AuditEvent.objects.filter(action="transfer.escalate").count() == 1
    transfer_accept(gmp_officer, t.pk)  # accepted late: no second escalation
    assert Task.objects.filter(kind=TaskKind.TRANSFER_ESCALATED).count() == 2
    assert AuditEvent.objects.get(action="transfer.accept").detail["late"] is True


def test_a_late_acceptance_before_the_sweep_escalates(officer, person, gmp_officer, frozen):
    t = _start(officer, person)
    frozen.shift(timedelta(days=20))
    transfer_accept(gmp_officer, t.pk)
    t.refresh_from_db()
    assert t.escalated_on is not None
    assert Task.objects.filter(kind=TaskKind.TRANSFER_ESCALATED).count() == 2


def test_the_receiving_supervisor_digest_lists_the_transfer(officer, person, gmp_supervisor):
    _start(officer, person)
    digest = next(d for d in build_digests(date(2025, 6, 16)) if d.user_id == gmp_supervisor.pk)
    assert [line.reference for line in digest.transfers] == [person.reference]


# --- statistics and the law ---------------------------------------------------------------------------------


def test_statistics_as_at_count_the_owner_on_that_date(officer, person, gmp_officer):
    mps, gmp = Force.objects.get(code="MPS"), Force.objects.get(code="GMP")
    t = _start(officer, person)
    transfer_accept(gmp_officer, t.pk)
    before, on = date(2025, 6, 9), date(2025, 6, 10)
    assert registrants_counts(before) == {mps.pk: 1}
    assert registrants_counts(on) == {gmp.pk: 1}
    assert registrants_counts(date(2025, 6, 16)) == {gmp.pk: 1}


def test_a_move_to_scotland_re_evaluates_under_scots_law(officer, person, make_doc):
    scot = _user("officer.psos.t", Role.OFFICER, "PSOS")
    assert RegisterState.objects.get(person=person).jurisdiction == "england-wales"
    t = _start(officer, person, to="PSOS")
    assert RegisterState.objects.get(person=person).jurisdiction == "england-wales"  # in transit: not yet
    transfer_accept(scot, t.pk)
    state = RegisterState.objects.get(person=person)
    assert state.jurisdiction == "scotland"
    assert AuditEvent.objects.get(action="transfer.accept").force_code == "PSOS"


# --- import and export --------------------------------------------------------------------------------------


def test_transfers_round_trip_through_jsonl(officer, person, gmp_officer, frozen):
    t = _start(officer, person)
    transfer_accept(gmp_officer, t.pk)
    frozen.shift(timedelta(days=1))
    _start(gmp_officer, person, to="WYP", moved="2025-06-15")
    first = _export()
    line = json.loads(first)
    assert [x["state"] for x in line["transfers"]] == ["accepted", "in_transit"]
    Person.objects.all().delete()
    Task.objects.all().delete()
    report = import_jsonl(first.splitlines(), actor_label="test")
    assert report.imported == 1
    assert _export() == first
    assert Task.objects.filter(kind=TaskKind.TRANSFER_ACCEPT, force__code="WYP").count() == 1


def test_a_registrant_never_transferred_exports_without_the_key(person):
    assert "transfers" not in json.loads(_export())


def test_import_refuses_an_accepted_transfer_without_its_ownership(make_doc, frozen):
    from tether.register.jsonl import ImportFailed

    doc = make_doc(transfers=[{"from_force": "GMP", "to_force": "MPS", "move_date": "2024-01-01",
                               "state": "accepted", "accept_by": "2024-01-15",
                               "requested_at": "2024-01-02T10:00:00Z", "decided_at": "2024-01-03T10:00:00Z"}])
    with pytest.raises(ImportFailed) as exc:
        import_jsonl([json.dumps(doc)], actor_label="test")
    assert any(e.field == "transfers[0].move_date" for e in exc.value.errors)


# --- the API ------------------------------------------------------------------------------------------------


def test_api_start_list_accept(officer, person, gmp_officer, api_client):
    api = api_client(officer)
    r = api.post(f"/api/v1/people/{person.pk}/transfers", {"to_force": "GMP", "move_date": MOVED},
                 content_type="application/json")
    assert r.status_code == 201, r.content
    tid = r.json()["id"]
    again = api.post(f"/api/v1/people/{person.pk}/transfers", {"to_force": "WYP", "move_date": MOVED},
                     content_type="application/json")
    assert again.status_code == 400 and again.json()["errors"][0]["field"] == "to_force"
    assert api.post(f"/api/v1/transfers/{tid}/accept", {}, content_type="application/json").status_code == 403
    gmp = api_client(gmp_officer)
    incoming = gmp.get("/api/v1/transfers").json()["results"]
    assert [x["id"] for x in incoming] == [tid] and incoming[0]["state"] == "in_transit"
    assert gmp.get(f"/api/v1/people/{person.pk}").json()["access"] == "full"
    short = gmp.post(f"/api/v1/transfers/{tid}/refuse", {"reason": "no"}, content_type="application/json")
    assert short.status_code == 400
    ok = gmp.post(f"/api/v1/transfers/{tid}/accept", {}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["state"] == "accepted"
    assert gmp.post(f"/api/v1/transfers/{tid}/accept", {}, content_type="application/json").status_code == 400


# --- the CLI ------------------------------------------------------------------------------------------------


def test_cli_start_list_accept(officer, person, gmp_officer):
    from typer.testing import CliRunner

    from tether.cli import app

    runner = CliRunner()
    out = runner.invoke(app, ["transfer", "start", person.reference, "--to", "GMP", "--move-date", MOVED,
                              "--as", officer.username])
    assert out.exit_code == 0, out.output
    tid = json.loads(out.stdout)["id"]
    bad = runner.invoke(app, ["transfer", "start", person.reference, "--to", "NOPE", "--move-date", MOVED,
                              "--as", officer.username])
    assert bad.exit_code == 2 and "to_force" in bad.output
    listed = runner.invoke(app, ["transfer", "list", "--as", gmp_officer.username, "--as-of", "2025-07-15"])
    row = json.loads(listed.stdout.splitlines()[0])
    assert row["id"] == tid and row["late"] is True
    assert runner.invoke(app, ["transfer", "accept", str(tid), "--as", officer.username]).exit_code == 1
    ok = runner.invoke(app, ["transfer", "accept", str(tid), "--as", gmp_officer.username])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["state"] == "accepted"
    again = runner.invoke(app, ["transfer", "refuse", str(tid), "--reason", "Too late to refuse it now",
                                "--as", gmp_officer.username])
    assert again.exit_code == 2 and "already accepted" in again.output


def test_the_receiving_force_may_start_it_but_a_third_force_may_not(officer, person, other_officer, wyp_officer):
    reason = "Notified a move at our station, checking the record"
    access_person_by_id(other_officer, person.pk, reason=reason)  # GMP opens the full record
    access_person_by_id(wyp_officer, person.pk, reason=reason)
    with pytest.raises(Forbidden):
        _start(wyp_officer, person)  # to GMP: WYP is neither end
    t = _start(other_officer, person)  # to GMP, by GMP
    assert t.to_force.code == "GMP" and t.requested_by == other_officer


def test_a_refusal_reason_keeps_to_the_text_rule_and_round_trips(officer, person, gmp_officer):
    t = _start(officer, person)
    with pytest.raises(ValidationFailed) as exc:
        transfer_refuse(gmp_officer, t.pk, {"reason": "Refused \x00 for no good reason"})
    assert "reason" in exc.value.errors
    transfer_refuse(gmp_officer, t.pk, {"reason": "No verified address.\nReview after the home visit <b>"})
    first = _export()
    assert json.loads(first)["transfers"][0]["reason"] == "No verified address.\nReview after the home visit <b>"
    Person.objects.all().delete()
    import_jsonl(first.splitlines(), actor_label="test")
    assert _export() == first
