"""Today's caseload and capacity counts, counted once per scope and reused until something they count changes.

Counting every stored outcome (70,000 registrants nationally) on each view of the caseload or capacity page is their
biggest cost. What is counted (each manager's registrants by risk level and overdue duties; each force's work by
risk level, due day and kind, the visits reactive management would drop, who is eligible and who has a plan) is
stored with the day and the version it was counted at (``models.StoredFigures``); the version moves on after every
committed write that can change it (``changed``: every stored outcome re-evaluated, which every management write,
the register's outcomes and the daily sweep do through ``outcomes.materialise``, and every registrant written), so
stored counts are only reused while nothing they count has changed, and never after midnight. What is cheap and
may change without a registrant's write is read every time: the officers, the forces' policies, the facts of those
with an individual plan, and who is missed first.

How it stays correct whichever order writes and reads happen in: ``core.stored``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from tether.core.stored import Versioned

from .models import FiguresVersion, StoredFigures

T = TypeVar("T")
_figures = Versioned(FiguresVersion, StoredFigures, "key")
current_version = _figures.current_version
changed = _figures.changed  # something counted changed in the current transaction: stale once it commits


def stored(key: str, day: date, count: Callable[[], T], dump: Callable[[T], Any], load: Callable[[Any], T]) -> T:
    """``count()``, or what it gave when last counted for ``key`` on ``day`` if nothing has changed since
    (``dump`` makes it JSON, ``load`` makes it again)."""
    row = _figures.fresh(key, day, ["figures"])
    if row is not None:
        return load(json.loads(row[0]) if isinstance(row[0], (str, bytes)) else row[0])
    version = current_version()  # before counting: a write committed meanwhile makes this version stale
    value = count()
    _figures.store(key, day, version, {"figures": dump(value)})
    return value
