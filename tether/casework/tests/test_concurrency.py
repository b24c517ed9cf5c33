"""The sweep twice at once: one run waits for the other, and nothing is duplicated (SQLite and PostgreSQL).
Real transactions and two threads, each with its own database connection."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import date

import pytest
from django.db import connection, connections

from tether.casework import services
from tether.casework.models import Breach, SweepRun, Task
from tether.casework.services import sweep
from tether.register.services import person_create

from .conftest import yearly_doc

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = date(2025, 6, 21)
PEOPLE = 6


def _make_people(officer, make_doc):
    for i in range(PEOPLE):
        person_create(officer, yearly_doc(make_doc, ni_number=f"AB1234{i:02d}C"))


def _twice_at_once(**kwargs):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(sweep(as_of=AS_OF, **kwargs))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def test_two_sweeps_at_once_record_each_breach_once(officer, make_doc, frozen):
    _make_people(officer, make_doc)
    results = _twice_at_once()
    assert sorted(r["new_breaches"] for r in results) == [0, PEOPLE]
    assert sorted(r["tasks_created"] for r in results) == [0, PEOPLE]
    assert Breach.objects.count() == PEOPLE and Task.objects.count() == PEOPLE
    assert SweepRun.objects.filter(finished_at__isnull=False).count() == 2


@contextmanager
def _no_lock():
    yield


def test_without_the_lock_the_constraint_still_stops_duplicates(officer, make_doc, frozen, monkeypatch):
    """Belt and braces: even with the lock switched off, a breach and its task are stored once."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers itself; in-memory shared-cache tables refuse concurrent writers")
    _make_people(officer, make_doc)
    monkeypatch.setattr(services, "job_lock", _no_lock)
    results = _twice_at_once(reevaluate=False)
    assert sum(r["new_breaches"] for r in results) == PEOPLE
    assert Breach.objects.count() == PEOPLE and Task.objects.count() == PEOPLE


@pytest.mark.parametrize("reevaluate", [True, False])
def test_the_sweep_spreads_its_batches_over_two_connections(officer, make_doc, frozen, monkeypatch, reevaluate):
    """On PostgreSQL the re-evaluations (each batch with the recording of what its people now have overdue) and the
    recording of the others found overdue run a batch at a time on two connections at once (``core.streams``); on
    SQLite one after another. The same breaches, tasks and chained events either way. Re-evaluated, everyone's breach
    is recorded in the re-evaluation's batches; without it (``reevaluate=False``), in the recording's."""
    from tether.audit.models import AuditEvent
    from tether.audit.selectors import verify_chain

    _make_people(officer, make_doc)
    threads = []
    jit_off = services.jit_off
    monkeypatch.setattr(services, "jit_off", lambda: (threads.append(threading.get_ident()), jit_off()))
    seen = []
    summary = sweep(as_of=AS_OF, batch=2, progress=lambda done, total: seen.append((done, total)),
                    reevaluate=reevaluate)
    assert summary["reevaluated_due_to_time"] == (PEOPLE if reevaluate else 0)
    assert summary["new_breaches"] == summary["tasks_created"] == summary["people_with_new_breaches"] == PEOPLE
    assert Breach.objects.count() == Task.objects.count() == PEOPLE
    assert set(Task.objects.values_list("breach__person_id", flat=True)) == set(
        Breach.objects.values_list("person_id", flat=True))
    events = AuditEvent.objects.filter(action="compliance.breach")
    assert events.count() == PEOPLE and not events.filter(seq__isnull=True).exists()
    assert verify_chain().ok
    assert seen[0] == (0, PEOPLE) and seen[-1] == (PEOPLE, PEOPLE) and seen == sorted(seen)
    if connection.vendor == "postgresql":  # this thread, then two others for the step with batches to do
        assert len(threads) == 3 and threads[0] == threading.get_ident() and threading.get_ident() not in threads[1:]
    else:
        assert threads == []
    assert sweep(as_of=AS_OF, batch=2)["new_breaches"] == 0


def test_recompute_with_worker_processes(officer, make_doc, frozen):
    from tether.casework.services import recompute
    from tether.register.models import RegisterState

    if connection.vendor == "sqlite":
        pytest.skip("worker processes need a database file or server; the SQLite test database is in memory")
    _make_people(officer, make_doc)
    RegisterState.objects.update(rules_version="old")
    summary = recompute(batch=2, workers=2)
    assert summary["people"] == PEOPLE and summary["workers"] == 2
    assert not RegisterState.objects.filter(rules_version="old").exists()
    run = SweepRun.objects.get(kind="recompute")
    assert run.done == PEOPLE and run.finished_at is not None


def test_two_digests_at_once_send_once(officer, supervisor, make_doc, frozen):
    """The digest's lock: the second run waits, then finds the day's run recorded and sends nothing."""
    from django.core import mail

    from tether.casework.digest import run_digest

    _make_people(officer, make_doc)
    officer.email = "officer@example.police.uk"
    officer.save(update_fields=["email"])
    supervisor.email = "supervisor@example.police.uk"
    supervisor.save(update_fields=["email"])
    sweep(as_of=AS_OF)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(run_digest(AS_OF))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(r["already_sent"] for r in results) == [False, True]
    assert len(mail.outbox) == sum(r["sent"] for r in results) >= 1
