"""Completing and assigning tasks, the lists, and the force's playbook."""

from __future__ import annotations

from datetime import date

import pytest

from tether.access.constants import Role
from tether.access.models import Force, User
from tether.audit.models import AuditEvent
from tether.casework import playbook as rules
from tether.casework.constants import TaskKind, TaskState
from tether.casework.models import Case, Playbook, Task
from tether.casework.selectors import force_overdue, my_tasks, playbook_for, playbook_view, queue_tasks, sla_breaches
from tether.casework.services import playbook_update, sweep, task_assign, task_complete
from tether.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tether.register.services import notification_record

pytestmark = pytest.mark.django_db

AFTER = date(2025, 6, 21)


@pytest.fixture
def task(registrant, frozen):
    sweep(as_of=AFTER)
    return Task.objects.get()


def test_complied_late_once_the_notification_is_recorded(officer, registrant, task, frozen):
    notification_record(officer, registrant.pk, {"kind": "periodic", "received_at": "2025-06-16T10:30:00Z",
                                                 "station": "Charing Cross Police Station"})
    done = task_complete(officer, task.pk, "complied_late")
    assert done.state == TaskState.DONE and done.outcome == "complied_late" and done.completed_by == officer
    with pytest.raises(Conflict):
        task_complete(officer, task.pk, "complied_late")
    event = AuditEvent.objects.get(action="task.complete")
    assert event.detail["outcome"] == "complied_late" and event.detail["playbook_action"] == "close"


def test_excuse_needs_a_note(officer, task):
    with pytest.raises(ValidationFailed) as exc:
        task_complete(officer, task.pk, "excuse_accepted")
    assert "note" in exc.value.errors
    task_complete(officer, task.pk, "excuse_accepted", "In hospital 18-22 June (discharge letter seen).")
    assert not Case.objects.exists()


def test_not_at_address_follows_up_then_opens_a_wanted_case(officer, task):
    task_complete(officer, task.pk, "not_at_address", "Visited 10:00; landlord says he moved out.")
    follow = Task.objects.get(kind=TaskKind.ESTABLISH_WHEREABOUTS)
    assert follow.due_on == date(2025, 6, 18) and follow.breach_id == task.breach_id and follow.assignee == officer
    with pytest.raises(ValidationFailed):
        task_complete(officer, follow.pk, "not_at_address", "Still not there on the second visit.")
    task_complete(officer, follow.pk, "whereabouts_unknown", "No trace at any known address.",
                  data={"warrant_on": "2025-06-16", "believed_abroad": True})
    case = Case.objects.get()
    assert case.kind == "wanted" and case.believed_abroad and case.breaches.get() == task.breach


def test_a_force_can_open_the_case_straight_away(force_admin, officer, task):
    playbook_update(force_admin, "MPS", {"outcomes": {"not_at_address": {"action": "open_case"}}})
    task_complete(officer, task.pk, "not_at_address", "Visited 10:00; landlord says he moved out.")
    assert Case.objects.get().kind == "missing"
    assert not Task.objects.filter(kind=TaskKind.ESTABLISH_WHEREABOUTS).exists()


def test_case_tasks_are_completed_on_the_case(officer, task):
    task_complete(officer, task.pk, "whereabouts_unknown", "No trace at any known address.")
    pnc = Task.objects.get(kind=TaskKind.PNC_CIRCULATION)
    with pytest.raises(ValidationFailed):
        task_complete(officer, pnc.pk, "complied_late")
    with pytest.raises(ValidationFailed):
        task_complete(officer, Task.objects.get(kind=TaskKind.MAPPA_INFORMED).pk, "located")


def test_who_may_work_a_task(officer, other_officer, analyst, supervisor, task):
    with pytest.raises(NotFound):
        task_complete(other_officer, task.pk, "excuse_accepted", "Seen the doctor's letter.")
    with pytest.raises(Forbidden):
        task_complete(analyst, task.pk, "excuse_accepted", "Seen the doctor's letter.")
    with pytest.raises(NotFound):
        task_complete(officer, "abc", "excuse_accepted")
    with pytest.raises(Conflict):
        task_complete(officer, task.pk, "excuse_accepted", "Seen the doctor's letter.",
                      expected_version=task.version + 1)
    task_complete(supervisor, task.pk, "excuse_accepted", "Seen the doctor's letter.")


