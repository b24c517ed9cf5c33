"""The rules engine compiled to C (mypyc) when a build of the very same source exists; the source otherwise.

The engine is plain, strictly typed Python; mypyc compiles its modules (``COMPILED``) to C extension modules that
run the same code about twice as fast (the full re-evaluation of a national register spends much of its time here).
Nothing in the law changes: the build is the source, and it is used only when it is the build *of the source as it is
now*.

- ``python -m tether.obligations.native_build`` (``make install`` runs it) compiles the modules into
  ``build/engine-<digest>/``, where ``<digest>`` is the SHA-256 of the sources of ``COMPILED``, then checks that the
  compiled engine gives outcomes byte-identical to the source's on the benchmark's histories
  (``tests.test_outcome_identity``) and only then marks the build usable. It needs a C compiler; without one the
  engine stays the source (nothing else changes).
- On import (``tether.obligations.__init__``), ``activate`` puts that build first on the package's path only when
  its digest is the digest of the sources now: an edited engine runs from its source until it is built again, never
  from a stale build. A build for another Python version is not picked up by the import system either.
- ``TETHER_ENGINE=python`` in the environment: always the source (to compare, or to debug); ``unchecked``: the
  build before its check (the build's own use).
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import MutableSequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
COMPILED = ("calendar", "common", "constants", "uk", "england_wales", "scotland", "northern_ireland", "sorna",
            "schedule3", "engine")
_READY = "identical"  # written in the build folder once the compiled outcomes were checked identical
_active: list[bool] = [False]


def source_digest() -> str:
    """The SHA-256 (16 hex digits) of the compiled modules' sources."""
    h = hashlib.sha256()
    for name in COMPILED:
        h.update(name.encode())
        h.update((HERE / f"{name}.py").read_bytes())
    return h.hexdigest()[:16]


def build_dir() -> Path:
    return ROOT / "build" / f"engine-{source_digest()}"


def activate(package_path: MutableSequence[str]) -> bool:
    """Put the compiled build of the current sources first on ``package_path`` (the package's ``__path__``), when
    there is one and ``TETHER_ENGINE`` is not ``python``. Returns whether it did."""
    choice = os.environ.get("TETHER_ENGINE", "")
    if choice == "python":
        return False
    try:
        folder = build_dir()
    except OSError:
        return False
    if not (folder / _READY).is_file() and not (choice == "unchecked" and (folder / "obligations").is_dir()):
        return False  # "unchecked": the build's own check, before it is marked usable
    sys.path.append(str(folder))  # the compiled modules' shared runtime is a top-level module there
    package_path.insert(0, str(folder / "obligations"))
    _active[0] = True
    return True


def active() -> str:
    """``compiled`` when the engine runs from the compiled build, ``python`` when from the source."""
    if not _active[0]:
        return "python"
    from . import engine

    return "compiled" if not str(getattr(engine, "__file__", "")).endswith(".py") else "python"
