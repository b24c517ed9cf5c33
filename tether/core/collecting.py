"""Bulk work with Python's garbage collector held back (see ``fewer_collections``)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLD = 50_000  # new objects between two of the youngest generation's collections (Python's default: 700)
# the youngest generation's collections between two of the middle one's (Python's default: 10). Each of those scans
# everything that outlived a young collection since the last: the live batch, again and again (2.9 of the national
# demo's 4.9 s of collecting, in 15 collections); one in a thousand leaves it 0.1 s. What the young collections miss
# is little (about two objects a registrant in the demo) and is collected later.
BULK_MIDDLE = 1_000


def hold_back_collections(threshold: int = BULK_THRESHOLD) -> None:
    """For the rest of this process (a worker that does bulk work until it ends): collect less often, and never
    scan what is alive now (modules, settings, caches)."""
    gc.freeze()
    gc.set_threshold(threshold, BULK_MIDDLE, gc.get_threshold()[2])


_lock = threading.Lock()
_depth = 0  # bulk work under way in this process (nested, or in several threads of a web worker)
_saved: tuple[tuple[int, int, int], bool] | None = None  # the collector's setting before the first of it


@contextmanager
def fewer_collections(threshold: int = BULK_THRESHOLD) -> Iterator[None]:
    """Python's cyclic garbage collector run less often during bulk work, and never over what existed before it.

    ``hold_back_collections`` for the span of a ``with`` block, the collector put back as it was when the last bulk
    work under way in the process ends (the setting is the process's: nested blocks, or blocks in several threads
    of a web worker, share it). A process that froze its own objects already (a web worker, ``config.wsgi``) is not
    frozen again, so what its other requests hold now is not kept from the collector for good.
    Bulk work (a demo load, an import, the sweep) makes many small objects that live until their batch is written.
    With the default threshold (a collection every 700 new objects, and a full one every so often over everything
    alive) the collector scans the same live batch again and again: three quarters of the time of unpickling the
    demo's documents (``demo.pipeline``), and a share of everything else. Objects are still collected, in larger,
    rarer collections."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = (gc.get_threshold(), gc.get_freeze_count() > 0)
            if not _saved[1]:
                gc.freeze()
            gc.set_threshold(threshold, BULK_MIDDLE, _saved[0][2])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved[0])
                if not _saved[1]:
                    gc.unfreeze()
                _saved = None
