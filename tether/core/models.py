"""Base model pieces shared by every app."""

from __future__ import annotations

from django.db import models


class Interval(models.Model):
    """A fact that holds from ``valid_from`` (inclusive) to ``valid_to`` (exclusive; null = still holds).

    Nothing is overwritten: a change closes the current interval and opens a new one,
    so any figure can be recomputed as at a past date.
    """

    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True


def holds_on_q(day, prefix: str = ""):  # type: ignore[no-untyped-def]
    """A Q object selecting intervals that hold on ``day``."""
    p = prefix
    return models.Q(**{f"{p}valid_from__lte": day}) & (
        models.Q(**{f"{p}valid_to__isnull": True}) | models.Q(**{f"{p}valid_to__gt": day})
    )


class Counter(models.Model):
    """A named counter for human references (TTH-000123). Incremented under a row lock."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)


def allocate(name: str, count: int = 1, at_least: int = 0) -> range:
    """Reserve ``count`` consecutive numbers from the counter ``name``; call inside a transaction."""
    counter, _ = Counter.objects.select_for_update().get_or_create(name=name)
    start = max(counter.value, at_least) + 1
    counter.value = start + count - 1
    counter.save(update_fields=["value"])
    return range(start, start + count)


def bump(name: str, to_at_least: int) -> None:
    counter, _ = Counter.objects.select_for_update().get_or_create(name=name)
    if counter.value < to_at_least:
        counter.value = to_at_least
        counter.save(update_fields=["value"])
