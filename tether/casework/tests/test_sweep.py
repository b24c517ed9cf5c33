"""The sweep and the full re-materialisation."""

from __future__ import annotations

from datetime import date

import pytest

from tether.audit.models import AuditEvent
from tether.casework.case_services import case_open
from tether.casework.constants import TaskKind
from tether.casework.models import Breach, SweepRun, Task
from tether.casework.services import recompute, sweep
from tether.core.errors import ValidationFailed
from tether.register.models import Person, PersonObligation, RegisterState
from tether.register.services import person_create

from .conftest import DUE, yearly_doc

pytestmark = pytest.mark.django_db

AFTER = date(2025, 6, 21)


def test_summary_and_progress(registrant):
    seen = []
    summary = sweep(as_of=AFTER, progress=lambda done, total: seen.append((done, total)))
    assert {k: summary[k] for k in ("people_checked", "new_breaches", "tasks_created", "tasks_past_deadline")} == {
        "people_checked": 1, "new_breaches": 1, "tasks_created": 1, "tasks_past_deadline": 0}
    assert summary["as_of"] == "2025-06-21" and summary["force"] is None
    assert {"reevaluate_due_to_time", "find", "record", "case_reviews", "step_management"} <= set(
        summary["phase_seconds"])
    assert seen == [(0, 1), (1, 1)]
    run = SweepRun.objects.get(pk=summary["run_id"])
    assert run.finished_at is not None and run.summary["new_breaches"] == 1
    assert AuditEvent.objects.filter(action="compliance.sweep").count() == 1


def test_no_offender_manager_goes_to_the_force_queue(officer, make_doc, frozen):
    person_create(officer, yearly_doc(make_doc))
    sweep(as_of=AFTER)
    task = Task.objects.get()
    assert task.assignee is None and task.force.code == "MPS"


def test_force_filter(officer, other_officer, make_doc, frozen, registrant):
    gmp = person_create(other_officer, yearly_doc(make_doc, force="GMP", ni_number="AB654321C"))
    summary = sweep(as_of=AFTER, force_code="gmp")
    assert summary["force"] == "GMP" and summary["new_breaches"] == 1 and summary["people_checked"] == 1
    assert list(Breach.objects.values_list("person_id", flat=True)) == [gmp.pk]
    assert sweep(as_of=AFTER)["new_breaches"] == 1  # now MPS
    with pytest.raises(ValidationFailed):
        sweep(as_of=AFTER, force_code="NOPE")


def test_breach_on_an_open_case_joins_it_without_a_task(officer, registrant):
    case = case_open(officer, registrant.pk)
    summary = sweep(as_of=AFTER)
    assert summary["new_breaches"] == 1 and summary["breaches_on_open_cases"] == 1 and summary["tasks_created"] == 0
    assert Breach.objects.get().case == case
    assert not Task.objects.filter(kind=TaskKind.ESTABLISH_COMPLIANCE).exists()


def test_candidates_are_re_evaluated_before_a_breach(officer, make_doc, frozen):
    """The stored state said 'open and due'; the law on the sweep date says the registration ended."""
    doc = yearly_doc(make_doc, disposals=[{"date": "2023-06-01", "offence": "Exposure (synthetic)",
                                           "kind": "caution"}], detentions=[])
    doc["notifications"] = [{"kind": "initial", "received_at": "2023-06-02T10:00:00Z", "station": "X"},
                            {"kind": "periodic", "received_at": "2024-06-01T10:00:00Z", "station": "X"}]
    person = person_create(officer, doc)  # caution: 2 years, ends 31 May 2025
    PersonObligation.objects.filter(person=person).update(open=True)  # pretend the stored state is stale
    RegisterState.objects.filter(person=person).update(next_due=date(2025, 6, 1), evaluated_on=date(2025, 1, 1))
    summary = sweep(as_of=date(2025, 6, 16))
    assert summary["reevaluated"] == 1 and summary["new_breaches"] == 0
    assert RegisterState.objects.get(person=person).subject is False
    assert sweep(as_of=date(2025, 6, 16))["reevaluated"] == 0  # nothing overdue is left to re-check


def test_two_overdue_obligations_are_two_breaches_and_two_tasks(officer, registrant):
    from tether.register.services import name_record

    name_record(officer, registrant.pk, {"kind": "current", "given_names": "Alan", "family_name": "Other",
                                         "valid_from": "2025-06-10"})
    # the change notification was due by 13 June: the change itself swept the person (breach and task at once)
    assert list(Breach.objects.values_list("kind", "detected_on")) == [("change", date(2025, 6, 16))]
    summary = sweep(as_of=AFTER)
    assert summary["new_breaches"] == 1 and summary["tasks_created"] == 1
    assert set(Breach.objects.values_list("kind", flat=True)) == {"periodic", "change"}
    assert Task.objects.count() == 2
    assert sweep(as_of=AFTER)["new_breaches"] == 0


