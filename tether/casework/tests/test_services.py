"""Case services: who may do what, what is refused, and cases that arrived without a history."""

from __future__ import annotations

from datetime import date

import pytest

from tether.audit.models import AuditEvent
from tether.casework.case_selectors import case_timeline, cases_open_on, open_cases, state_on
from tether.casework.case_services import case_close, case_open, case_record_action, case_transition
from tether.casework.constants import TaskKind, TaskState
from tether.casework.models import Case, CaseAction, CaseState, Task
from tether.casework.services import playbook_update
from tether.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tether.register.models import RegisterState
from tether.register.services import person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(officer, registrant):
    return case_open(officer, registrant.pk, {"note": "Not seen since May."})


def test_open_records_the_state_tasks_and_audit(officer, registrant, case):
    assert case.kind == "missing" and case.opened_on == date(2025, 6, 16)
    assert CaseState.objects.filter(case=case, valid_to__isnull=True).get().state == "missing"
    assert RegisterState.objects.get(person=registrant).status == "missing"
    assert Task.objects.filter(case=case).count() == 6  # no abroad review: not believed abroad
    assert all(t.assignee == officer for t in Task.objects.filter(case=case))
    event = AuditEvent.objects.get(action="case.open")
    assert event.object_id == str(case.pk) and event.detail["reference"] == registrant.reference
    with pytest.raises(Conflict):
        case_open(officer, registrant.pk)


def test_open_wanted_and_abroad_from_the_start(officer, registrant):
    case = case_open(officer, registrant.pk, {"warrant_on": "2025-06-10", "believed_abroad": True})
    assert case.kind == "wanted" and case.warrant_on == date(2025, 6, 10)
    assert RegisterState.objects.get(person=registrant).status == "wanted"
    assert Task.objects.filter(case=case, kind=TaskKind.ABROAD_REVIEW).get().due_on == date(2025, 9, 14)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"opened_on": "2025-06-17"}, "opened_on"),
        ({"opened_on": "yesterday"}, "opened_on"),
        ({"warrant_on": "2025-06-16", "opened_on": "2025-06-01"}, "warrant_on"),
        ({"believed_abroad": "yes"}, "believed_abroad"),
    ],
)
def test_open_refuses_bad_input_and_writes_nothing(officer, registrant, data, field):
    with pytest.raises(ValidationFailed) as exc:
        case_open(officer, registrant.pk, data)
    assert field in exc.value.errors
    assert not Case.objects.exists() and not AuditEvent.objects.filter(action="case.open").exists()


def test_other_forces_and_roles(other_officer, analyst, officer, registrant, case):
    with pytest.raises(Forbidden):
        case_open(analyst, registrant.pk)
    with pytest.raises(Forbidden):  # may know the person exists (national index) but not work the case
        case_record_action(other_officer, case.pk, "note", {"note": "Seen in Salford?"})
    with pytest.raises(NotFound):
        case_record_action(officer, 999_999, "note", {"note": "x"})
    with pytest.raises(Forbidden):
        case_timeline(other_officer, case.pk)
    with pytest.raises(Forbidden):
        open_cases(other_officer, "MPS")
    with pytest.raises(Forbidden):
        open_cases(analyst)
    assert open_cases(other_officer) == []  # their own force has none


def test_version_check(officer, case):
    with pytest.raises(Conflict):
        case_transition(officer, case.pk, "abroad", expected_version=case.version + 1)
    case_transition(officer, case.pk, "abroad", expected_version=case.version)


def test_refused_transitions_name_the_field(officer, case):
    with pytest.raises(ValidationFailed) as exc:
        case_transition(officer, case.pk, "warrant")
    assert "warrant_on" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        case_close(officer, case.pk, "returned")
    assert "believed abroad" in exc.value.errors["outcome"][0]
    with pytest.raises(ValidationFailed) as exc:
        case_transition(officer, case.pk, "reopen", {"reason": "Because it was closed in error."})
    assert "event" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        case_transition(officer, case.pk, "abroad", {"on": "2025-06-01"})  # before the state began
    assert "on" in exc.value.errors
    assert CaseState.objects.filter(case=case).count() == 1


def test_actions_need_their_fields_and_an_open_case(officer, supervisor, case):
    with pytest.raises(ValidationFailed) as exc:
        case_record_action(officer, case.pk, "case_review", {})
    assert "note" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        case_record_action(officer, case.pk, "abroad_review", {"note": "Checked with the NCA bureau."})
    assert "kind" in exc.value.errors
    with pytest.raises(ValidationFailed):
        case_record_action(officer, case.pk, "sio_assigned", {"sio": "nobody"})
    with pytest.raises(ValidationFailed):
        case_record_action(officer, case.pk, "teleport", {})
    decision = case_record_action(officer, case.pk, "media_decision", {
        "decision": "appeal", "vigilante_risk": "Low: no local press interest so far.",
        "victim_impact": "Victims live abroad; appeal will not identify them.",
        "public_risk": "High risk to children; an appeal may bring sightings."})
    with pytest.raises(Forbidden):  # not a supervisor
        case_record_action(officer, case.pk, "media_approval", {"decision": decision.pk, "approved": True})
    # Refusing needs a reason; then a refusal leaves the media task open.
    with pytest.raises(ValidationFailed):
        case_record_action(supervisor, case.pk, "media_approval", {"decision": decision.pk, "approved": False})


