"""The 45 UK territorial police forces, loaded from data/forces.csv (by a data migration)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

FORCES_CSV = Path(__file__).resolve().parent / "data" / "forces.csv"
FORCE_COUNT = 45


def load_forces(force_model: Any = None) -> int:
    """Insert or update every force from the CSV; ``force_model`` may be a migration's historical model."""
    if force_model is None:
        from .models import Force as force_model
    n = 0
    with FORCES_CSV.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            force_model.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "country": row["country"],
                    "published_rso_count": int(row["rso_count"]) if row["rso_count"] else None,
                },
            )
            n += 1
    return n


def forces_after_flush(using: str = "default", **_: Any) -> None:
    """``post_migrate``, sent after ``migrate`` and after ``flush``: the forces are reference data that the data
    migration loads once, and a flush (a transactional test ending, an operator's ``flush``) empties every table.
    They are put back in the same step, as Django puts back content types."""
    from django.db import connections

    from .models import Force

    if Force._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back below the forces table
    if Force.objects.using(using).count() < FORCE_COUNT:
        load_forces(Force)


def ensure_forces() -> None:
    """Reload the forces if a test flushed the database (transactional tests empty every table)."""
    from .models import Force

    if Force.objects.count() < FORCE_COUNT:
        load_forces(Force)
