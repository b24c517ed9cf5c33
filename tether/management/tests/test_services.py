"""The management write path: permissions, audit in the same transaction, nothing written for no change, and a
visit outcome that flows into casework."""

from __future__ import annotations

from datetime import date

import pytest

from tether.audit.models import AuditEvent
from tether.casework.constants import TaskKind
from tether.casework.models import Case, Task
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.management.models import Assessment, ManagerSpell, MappaSpell, ModeSpell, RiskLevelSpell
from tether.management.services import (
    assessment_record,
    manager_assign,
    mappa_set,
    mode_set,
    policy_set,
    risk_level_set,
    visit_record,
)
from tether.register.models import Person

from .conftest import visit

pytestmark = pytest.mark.django_db


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_risk_level_is_an_interval_and_the_same_level_writes_nothing(managed, officer):
    before = _events("management.risk_level")
    assert risk_level_set(officer, managed.pk, {"level": "high", "reason": "Same as before, nothing new"}) is None
    assert _events("management.risk_level") == before
    risk_level_set(officer, managed.pk, {"level": "very_high", "reason": "New intelligence: contact with children"})
    spells = list(RiskLevelSpell.objects.filter(person=managed).order_by("valid_from"))
    assert [(s.level, s.valid_to) for s in spells] == [("high", date(2025, 6, 16)), ("very_high", None)]
    assert _events("management.risk_level") == before + 1


@pytest.mark.parametrize(("persona", "allowed"), [("officer", True), ("supervisor", True), ("force_admin", True),
                                                  ("analyst", False), ("auditor", False), ("partner", False)])
def test_who_may_record_risk(request, managed, persona, allowed):
    user = request.getfixturevalue(persona)
    data = {"level": "medium", "reason": "Reviewed at the quarterly supervision"}
    if allowed:
        risk_level_set(user, managed.pk, data)
    else:
        with pytest.raises((Forbidden, NotFound)):
            risk_level_set(user, managed.pk, data)


def test_another_forces_officer_cannot_write(managed, other_officer):
    with pytest.raises((Forbidden, NotFound)):
        visit_record(other_officer, managed.pk, visit())


def test_assessment_rm2000_needs_a_category_and_can_set_the_level(managed, officer):
    with pytest.raises(ValidationFailed) as exc:
        assessment_record(officer, managed.pk, {"tool": "rm2000_s", "assessed_on": "2025-06-01", "assessor": "DC A"})
    assert "category" in exc.value.errors
    assessment_record(officer, managed.pk, {"tool": "rm2000_s", "assessed_on": "2025-06-01", "assessor": "DC A",
                                            "category": "medium", "risk_level": "medium"})
    assert Assessment.objects.get(person=managed).category == "medium"
    assert RiskLevelSpell.objects.get(person=managed, valid_to__isnull=True).source == "rm2000"


def test_mappa_and_no_change(managed, officer):
    data = {"category": "1", "level": "2", "lead_agency": "police"}
    assert mappa_set(officer, managed.pk, data) is not None
    assert mappa_set(officer, managed.pk, data) is None
    assert MappaSpell.objects.filter(person=managed).count() == 1


def test_reactive_management_is_a_supervisors_decision_and_needs_eligibility(managed, officer, supervisor):
    data = {"mode": "reactive", "reason": "Low for years, nothing new known"}
    with pytest.raises(Forbidden):
        mode_set(officer, managed.pk, data)
    with pytest.raises(ValidationFailed) as exc:
        mode_set(supervisor, managed.pk, data)
    assert "low risk for at least 3 years" in exc.value.errors["mode"][0]
    RiskLevelSpell.objects.filter(person=managed).update(level="low", valid_from=date(2021, 1, 1))
    mode_set(supervisor, managed.pk, data)
    assert ModeSpell.objects.get(person=managed).mode == "reactive"


