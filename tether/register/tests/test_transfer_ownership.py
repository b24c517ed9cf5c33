"""Ownership never has a gap or an overlap, however many transfers are started, accepted or refused (a Hypothesis
property over the intervals the services write), and the cached owning force is always the open interval's."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tether.register.models import Ownership, Person
from tether.register.services import person_create
from tether.register.transfers import transfer_accept, transfer_refuse, transfer_start

pytestmark = pytest.mark.django_db

FORCES = ("MPS", "GMP", "WYP", "PSOS", "PSNI")
STEP = st.tuples(st.sampled_from(FORCES), st.integers(min_value=1, max_value=200), st.booleans())


def assert_no_gap_or_overlap(person: Person) -> None:
    rows = list(Ownership.objects.filter(person=person).order_by("valid_from", "id").values_list(
        "force__code", "valid_from", "valid_to"))
    assert rows, "a registrant always has an owner"
    for (_, start, end), (_, next_start, _) in itertools.pairwise(rows):
        assert end is not None and start < end == next_start  # meets the next one: no gap, no overlap
    assert rows[-1][2] is None  # exactly one open interval: the last
    person.refresh_from_db()
    assert person.owning_force.code == rows[-1][0]
    first = rows[0][1]
    for probe in (first, rows[-1][1], *(r[2] for r in rows[:-1]), *(r[2] - timedelta(days=1) for r in rows[:-1])):
        holding = [r for r in rows if r[1] <= probe and (r[2] is None or probe < r[2])]
        assert len(holding) == 1, (probe, rows)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=6))
def test_transfers_never_leave_a_gap_or_an_overlap(national_admin, make_doc, frozen, steps):
    with transaction.atomic():
        person = person_create(national_admin, {**make_doc(), "force": "MPS"})
        moved = date(2020, 3, 4)  # the first disposal: ownership begins
        for code, gap, accept in steps:
            moved += timedelta(days=gap)
            person.refresh_from_db()
            if code == person.owning_force.code:
                continue
            t = transfer_start(national_admin, person.pk, {"to_force": code, "move_date": moved.isoformat()})
            if accept:
                transfer_accept(national_admin, t.pk)
            else:
                transfer_refuse(national_admin, t.pk, {"reason": "Refused in the property test, for the record"})
            assert_no_gap_or_overlap(person)
        assert_no_gap_or_overlap(person)
        transaction.set_rollback(True)
