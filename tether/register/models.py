"""The person aggregate: the registrant and everything that identifies them, what the law attaches to them
(disposals, detentions, orders, notifications: append-only) and the stored outcome of the rules engine
(state + obligations), kept in step by the services.

Nothing is overwritten: names, addresses and ownership are intervals; the few "current" columns on Person are
caches the services keep in step. The person tables keep the names they had when they lived in a ``people``
app (``db_table``); tether/legacy/people holds that app's migration history.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models

from tether.core.models import Interval

from .constants import (
    AddressKind,
    AppealOutcome,
    ChangeKind,
    DetentionKind,
    DisposalKind,
    NameKind,
    NotificationKind,
    OrderKind,
    RegisterStatus,
    RemovalReason,
    ReviewDecision,
    Sex,
)


class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=16, unique=True)
    date_of_birth = models.DateField()
    date_of_death = models.DateField(null=True, blank=True, help_text="The registration ends with the person.")
    sex = models.CharField(max_length=10, choices=Sex.choices)
    ni_number = models.CharField(max_length=9, blank=True, db_index=True)
    pnc_id = models.CharField(max_length=13, blank=True, db_index=True)
    synthetic = models.BooleanField(default=False)
    # Caches of the current interval rows, kept by the services for listing and scoping.
    owning_force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="people", db_index=False)
    display_name = models.CharField(max_length=200)
    sort_name = models.CharField(max_length=200, db_index=True)
    offender_manager = models.ForeignKey(
        "access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="caseload"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "people_person"
        ordering = ["sort_name", "reference"]
        indexes = [models.Index(fields=["owning_force", "sort_name"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.display_name}"


class Ownership(Interval):
    """Which force manages the person, as an interval history (transfers keep the past)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ownerships")
    force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "people_ownership"
        ordering = ["valid_from"]


class PersonName(Interval):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=10, choices=NameKind.choices)
    given_names = models.CharField(max_length=120)
    family_name = models.CharField(max_length=80)
    search_key = models.CharField(max_length=200, db_index=True)

    class Meta:
        db_table = "people_personname"
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
        db_table = "people_address"
        ordering = ["valid_from", "id"]
        verbose_name_plural = "addresses"


class Disposal(models.Model):
    """A qualifying conviction, caution or finding and what the court did."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="disposals")
    date = models.DateField(help_text="Relevant date: conviction, finding or caution.")
    offence = models.CharField(max_length=200)
    offence_code = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=30, choices=DisposalKind.choices)
    months = models.PositiveIntegerField(null=True, blank=True)
    tier = models.PositiveSmallIntegerField(null=True, blank=True, help_text="US SORNA tier (1-3).")
    age_at_date = models.PositiveSmallIntegerField(help_text="Derived from date of birth.")
    court = models.CharField(max_length=120, blank=True, help_text="The court (or police force, for a caution).")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["date", "id"]


class Detention(models.Model):
    """A period in custody, in hospital or outside the UK: it pauses legal clocks."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="detentions")
    kind = models.CharField(max_length=10, choices=DetentionKind.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="The release (or return to the UK).")
    basis = models.CharField(max_length=16, blank=True, help_text="Remand, sentence, recall, hospital order ...")
    licence_end = models.DateField(null=True, blank=True, help_text="The end of the licence after release.")

    class Meta:
        ordering = ["start", "id"]