def test_assign_reassign_hand_over_keep_the_cache(managed, officer, supervisor):
    from tether.access.constants import Role
    from tether.access.models import User

    other = User.objects.create_user(username="om2.mps", password="x-very-long-pass", role=Role.OFFICER,
                                     force=officer.force)
    assert manager_assign(supervisor, managed.pk, {"manager": officer.username}) is None  # no change
    manager_assign(supervisor, managed.pk, {"manager": other.username, "handover_note": "Moving to a new team"})
    managed.refresh_from_db()
    assert managed.offender_manager == other
    # the same day: the new spell replaces the day's first; the audit event keeps who it was
    assert ManagerSpell.objects.filter(person=managed).count() == 1
    ev = AuditEvent.objects.filter(action="management.manager").order_by("-id").first()
    assert ev.detail["kind"] == "handover" and ev.detail["before"]["manager"] == officer.pk
    with pytest.raises(Forbidden):
        manager_assign(officer, managed.pk, {"manager": officer.username})
    with pytest.raises(ValidationFailed):
        manager_assign(supervisor, managed.pk, {"manager": "nobody"})


def test_no_longer_lives_there_follows_the_playbook(managed, officer):
    r = visit_record(officer, managed.pk, visit(outcome="no_longer_lives",
                                                concerns="Neighbour says he left in May"))
    task = Task.objects.get(pk=r.task_id)
    assert task.kind == TaskKind.ESTABLISH_WHEREABOUTS and task.assignee == officer
    assert AuditEvent.objects.filter(action="task.create", object_id=str(task.pk)).exists()


def test_not_found_opens_a_missing_case(managed, officer):
    r = visit_record(officer, managed.pk, visit(outcome="not_found", concerns="Address empty, no trace of him"))
    case = Case.objects.get(pk=r.case_id)
    assert case.kind == "missing" and case.person_id == managed.pk
    assert Task.objects.filter(case=case).exists()


def test_visit_validation_names_fields(managed, officer):
    with pytest.raises(ValidationFailed) as exc:
        visit_record(officer, managed.pk, {"visited_at": "2030-01-01T09:00:00Z", "outcome": "maybe"})
    assert {"visited_at", "outcome", "attended_by"} <= set(exc.value.errors)


def test_policy_is_a_force_admins_and_no_change_writes_nothing(force_admin, supervisor, managed):
    with pytest.raises(Forbidden):
        policy_set(supervisor, None, {"kind": "individual"})
    adopted = policy_set(force_admin, None, {"kind": "fixed"})  # the defaults, adopted: the force's go-live
    assert adopted is not None and adopted.kind == "fixed"
    assert policy_set(force_admin, None, {"kind": "fixed"}) is None
    row = policy_set(force_admin, None, {"kind": "individual", "benchmark": 40})
    assert row is not None and row.benchmark == 40
    assert policy_set(force_admin, None, {"benchmark": 40}) is None
    assert Person.objects.filter(pk=managed.pk).exists()


def test_caseload_today_in_the_database_matches_the_history(managed, officer, supervisor, make_doc, frozen):
    """Today's caseload is counted from the stored outcome in aggregate queries, a past date's from the duties
    evaluated from the history: on the same facts they agree."""
    from tether.management.selectors import caseload
    from tether.register.services import person_create

    waiting = person_create(officer, make_doc(ni_number="AB123457C"))
    risk_level_set(officer, waiting.pk, {"level": "very_high", "reason": "Recorded at the first review"})
    frozen.move_to("2025-07-20T09:00:00Z")
    today = {r.name: r for r in caseload(supervisor, None, date(2025, 7, 20))}
    mine = today[officer.get_full_name() or officer.username]
    assert (mine.registrants, mine.weighted, mine.visits_overdue, mine.assessments_overdue) == (1, 2.0, 1, 1)
    queue = today["Unassigned (unit queue)"]
    assert (queue.registrants, queue.weighted) == (1, 3.0)
    frozen.move_to("2025-07-21T09:00:00Z")  # the same date read as a past date: evaluated from the history
    past = {r.name: r for r in caseload(supervisor, None, date(2025, 7, 20))}
    assert [vars(r) for r in past.values()] == [vars(r) for r in today.values()]
