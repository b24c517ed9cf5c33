"""Missing and wanted cases. A case is an interval (opened_on .. closed_on) so "open on date D" is a query."""

from __future__ import annotations

from django.db import models


class CaseKind(models.TextChoices):
    MISSING = "missing", "Missing"
    WANTED = "wanted", "Wanted"


class CaseOutcome(models.TextChoices):
    LOCATED = "located", "Located"
    ARRESTED = "arrested", "Arrested"
    RETURNED = "returned", "Returned to the UK"
    ABROAD_KNOWN = "abroad_known", "Confirmed abroad at a known address"
    DIED = "died", "Died"
    NO_LONGER_SUBJECT = "no_longer_subject", "No longer subject"


class Case(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="cases")
    force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(max_length=10, choices=CaseKind.choices)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    believed_abroad = models.BooleanField(default=False)
    warrant_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=CaseOutcome.choices, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["opened_on", "id"]
        indexes = [models.Index(fields=["force", "opened_on", "closed_on"])]
