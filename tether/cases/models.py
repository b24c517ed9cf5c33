"""Missing and wanted cases. A case is an interval (opened_on .. closed_on) so "open on date D" is a query;
its states are intervals too (``CaseState``), and what was done on it is an append-only log (``CaseAction``).

``Case.kind``, ``closed_on``, ``warrant_on``, ``believed_abroad``, ``outcome`` and ``sio`` are caches of the
current state kept in step by ``tether.cases.services`` (import/export and the register's status read them);
the history is in ``CaseState`` and ``CaseAction``.
"""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from . import transitions as tr


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


class CaseStateKind(models.TextChoices):
    MISSING = tr.MISSING, "Missing"
    WANTED = tr.WANTED, "Wanted"
    CLOSED = tr.CLOSED, "Closed"


class ActionKind(models.TextChoices):
    PNC_CIRCULATION = "pnc_circulation", "Circulated on PNC"
    PROBATION_INFORMED = "probation_informed", "Probation informed"
    MAPPA_INFORMED = "mappa_informed", "MAPPA co-ordinator informed"
    SIO_ASSIGNED = "sio_assigned", "Senior investigating officer assigned"
    CASE_REVIEW = "case_review", "Case reviewed"
    ABROAD_REVIEW = "abroad_review", "Believed-abroad review"
    MEDIA_DECISION = "media_decision", "Media-appeal decision"
    MEDIA_APPROVAL = "media_approval", "Media-appeal decision approved or refused"
    NOTE = "note", "Note"


class MediaDecision(models.TextChoices):
    APPEAL = "appeal", "Make a media appeal"
    NO_APPEAL = "no_appeal", "No media appeal (tracing stays covert)"


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
    sio = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="sio_cases")
    pnc_reference = models.CharField(max_length=40, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["opened_on", "id"]
        indexes = [models.Index(fields=["force", "opened_on", "closed_on"])]


class CaseState(models.Model):
    """One interval of a case's state: holds from ``valid_from`` (inclusive) to ``valid_to`` (exclusive)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="states")
    state = models.CharField(max_length=10, choices=CaseStateKind.choices)
    believed_abroad = models.BooleanField(default=False)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    event = models.CharField(max_length=20, help_text="The transition that started this interval.")
    outcome = models.CharField(max_length=20, choices=CaseOutcome.choices, blank=True)
    detail = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(blank=True)
    actor = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["case_id", "valid_from", "id"]
        indexes = [
            models.Index(fields=["case", "valid_to"]),
            models.Index(fields=["state", "valid_from", "valid_to"]),
        ]


class CaseActionQuerySet(models.QuerySet["CaseAction"]):
    def update(self, **kwargs: Any) -> int:
        raise RuntimeError("Case actions are append-only.")


class CaseAction(models.Model):
    """Something done on a case (PNC circulation, partner informed, SIO, review, media decision). Append-only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    on = models.DateField(help_text="The UK date it was done.")
    at = models.DateTimeField(help_text="When it was recorded.")
    reference = models.CharField(max_length=40, blank=True)
    sio = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approves = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="approvals")
    detail = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(blank=True)
    actor = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)

    objects = CaseActionQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "kind", "on"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Case actions are append-only.")
        super().save(*args, **kwargs)
