"""``selectors.read_related``: the person page's reads of a registrant's rows, compiled once per connection, give
what the ORM's related managers give and leave them in the person's related caches."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models.sql import compiler
from django.test.utils import CaptureQueriesContext

from tether.register.models import Person
from tether.register.selectors import read_related
from tether.register.services import person_create
from tether.register.testing import LEGAL_RECORD

NAMES = ("names", "addresses", "disposals", "detentions", "orders", "obligations", "notifications",
         "prescribed_items", "reviews", "removals")

RICH = {
    **LEGAL_RECORD,  # with its review and removal
    "names": [{"kind": "current", "given_names": "John", "family_name": "Smith"},
              {"kind": "alias", "given_names": "Jack", "family_name": "Smyth", "valid_from": "2001-02-03"}],
    "notifications": [
        *LEGAL_RECORD["notifications"],
        {"kind": "periodic", "received_at": "2007-09-01T09:30:00Z", "station": "Bow Police Station", "officer": ""},
    ],
}


def _values(rows: Any) -> list[dict[str, Any]]:
    """Every column of every row, with its type: dates read back as dates on SQLite too."""
    return [{f.attname: (type(getattr(r, f.attname)), getattr(r, f.attname)) for f in r._meta.concrete_fields}
            for r in rows]


@pytest.fixture
def rich(officer: Any, make_doc: Any, frozen: Any) -> Person:
    return person_create(officer, make_doc(**RICH))


@pytest.mark.django_db
def test_reads_what_the_related_managers_read_in_their_order(rich: Person) -> None:
    person = Person.objects.get(pk=rich.pk)
    read_related(person, NAMES)
    fresh = Person.objects.get(pk=rich.pk)
    for name in NAMES:
        assert _values(getattr(person, name).all()) == _values(getattr(fresh, name).all()), name
    assert len(person.notifications.all()) == 2 and len(person.detentions.all()) == 2


@pytest.mark.django_db
def test_the_rows_are_cached_on_the_person_and_point_back_to_it(rich: Person) -> None:
    person = Person.objects.get(pk=rich.pk)
    read_related(person, NAMES)
    with CaptureQueriesContext(connection) as ctx:
        for name in NAMES:
            assert all(row.person is person for row in getattr(person, name).all())
    assert ctx.captured_queries == []


@pytest.mark.django_db
def test_each_read_is_compiled_once_per_connection(rich: Person, monkeypatch: pytest.MonkeyPatch) -> None:
    read_related(Person.objects.get(pk=rich.pk), NAMES)
    compiled = []
    original = compiler.SQLCompiler.as_sql
    monkeypatch.setattr(compiler.SQLCompiler, "as_sql",
                        lambda self, *a, **k: compiled.append(self.query.model) or original(self, *a, **k))
    person = Person.objects.get(pk=rich.pk)
    compiled.clear()
    with CaptureQueriesContext(connection) as ctx:
        read_related(person, NAMES)
    assert compiled == []
    assert len(ctx.captured_queries) == len(NAMES)  # one statement a table
