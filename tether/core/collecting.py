"""Bulk work with Python's garbage collector held back (see ``fewer_collections``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLD = 50_000  # new objects between two of the youngest generation's collections (Python's default: 700)


def hold_back_collections(threshold: int = BULK_THRESHOLD) -> None:
    """For the rest of this process (a worker that does bulk work until it ends): collect less often, and never
    scan what is alive now (modules, settings, caches)."""
    gc.freeze()
    gc.set_threshold(threshold, *gc.get_threshold()[1:])


@contextmanager
def fewer_collections(threshold: int = BULK_THRESHOLD) -> Iterator[None]:
    """Python's cyclic garbage collector run less often during bulk work, and never over what existed before it.

    ``hold_back_collections`` for the span of a ``with`` block, the collector put back as it was after.
    Bulk work (a demo load, an import, the sweep) makes many small objects that live until their batch is written.
    With the default threshold (a collection every 700 new objects, and a full one every so often over everything
    alive) the collector scans the same live batch again and again: three quarters of the time of unpickling the
    demo's documents (``demo.pipeline``), and a share of everything else. Objects are still collected, in larger,
    rarer collections."""
    before, frozen_before = gc.get_threshold(), gc.get_freeze_count()
    hold_back_collections(threshold)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if not frozen_before:  # a process that froze its own objects (a web worker) keeps them frozen
            gc.unfreeze()