def test_assigning_from_the_queue(officer, supervisor, make_doc, frozen):
    from tether.register.services import person_create

    from .conftest import yearly_doc

    person_create(officer, yearly_doc(make_doc))
    sweep(as_of=AFTER)
    task = Task.objects.get()
    assert [r["id"] for r in queue_tasks(supervisor)] == [task.pk]
    assert my_tasks(officer) == [] and [r["id"] for r in my_tasks(officer, include_queue=True)] == [task.pk]
    task_assign(officer, task.pk, officer.pk)  # an officer takes it
    assert [r["id"] for r in my_tasks(officer)] == [task.pk]
    with pytest.raises(Forbidden):
        task_assign(officer, task.pk, None)
    task_assign(supervisor, task.pk, None)
    with pytest.raises(ValidationFailed):
        task_assign(supervisor, task.pk, 999_999)


def test_lists_are_scoped_by_force_and_role(officer, other_officer, analyst, national_admin, registrant, frozen):
    assert force_overdue(officer, as_of=AFTER)[0]["breach_id"] is None  # the sweep has not run yet
    sweep(as_of=AFTER)
    rows = force_overdue(officer, as_of=AFTER)
    assert len(rows) == 1 and rows[0]["days_overdue"] == 1 and rows[0]["breach_id"] is not None
    assert force_overdue(other_officer, as_of=AFTER) == []
    with pytest.raises(Forbidden):
        force_overdue(other_officer, "MPS", as_of=AFTER)
    with pytest.raises(Forbidden):
        sla_breaches(analyst)
    assert len(force_overdue(national_admin, as_of=AFTER)) == 1
    assert len(force_overdue(national_admin, "MPS", as_of=AFTER)) == 1
    with pytest.raises(NotFound):
        force_overdue(national_admin, "NOPE")
    assert sla_breaches(officer, as_of=AFTER) == []
    late = sla_breaches(officer, as_of=date(2025, 6, 25))
    assert late[0]["late"] == "open past its deadline" and late[0]["days_late"] == 4
    assert AuditEvent.objects.filter(action="compliance.list").count() >= 5


def test_done_late_is_an_sla_breach(officer, task, frozen):
    from .conftest import at

    frozen.move_to(at(date(2025, 6, 24)))
    task_complete(officer, task.pk, "excuse_accepted", "Seen the doctor's letter.")
    rows = sla_breaches(officer)
    assert rows[0]["late"] == "done late" and rows[0]["days_late"] == 3


# --- Playbook ----------------------------------------------------------------------------------------------


def test_defaults_are_valid_and_documented():
    data, errors = rules.validate(rules.defaults())
    assert errors == {} and data == rules.DEFAULTS
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "playbook.md").read_text()
    for path in rules.LIMITS:
        assert f"`{path}`" in doc, path


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"case": {"pnc_circulation_hours": 48}}, "case.pnc_circulation_hours"),
        ({"case": {"review_every_days": "28"}}, "case.review_every_days"),
        ({"case": {"review_every_days": True}}, "case.review_every_days"),
        ({"case": {"colour": "red"}}, "case.colour"),
        ({"extras": {}}, "extras"),
        ({"outcomes": {"whereabouts_unknown": {"action": "close"}}}, "outcomes.whereabouts_unknown.action"),
        ({"outcomes": {"complied_late": {"action": "open_case"}}}, "outcomes.complied_late.action"),
        ({"outcomes": {"not_at_address": {"action": "follow_up", "due_days": 30}}},
         "outcomes.not_at_address.due_days"),
        ({"overdue": 3}, "overdue"),
    ],
)
def test_playbook_validation(change, field):
    _, errors = rules.validate(rules.merge(rules.defaults(), change))
    assert field in errors


