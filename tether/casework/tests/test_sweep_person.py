"""The per-person sweep: every register write (web, API, import, CLI) sweeps the people it wrote in the same
transaction, so their breaches, tasks and overdue state are current within the request."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from tether.access.testing import verified_login
from tether.audit.models import AuditEvent
from tether.casework.constants import Outcome, TaskKind, TaskState
from tether.casework.locks import job_lock
from tether.casework.models import Breach, Task
from tether.casework.selectors import force_overdue
from tether.casework.services import PERSON_SWEEP, sweep, sweep_people, task_complete
from tether.register.jsonl import import_jsonl, json_line
from tether.register.models import Person
from tether.register.services import address_record, notification_record, person_create

from .conftest import yearly_doc

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 16)  # the frozen clock
CAUTIONED = "2025-06-01"  # initial notification due within 3 days: overdue since 5 June


def overdue_doc(make_doc, **overrides):
    """Cautioned on 1 June 2025 and never notified: the initial notification is already overdue."""
    return make_doc(disposals=[{"date": CAUTIONED, "offence": "Exposure (synthetic)", "kind": "caution"}],
                    detentions=[], notifications=[], **overrides)


def _initial_breach(person):
    return Breach.objects.get(person=person, kind="initial")


def test_a_new_registrant_already_overdue_is_on_the_overdue_list_at_once(officer, make_doc, frozen):
    person = person_create(officer, overdue_doc(make_doc))
    breach = _initial_breach(person)
    assert breach.detected_on == TODAY and breach.run is None
    task = Task.objects.get(person=person)
    assert task.kind == TaskKind.ESTABLISH_COMPLIANCE and task.breach == breach and task.state == TaskState.OPEN
    rows = [r for r in force_overdue(officer) if r["person_id"] == person.pk]
    assert [(r["kind"], r["breach_id"]) for r in rows] == [("initial", breach.pk)]
    event = AuditEvent.objects.get(action="compliance.breach", object_id=str(person.pk))
    assert event.actor_label == PERSON_SWEEP


def test_the_overdue_page_no_longer_says_not_swept_yet(officer, make_doc, frozen):
    person = person_create(officer, overdue_doc(make_doc))
    client = Client()
    verified_login(client, officer)
    page = client.get("/compliance/overdue/").content.decode()
    assert person.reference in page
    assert "Not swept yet" not in page and "Found 16 June 2025" in page


def test_recording_the_notification_updates_the_state_at_once(officer, make_doc, frozen):
    person = person_create(officer, overdue_doc(make_doc))
    task = Task.objects.get(person=person)
    with pytest.raises(Exception, match="record the notification first"):
        task_complete(officer, task.pk, Outcome.COMPLIED_LATE)
    notification_record(officer, person.pk, {"kind": "initial", "station": "Charing Cross Police Station"})
    assert not [r for r in force_overdue(officer) if r["person_id"] == person.pk]  # met: off the overdue list
    assert Breach.objects.filter(person=person).count() == 1  # the breach stays: it happened
    done = task_complete(officer, task.pk, Outcome.COMPLIED_LATE)  # the officer can close it straight away
    assert done.state == TaskState.DONE
    assert sweep()["new_breaches"] == 0  # the nightly sweep finds nothing left to do


def test_a_change_with_nothing_overdue_writes_no_sweep(officer, make_doc, frozen):
    person = person_create(officer, yearly_doc(make_doc))  # next notification due on 20 June: not yet overdue
    events = AuditEvent.objects.count()
    address_record(officer, person.pk, {"kind": "other", "line1": "2 Synthetic Street", "town": "London",
                                        "postcode": "SW1A 2AA", "valid_from": "2025-06-16"})
    assert not Breach.objects.exists() and not Task.objects.exists()
    assert [e.action for e in AuditEvent.objects.order_by("seq")[events:]] == [
        "person.write", "person.address_record"]  # the guard's read and the change: no sweep
    overdue = person_create(officer, overdue_doc(make_doc, ni_number="AB654321C"))
    events = AuditEvent.objects.count()
    assert sweep_people([overdue.pk]) == {"new_breaches": 0, "tasks_created": 0, "breaches_on_open_cases": 0}
    assert AuditEvent.objects.count() == events  # swept already: nothing written the second time


def test_it_does_not_wait_for_a_running_sweep_and_nothing_is_duplicated(officer, make_doc, frozen):
    with job_lock():  # a nightly sweep holds the lock: a change still goes through, swept at once
        person = person_create(officer, overdue_doc(make_doc))
    assert Breach.objects.filter(person=person).count() == 1
    summary = sweep()
    assert summary["new_breaches"] == 0 and summary["tasks_created"] == 0
    assert Task.objects.filter(person=person).count() == 1


def test_the_api_sweeps_the_new_registrant(officer, make_doc, frozen, api_client):
    doc = overdue_doc(make_doc)
    for key in ("force", "synthetic", "notifications"):
        doc.pop(key)
    api = api_client(officer)
    r = api.post("/api/v1/people", doc, content_type="application/json")
    assert r.status_code == 201, r.content
    rows = api.get("/api/v1/breaches").json()["results"]
    assert [(row["kind"], row["breach_id"] is not None) for row in rows] == [("initial", True)]


def test_an_import_sweeps_every_person_it_wrote(officer, make_doc, frozen):
    lines = [json_line(overdue_doc(make_doc, ni_number=f"AB1234{i:02d}C")) for i in range(3)]
    lines.append(json_line(yearly_doc(make_doc, ni_number="AB123499C")))
    import_jsonl(lines, actor_label="test")
    assert Breach.objects.count() == 3 and Task.objects.count() == 3
    assert Person.objects.count() == 4


def test_the_cli_import_sweeps_too(make_doc, frozen, tmp_path, db):
    from typer.testing import CliRunner

    from tether.cli import app

    path = tmp_path / "people.jsonl"
    path.write_text(json.dumps(overdue_doc(make_doc)) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert Breach.objects.get().kind == "initial" and Task.objects.count() == 1


def test_two_records_of_one_person_both_breached_can_still_be_merged(officer, supervisor, make_doc, frozen):
    """Swept at once, two records of one person each hold a breach of the same obligation: the merge keeps the
    merged record's copy on the pointer (nothing deleted) instead of refusing."""
    from tether.identity.services import merge_people

    a = person_create(officer, overdue_doc(make_doc))
    names = [{"kind": "birth", "given_names": "Alun", "family_name": "Testpersen", "valid_from": "1980-04-02"}]
    b = person_create(officer, overdue_doc(make_doc, names=names, ni_number="", pnc_id=""))
    kept = _initial_breach(b)
    merge_people(supervisor, a.pk, b.pk, reason="Fingerprints on both custody records agree")
    assert _initial_breach(a) != kept and Breach.objects.get(pk=kept.pk).person_id == b.pk
    assert Task.objects.filter(person=a).count() == 2  # both tasks reach the survivor's officers
