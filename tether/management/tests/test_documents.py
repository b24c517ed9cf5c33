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
