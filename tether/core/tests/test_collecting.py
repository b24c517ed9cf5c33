from __future__ import annotations

import gc

from tether.core.collecting import fewer_collections


def test_fewer_collections_puts_the_collector_back():
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with fewer_collections(12345):
        assert gc.get_threshold()[0] == 12345 and gc.get_freeze_count() > frozen
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0 if not frozen else gc.get_freeze_count() >= frozen


def test_nested_bulk_work_leaves_the_outer_settings_in_place():
    with fewer_collections(40_000):
        frozen = gc.get_freeze_count()
        with fewer_collections(60_000):
            assert gc.get_threshold()[0] == 60_000
        assert gc.get_threshold()[0] == 40_000 and gc.get_freeze_count() >= frozen

