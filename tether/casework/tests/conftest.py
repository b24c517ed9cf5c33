"""A registrant whose annual notification falls due on Friday 20 June 2025 (the clock starts Monday 16th)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from tether.access.constants import Role
from tether.access.models import Force, User
from tether.register.models import Person
from tether.register.services import person_create

DUE = date(2025, 6, 20)  # the periodic notification's last day
STATION = "Charing Cross Police Station"


def yearly_doc(make_doc: Any, **overrides: Any) -> dict[str, Any]:
    notes = [{"kind": "initial", "received_at": "2020-07-02T10:00:00Z", "station": STATION}]
    notes += [{"kind": "periodic", "received_at": f"{d}T10:00:00Z", "station": STATION}
              for d in ("2021-07-01", "2022-06-30", "2023-06-29", "2024-06-20")]
    return make_doc(notifications=notes, **overrides)


@pytest.fixture
def registrant(officer, make_doc, frozen) -> Person:
    person = person_create(officer, yearly_doc(make_doc))
    Person.objects.filter(pk=person.pk).update(offender_manager=officer)
    person.refresh_from_db()
    return person


@pytest.fixture
def inspector(db) -> User:
    return User.objects.create_user(
        username="di.mps", password="correct-horse-battery", role=Role.OFFICER,
        force=Force.objects.get(code="MPS"), rank="Detective Inspector", first_name="Dee", last_name="Eye",
    )


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)
