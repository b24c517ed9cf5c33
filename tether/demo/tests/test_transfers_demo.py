"""The demo register carries transfers between forces: one in progress (the receiving force has its task) and
accepted ones in the past, each where two ownership intervals meet."""

from __future__ import annotations

from datetime import date

import pytest

from tether.casework.constants import TaskKind
from tether.casework.models import Task
from tether.demo.services import load_demo
from tether.register.models import Ownership, Transfer, TransferState

pytestmark = pytest.mark.django_db


def test_demo_has_a_transfer_in_progress_and_accepted_ones(frozen):
    load_demo(400, seed=5, today=date(2025, 6, 15))
    waiting = Transfer.objects.get(state=TransferState.IN_TRANSIT)
    assert waiting.person.owning_force_id == waiting.from_force_id != waiting.to_force_id
    assert Task.objects.get(kind=TaskKind.TRANSFER_ACCEPT).force_id == waiting.to_force_id
    accepted = list(Transfer.objects.filter(state=TransferState.ACCEPTED))
    assert accepted and all(t.decided_at is not None for t in accepted)
    for t in accepted:
        assert Ownership.objects.filter(person=t.person, force=t.to_force, valid_from=t.move_date).exists()
        assert Ownership.objects.filter(person=t.person, force=t.from_force, valid_to=t.move_date).exists()