class Order(models.Model):
    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="orders")
    kind = models.CharField(max_length=20, choices=OrderKind.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    court = models.CharField(max_length=120, blank=True)
    # foreign travel prohibitions: where they may not go ("all countries" or a list), and the passports surrendered
    countries = models.CharField(max_length=200, blank=True)
    passports_surrendered_on = models.DateField(null=True, blank=True)
    surrender_station = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["start", "id"]


class NotificationQuerySet(models.QuerySet["Notification"]):
    def update(self, **kwargs: Any) -> int:
        raise RuntimeError("Notifications are append-only.")


class Notification(models.Model):
    """An in-person notification at a police station. Append-only: a mistake is corrected by a new one."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="notifications",
                               db_index=False)
    kind = models.CharField(max_length=12, choices=NotificationKind.choices)
    received_at = models.DateTimeField()
    received_on = models.DateField(help_text="UK date of received_at: the date the law counts.")
    station = models.CharField(max_length=120)
    officer = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    officer_label = models.CharField(max_length=200, blank=True)
    no_fixed_abode = models.BooleanField(default=False)
    details = models.JSONField(default=dict, blank=True, help_text="What was notified.")
    # s.84: which change was notified and the date it happened (register.notified)
    change = models.CharField(max_length=20, blank=True, choices=ChangeKind.choices)
    changed_on = models.DateField(null=True, blank=True)
    # s.83/s.84/s.85: the full details given that day (names, home address, other addresses, NI number)
    given = models.JSONField(default=dict, blank=True, help_text="The full details given (register.notified).")
    created_at = models.DateTimeField()

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["person", "received_on"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise RuntimeError("Notifications are append-only.")
        super().save(*args, **kwargs)


class RegisterState(models.Model):
    """The rules engine's outcome for one person, stored so the sweep is an index range scan."""

    person = models.OneToOneField("register.Person", primary_key=True, on_delete=models.CASCADE, related_name="state")
    jurisdiction = models.CharField(max_length=20)
    status = models.CharField(max_length=12, choices=RegisterStatus.choices, db_index=True)
    subject = models.BooleanField()
    registration_start = models.DateField(null=True, blank=True)
    registration_end = models.DateField(null=True, blank=True)
    indefinite = models.BooleanField(default=False)
    review_eligible_from = models.DateField(null=True, blank=True)
    next_due = models.DateField(null=True, blank=True, db_index=True)
    rules_version = models.CharField(max_length=20)
    evaluated_on = models.DateField()
    evaluated_at = models.DateTimeField()
    # The first day the stored outcome may no longer hold (the rules engine's ``Outcome.changes_on``, or
    # earlier for the register status): the daily sweep re-evaluates everyone with changes_on <= today.
    changes_on = models.DateField(null=True, blank=True, db_index=True)


class PersonObligation(models.Model):
    """One obligation from the last evaluation. ``open`` = not yet met: (open, due) finds what is overdue."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="obligations")
    kind = models.CharField(max_length=20)
    trigger = models.DateField()
    due = models.DateField()
    status = models.CharField(max_length=10)
    met_on = models.DateField(null=True, blank=True)
    open = models.BooleanField()
    citation = models.CharField(max_length=80)
    explanation = models.TextField()

    class Meta:
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["open", "due"])]


from .models_prescribed import PrescribedItem as PrescribedItem  # noqa: E402  (the 2012 prescribed information)
from .models_transfers import Transfer, TransferState  # noqa: E402, F401  (transfers between forces)
from .models_travel import AdvanceNotice as AdvanceNotice  # noqa: E402  (travel, stays, advance notices)
from .models_travel import Stay as Stay  # noqa: E402
from .models_travel import Trip as Trip  # noqa: E402


class Review(models.Model):
    """An application for review of indefinite notification (SOA 2003 ss.91A-91F), the chief officer's decision and
    any appeal to a magistrates' court. Each step is recorded once; nothing is overwritten."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="reviews")
    applied_on = models.DateField(help_text="The day the written application was received.")
    decision_due = models.DateField(help_text="The day the police decision is due.")
    decision = models.CharField(max_length=12, blank=True, choices=ReviewDecision.choices)
    decided_on = models.DateField(null=True, blank=True)
    reasons = models.TextField(blank=True)
    further_date = models.DateField(null=True, blank=True, help_text="The further qualifying date set on refusal.")
    appeal_lodged_on = models.DateField(null=True, blank=True)
    appeal_outcome = models.CharField(max_length=10, blank=True, choices=AppealOutcome.choices)
    appeal_decided_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "register_review"
        ordering = ["applied_on", "id"]


class Removal(models.Model):
    """Removal from the register: the end of the notification period, a discharge on review or on appeal."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="removals")
    reason = models.CharField(max_length=16, choices=RemovalReason.choices)
    removed_on = models.DateField(help_text="The first day they are no longer subject.")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "register_removal"
        ordering = ["removed_on", "id"]
