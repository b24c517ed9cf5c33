""""Past its deadline" is decided in one place (``casework.models``): a task with an exact deadline (``due_at``,
PNC circulation within 24 hours) is late once that instant has passed, any other once its last day is before today;
task lists, the digest, case lists, the sweep and the completion audit agree."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tether.casework.case_selectors import open_cases
from tether.casework.constants import TaskKind, TaskState
from tether.casework.digest import build_digests
from tether.casework.models import Task, deadline_instant, done_late, is_late, past_deadline_q
from tether.casework.selectors import my_tasks, sla_breaches
from tether.casework.services import sweep, task_complete

from .conftest import at

pytestmark = pytest.mark.django_db

AFTER = date(2025, 6, 21)
DAY = date(2025, 6, 17)
PNC_AT = datetime(2025, 6, 17, 11, 0, tzinfo=UTC)  # 24 hours after the case opened (16 June 11:00 UTC)


def test_the_rule():
    now = datetime(2025, 6, 17, 10, 0, tzinfo=UTC)
    assert deadline_instant(DAY, now) == now
    assert deadline_instant(date(2025, 6, 16), now) == datetime(2025, 6, 15, 23, 0, tzinfo=UTC)  # BST midnight
    assert not is_late(DAY, PNC_AT, DAY, datetime(2025, 6, 16, 10, 0, tzinfo=UTC))  # as at tomorrow: its start
    assert not is_late(DAY, PNC_AT, DAY, now)
    assert is_late(DAY, PNC_AT, DAY, now + timedelta(hours=2))
    assert is_late(DAY, PNC_AT, date(2025, 6, 18), now)  # as at the next day
    assert not is_late(DAY, None, DAY, now + timedelta(hours=20))  # a day deadline: late from the next day
    assert is_late(DAY, None, date(2025, 6, 18), now)
    assert is_late(date(2025, 6, 18), PNC_AT, DAY, now + timedelta(hours=2))  # the exact deadline decides
    assert not is_late(date(2025, 6, 10), PNC_AT, DAY, now)
    assert done_late(DAY, PNC_AT, DAY, PNC_AT + timedelta(minutes=1))
    assert not done_late(DAY, PNC_AT, DAY, PNC_AT - timedelta(minutes=1))
    assert done_late(DAY, None, date(2025, 6, 18), None) and not done_late(DAY, None, DAY, None)


@pytest.fixture
def pnc(officer, registrant, supervisor, frozen) -> Task:
    sweep(as_of=AFTER)
    task_complete(officer, Task.objects.get().pk, "whereabouts_unknown", "No trace at any known address.")
    task = Task.objects.get(kind=TaskKind.PNC_CIRCULATION)
    assert task.due_at == PNC_AT and task.due_on == DAY
    return task


def _everywhere(officer, supervisor, pnc: Task) -> dict[str, bool]:
    mine = {r["id"]: r for r in my_tasks(officer)}
    digests = {d.user_id: d for d in build_digests(DAY)}
    late_in_sweep = sweep(as_of=DAY)["tasks_past_deadline"]
    return {
        "model": Task.objects.get(pk=pnc.pk).past_deadline(DAY),
        "queryset": Task.objects.filter(past_deadline_q(DAY), pk=pnc.pk).exists(),
        "my tasks": mine[pnc.pk]["past_deadline"],
        "sla": pnc.pk in [r["id"] for r in sla_breaches(officer)],
        "digest": pnc.pk in [ln.task_id for ln in digests[officer.pk].overdue],
        "digest sla": supervisor.pk in digests and digests[supervisor.pk].sla_breaches == 1,
        "case list": open_cases(officer)[0]["tasks_past_deadline"] == 1,
        "sweep": late_in_sweep == 1,
    }


def test_a_pnc_task_is_late_everywhere_from_its_instant(officer, supervisor, pnc, frozen):
    frozen.move_to(at(DAY, 10))  # 23 hours after the case opened
    assert not any(_everywhere(officer, supervisor, pnc).values())
    frozen.move_to(at(DAY, 12))  # 25 hours: the same day, past the exact deadline
    seen = _everywhere(officer, supervisor, pnc)
    assert all(seen.values()), seen


@pytest.mark.parametrize(("hour", "late"), [(10, False), (12, True)])
def test_circulating_after_the_instant_shows_done_late(officer, pnc, frozen, hour, late):
    from tether.casework.case_selectors import case_timeline
    from tether.casework.case_services import case_record_action

    frozen.move_to(at(DAY, hour))
    case_record_action(officer, pnc.case_id, "pnc_circulation", {"reference": "25/123456A"})
    pnc.refresh_from_db()
    assert pnc.state == TaskState.DONE and pnc.closed_late() is late
    assert not Task.objects.filter(past_deadline_q(DAY), pk=pnc.pk).exists()
    closed = [e for e in case_timeline(officer, pnc.case_id)["entries"] if e["type"] == "task_closed"
              and e["id"] == pnc.pk]
    assert closed[0]["late"] is late
    assert (pnc.pk in [r["id"] for r in sla_breaches(officer)]) is late
