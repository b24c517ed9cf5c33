"""Per-force returns imported for the national roll-up (forces whose register is not held in Tether).

Append-only: a corrected return is a new import; the roll-up uses each force's latest return on or before
the as-at date (the latest import when a force sent more than one for the same date)."""

from __future__ import annotations

from typing import Any

from django.db import models


class ForceReturnQuerySet(models.QuerySet["ForceReturn"]):
    def update(self, **kwargs: Any) -> int:
        raise RuntimeError("Force returns are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Force returns are append-only.")


class ForceReturn(models.Model):
    """One line of a force's return: open missing cases on ``as_at`` that went missing in ``year_missing``
    (null: the force did not say when)."""

    force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="+", db_index=False)
    as_at = models.DateField()
    year_missing = models.PositiveSmallIntegerField(null=True, blank=True)
    count = models.PositiveIntegerField()
    source = models.TextField(help_text="Where the figures came from (file name, FOI reference, press survey).")
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ForceReturnQuerySet.as_manager()

    class Meta:
        ordering = ["force_id", "as_at", "imported_at", "id"]
        indexes = [models.Index(fields=["force", "as_at", "imported_at"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Force returns are append-only.")
        super().save(*args, **kwargs)
