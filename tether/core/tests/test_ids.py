"""Version-7 UUIDs: 48 bits of Unix milliseconds, the version and variant, then 74 caller-given random bits."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tether.core import ids
from tether.core.ids import new_id, uuid7

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_MS = (1 << 48) - 1
MAX_RAND = (1 << 74) - 1


def unix_ms(at: datetime) -> int:
    """Exact milliseconds since the epoch, without floating point."""
    return (at - EPOCH) // timedelta(milliseconds=1)


def parts(u: uuid.UUID) -> tuple[int, int]:
    """(milliseconds, the 74 random bits) read back out of a version-7 UUID."""
    rand_a = (u.int >> 64) & 0xFFF
    rand_b = u.int & ((1 << 62) - 1)
    return u.int >> 80, (rand_a << 62) | rand_b


@pytest.mark.parametrize("ms", [0, 1, 1_750_071_600_000, MAX_MS])
@pytest.mark.parametrize("rand74", [0, 1, 0x2AAAAAAAAAAAAAAAAAA, MAX_RAND])
def test_uuid7_has_the_version_the_variant_and_the_bits_it_was_given(ms, rand74):
    u = uuid7(ms, rand74)
    assert u.version == 7
    assert u.variant == uuid.RFC_4122
    assert parts(u) == (ms, rand74)
    assert uuid.UUID(str(u)) == u


def test_uuid7_layout_matches_rfc_9562():
    u = uuid7(0x0123456789AB, MAX_RAND)
    text = str(u)
    assert text.startswith("01234567-89ab-7fff-")
    assert text[19] in "89ab"  # variant 0b10
    assert text == "01234567-89ab-7fff-bfff-ffffffffffff"
    assert str(uuid7(0, 0)) == "00000000-0000-7000-8000-000000000000"


def test_uuid7_orders_by_millisecond_before_the_random_bits():
    earlier = uuid7(1_750_071_600_000, MAX_RAND)
    later = uuid7(1_750_071_600_001, 0)
    assert earlier < later
    assert str(earlier) < str(later)
    assert earlier.bytes < later.bytes


def test_new_id_stamps_the_instant_in_milliseconds(monkeypatch):
    monkeypatch.setattr(ids.secrets, "randbits", lambda k: 12345 if k == 74 else pytest.fail(f"asked for {k} bits"))
    at = datetime(2025, 6, 16, 11, 0, 0, 123456, tzinfo=UTC)
    u = new_id(at)
    assert u.version == 7
    assert parts(u) == (unix_ms(at), 12345)
    assert parts(u)[0] == 1_750_071_600_123  # microseconds are dropped, not rounded


def test_new_id_reads_the_instant_not_its_zone():
    at = datetime(2025, 6, 16, 11, 0, tzinfo=UTC)
    bst = at.astimezone(timezone(timedelta(hours=1)))
    assert new_id(at).int >> 80 == new_id(bst).int >> 80 == unix_ms(at)


def test_new_id_is_fresh_each_time_for_the_same_instant():
    at = datetime(2025, 6, 16, 11, 0, tzinfo=UTC)
    made = {new_id(at) for _ in range(200)}
    assert len(made) == 200
    assert {u.int >> 80 for u in made} == {unix_ms(at)}


def test_new_ids_sort_in_time_order():
    start = datetime(2025, 6, 16, 11, 0, tzinfo=UTC)
    instants = [start + timedelta(milliseconds=n) for n in range(0, 5000, 7)]
    made = [new_id(at) for at in instants]
    assert made == sorted(made)
    assert [u.int >> 80 for u in made] == [unix_ms(at) for at in instants]


def test_new_id_is_exact_for_every_millisecond_of_a_2025_minute():
    start = datetime(2025, 6, 16, 11, 0, tzinfo=UTC)
    for n in range(60_000):
        at = start + timedelta(milliseconds=n)
        assert new_id(at).int >> 80 == unix_ms(at)


@pytest.mark.parametrize(
    "at",
    [
        datetime(2004, 2, 28, 1, 34, 23, 1000, tzinfo=UTC),
        datetime(2038, 7, 30, 5, 34, 26, 160000, tzinfo=UTC),
    ],
)
def test_new_id_is_exact_for_every_whole_millisecond(at):
    assert new_id(at).int >> 80 == unix_ms(at)
