"""A registrant in the community (released 1 July 2020) with a high risk level and a home visit last made on
16 March 2025: the next visit's last day is Monday 16 June 2025, the day the test clock starts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from tether.management.services import manager_assign, risk_level_set, visit_record
from tether.register.models import Person
from tether.register.services import person_create

VISIT_DUE = date(2025, 6, 16)


@pytest.fixture
def managed(officer, supervisor, make_doc, frozen) -> Person:
    person = person_create(officer, make_doc())
    risk_level_set(officer, person.pk, {"level": "high", "source": "arms", "reason": "ARMS-informed review 2024",
                                        "valid_from": "2024-01-10"})
    visit_record(officer, person.pk, {"visited_at": datetime(2025, 3, 16, 18, 30, tzinfo=UTC).isoformat(),
                                      "attended_by": "PC 1234", "outcome": "seen"})
    manager_assign(supervisor, person.pk, {"manager": officer.username})
    person.refresh_from_db()
    return person


def visit(**kw: Any) -> dict[str, Any]:
    return {"visited_at": "2025-06-16T09:00:00+00:00", "attended_by": "PC 1234 and PC 5678", "outcome": "seen", **kw}
