"""The demo's documents made in a second process: the same documents, in the same order, and failures raised here."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from functools import partial

import pytest

from tether.demo import pipeline, services
from tether.demo.services import demo_documents, load_demo
from tether.register.models import Person, RegisterState
from tether.register.services import forces_by_code

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not pipeline.available(), reason="needs fork and a second core"),
]

TODAY = date(2025, 6, 15)


def test_documents_made_in_another_process_are_the_same_in_the_same_order():
    known = forces_by_code()
    here = list(demo_documents(300, 5, TODAY, known))
    there = list(pipeline.produced_elsewhere(partial(demo_documents, 300, 5, TODAY, known), chunk=7, depth=2))
    assert [d.id for d in there] == [d.id for d in here]
    assert there == here  # every field of every document, sections included


def _failing() -> Iterator[int]:
    yield 1
    raise ValueError("a generator that breaks half-way")


def test_a_failure_in_the_child_is_raised_with_its_traceback():
    with pytest.raises(RuntimeError, match="ValueError: a generator that breaks half-way"):
        list(pipeline.produced_elsewhere(_failing, chunk=1))


def _reads_the_database() -> Iterator[int]:
    yield Person.objects.count()


def test_the_child_may_not_touch_the_database():
    with pytest.raises(RuntimeError, match="may not use the database"):
        list(pipeline.produced_elsewhere(_reads_the_database))


def test_a_reader_that_stops_early_stops_the_child():
    items = pipeline.produced_elsewhere(lambda: iter(range(10**9)), chunk=10, depth=1)
    assert next(items) == 0
    items.close()  # the child is terminated and joined; nothing is left running
    import multiprocessing

    assert not [p for p in multiprocessing.active_children() if p.name == "tether-demo-documents"]


def _behind() -> Iterator[bool]:
    for _ in range(40):
        yield pipeline.reader_behind()


def test_the_producer_is_told_when_the_reader_falls_behind():
    assert pipeline.reader_behind() is False  # not in a producing process
    items = pipeline.produced_elsewhere(_behind, chunk=1, depth=4)
    first = next(items)
    time.sleep(1)  # the reader dawdles: the queue fills
    rest = list(items)
    assert first is False  # nothing was waiting for the reader when the first was made
    assert any(rest)  # then the reader was behind


def test_the_pipelined_load_writes_the_same_register(frozen, monkeypatch):
    monkeypatch.setattr(services, "PIPELINE_FROM", 1)
    summary = load_demo(150, seed=5, today=TODAY, batch_size=60)
    assert summary["registrants"] == Person.objects.count() == RegisterState.objects.count() == 150
    known = forces_by_code()
    assert set(Person.objects.values_list("id", flat=True)) == {d.id for d in demo_documents(150, 5, TODAY, known)}
