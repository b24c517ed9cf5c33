"""What the law attaches to a person: disposals, detentions, orders, notifications (append-only),
and the materialised outcome of the rules engine (state + obligations) kept in step by the services."""

from __future__ import annotations

from typing import Any

from django.db import models

from .constants import DetentionKind, DisposalKind, NotificationKind, OrderKind, RegisterStatus


class Disposal(models.Model):
    """A qualifying conviction, caution or finding and what the court did."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="disposals")
    date = models.DateField(help_text="Relevant date: conviction, finding or caution.")
    offence = models.CharField(max_length=200)
    offence_code = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=30, choices=DisposalKind.choices)
    months = models.PositiveIntegerField(null=True, blank=True)
    tier = models.PositiveSmallIntegerField(null=True, blank=True, help_text="US SORNA tier (1-3).")
    age_at_date = models.PositiveSmallIntegerField(help_text="Derived from date of birth.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["date", "id"]


class Detention(models.Model):
    """A period in custody, in hospital or outside the UK: it pauses legal clocks."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="detentions")
    kind = models.CharField(max_length=10, choices=DetentionKind.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]


class Order(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="orders")
    kind = models.CharField(max_length=10, choices=OrderKind.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]


class NotificationQuerySet(models.QuerySet["Notification"]):
    def update(self, **kwargs: Any) -> int:
        raise RuntimeError("Notifications are append-only.")


class Notification(models.Model):
    """An in-person notification at a police station. Append-only: a mistake is corrected by a new one."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=12, choices=NotificationKind.choices)
    received_at = models.DateTimeField()
    received_on = models.DateField(help_text="UK date of received_at: the date the law counts.")
    station = models.CharField(max_length=120)
    officer = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    officer_label = models.CharField(max_length=200, blank=True)
    no_fixed_abode = models.BooleanField(default=False)
    details = models.JSONField(default=dict, blank=True, help_text="What was notified.")
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

    person = models.OneToOneField("people.Person", primary_key=True, on_delete=models.CASCADE, related_name="state")
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

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="obligations")
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