def test_playbook_update_versions_and_audits(force_admin, officer, national_admin, frozen):
    mps = Force.objects.get(code="MPS")
    assert playbook_for(mps).version == 0
    with pytest.raises(Forbidden):
        playbook_update(officer, "MPS", {"case": {"review_every_days": 14}})
    with pytest.raises(Forbidden):
        playbook_update(force_admin, "GMP", {"case": {"review_every_days": 14}})
    with pytest.raises(ValidationFailed) as exc:
        playbook_update(force_admin, "MPS", {"case": {"pnc_circulation_hours": 36}})
    assert "24" in exc.value.errors["case.pnc_circulation_hours"][0]
    v1 = playbook_update(force_admin, "MPS", {"case": {"review_every_days": 14}}, reason="Force policy 7/2025.")
    assert v1.version == 1 and v1.data["case"]["review_every_days"] == 14
    assert v1.data["case"]["abroad_review_every_days"] == 90
    with pytest.raises(ValidationFailed) as unchanged:  # a change that changes nothing writes nothing
        playbook_update(force_admin, "MPS", {"case": {"review_every_days": 14}})
    assert "Nothing would change" in unchanged.value.errors["playbook"][0]
    with pytest.raises(Conflict):
        playbook_update(force_admin, "MPS", {"overdue": {"due_days": 1}}, expected_version=0)
    v2 = playbook_update(national_admin, "MPS", {"overdue": {"due_days": 1}}, expected_version=1)
    assert v2.version == 2 and v2.data["case"]["review_every_days"] == 14
    rows = list(Playbook.objects.filter(force=mps).order_by("version"))
    assert rows[0].valid_to is not None and rows[1].valid_to is None  # nothing overwritten
    event = AuditEvent.objects.filter(action="playbook.update").first()
    assert event.detail["before"]["version"] == 0 and event.detail["after"]["version"] == 1
    view = playbook_view(force_admin)
    assert view["version"] == 2 and [h["version"] for h in view["history"]] == [2, 1]
    assert playbook_for(Force.objects.get(code="GMP")).version == 0


def test_playbook_overdue_days_move_the_task_deadline(force_admin, registrant):
    playbook_update(force_admin, None, {"overdue": {"due_days": 2}})
    sweep(as_of=AFTER)
    task = Task.objects.get()
    assert task.due_on == date(2025, 6, 23) and task.playbook_version == 1


def test_a_supervisor_cannot_approve_their_own_media_decision(supervisor, registrant):
    from tether.casework.case_services import case_open, case_record_action

    case = case_open(supervisor, registrant.pk)
    decision = case_record_action(supervisor, case.pk, "media_decision", {
        "decision": "no_appeal", "vigilante_risk": "High: named locally on social media in 2023.",
        "victim_impact": "Victim's family live on the same estate.",
        "public_risk": "Medium; covert tracing under way with partner agencies."})
    with pytest.raises(Forbidden):
        case_record_action(supervisor, case.pk, "media_approval", {"decision": decision.pk, "approved": True})
    other = User.objects.create_user(username="sup2.mps", password="x" * 14, role=Role.SUPERVISOR,
                                     force=Force.objects.get(code="MPS"))
    case_record_action(other, case.pk, "media_approval", {"decision": decision.pk, "approved": True})


def test_an_exact_deadline_is_missed_from_its_instant(officer, task, frozen):
    from .conftest import at

    task_complete(officer, task.pk, "whereabouts_unknown", "No trace at any known address.")
    pnc = Task.objects.get(kind=TaskKind.PNC_CIRCULATION)
    frozen.move_to(at(date(2025, 6, 17), 10))  # 23 hours after opening
    assert pnc.pk not in [r["id"] for r in sla_breaches(officer)]
    frozen.move_to(at(date(2025, 6, 17), 12))  # 25 hours
    assert pnc.pk in [r["id"] for r in sla_breaches(officer)]


def test_whereabouts_unknown_joins_an_open_case(officer, registrant, task):
    from tether.casework.case_services import case_open

    case = case_open(officer, registrant.pk, {"note": "Opened from intelligence before the task was done."})
    task_complete(officer, task.pk, "whereabouts_unknown", "No trace at any known address.")
    assert Case.objects.count() == 1 and case.breaches.get() == task.breach
