"""One sweep (or recompute) at a time: a second run waits for the first to finish, then finds nothing to do.

- PostgreSQL: a session-level advisory lock (``pg_advisory_lock``), held from start to end of the run across
  its batch transactions and released in ``finally`` (and by PostgreSQL if the process dies).
- SQLite: an exclusive ``flock`` on a lock file beside the database file (``<db>.sweep.lock``; for an in-memory
  test database, a file in the temporary directory). SQLite's own write lock is per transaction and gives up
  after the busy timeout, so it cannot make a long run wait; the file lock can, for as long as it takes.
  The OS drops it if the process dies. (POSIX only; the embedded database is for one machine anyway.)

Either way the unique constraint on breaches (person, kind, due) is the second line: even without the lock a
duplicate breach cannot be stored.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from .constants import SWEEP_LOCK_KEY


def _sqlite_lock_path(key: int = SWEEP_LOCK_KEY) -> Path:
    job = "sweep" if key == SWEEP_LOCK_KEY else str(key)
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name:
        digest = hashlib.sha256(name.encode()).hexdigest()[:16]  # one file per name: no clutter
        return Path(tempfile.gettempdir()) / f"tether-{job}-{digest}.lock"
    return Path(f"{name}.{job}.lock")


@contextmanager
def job_lock(key: int = SWEEP_LOCK_KEY) -> Iterator[None]:
    """Hold a job's lock (by default the sweep's) for the duration of the block, waiting for it if another run
    holds it. Take it outside any transaction: the run's own transactions happen inside it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [key])
        try:
            yield
        finally:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    import fcntl

    path = _sqlite_lock_path(key)
    with open(path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
