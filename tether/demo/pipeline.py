"""Making the demo register's documents in a second process while this one writes them.

Generating and validating a registrant's documents is pure work (no database): at the national size it is about a
third of the load. ``produced_elsewhere`` runs a producer in a forked child process and hands its items back in
the order made, so the writer (this process, the only one that touches the database) and the child work on both
cores at once; the writer waits only when the child falls behind. The items are the same, in the same order, as
the producer gives in this process (``demo/tests/test_pipeline.py``).

- Memory stays bounded: the child runs at most ``depth`` chunks of ``chunk`` items ahead of the reader.
- The child may not touch the database: every statement it tries raises (``_no_database``). It was forked with a
  copy of this process's connection, which it must leave alone.
- A failure in the child is raised here with the child's traceback; a reader that stops early (its own failure,
  Ctrl-C) stops the child.
- ``reader_behind()`` tells the producer when the reader is the slower of the two, so that it can take on some of the
  reader's work (the demo works out the law's outcome beside a document then) and the two stay balanced.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from django.db import connection

T = TypeVar("T")

CHUNK = 250  # items sent at a time
DEPTH = 40  # chunks the child may run ahead: about two of the loader's write batches
POLL_SECONDS = 1.0  # how often a reader waiting for a chunk checks that the child is still alive


def available() -> bool:
    """True where a second process helps and can be forked safely: more than one core, on Linux (macOS can fork,
    but a forked child there may crash in the system's libraries, which is why Python spawns by default there;
    elsewhere the documents are made in this process, as below ``PIPELINE_FROM``)."""
    return (os.cpu_count() or 1) > 1 and sys.platform.startswith("linux")


def _no_database(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("the producing process may not use the database (it holds a copy of the parent's connection)")


def _packed(items: list[Any]) -> bytes:
    """A chunk pickled here, in the producing thread: ``multiprocessing.Queue`` otherwise pickles it in its feeder
    thread, which then takes turns with the producer for the child's one interpreter lock, and the reader waits for
    both."""
    return pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL)


_out: Any = None  # in the producing process: the queue to the reader
_behind_from = 0  # chunks waiting in it from which the reader is behind


def reader_behind() -> bool:
    """In the producing process: True while the reader has at least half the queue's chunks still to read, so the
    reader is the slower of the two and the producer may take on work the reader would otherwise do. False in any
    other process."""
    return _out is not None and _out.qsize() >= _behind_from


def _produce(produce: Callable[[], Iterable[Any]], out: Any, chunk: int, depth: int) -> None:
    global _out, _behind_from
    _out, _behind_from = out, max(1, depth // 2)
    try:
        with connection.execute_wrapper(_no_database):
            items: list[Any] = []
            for item in produce():
                items.append(item)
                if len(items) >= chunk:
                    out.put(("items", _packed(items)))
                    items = []
            if items:
                out.put(("items", _packed(items)))
        out.put(("done", None))
    except BaseException:  # every failure, Ctrl-C included, is the reader's to raise
        out.put(("error", traceback.format_exc()))
    out.close()
    out.join_thread()  # everything sent before the child exits


def produced_elsewhere(produce: Callable[[], Iterable[T]], *, chunk: int = CHUNK, depth: int = DEPTH) -> Iterator[T]:
    """The items of ``produce()``, made in a forked child process, in order."""
    context = multiprocessing.get_context("fork")
    channel: Any = context.Queue(maxsize=depth)
    child = context.Process(target=_produce, args=(produce, channel, chunk, depth), name="tether-demo-documents",
                            daemon=True)
    child.start()
    try:
        while True:
            try:
                kind, payload = channel.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(
                        f"the process making the demo documents stopped without a word (exit code {child.exitcode})"
                    ) from None
                continue
            if kind == "items":
                yield from pickle.loads(payload)  # noqa: S301 - made by this process's own fork
            elif kind == "done":
                break
            else:
                raise RuntimeError(f"making the demo documents failed in the second process:\n{payload}")
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
        channel.close()
