"""The registrant and everything that identifies them. Nothing is overwritten: names, addresses and
ownership are intervals; the few "current" columns on Person are caches the services keep in step."""

from __future__ import annotations

import uuid

from django.db import models

from tether.core.models import Interval

from .constants import AddressKind, NameKind, Sex


class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=16, unique=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices)
    ni_number = models.CharField(max_length=9, blank=True, db_index=True)
    pnc_id = models.CharField(max_length=13, blank=True, db_index=True)
    synthetic = models.BooleanField(default=False)
    # Caches of the current interval rows, kept by the services for listing and scoping.
    owning_force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="people")
    display_name = models.CharField(max_length=200)
    sort_name = models.CharField(max_length=200, db_index=True)
    offender_manager = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="caseload"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["sort_name", "reference"]
        indexes = [models.Index(fields=["owning_force", "sort_name"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.display_name}"


class Ownership(Interval):
    """Which force manages the person, as an interval history (transfers keep the past)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ownerships")
    force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["valid_from"]


class PersonName(Interval):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=10, choices=NameKind.choices)
    given_names = models.CharField(max_length=120)
    family_name = models.CharField(max_length=80)
    search_key = models.CharField(max_length=200, db_index=True)

    class Meta:
        ordering = ["valid_from", "id"]


class Address(Interval):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=10, choices=AddressKind.choices)
    line1 = models.CharField(max_length=120)
    line2 = models.CharField(max_length=120, blank=True)
    town = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(max_length=8)
    child_under_18 = models.BooleanField(
        default=False, help_text="A child under 18 lives or stays at this address."
    )

    class Meta:
        ordering = ["valid_from", "id"]
        verbose_name_plural = "addresses"
