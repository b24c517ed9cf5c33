"""Time-ordered UUIDs (RFC 9562 version 7) for primary keys.

48 bits of milliseconds then random bits: new rows append to the primary-key and person_id indexes
instead of landing on random pages, which keeps large loads fast on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta


def uuid7(ms: int, rand74: int) -> uuid.UUID:
    rand_a, rand_b = rand74 >> 62, rand74 & ((1 << 62) - 1)
    return uuid.UUID(int=(ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)


def new_id(at: datetime) -> uuid.UUID:
    """A fresh random version-7 UUID for the instant ``at``."""
    return uuid7((at - _EPOCH) // _MILLISECOND, secrets.randbits(74))
