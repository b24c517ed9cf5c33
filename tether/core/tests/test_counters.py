"""Named counters for human references: allocate reserves consecutive numbers, bump only ever raises."""

from __future__ import annotations

import pytest

from tether.core.models import Counter, allocate, bump

pytestmark = pytest.mark.django_db


def value(name: str) -> int:
    return Counter.objects.get(name=name).value


def test_a_new_counter_starts_at_one():
    assert Counter.objects.filter(name="ref").count() == 0
    assert allocate("ref") == range(1, 2)
    assert value("ref") == 1


def test_allocate_hands_out_consecutive_numbers_without_reuse():
    first = allocate("ref", 3)
    second = allocate("ref")
    third = allocate("ref", 2)
    assert list(first) == [1, 2, 3]
    assert list(second) == [4]
    assert list(third) == [5, 6]
    assert value("ref") == 6


def test_allocate_returns_a_range_of_exactly_count_numbers():
    got = allocate("ref", 1000)
    assert isinstance(got, range)
    assert len(got) == 1000
    assert (got.start, got.stop) == (1, 1001)
    assert value("ref") == 1000


def test_allocating_nothing_reserves_nothing():
    allocate("ref", 5)
    assert len(allocate("ref", 0)) == 0
    assert value("ref") == 5
    assert list(allocate("ref")) == [6]


def test_at_least_is_a_floor_on_the_counter_not_on_the_first_number():
    assert list(allocate("ref", 2, at_least=100)) == [101, 102]
    assert value("ref") == 102
    # A floor below the counter changes nothing.
    assert list(allocate("ref", 1, at_least=50)) == [103]


def test_counters_are_independent_by_name():
    allocate("ref", 10)
    assert list(allocate("other")) == [1]
    assert list(allocate("ref")) == [11]


def test_bump_raises_the_counter_so_the_next_number_follows():
    bump("ref", 41)
    assert value("ref") == 41
    assert list(allocate("ref")) == [42]


def test_bump_never_lowers_the_counter():
    allocate("ref", 10)
    bump("ref", 3)
    assert value("ref") == 10
    bump("ref", 10)
    assert value("ref") == 10
    assert list(allocate("ref")) == [11]


def test_bump_creates_a_missing_counter():
    bump("fresh", 0)
    assert value("fresh") == 0
    assert list(allocate("fresh")) == [1]


def test_counter_values_fit_long_references():
    bump("ref", 10**12)
    assert list(allocate("ref", 2)) == [10**12 + 1, 10**12 + 2]
    assert value("ref") == 10**12 + 2
