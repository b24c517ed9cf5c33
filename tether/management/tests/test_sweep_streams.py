"""The sweep's management step a batch at a time on two connections at once (PostgreSQL; SQLite one after another):
the same missed visits, tasks and chained events either way. Real transactions and threads."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from tether.audit.models import AuditEvent
from tether.audit.selectors import verify_chain
from tether.casework.models import Breach, Task
from tether.casework.services import sweep
from tether.management import sweep as management_sweep
from tether.management.rules import DUTY_KINDS
from tether.management.services import manager_assign, risk_level_set, visit_record
from tether.register.services import person_create

from .conftest import VISIT_DUE

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 5


def test_missed_visits_are_recorded_once_each_over_two_connections(officer, supervisor, make_doc, frozen,
                                                                  monkeypatch):
    for i in range(PEOPLE):
        person = person_create(officer, make_doc(ni_number=f"AB1234{i:02d}C"))
        risk_level_set(officer, person.pk, {"level": "high", "source": "arms", "reason": "ARMS-informed review 2024",
                                            "valid_from": "2024-01-10"})
        visit_record(officer, person.pk, {"visited_at": datetime(2025, 3, 16, 18, 30, tzinfo=UTC).isoformat(),
                                          "attended_by": "PC 1234", "outcome": "seen"})
        manager_assign(supervisor, person.pk, {"manager": officer.username})
    monkeypatch.setattr(management_sweep, "BATCH", 2)
    threads = []
    jit_off = management_sweep.jit_off
    monkeypatch.setattr(management_sweep, "jit_off", lambda: (threads.append(threading.get_ident()), jit_off()))
    frozen.move_to("2025-06-17T06:00:00+01:00")  # the morning after the visits fell due
    summary = sweep()["management"]
    duties = Breach.objects.filter(kind__in=DUTY_KINDS)
    assert summary["new_breaches"] == summary["tasks_created"] == duties.count() >= PEOPLE
    assert Task.objects.filter(breach__in=duties).count() == duties.count()
    visits = Breach.objects.filter(kind="home_visit")
    assert visits.count() == PEOPLE and set(visits.values_list("due", flat=True)) == {VISIT_DUE}
    assert Task.objects.filter(breach__in=visits).count() == PEOPLE
    events = AuditEvent.objects.filter(action="compliance.breach", detail__kind__in=DUTY_KINDS)
    assert events.count() == duties.count() and not events.filter(seq__isnull=True).exists()
    assert verify_chain().ok
    if connection.vendor == "postgresql":  # the recording's batches on two other threads (and any re-evaluation's)
        assert len(threads) >= 2 and threading.get_ident() not in threads
    else:
        assert threads == []
    assert sweep()["management"]["new_breaches"] == 0
