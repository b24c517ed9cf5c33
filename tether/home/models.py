"""The dashboard's precomputed counts (``counts``): what a page may show again without counting the register anew."""

from __future__ import annotations

from django.db import models


class CountsVersion(models.Model):
    """A row per force (``id`` the force's; row 0 for a write naming no force, ``core.stored``): moved on after every
    committed write that can change a dashboard count of the force (a registrant written, an outcome stored, a merge,
    a transfer). Stored counts of another version are stale."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    value = models.BigIntegerField(default=0)


class DashboardCounts(models.Model):
    """The dashboard's figures for one scope (a force, or 0 for every force), counted on ``day`` at ``version``."""

    scope = models.IntegerField(primary_key=True)
    day = models.DateField()
    version = models.BigIntegerField()
    registrants = models.PositiveIntegerField()
    overdue = models.PositiveIntegerField()
    missing = models.PositiveIntegerField()
    wanted = models.PositiveIntegerField()
