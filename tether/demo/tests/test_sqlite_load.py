"""The demo load's SQLite bulk settings: the value indexes built after the batches (``demo.services.
_sqlite_indexes_built_after``). SQLite's own load, so these run in the SQLite run only (``tether/conftest.py``
``SQLITE_ONLY``); outside a transaction, as the load is, since inside one the indexes are kept up."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import OperationalError, connection

import tether.demo.services as services
from tether.demo.services import load_demo
from tether.register.models import Person

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("frozen")]

TODAY = date(2025, 6, 15)  # the day before the frozen clock


def _index_statements() -> list[tuple[str, str]]:
    with connection.cursor() as cur:
        cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
        return cur.fetchall()


@pytest.mark.parametrize("fails", [False, True], ids=["loaded", "failed"])
def test_value_indexes_are_built_after_the_batches_and_the_schema_is_as_before(fails, monkeypatch):
    before = _index_statements()
    with connection.cursor() as cur:
        value = dict(services._value_indexes(cur))
    statements = list(value.values())
    # values are built after; what the load reads back by (foreign keys) and checks (unique) is kept up
    for built_after in ('"people_person" ("ni_number")', '"people_personname" ("search_key")',
                        '"audit_auditevent" ("action", "seq")', '"identity_namekey" ("token", "date_of_birth")'):
        assert any(built_after in sql for sql in statements), built_after
    assert not any("person_id" in sql or "UNIQUE" in sql.upper() or " WHERE " in sql.upper() for sql in statements)

    seen: list[set[str]] = []
    write = services.registrants_write

    def watched(*args, **kwargs):
        seen.append({name for name, _ in _index_statements()})
        if fails:
            raise RuntimeError("a batch that fails")
        return write(*args, **kwargs)

    monkeypatch.setattr(services, "registrants_write", watched)
    if fails:
        with pytest.raises(RuntimeError, match="a batch that fails"):
            load_demo(40, seed=11, today=TODAY, batch_size=25)
    else:
        load_demo(40, seed=11, today=TODAY, batch_size=25)
        assert Person.objects.count() == 40
    assert seen and all(not (s & set(value)) for s in seen)  # none of them there while the batches were written
    assert all({n for n, _ in before} - set(value) <= s for s in seen)  # every other one there
    assert _index_statements() == before  # the schema as it was, statement for statement


def test_value_indexes_kept_up_when_the_register_is_not_empty(monkeypatch):
    load_demo(10, seed=12, today=TODAY)
    before = _index_statements()
    seen: list[int] = []
    write = services.registrants_write

    def watched(*args, **kwargs):
        seen.append(len(_index_statements()))
        return write(*args, **kwargs)

    monkeypatch.setattr(services, "registrants_write", watched)
    load_demo(10, seed=13, today=TODAY)
    assert seen == [len(before)] and _index_statements() == before


def test_a_value_index_dropped_is_made_again_when_dropping_the_next_fails(monkeypatch):
    before = _index_statements()
    value = services._value_indexes
    monkeypatch.setattr(services, "_value_indexes",
                        lambda cur: [*value(cur)[:1], ("no_such_index", "CREATE INDEX no_such_index ON x (y)")])
    with pytest.raises(OperationalError, match="no_such_index"):
        load_demo(10, seed=14, today=TODAY)
    assert _index_statements() == before and not Person.objects.exists()