def test_recompute_in_batches_resumes_after_an_interruption(officer, make_doc, frozen):
    for i in range(5):
        person_create(officer, yearly_doc(make_doc, ni_number=f"AB1234{i:02d}C"))
    RegisterState.objects.update(rules_version="old")

    class Stop(Exception):
        pass

    def stop_after_two(done, total):
        if done >= 4:
            raise Stop

    with pytest.raises(Stop):
        recompute(as_of=date(2025, 6, 16), batch=2, progress=stop_after_two)
    run = SweepRun.objects.get(kind="recompute")
    assert run.finished_at is None and run.done == 4
    assert RegisterState.objects.filter(rules_version="old").count() == 1
    seen = []
    summary = recompute(as_of=date(2030, 1, 1), batch=2, progress=lambda d, t: seen.append((d, t)))
    assert summary["resumed"] is True and summary["as_of"] == "2025-06-16"  # the run's own date
    assert summary["people"] == 5 and summary["this_run"] == 1 and seen[-1] == (5, 5)
    assert not RegisterState.objects.filter(rules_version="old").exists()
    fresh = recompute(batch=10, resume=True)
    assert fresh["resumed"] is False and fresh["people"] == 5
    assert AuditEvent.objects.filter(action="compliance.recompute").count() == 2
    assert Person.objects.count() == 5


def test_recompute_without_resume_abandons_the_unfinished_run(officer, make_doc, frozen):
    person_create(officer, yearly_doc(make_doc))
    SweepRun.objects.create(kind="recompute", as_of=date(2025, 1, 1), started_at=frozen_now(), checkpoint="")
    summary = recompute(resume=False)
    assert summary["resumed"] is False and summary["as_of"] == "2025-06-16"
    assert SweepRun.objects.filter(kind="recompute", abandoned=True).count() == 1


def frozen_now():
    from tether.core import clock

    return clock.now()


def test_sweep_then_due_is_the_same_day(registrant):
    assert sweep(as_of=DUE)["people_checked"] == 0


def test_the_command_checks_its_arguments(registrant):
    from tether.casework.commands import run_sweep

    with pytest.raises(ValidationFailed):
        run_sweep(as_of="16/06/2025")
    with pytest.raises(ValidationFailed):
        run_sweep(recompute_all=True, force="MPS")
    assert run_sweep(as_of="2025-06-21", force="MPS")["new_breaches"] == 1
    assert run_sweep(recompute_all=True)["recompute"]["people"] == 1


def test_only_possibly_stale_candidates_are_re_evaluated(registrant):
    assert sweep(as_of=AFTER)["reevaluated"] == 0  # same rules, registration running: the stored state holds
    Breach.objects.all().delete()
    RegisterState.objects.update(rules_version="old")
    summary = sweep(as_of=AFTER)
    assert summary["reevaluated"] == 1 and summary["new_breaches"] == 1
    assert RegisterState.objects.get().evaluated_on == AFTER


ODD_TEXT = ['plain', '', 'NULL', 'a "quoted" word', 'back\\slash', '{braces}, commas', "O'Neil", 'naïve – ✓', ' pad ']


def test_array_literal_round_trips_every_value_the_sweep_sends():
    """``insert_returning`` sends each column as one array literal: what comes back out is what went in."""
    import uuid
    from datetime import UTC, datetime

    from django.db import connection

    from tether.core.arrays import array_literal

    assert array_literal([None, True, 3, "a\"b\\c"]) == '{NULL,t,3,"a\\"b\\\\c"}'  # only text is quoted
    with pytest.raises(TypeError):
        array_literal([1.5])
    if connection.vendor != "postgresql":
        return
    at = datetime(2025, 6, 21, 9, 30, 15, 123456, tzinfo=UTC)
    pid = uuid.UUID("00000000-0000-7000-8000-00000000002a")
    columns = [([*ODD_TEXT, None], "text"), ([date(2025, 6, 21), None], "date"),
               ([at, None], "timestamp with time zone"), ([0, -7, 2**40, None], "bigint"),
               ([pid, None], "uuid"), ([True, False, None], "boolean")]
    with connection.cursor() as cur:
        for values, kind in columns:
            cur.execute(f"SELECT unnest(%s::{kind}[])", [array_literal(values)])
            assert [row[0] for row in cur.fetchall()] == values, kind
