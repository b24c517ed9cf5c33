"""What the benchmarks share: a throwaway database to run on, and the percentile they all report."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed_steps(cur: Any, steps: list[tuple[str, str, list[Any]]], *, quiet: bool = False) -> dict[str, float]:
    """Run each (table, SQL, parameters) step of a bench's raw load on ``cur``: the seconds each took, by table
    (printed on stderr as they finish unless ``quiet``)."""
    import time

    seconds = {}
    for table, sql, params in steps:
        t = time.perf_counter()
        cur.execute(sql, params)
        seconds[table] = round(time.perf_counter() - t, 2)
        if not quiet:
            print(f"  {table}: {seconds[table]} s", file=sys.stderr, flush=True)
    return seconds


def _bench_schema(url: str) -> str | None:
    """The schema named first in the URL's ``options=-c search_path=...`` (when it names one)."""
    for value in parse_qs(urlparse(url).query).get("options", []):
        m = re.search(r"search_path=([A-Za-z_][A-Za-z0-9_]*)", value)
        if m:
            return m.group(1)
    return None


def prepare_postgres(url: str) -> tuple[str, str]:
    """Drop and create the benchmark database; return (its name, the maintenance URL).

    With ``?options=-c search_path=<schema>,public`` in the URL (a database shared with other work), only that
    schema is dropped and created (its name must then contain "bench")."""
    import psycopg

    schema = _bench_schema(url)
    if schema is not None:
        if "bench" not in schema:
            raise SystemExit(f"refusing to drop and recreate schema {schema!r}: its name must contain 'bench'")
        plain = urlunparse(urlparse(url)._replace(query=""))
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.execute(f'CREATE SCHEMA "{schema}"')
        return f"schema:{schema}", plain
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop and recreate database {name!r}: its name must contain 'bench'")
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, admin


def kept_postgres(url: str) -> tuple[str, str] | None:
    """(name, maintenance URL) of the benchmark database when it already exists (kept by an earlier run)."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if "bench" not in name or _bench_schema(url) is not None:
        return None
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return (name, admin) if found else None


def drop_postgres(name: str, admin: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(admin, autocommit=True) as conn:
        if name.startswith("schema:"):
            conn.execute(f'DROP SCHEMA IF EXISTS "{name[7:]}" CASCADE')
        else:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_on_throwaway_database(
    run: Any, args: argparse.Namespace, *, keep: bool = False, default_size: tuple[int, int] | None = None,
    reuse: bool = False,
) -> None:
    """Run ``run(args, connection)`` on a fresh database and print its JSON result.

    PostgreSQL (``DATABASE_URL``, whose database name must contain "bench"): dropped and created, and dropped
    again afterwards unless ``keep``; with ``reuse``, a database kept by an earlier run is used as it is (migrated;
    ``run`` decides whether what it holds will do). Otherwise a temporary SQLite file. ``default_size``: (SQLite,
    PostgreSQL) registrants when ``args.registrants`` is None."""
    url = os.environ.get("DATABASE_URL", "")
    tmp = None
    pg: tuple[str, str] | None = None
    if url.startswith(("postgres://", "postgresql://")):
        pg = kept_postgres(url) if reuse else None
        pg = pg or prepare_postgres(url)
    else:
        os.environ.pop("DATABASE_URL", None)
        tmp = tempfile.TemporaryDirectory(prefix="tether-bench-")
        os.environ["TETHER_VAR_DIR"] = tmp.name
        (Path(tmp.name) / "static").mkdir()
    if default_size is not None and getattr(args, "registrants", None) is None:
        args.registrants = default_size[1] if pg else default_size[0]
    os.environ.setdefault("TETHER_DEBUG", "0")  # DEBUG would keep every query in memory
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        result = run(args, connection)
    finally:
        if pg and not keep:
            drop_postgres(*pg)
        if tmp:
            from django.db import connections

            connections.close_all()
            tmp.cleanup()
    print(json.dumps(result, indent=2, default=str))

