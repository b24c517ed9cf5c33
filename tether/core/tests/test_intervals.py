"""Intervals hold from valid_from (inclusive) to valid_to (exclusive, null = open); holds_on_q selects exactly those."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tether.access.constants import Country, Role
from tether.access.models import Force, PartnerAssignment, User
from tether.core.models import Interval, holds_on_q
from tether.register.constants import Sex
from tether.register.models import Person

FROM = date(2025, 3, 1)
TO = date(2025, 3, 31)


def held_on(interval: Interval, day: date) -> bool:
    """The definition ``holds_on_q`` must agree with: from the first day, up to (not including) the end."""
    return interval.valid_from <= day and (interval.valid_to is None or day < interval.valid_to)


def assignment(valid_from: date, valid_to: date | None) -> PartnerAssignment:
    return PartnerAssignment(valid_from=valid_from, valid_to=valid_to)


def test_interval_is_abstract_with_a_required_start_and_an_optional_end():
    assert Interval._meta.abstract
    start = PartnerAssignment._meta.get_field("valid_from")
    end = PartnerAssignment._meta.get_field("valid_to")
    assert not start.null
    assert end.null and end.blank


def test_holds_on_q_is_the_two_conditions_with_the_prefix():
    q = holds_on_q(FROM)
    assert ("valid_from__lte", FROM) in q.children
    text = str(holds_on_q(FROM, "partner_assignments__"))
    assert "partner_assignments__valid_from__lte" in text
    assert "partner_assignments__valid_to__isnull" in text
    assert "partner_assignments__valid_to__gt" in text


# --- against the database ------------------------------------------------------------------------------------

INTERVALS = {
    "closed": (FROM, TO),
    "open": (FROM, None),
    "one_day": (TO, TO + timedelta(days=1)),
    "later_open": (TO, None),
    "empty": (FROM, FROM),
    "long_ago": (date(2020, 1, 1), date(2021, 1, 1)),
}
DAYS = [
    date(2019, 12, 31), date(2020, 1, 1), date(2020, 12, 31), date(2021, 1, 1),
    FROM - timedelta(days=1), FROM, FROM + timedelta(days=1), TO - timedelta(days=1), TO, TO + timedelta(days=1),
    date(2099, 1, 1),
]


@pytest.fixture
def people_assigned(db) -> dict[str, tuple[Person, PartnerAssignment]]:
    """One person per interval, each assigned to the same partner user for that interval."""
    force = Force.objects.create(code="ZZT", name="Test Constabulary", country=Country.ENGLAND)
    partner = User.objects.create_user(username="partner.test", password="x" * 20, role=Role.PARTNER, force=force)
    at = datetime(2025, 6, 16, 11, 0, tzinfo=UTC)
    made = {}
    for n, (label, (start, end)) in enumerate(INTERVALS.items(), start=1):
        person = Person.objects.create(
            reference=f"TTH-{n:06d}", date_of_birth=date(1980, 4, 2), sex=Sex.MALE, owning_force=force,
            display_name=label, sort_name=label, created_at=at, updated_at=at,
        )
        pa = PartnerAssignment.objects.create(user=partner, person=person, valid_from=start, valid_to=end)
        made[label] = (person, pa)
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("day", DAYS, ids=str)
def test_holds_on_q_selects_the_rows_that_hold_on_the_day(people_assigned, day):
    expected = {label for label, (start, end) in INTERVALS.items() if start <= day and (end is None or day < end)}
    selected = set(
        PartnerAssignment.objects.filter(holds_on_q(day)).values_list("person__display_name", flat=True)
    )
    assert selected == expected
    # The in-memory test agrees with the query, row by row.
    assert {label for label, (_, pa) in people_assigned.items() if held_on(pa, day)} == expected


@pytest.mark.django_db
@pytest.mark.parametrize("day", DAYS, ids=str)
def test_holds_on_q_follows_a_relation_with_a_prefix(people_assigned, day):
    expected = {label for label, (start, end) in INTERVALS.items() if start <= day and (end is None or day < end)}
    selected = set(
        Person.objects.filter(holds_on_q(day, "partner_assignments__")).values_list("display_name", flat=True)
    )
    assert selected == expected


@pytest.mark.django_db
def test_holds_on_q_boundary_days(people_assigned):
    def on(day: date) -> set[str]:
        return set(PartnerAssignment.objects.filter(holds_on_q(day)).values_list("person__display_name", flat=True))

    assert on(FROM - timedelta(days=1)) == set()
    assert on(FROM) == {"closed", "open"}  # "empty" starts and ends on FROM, so never holds
    assert on(TO - timedelta(days=1)) == {"closed", "open"}
    assert on(TO) == {"open", "one_day", "later_open"}  # "closed" has ended; the one-day row holds
    assert on(TO + timedelta(days=1)) == {"open", "later_open"}
