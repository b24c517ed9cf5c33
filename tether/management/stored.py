"""Today's caseload and capacity counts, counted once per force and reused until something they count changes.

Counting every stored outcome (70,000 registrants nationally) on each view of the caseload or capacity page is their
biggest cost. What is counted (each manager's registrants by risk level and overdue duties; each force's work by
risk level, due day and kind, the visits reactive management would drop, who is eligible and who has a plan) is
stored per force with the day and the force's version it was counted at (``models.StoredFigures``); a force's version
moves on after every committed write that can change its figures (``changed(force_ids)``: every stored outcome
re-evaluated, which every management write, the register's outcomes and the daily sweep do through
``outcomes.materialise``, and every registrant written; the force before and after), so stored counts are only
reused while nothing they count has changed, and never after midnight. A national view is the sum of every force's
figures: after a write in one force only that force is counted again, and the forces that are stale are counted
together in one pass (``per_force``). What is cheap and may change without a registrant's write is read every time:
the officers, the forces' policies, the facts of those with an individual plan, and who is missed first.

How it stays correct whichever order writes and reads happen in: ``core.stored``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from tether.core.stored import Versioned

from .models import FiguresVersion, StoredFigures

T = TypeVar("T")
_figures = Versioned(FiguresVersion, StoredFigures, "key")
current_version = _figures.current_version  # a force's (its id), or every force's (no argument)
changed = _figures.changed  # these forces' counts changed in the current transaction: stale once it commits


def per_force(kind: str, force_ids: Sequence[int], day: date, count: Callable[[list[int], bool], dict[int, T]],
              dump: Callable[[T], Any], load: Callable[[Any], T], *, every: bool = False) -> dict[int, T]:
    """Each of ``force_ids``' figures of ``kind``: the stored ones when counted on ``day`` at the force's current
    version, and what ``count(stale, all_of_them)`` gives the others (together, in one pass; ``all_of_them`` when
    ``every`` says ``force_ids`` are every force and none is stored, so the count need not name them), which is
    stored (``dump`` makes it JSON, ``load`` makes it again). ``count`` gives each force asked for, those with
    nothing to count too."""
    keys = {f"{kind}:{fid}": fid for fid in force_ids}
    rows, versions = _figures.fresh_many(keys, day, ["figures"])
    out: dict[int, T] = {}
    for key, (figures,) in rows.items():
        out[keys[key]] = load(json.loads(figures) if isinstance(figures, (str, bytes)) else figures)
    stale = [fid for fid in force_ids if fid not in out]
    if stale:
        counted = count(stale, every and len(stale) == len(force_ids))
        _figures.store_many({f"{kind}:{fid}": (_figures.version_in(versions, fid), {"figures": dump(counted[fid])})
                             for fid in stale}, day)
        out.update((fid, counted[fid]) for fid in stale)
    return out