def test_refused_media_decision_keeps_the_task_open(officer, supervisor, case):
    decision = case_record_action(officer, case.pk, "media_decision", {
        "decision": "appeal", "vigilante_risk": "Low: no local press interest so far.",
        "victim_impact": "Victims live abroad; appeal will not identify them.",
        "public_risk": "High risk to children; an appeal may bring sightings."})
    case_record_action(supervisor, case.pk, "media_approval",
                       {"decision": decision.pk, "approved": False, "note": "Too early: trace covertly for a week."})
    assert Task.objects.filter(case=case, kind=TaskKind.MEDIA_DECISION, state=TaskState.OPEN).exists()
    with pytest.raises(ValidationFailed):  # one answer per decision
        case_record_action(supervisor, case.pk, "media_approval",
                           {"decision": decision.pk, "approved": True})
    with pytest.raises(RuntimeError):
        CaseAction.objects.filter(case=case).update(note="rewritten")


def test_closed_cases_take_notes_only(officer, case):
    case_close(officer, case.pk, "located", {"note": "Found at his sister's address."})
    with pytest.raises(ValidationFailed):
        case_record_action(officer, case.pk, "pnc_circulation", {"reference": "X"})
    case_record_action(officer, case.pk, "note", {"note": "Circulation cancelled on PNC."})
    assert Task.objects.filter(case=case, state=TaskState.OPEN).count() == 0
    assert set(Task.objects.filter(case=case).values_list("outcome", flat=True)) == {"case_closed"}


def test_the_force_playbook_sets_the_deadlines(force_admin, officer, registrant):
    playbook_update(force_admin, None, {"case": {"review_every_days": 14, "pnc_circulation_hours": 12}},
                    reason="Force policy 2025/07: fortnightly reviews.")
    case = case_open(officer, registrant.pk)
    tasks = {t.kind: t for t in Task.objects.filter(case=case)}
    assert tasks[TaskKind.CASE_REVIEW].due_on == date(2025, 6, 30)
    assert tasks[TaskKind.CASE_REVIEW].playbook_version == 1
    assert tasks[TaskKind.PNC_CIRCULATION].due_at.hour == 23  # 11:00 UTC + 12 hours


def test_imported_cases_get_their_history_derived(officer, make_doc, frozen):
    doc = make_doc(cases=[
        {"kind": "wanted", "opened": "2019-01-10", "warrant": "2019-02-01", "closed": "2020-05-01",
         "outcome": "arrested", "believed_abroad": False},
        {"kind": "missing", "opened": "2024-11-01", "believed_abroad": True},
    ])
    person = person_create(officer, doc)
    old, current = Case.objects.filter(person=person).order_by("opened_on")
    # written with the registrant: the history derived from the summary, marked as such
    assert list(CaseState.objects.filter(case=old).order_by("valid_from").values_list("state", flat=True)) == [
        "missing", "wanted", "closed"]
    assert all(s.detail == {"derived_from_summary": True} for s in CaseState.objects.all())
    assert state_on(old, date(2019, 1, 20)).state == "missing"
    assert state_on(old, date(2019, 3, 1)).state == "wanted"
    assert state_on(old, date(2020, 5, 1)).state == "closed"
    assert set(cases_open_on(date(2019, 6, 1))) == {old}
    assert set(cases_open_on(date(2025, 1, 1))) == {current}
    assert open_cases(officer)[0]["missing_since"] == date(2024, 11, 1)
    # Working the case stores the derived history first.
    case_record_action(officer, current.pk, "abroad_review", {"note": "Spanish liaison: no trace."})
    case_transition(officer, current.pk, "not_abroad", {"note": "Seen in Croydon."})
    assert list(CaseState.objects.filter(case=current).order_by("id").values_list("event", flat=True)) == [
        "open_missing", "not_abroad"]


def test_warrant_withdrawn_goes_back_to_missing(officer, registrant, case):
    case_transition(officer, case.pk, "warrant", {"warrant_on": "2025-06-16"})
    assert RegisterState.objects.get(person=registrant).status == "wanted"
    case = case_transition(officer, case.pk, "warrant_withdrawn", {"note": "Warrant withdrawn by the court."})
    assert case.kind == "missing" and case.warrant_on is None
    assert RegisterState.objects.get(person=registrant).status == "missing"
    assert AuditEvent.objects.get(action="case.warrant_withdrawn").detail["before"]["kind"] == "wanted"
