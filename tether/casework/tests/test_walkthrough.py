"""One registrant, start to finish, on a frozen clock: a missed annual notification, the breach and its
task, a missing case that becomes wanted, PNC circulation, partners informed, an SIO, reviews, a media
decision with its approval, closure, reopening and closure again. The sweep re-runs at every step and
never duplicates anything."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tether.audit.models import AuditEvent
from tether.casework.case_selectors import case_timeline, cases_open_on, open_cases
from tether.casework.case_services import case_close, case_record_action, case_reopen, case_transition
from tether.casework.constants import TaskKind, TaskState
from tether.casework.models import Breach, Case, CaseState, Task
from tether.casework.selectors import my_tasks, sla_breaches
from tether.casework.services import sweep, task_complete
from tether.core.errors import Forbidden, ValidationFailed
from tether.register.models import RegisterState

from .conftest import DUE, at

pytestmark = pytest.mark.django_db


def open_kinds(case: Case) -> dict[str, date]:
    return {t.kind: t.due_on for t in Task.objects.filter(case=case, state=TaskState.OPEN)}


def test_missed_annual_notification_to_closure(registrant, officer, supervisor, inspector, frozen):
    # Due on Friday 20 June: nothing is overdue that day.
    assert sweep(as_of=DUE)["new_breaches"] == 0

    # Saturday 21 June: overdue. One breach, one task for the offender manager, due the same day.
    frozen.move_to(at(DUE + timedelta(days=1)))
    first = sweep()
    assert first["new_breaches"] == 1 and first["tasks_created"] == 1 and first["people_checked"] == 1
    breach = Breach.objects.get()
    assert (breach.kind, breach.due, breach.detected_on) == ("periodic", DUE, date(2025, 6, 21))
    task = Task.objects.get()
    assert task.kind == TaskKind.ESTABLISH_COMPLIANCE and task.assignee == officer
    assert task.due_on == date(2025, 6, 21) and task.breach == breach
    assert [t["id"] for t in my_tasks(officer)] == [task.pk]
    assert AuditEvent.objects.filter(action="compliance.breach", object_id=str(registrant.pk)).count() == 1

    # The sweep again, the same day and the next: nothing new; the task is now past its deadline.
    assert sweep()["new_breaches"] == 0
    frozen.move_to(at(date(2025, 6, 23)))
    again = sweep()
    assert again["new_breaches"] == again["tasks_created"] == 0 and again["tasks_past_deadline"] == 1
    assert [r["id"] for r in sla_breaches(officer)] == [task.pk]

    # Not complied: "complied late" is refused while the notification is still missing.
    with pytest.raises(ValidationFailed) as exc:
        task_complete(officer, task.pk, "complied_late")
    assert "still not met" in str(exc.value)
    with pytest.raises(ValidationFailed):
        task_complete(officer, task.pk, "whereabouts_unknown", "short")

    # Whereabouts unknown: a missing case with the playbook's tasks.
    task_complete(officer, task.pk, "whereabouts_unknown", "Visited twice, neighbours say he left in May.")
    case = Case.objects.get()
    assert case.kind == "missing" and case.opened_on == date(2025, 6, 23)
    assert RegisterState.objects.get(person=registrant).status == "missing"
    breach.refresh_from_db()
    assert breach.case == case
    assert open_kinds(case) == {
        TaskKind.PNC_CIRCULATION: date(2025, 6, 24), TaskKind.PROBATION_INFORMED: date(2025, 6, 24),
        TaskKind.MAPPA_INFORMED: date(2025, 6, 24), TaskKind.SIO_ASSIGNED: date(2025, 6, 24),
        TaskKind.CASE_REVIEW: date(2025, 7, 21), TaskKind.MEDIA_DECISION: date(2025, 6, 30),
    }
    pnc_task = Task.objects.get(case=case, kind=TaskKind.PNC_CIRCULATION)
    assert pnc_task.due_at == at(date(2025, 6, 24))  # 24 hours

    # PNC circulation needs its reference; then it completes the task within the 24 hours.
    with pytest.raises(ValidationFailed) as exc:
        case_record_action(officer, case.pk, "pnc_circulation", {})
    assert "reference" in exc.value.errors
    frozen.move_to(at(date(2025, 6, 23), 15))
    case_record_action(officer, case.pk, "pnc_circulation", {"reference": "25/123456X"})
    case_record_action(officer, case.pk, "probation_informed", {"contact": "NPS London, duty SPO"})
    case_record_action(officer, case.pk, "mappa_informed")
    # The SIO must be an inspector or above.
    with pytest.raises(ValidationFailed) as exc:
        case_record_action(officer, case.pk, "sio_assigned", {"sio": officer.username})
    assert "inspector" in exc.value.errors["sio"][0]
    case_record_action(officer, case.pk, "sio_assigned", {"sio": inspector.username})
    case.refresh_from_db()
    assert case.sio == inspector and case.pnc_reference == "25/123456X"
    assert set(open_kinds(case)) == {TaskKind.CASE_REVIEW, TaskKind.MEDIA_DECISION}

    # A warrant: now wanted (and a fresh PNC task to circulate as wanted); then believed abroad.
    frozen.move_to(at(date(2025, 6, 25)))
    case_transition(officer, case.pk, "warrant", {"warrant_on": "2025-06-25"})
    assert RegisterState.objects.get(person=registrant).status == "wanted"
    case_record_action(officer, case.pk, "pnc_circulation", {"reference": "25/123456X/W"})
    case_transition(officer, case.pk, "abroad", {"note": "Intelligence: flew to Alicante on 2 June."})
    assert open_kinds(case)[TaskKind.ABROAD_REVIEW] == date(2025, 9, 23)  # 90 days

    # Media decision: a written risk assessment, then a supervisor's approval (not the author's).
    with pytest.raises(ValidationFailed) as exc:
        case_record_action(officer, case.pk, "media_decision", {"decision": "appeal", "vigilante_risk": "low"})
    assert {"vigilante_risk", "victim_impact", "public_risk"} <= set(exc.value.errors)
    decision = case_record_action(officer, case.pk, "media_decision", {
        "decision": "no_appeal",
        "vigilante_risk": "High: previous address was targeted in 2021 after local rumours.",
        "victim_impact": "Victim lives in the same borough; naming would identify her.",
        "public_risk": "Believed abroad; port alerts and Interpol diffusion in place instead.",
    })
    assert TaskKind.MEDIA_DECISION in open_kinds(case)
    with pytest.raises(Forbidden):
        case_record_action(officer, case.pk, "media_approval", {"decision": decision.pk, "approved": True})
    case_record_action(supervisor, case.pk, "media_approval", {"decision": decision.pk, "approved": True})
    assert TaskKind.MEDIA_DECISION not in open_kinds(case)

    # 28-day review, done on 18 July: the next falls 28 days later.
    frozen.move_to(at(date(2025, 7, 18)))
    case_record_action(officer, case.pk, "case_review", {"note": "Enquiries with DWP and HMRC: no trace."})
    assert open_kinds(case)[TaskKind.CASE_REVIEW] == date(2025, 8, 15)
    case_record_action(officer, case.pk, "abroad_review", {"note": "Spanish liaison officer: no trace yet."})
    assert open_kinds(case)[TaskKind.ABROAD_REVIEW] == date(2025, 10, 16)  # 90 days after this review
    assert sweep()["new_breaches"] == 0  # still overdue, already breached, on an open case

    # Open on a date is a query over the state intervals.
    assert list(cases_open_on(date(2025, 6, 22))) == []
    assert list(cases_open_on(date(2025, 6, 23))) == [case]
    rows = open_cases(officer)
    assert rows[0]["missing_since"] == date(2025, 6, 23) and rows[0]["days_missing"] == 25
    assert rows[0]["state"] == "wanted" and rows[0]["believed_abroad"] is True

    # Returned to the UK and arrested at the airport on 1 August: closed; open tasks cancelled.
    frozen.move_to(at(date(2025, 8, 1)))
    case_close(officer, case.pk, "arrested", {"note": "Arrested at Gatwick on the warrant."})
    case.refresh_from_db()
    assert case.closed_on == date(2025, 8, 1) and case.outcome == "arrested"
    assert open_kinds(case) == {}
    assert RegisterState.objects.get(person=registrant).status == "active"
    assert list(cases_open_on(date(2025, 8, 1))) == [] and list(cases_open_on(date(2025, 7, 31))) == [case]

    # Reopened (recorded with a reason) and closed again.
    frozen.move_to(at(date(2025, 9, 1)))
    with pytest.raises(ValidationFailed):
        case_reopen(officer, case.pk, "")
    case_reopen(officer, case.pk, "Bailed, then failed to return to the notified address.")
    assert RegisterState.objects.get(person=registrant).status == "missing"
    assert TaskKind.SIO_ASSIGNED not in open_kinds(case)  # the SIO stays
    assert open_cases(officer)[0]["missing_since"] == date(2025, 9, 1)
    frozen.move_to(at(date(2025, 9, 5)))
    case_close(officer, case.pk, "located")

    states = list(CaseState.objects.filter(case=case).order_by("valid_from", "id").values_list("state", "event"))
    assert states == [("missing", "open_missing"), ("wanted", "warrant"), ("wanted", "abroad"),
                      ("closed", "close"), ("missing", "reopen"), ("closed", "close")]
    assert [d for d in (date(2025, 8, 15), date(2025, 9, 2), date(2025, 9, 5)) if
            cases_open_on(d).exists()] == [date(2025, 9, 2)]
    timeline = case_timeline(officer, case.pk)
    kinds = [e["type"] for e in timeline["entries"]]
    assert kinds.count("state") == 6 and "breach" in kinds and "action" in kinds
    assert [e["on"] for e in timeline["entries"]] == sorted(e["on"] for e in timeline["entries"])

    # Nothing was ever duplicated.
    assert sweep()["new_breaches"] == 0
    assert Breach.objects.count() == 1 and Case.objects.count() == 1
    assert Task.objects.filter(kind=TaskKind.ESTABLISH_COMPLIANCE).count() == 1
    for action in ("case.open", "case.warrant", "case.abroad", "case.close", "case.reopen",
                   "case.action.pnc_circulation", "case.action.media_approval", "task.complete"):
        assert AuditEvent.objects.filter(action=action).exists(), action
