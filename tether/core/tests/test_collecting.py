from __future__ import annotations

import gc

import pytest

from tether.core.collecting import BULK_MIDDLE, BULK_THRESHOLD, fewer_collections


def test_fewer_collections_puts_the_collector_back():
    if gc.get_freeze_count():  # frozen by something the test process imported (config.wsgi)
        gc.unfreeze()
    before = gc.get_threshold()
    with fewer_collections(12345):
        assert gc.get_threshold() == (12345, BULK_MIDDLE, before[2]) and gc.get_freeze_count() > 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """gc.freeze and gc.unfreeze, counted (the number of frozen objects is no measure: a frozen object can die)."""
    calls: list[str] = []
    for name in ("freeze", "unfreeze"):
        real = getattr(gc, name)
        monkeypatch.setattr(gc, name, lambda real=real, name=name: (calls.append(name), real())[1])
    return calls


def test_nested_bulk_work_keeps_the_setting_until_the_last_ends(monkeypatch):
    if gc.get_freeze_count():
        gc.unfreeze()
    calls = _counted(monkeypatch)
    before = gc.get_threshold()
    with fewer_collections(40_000):
        with fewer_collections(60_000):  # inside: the outer setting stands
            assert gc.get_threshold()[0] == 40_000
        assert gc.get_threshold()[0] == 40_000 and calls == ["freeze"]
    assert gc.get_threshold() == before and calls == ["freeze", "unfreeze"]


def test_bulk_work_in_two_threads_puts_the_collector_back_when_both_end():
    import threading

    before = gc.get_threshold()
    first_in, second_done = threading.Event(), threading.Event()

    def first() -> None:
        with fewer_collections(30_000):
            first_in.set()
            second_done.wait(5)

    worker = threading.Thread(target=first)
    worker.start()
    first_in.wait(5)
    with fewer_collections(30_000):
        pass
    assert gc.get_threshold()[0] == 30_000  # the other thread's bulk work is still under way
    second_done.set()
    worker.join(5)
    assert gc.get_threshold() == before


def test_a_process_frozen_already_is_not_frozen_again(monkeypatch):
    gc.freeze()
    try:
        calls = _counted(monkeypatch)
        with fewer_collections():
            assert gc.get_threshold()[0] == BULK_THRESHOLD
        assert calls == []  # neither frozen again nor unfrozen: the process's own freeze stands
    finally:
        monkeypatch.undo()
        gc.unfreeze()

