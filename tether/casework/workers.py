"""Entry points for the recompute's worker processes. Imports nothing from Django at module level: a spawned
worker unpickles these functions before Django is set up."""

from __future__ import annotations

import os
import uuid
from datetime import date


def init(db_name: str) -> None:  # pragma: no cover - runs in the worker processes
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connections

    connections["default"].settings_dict["NAME"] = db_name
    from tether.core.collecting import hold_back_collections

    hold_back_collections()  # the worker does nothing but bulk work until it ends


def recompute_range(  # pragma: no cover
    lo: uuid.UUID | None, hi: uuid.UUID | None, as_of: date
) -> tuple[int, int, dict[str, float]]:
    from .batches import recompute_range as run

    return run(lo, hi, as_of)
