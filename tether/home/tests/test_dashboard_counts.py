"""The dashboard's stored counts (``home.counts``) show exactly what counting the register anew shows
(``register.search.caseload_counts``), are reused while nothing they count changed, and go stale with every
committed write that can change them (a registrant added, a missing case opened, a merge) and at midnight.

These tests commit (``transactional_db``): the counts are stored and reused only outside a transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tether.casework.case_services import case_open
from tether.core import clock
from tether.home.counts import current_version, dashboard_counts
from tether.home.models import DashboardCounts
from tether.identity.services import merge_people, unmerge
from tether.register.search import caseload_counts
from tether.register.services import person_create
from tether.register.testing import named

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "The same person: matching fingerprints and date of birth"


@pytest.fixture
def people(officer: Any, make_doc: Any, frozen: Any) -> list[Any]:
    return [person_create(officer, make_doc(names=named("Alun", name), ni_number="", pnc_id=""))
            for name in ("Testpersen", "Testperson", "Prosser")]


def _same(*users: Any) -> None:
    for user in users:
        assert dashboard_counts(user) == caseload_counts(user)


def _stored(user: Any) -> bool:
    """Whether the next ``dashboard_counts(user)`` reuses stored figures (no count of the register)."""
    with CaptureQueriesContext(connection) as q:
        dashboard_counts(user)
    return not any("register_registerstate" in x["sql"] for x in q.captured_queries)


def test_stored_counts_equal_a_fresh_count_and_are_reused(officer, supervisor, national_admin, people):
    Person = people[0].__class__
    Person.objects.filter(pk=people[0].pk).update(offender_manager=officer)
    _same(officer, supervisor, national_admin)
    assert _stored(officer) and _stored(supervisor) and _stored(national_admin)
    _same(officer, supervisor, national_admin)  # the reused figures are the counted ones
    assert dashboard_counts(officer).assigned_to_me == 1 == caseload_counts(officer).assigned_to_me
    assert dashboard_counts(supervisor).assigned_to_me == 0
    assert set(DashboardCounts.objects.values_list("scope", flat=True)) == {0, officer.force_id}


def test_each_committed_write_makes_them_stale(officer, supervisor, national_admin, other_officer, people,
                                               make_doc):
    _same(officer, national_admin, other_officer)
    before = current_version()
    person_create(officer, make_doc(names=named("Bryn", "Other"), ni_number="", pnc_id=""))
    assert current_version() > before and not _stored(officer)
    assert _stored(other_officer) and not _stored(national_admin)  # another force's counts stay current
    assert dashboard_counts(officer).registrants == 4
    _same(officer, national_admin, other_officer)

    case_open(officer, people[0].pk)  # missing: the register status changes
    assert dashboard_counts(supervisor).missing == 1
    _same(officer, supervisor, national_admin)

    merge = merge_people(supervisor, people[0].pk, people[1].pk, reason=REASON)
    assert dashboard_counts(supervisor).registrants == 3
    _same(officer, supervisor, national_admin, other_officer)
    unmerge(supervisor, merge.pk, reason="The fingerprints were mismatched")
    assert dashboard_counts(supervisor).registrants == 4
    _same(officer, supervisor, national_admin)


def test_a_write_rolled_back_changes_nothing_and_one_in_progress_counts(officer, people, make_doc):
    _same(officer)
    with transaction.atomic():
        person_create(officer, make_doc(names=named("Cai", "Inside"), ni_number="", pnc_id=""))
        assert dashboard_counts(officer).registrants == 4 == caseload_counts(officer).registrants
        transaction.set_rollback(True)
    assert dashboard_counts(officer).registrants == 3
    _same(officer)


def test_counted_again_the_next_day(officer, people, frozen):
    _same(officer)
    assert _stored(officer)
    frozen.shift(timedelta(days=400))  # a year on: annual notifications are overdue
    assert not _stored(officer)
    today = clock.today()
    assert dashboard_counts(officer) == caseload_counts(officer, today)
    assert dashboard_counts(officer).overdue == 3


def test_the_dashboard_page_shows_the_counted_figures(verified_client, officer, people):
    client = verified_client
    client.force_login(officer)
    counted = caseload_counts(officer)
    for _ in range(2):  # counted, then stored
        html = client.get("/").content.decode()
        assert f'data-testid="count-registrants">{counted.registrants}<' in html
        assert f'data-testid="count-overdue">{counted.overdue}<' in html


def test_a_transfer_makes_the_counts_of_the_force_it_left_stale_too(officer, other_officer, people):
    from tether.register.transfers import transfer_accept, transfer_start

    _same(officer, other_officer)
    transfer = transfer_start(officer, people[0].pk, {"to_force": "GMP", "move_date": "2025-06-10"})
    transfer_accept(other_officer, transfer.pk)
    assert dashboard_counts(officer).registrants == 2 and dashboard_counts(other_officer).registrants == 1
    _same(officer, other_officer)
