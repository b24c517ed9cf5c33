"""Several rows a statement on SQLite: the rows stored as one statement a row stores them, ids in the same order."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from tether.core import inserts

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's bulk insert; PostgreSQL's is COPY"),
]

ROWS: list[tuple[Any, ...]] = [
    (i, f"name {i}", None if i % 3 else "x", i % 2 == 0, "quote ' and %s and %% and ?") for i in range(23)
]


@pytest.fixture
def tables() -> Any:
    with connection.cursor() as cur:
        for name in ("t_many", "t_one"):
            cur.execute(f"CREATE TEMP TABLE {name} (id integer PRIMARY KEY AUTOINCREMENT, n integer UNIQUE,"
                        " label text, extra text NULL, flag bool, note text)")
        yield cur
        for name in ("t_many", "t_one"):
            cur.execute(f"DROP TABLE {name}")


def stored(cur: Any, table: str) -> list[tuple[Any, ...]]:
    cur.execute(f"SELECT id, n, label, extra, flag, note FROM {table} ORDER BY id")  # noqa: S608
    return cur.fetchall()


@pytest.mark.parametrize("most", [1, 4, 23, 500])
def test_the_rows_are_stored_as_one_statement_a_row_stores_them(tables: Any, monkeypatch: Any, most: int) -> None:
    monkeypatch.setattr(inserts, "ROWS", most)  # 4: five full statements and a last one of three rows
    cur = tables
    inserts.insert_rows(cur, "INSERT INTO t_many (n, label, extra, flag, note)", ROWS)
    cur.executemany("INSERT INTO t_one (n, label, extra, flag, note) VALUES (%s, %s, %s, %s, %s)", ROWS)
    assert stored(cur, "t_many") == stored(cur, "t_one")
    assert [row[1] for row in stored(cur, "t_many")] == list(range(23))  # ids rise in the rows' order


def test_a_statement_holds_no_more_values_than_sqlite_allows(tables: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(inserts, "variable_limit", lambda connection: 12)  # two rows of five values a statement
    seen: list[int] = []
    real = tables.executemany

    def executemany(sql: str, params: list[list[Any]]) -> Any:
        seen.extend(len(p) for p in params)
        return real(sql, params)

    monkeypatch.setattr(tables, "executemany", executemany)
    inserts.insert_rows(tables, "INSERT INTO t_many (n, label, extra, flag, note)", ROWS)
    assert seen == [10] * 11
    assert len(stored(tables, "t_many")) == 23


def test_sqlite_reports_its_own_limit() -> None:
    assert inserts.variable_limit(connection) >= 999


def test_a_tail_clause_applies_to_every_row(tables: Any) -> None:
    cur = tables
    head = "INSERT INTO t_many (n, label, extra, flag, note)"
    tail = " ON CONFLICT (n) DO UPDATE SET label = EXCLUDED.label"
    inserts.insert_rows(cur, head, ROWS[:5])
    again = [(1, "one", None, True, ""), (9, "nine", None, True, ""), (1, "uno", None, True, "")]
    inserts.insert_rows(cur, head, again, tail=tail)
    labels = {n: label for _, n, label, *_ in stored(cur, "t_many")}
    assert labels == {0: "name 0", 1: "uno", 2: "name 2", 3: "name 3", 4: "name 4", 9: "nine"}


def test_nothing_to_insert_runs_nothing() -> None:
    with CaptureQueriesContext(connection) as ran, connection.cursor() as cur:
        inserts.insert_rows(cur, "INSERT INTO t_many (n)", [])
    assert ran.captured_queries == []


def test_rows_of_different_widths_are_refused(tables: Any) -> None:
    with pytest.raises(ValueError, match="every row to insert has 5 values"):
        inserts.insert_rows(tables, "INSERT INTO t_many (n, label, extra, flag, note)", [ROWS[0], ROWS[1][:4]])
    assert stored(tables, "t_many") == []


def test_a_failing_row_fails_its_statement(tables: Any) -> None:
    with pytest.raises(IntegrityError):
        inserts.insert_rows(tables, "INSERT INTO t_many (n, label, extra, flag, note)", [ROWS[0], ROWS[0]])


def test_returning_gives_each_statements_rows_in_order(tables: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(inserts, "ROWS", 4)  # six statements
    returned = inserts.insert_rows(tables, "INSERT INTO t_many (n, label, extra, flag, note)", ROWS,
                                   tail=" RETURNING id, n", returning=True)
    assert returned == [(row[0], row[1]) for row in stored(tables, "t_many")]
    assert [n for _, n in returned] == list(range(23))
