"""Foreign travel (s.86), stays at other premises (s.84(1)(c), (6)) and advance notice of a change (s.84(2)-(4)).

Each is a fact the rules engine reads through ``register.facts`` (trips as departures and time abroad, stays as
stays, advance notices as ``advance_notice_for`` on the change they announced). Nothing is overwritten: a trip's
change of plan, its return or a correction is a new version of the trip; a stay is an interval whose open end is
closed once; an advance notice is append-only.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise RuntimeError("These rows are append-only: record a new version.")


class Trip(models.Model):
    """One version of a notified trip outside the UK. The trip is ``number`` (per person); its latest version
    (highest id) is what holds. Time abroad is recorded only here (never as an ``abroad`` detention)."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="trips", db_index=False)
    number = models.PositiveSmallIntegerField()
    departure = models.DateField()
    countries = models.CharField(max_length=60, help_text="ISO 3166 alpha-2 codes, space separated, in order.")
    arrival_points = models.CharField(max_length=300, blank=True)
    accommodation = models.CharField(max_length=300, blank=True)
    return_date = models.DateField(null=True, blank=True)
    return_point = models.CharField(max_length=120, blank=True)
    return_notified_on = models.DateField(null=True, blank=True)
    short_notice = models.BooleanField(default=False, help_text="The details were not known 7 days ahead.")
    cancelled = models.BooleanField(default=False, help_text="The trip did not go ahead.")
    notification = models.ForeignKey("register.Notification", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    created_at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        db_table = "register_trip"
        ordering = ["number", "id"]
        indexes = [models.Index(fields=["person", "number"]), models.Index(fields=["departure"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Trips are append-only: record a new version.")
        super().save(*args, **kwargs)

    @property
    def country_list(self) -> list[str]:
        return self.countries.split()


class Stay(models.Model):
    """A period stayed at premises in the UK other than the home, from ``start`` to ``end`` (both days stayed;
    null: still staying). The rules engine adds up the days per address (``address_key``)."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="stays")
    line1 = models.CharField(max_length=120)
    town = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(max_length=8)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "register_stay"
        ordering = ["start", "id"]


class AdvanceNotice(models.Model):
    """Notice given before a change (s.84(2)) with the date it is expected; given with a change notification."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="advance_notices")
    change = models.CharField(max_length=12)
    expected_on = models.DateField()
    given_at = models.DateTimeField()
    notification = models.ForeignKey("register.Notification", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    created_at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        db_table = "register_advancenotice"
        ordering = ["given_at", "id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Advance notices are append-only.")
        super().save(*args, **kwargs)
