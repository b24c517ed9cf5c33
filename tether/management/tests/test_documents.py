"""The ``management`` section of a registrant document round-trips exactly through export and import."""

from __future__ import annotations

import io
import json

import pytest

from tether.core.errors import ValidationFailed
from tether.management.models import ManagerSpell, RiskLevelSpell, Visit
from tether.management.services import assessment_record, mappa_set, mode_set
from tether.register.jsonl import export_jsonl, import_jsonl
from tether.register.models import Person
from tether.register.services import person_create

pytestmark = pytest.mark.django_db


def test_every_management_fact_round_trips(managed, officer, supervisor):
    mappa_set(officer, managed.pk, {"category": "1", "level": "2", "lead_agency": "probation",
                                    "valid_from": "2024-02-01"})
    assessment_record(officer, managed.pk, {"tool": "arms", "assessed_on": "2025-06-01", "assessor": "DC Arms",
                                            "summary": "Two risk factors, three protective", "next_review":
                                            "2025-12-01"})
    RiskLevelSpell.objects.filter(person=managed).update(level="low", valid_from="2021-01-01")
    mode_set(supervisor, managed.pk, {"mode": "reactive", "reason": "Low since 2021, nothing new"})
    first = io.StringIO()
    export_jsonl(first)
    row = json.loads(first.getvalue())
    section = row["management"]
    assert set(section) == {"risk_levels", "assessments", "mappa", "modes", "offender_managers", "visits"}
    assert section["offender_managers"][0]["username"] == officer.username
    Person.objects.all().delete()
    import_jsonl(first.getvalue().splitlines())
    second = io.StringIO()
    export_jsonl(second)
    assert second.getvalue() == first.getvalue()
    person = Person.objects.get()
    assert person.offender_manager == officer  # the cache follows the open spell
    assert ManagerSpell.objects.filter(person=person).count() == 1 and Visit.objects.filter(person=person).exists()


def test_a_bad_section_names_the_field(officer, make_doc, frozen):
    doc = make_doc(management={"visits": [{"visited_at": "2025-01-01T10:00:00Z", "attended_by": "PC 1",
                                           "outcome": "maybe"}],
                               "offender_managers": [{"username": "nobody", "valid_from": "2024-01-01"}]})
    with pytest.raises(ValidationFailed) as exc:
        person_create(officer, doc)
    assert {"management.visits[0].outcome", "management.offender_managers[0].username"} <= set(exc.value.errors)


def test_every_management_fact_with_its_history_round_trips_byte_for_byte(managed, officer, supervisor):
    """Every kind of management record (risk levels, assessments of each tool, MAPPA, modes with plans, offender
    managers with a handover, visits of each kind, intelligence), each interval with its history (a closed one and
    the open one), texts over several lines and beyond ASCII: exported, the register emptied, imported and
    exported again gives the same bytes, and the same stored outcome (duties and their reasons)."""
    from tether.management.models import ManagementState
    from tether.management.services import intelligence_record, manager_assign, risk_level_set, visit_record

    pid = managed.pk
    risk_level_set(officer, pid, {"level": "medium", "source": "rm2000", "valid_from": "2025-05-01",
                                  "reason": "RM2000/S review:\nfewer risk factors — Zoë's plan"})
    mappa_set(officer, pid, {"category": "1", "level": "2", "lead_agency": "probation", "valid_from": "2024-02-01"})
    mappa_set(officer, pid, {"category": "2", "level": "1", "lead_agency": "police", "valid_from": "2025-01-01"})
    mode_set(supervisor, pid, {"mode": "active", "plan_months": 4, "reason": "Individual plan agreed",
                               "valid_from": "2025-02-01"})
    mode_set(supervisor, pid, {"mode": "active", "plan_months": 6, "reason": "Plan reviewed",
                               "valid_from": "2025-05-02"})
    ManagerSpell.objects.filter(person=pid).update(valid_from="2025-01-02")  # assigned earlier in the year
    manager_assign(supervisor, pid, {"manager": supervisor.username, "valid_from": "2025-06-01",
                                     "handover_note": "Handed over: keys with the front desk.\nCall first."})
    for tool, on, category in (("arms", "2025-06-01", ""), ("rm2000_s", "2025-04-01", "high"),
                               ("oasys_rosh", "2025-03-01", "medium")):
        assessment_record(officer, pid, {"tool": tool, "assessed_on": on, "assessor": "DC Ash", "category": category,
                                         "summary": "Risk: 2\nProtective: 3" if tool == "arms" else "",
                                         "next_review": "2025-11-30" if tool == "arms" else ""})
    visit_record(officer, pid, {"visited_at": "2025-05-20T19:15:00+01:00", "attended_by": "PC 1 and PC 2",
                                "outcome": "refused_access", "announced": True,
                                "concerns": "Curtains drawn;\nvoices inside", "actions": "Revisit unannounced"})
    visit_record(officer, pid, {"visited_at": "2025-06-02T09:30:00+01:00", "attended_by": "PC 1",
                                "outcome": "not_at_address"})
    intelligence_record(officer, pid, {"summary": "Seen near a school gate — twice", "received_on": "2025-06-05"})
    before = dict(ManagementState.objects.filter(person=pid).values_list("person_id", "duties"))
    first = io.StringIO()
    export_jsonl(first)
    section = json.loads(first.getvalue())["management"]
    assert set(section) == {"risk_levels", "assessments", "mappa", "modes", "offender_managers", "visits",
                            "intelligence"}
    for key in ("risk_levels", "mappa", "modes", "offender_managers"):
        assert len(section[key]) == 2 and section[key][0]["valid_to"] and section[key][1]["valid_to"] is None, key
    assert len(section["assessments"]) == 3 and len(section["visits"]) == 3 and len(section["intelligence"]) == 1
    Person.objects.all().delete()
    import_jsonl(first.getvalue().splitlines())
    second = io.StringIO()
    export_jsonl(second)
    assert second.getvalue() == first.getvalue()
    after = dict(ManagementState.objects.values_list("person_id", "duties"))
    assert after == before and after[pid]
