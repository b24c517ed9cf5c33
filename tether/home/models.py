"""The dashboard's precomputed counts (``counts``): what a page may show again without counting the register anew."""

from __future__ import annotations

from django.db import models


class CountsVersion(models.Model):
    """One row (id 1): moved on after every committed write that can change a dashboard count (a registrant written,
    an outcome stored, a merge). Stored counts of another version are stale."""

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
