"""``selectors.stored_rows`` and ``by_stored_id``: a query's rows as the database gives them, each person id found
again by its stored form and each date read with ``as_date``, are the rows the ORM gives (on both databases)."""

from __future__ import annotations

from typing import Any

import pytest

from tether.register.models import Notification, Person
from tether.register.selectors import as_date, by_stored_id, stored_rows
from tether.register.services import person_create
from tether.register.testing import LEGAL_RECORD


@pytest.mark.django_db
def test_raw_rows_read_back_as_the_orm_reads_them(officer: Any, make_doc: Any, frozen: Any) -> None:
    people = [person_create(officer, make_doc(**LEGAL_RECORD)), person_create(officer, make_doc())]
    ids = [p.pk for p in people]
    query = Notification.objects.filter(person_id__in=ids).order_by("pk").values_list("person_id", "received_on",
                                                                                        "kind")
    key = by_stored_id(ids)
    raw = [(key[pid], as_date(on), kind) for pid, on, kind in stored_rows(query)]
    assert raw == list(query) and len(raw) >= 2
    assert all(type(pid) is type(ids[0]) and pid in ids for pid, _, _ in raw)


@pytest.mark.django_db
def test_the_ids_given_are_what_the_stored_ids_map_to(officer: Any, make_doc: Any, frozen: Any) -> None:
    person = person_create(officer, make_doc())
    (stored,) = stored_rows(Person.objects.filter(pk=person.pk).values_list("pk"))
    assert by_stored_id([person.pk]) == {stored[0]: person.pk}
    assert by_stored_id([str(person.pk)]) == {stored[0]: str(person.pk)}  # the id as given, whatever its form


@pytest.mark.django_db
def test_person_rows_read_the_same_people_however_their_ids_come(officer: Any, make_doc: Any, frozen: Any) -> None:
    """A batch's ids read by several queries in a row (a tuple: its array literal made once, ``_ids_literal``) find
    the same rows as a list of them, a tuple equal to it and a tuple of other people."""
    from tether.register.selectors import _ids_literal, person_rows

    people = [person_create(officer, make_doc(**LEGAL_RECORD)), person_create(officer, make_doc())]
    ids = tuple(sorted(p.pk for p in people))
    sql = "SELECT id FROM people_person WHERE {ids} ORDER BY id"
    found = [row[0] for row in person_rows(sql, ids, column="id")]
    assert found == list(ids)
    assert [row[0] for row in person_rows(sql, ids, column="id")] == found  # again, the same tuple
    assert [row[0] for row in person_rows(sql, list(ids), column="id")] == found
    assert [row[0] for row in person_rows(sql, ids[:1], column="id")] == found[:1]  # another tuple, after
    assert [row[0] for row in person_rows(sql, tuple(ids), column="id")] == found
    assert _ids_literal(ids) == _ids_literal(list(ids)) and _ids_literal(ids) is _ids_literal(ids)
    assert _ids_literal(ids[1:]) != _ids_literal(ids)
