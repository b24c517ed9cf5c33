"""Loading the synthetic demo register through the one write path (validation, history, obligations, audit)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from functools import partial
from typing import Any

from django.db import OperationalError, connection, transaction

from tether.core import clock
from tether.core.collecting import fewer_collections
from tether.core.errors import Conflict
from tether.management.register_extensions import duties_deferred
from tether.register.documents import RegistrantDoc, parse_registrant
from tether.register.facts import facts_for, history_from_doc
from tether.register.models import Person
from tether.register.outcomes import Evaluated, outcome
from tether.register.services import forces_by_code, registrants_write

from . import pipeline
from .generator import expected_total, generate_documents
from .geography import force_counts
from .identity_noise import with_identity_noise
from .legal import may_have_ended, removals, with_legal_record

DEMO_ACTION = "demo.load"
BATCH_SIZE = 5000  # registrants per transaction: memory stays flat at any size
FIRST_BATCH = 1000  # the first transaction's registrants: the writer starts as soon as the second process made these
PIPELINE_FROM = 2000  # from this many registrants on, the documents are made in a second process
SQLITE_CACHE_KIB = 256 * 1024  # page cache for the loading connection (SQLite only)


@contextmanager
def _sqlite_bulk_load() -> Iterator[None]:
    """SQLite settings for the load only, put back after it (nothing persistent but the journal mode, restored).

    - SQLite's default page cache is 2 MB: as the file grows, inserts into indexes with random keys (names, NI
      numbers, audit hashes) miss it and a large load slows down more than linearly. A larger cache for this
      connection helps; the demo's time-ordered person ids do the rest (see ``generator._uuid7``).
    - No fsync (``synchronous = OFF``) and the rollback journal in memory rather than the write-ahead log
      (``journal_mode = MEMORY``: each page is written once, not to the log and again at the checkpoint). A crash
      mid-load can leave the file unusable, which is acceptable for a demo register loaded into an empty database;
      a failed batch still rolls back. The journal mode is changed only outside a transaction and with no other
      connection holding the file (SQLite refuses otherwise, and the load then runs as configured)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    if connection.in_atomic_block:  # SQLite changes neither inside a transaction (a test's, a caller's)
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA synchronous")
        synchronous = int(cur.fetchone()[0])
        cur.execute("PRAGMA journal_mode")
        journal = str(cur.fetchone()[0])
        cur.execute("PRAGMA synchronous = OFF")
        if journal.lower() == "wal":
            with suppress(OperationalError):  # another connection has the file open: keep the write-ahead log
                cur.execute("PRAGMA journal_mode = MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("PRAGMA journal_mode")
            if str(cur.fetchone()[0]).lower() != journal.lower():
                cur.execute(f"PRAGMA journal_mode = {journal}")
            cur.execute(f"PRAGMA synchronous = {synchronous}")


def _value_indexes(cur: Any) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the SQLite indexes a load may build after writing rather than keep up row by row:
    the ordinary ones (not unique, not partial, not a constraint's), over named columns none of which is a foreign
    key. The load reads back what it wrote by the person (or another row) it belongs to, through foreign-key indexes,
    and checks uniqueness through unique ones: those stay. What is left are indexes over values (names and their
    keys, NI numbers, postcodes, dates, states, the audit's filters), whose random keys make each insert touch pages
    all over the index."""
    cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    statements = dict(cur.fetchall())  # indexes SQLite made itself (a unique constraint's) have no statement
    cur.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    chosen: list[tuple[str, str]] = []
    for (table,) in cur.fetchall():
        quoted = connection.ops.quote_name(table)
        cur.execute(f"PRAGMA foreign_key_list({quoted})")
        keys = {row[3] for row in cur.fetchall()}  # (id, seq, table, from, to, ...): the referring columns
        cur.execute(f"PRAGMA index_list({quoted})")
        for _seq, name, unique, origin, is_partial in cur.fetchall():
            if unique or is_partial or origin != "c" or name not in statements:
                continue
            cur.execute(f"PRAGMA index_info({connection.ops.quote_name(name)})")
            columns = [row[2] for row in cur.fetchall()]
            if columns and None not in columns and not keys.intersection(columns):  # None: an expression
                chosen.append((name, statements[name]))
    return sorted(chosen)


@contextmanager
def _sqlite_indexes_built_after(empty: bool) -> Iterator[None]:
    """On SQLite, into an empty register: the value indexes (``_value_indexes``) dropped while the batches are written
    and made again, with the statements that made them, once they are, failure or not. Building an index over rows
    already written sorts them once; keeping it up as they come costs a random insertion each (about 3 s of the
    national demo's inserts, against 1.4 to 1.8 s to build them after). The schema after is the schema before,
    statement for statement (``demo/tests/test_services.py``). Not inside a transaction (a test's, a caller's): a
    failed load rolls back there, and the indexes with it. A load interrupted (Ctrl-C) makes them again as it stops;
    one killed outright leaves a part-loaded register without them, as it may leave the file unusable
    (``_sqlite_bulk_load``): load the demo again into an empty database."""
    if connection.vendor != "sqlite" or connection.in_atomic_block or not empty:
        yield
        return
    dropped: list[tuple[str, str]] = []  # made again whatever happens, from the first one dropped
    try:
        with connection.cursor() as cur:
            for name, sql in _value_indexes(cur):
                cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                dropped.append((name, sql))
        yield
    finally:
        with connection.cursor() as cur:
            for _name, sql in dropped:
                cur.execute(sql)


def register_is_empty() -> bool:
    """True when nobody is on the register (the demo loader is meant for an empty one)."""
    return not Person.objects.exists()


def demo_documents(registrants: int | None, seed: int, today: date, known: dict[str, Any]) -> Iterator[RegistrantDoc]:
    """The demo register's registrant documents, each validated with ``parse_registrant`` (the same seed and
    ``today`` give the same documents)."""
    for raw in with_legal_record(with_identity_noise(generate_documents(registrants, seed, today), seed), seed, today):
        doc = parse_registrant(raw, known_forces=known, today=today)
        if may_have_ended(raw, today):  # removals from the register, where the rules engine finds them
            found = removals(facts_for(doc, known[doc.force].jurisdiction), raw.get("reviews", []), today)
            if found:
                raw["removals"] = found
                doc = parse_registrant(raw, known_forces=known, today=today)
        yield doc


def demo_registrants(
    registrants: int | None, seed: int, today: date, known: dict[str, Any], as_of: date,
    ahead: Callable[[], bool] = pipeline.reader_behind,
) -> Iterator[tuple[RegistrantDoc, Evaluated | None]]:
    """``demo_documents``, each with the law's outcome for it as at ``as_of`` (``register.outcomes.outcome``, what
    writing it stores) while ``ahead()``: in the second process, while the writer is the slower of the two, the
    outcome is worked out there and the writer only stores it; otherwise (None) the writer works it out. The stored
    outcome is the same either way (``register/tests/test_plain_rows.py``)."""
    for doc in demo_documents(registrants, seed, today, known):
        if doc.id is not None and ahead():
            yield doc, outcome(doc.id, history_from_doc(doc, known[doc.force].jurisdiction), as_of, clock.now())
        else:
            yield doc, None


def _documents(registrants: int | None, seed: int, today: date, known: dict[str, Any],
               total: int) -> Iterator[tuple[RegistrantDoc, Evaluated | None]]:
    """``demo_registrants`` as at the clock's today, made in a second process while this one writes (``pipeline``)
    from ``PIPELINE_FROM`` registrants on; the same documents and outcomes either way."""
    make = partial(demo_registrants, registrants, seed, today, known, clock.today())
    if total >= PIPELINE_FROM and pipeline.available():
        return pipeline.produced_elsewhere(make)
    return make()


def load_demo(
    registrants: int | None,
    seed: int = 2018,
    *,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> dict[str, Any]:
    """Generate and write a synthetic register: ``registrants`` people across the 45 forces (None: the
    full national size, about 77,000). Every document is validated with ``parse_registrant`` and
    written with ``registrants_write`` (audited as ``demo.load``), ``batch_size`` per transaction.

    ``progress(done, total)`` is called as batches are written. Returns a summary. The same seed and
    ``today`` give the same people (and ids), so loading them twice raises ``Conflict``.

    ``today`` (default: the clock's) dates the generated histories and must not be in the future;
    obligations are materialised as at the clock's today by ``registrants_write``.
    """
    today = today or clock.today()
    known = forces_by_code()
    total = expected_total(registrants)
    with _sqlite_bulk_load(), fewer_collections():
        return _load(registrants, seed, today, known, total, progress, batch_size)


def _load(registrants: int | None, seed: int, today: date, known: dict[str, Any], total: int,
          progress: Callable[[int, int], None] | None, batch_size: int) -> dict[str, Any]:
    started = time.perf_counter()
    done = 0
    by_country: Counter[str] = Counter()
    by_force: Counter[str] = Counter()
    open_cases = 0
    batch: list[RegistrantDoc] = []
    ahead: list[Evaluated | None] = []  # their outcomes where worked out beside them

    def flush() -> None:
        nonlocal done
        if not batch:
            return
        ids = [d.id for d in batch if d.id is not None]
        if Person.objects.filter(pk__in=ids).exists():
            raise Conflict(
                f"The demo register for seed {seed} is already loaded (or overlaps this one): "
                "use an empty database or another seed."
            )
        base = done

        def step(n: int) -> None:
            if progress:
                progress(base + n, total)

        with transaction.atomic():  # the batch with its management facts and duties (not a second pass after)
            registrants_write(batch, actor=None, action=DEMO_ACTION, progress=step, ahead=ahead)
            management.add([(doc.id, known[doc.force].pk) for doc in batch])
            evaluate_duties(list(written), today)
            written.clear()
        done += len(batch)
        if progress:
            progress(done, total)
        batch.clear()
        ahead.clear()

    from .management import Management, evaluate_duties  # risk levels, MAPPA, offender managers, visits

    management = Management(seed, today, force_counts(registrants))
    if progress:
        progress(0, total)
    # a batch's management duties are evaluated once it has its management facts, not first without them
    with _sqlite_indexes_built_after(register_is_empty()), duties_deferred() as written:
        for doc, evaluated in _documents(registrants, seed, today, known, total):
            force = known[doc.force]
            by_country[force.country] += 1
            by_force[doc.force] += 1
            if any(k.closed is None and k.opened <= today for k in doc.sections.get("cases", [])):
                open_cases += 1
            batch.append(doc)
            ahead.append(evaluated)
            if len(batch) >= (batch_size if done else min(batch_size, FIRST_BATCH)):
                flush()
        flush()
    managed = management.finish()
    from .tracing import populate as trace  # synthetic partner extracts and a linkage run each (tether.tracing)

    traced = trace(seed, today)
    from .administration import populate as administer  # partner access and a playbook version (force admin)

    administered = administer(seed, today)
    seconds = time.perf_counter() - started
    return {
        "registrants": done,
        "seed": seed,
        "as_at": today.isoformat(),
        "by_country": dict(sorted(by_country.items())),
        "by_force": dict(sorted(by_force.items())),
        "open_cases": open_cases,
        "missing_rate": round(open_cases / done, 4) if done else 0.0,
        "seconds": round(seconds, 2),
        "management": managed,
        "tracing": traced,
        "administration": administered,
        "synthetic": True,
    }
