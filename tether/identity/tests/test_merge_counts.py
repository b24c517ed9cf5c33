"""A merged-away record is not a second person: every count (dashboard, statistics, caseloads) counts it once,
from the merge date; figures as at earlier dates do not change."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tether.core import clock
from tether.identity.services import merge_people, unmerge
from tether.register.search import caseload_counts

from .conftest import MERGE_REASON

pytestmark = pytest.mark.django_db

REASON = MERGE_REASON


def _registrants(user, as_of):
    from tether.reports.statistics import registrants_counts

    return sum(registrants_counts(as_of).values())


def test_counts_count_a_merged_record_once_and_the_past_is_unchanged(supervisor, national_admin, pair, frozen):
    a, b = pair
    today = clock.today()
    earlier = today - timedelta(days=1)
    frozen.shift(timedelta(days=1))  # the merge happens the next day
    later = clock.today()
    before = {"earlier": _registrants(national_admin, earlier), "later": _registrants(national_admin, later),
              "dashboard": caseload_counts(supervisor).registrants,
              "dashboard_national": caseload_counts(national_admin).registrants}
    assert before["later"] == 2 and before["dashboard"] == 2
    merge = merge_people(supervisor, a.pk, b.pk, reason=REASON)
    assert _registrants(national_admin, later) == 1
    assert _registrants(national_admin, earlier) == before["earlier"]  # as at a date before the merge
    assert caseload_counts(supervisor).registrants == 1
    assert caseload_counts(national_admin).registrants == before["dashboard_national"] - 1
    unmerge(supervisor, merge.pk, reason="The fingerprints were mismatched")
    assert _registrants(national_admin, later) == 2 and caseload_counts(supervisor).registrants == 2
