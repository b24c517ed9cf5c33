"""Risk-led management of a registrant: assessments (append-only), the risk level, MAPPA, the management mode and
the offender manager (intervals: nothing is overwritten), home visits and intelligence (append-only), each force's
visit policy (versioned intervals) and the stored outcome of ``rules.evaluate`` (``ManagementState``) that the daily
sweep reads through an index on ``next_due``.

Every row is written by ``tether.management.services`` inside a transaction with its audit event.
"""

from __future__ import annotations

from django.db import models

from tether.core.models import Interval

from .constants import (
    LeadAgency,
    LevelSource,
    MappaCategory,
    MappaLevel,
    Mode,
    RiskLevel,
    Tool,
    VisitOutcome,
    VisitPolicyKind,
)


class Assessment(models.Model):
    """One risk assessment as recorded (ARMS, RM2000 category entered not scored, OASys RoSH). Append-only."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="assessments", db_index=False)
    tool = models.CharField(max_length=12, choices=Tool.choices)
    assessed_on = models.DateField()
    assessor = models.CharField(max_length=200)
    category = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True,
                                help_text="RM2000 or OASys RoSH category as given; ARMS gives none.")
    summary = models.TextField(blank=True, help_text="Risk and protective factors (ARMS).")
    next_review = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["assessed_on", "id"]
        indexes = [models.Index(fields=["person", "tool", "assessed_on"])]


class RiskLevelSpell(Interval):
    """The risk level that held from ``valid_from``, with its source and reason."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="risk_levels")
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    source = models.CharField(max_length=10, choices=LevelSource.choices)
    reason = models.TextField()
    set_by = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["valid_from", "id"]
        indexes = [models.Index(fields=["valid_from", "valid_to", "level"])]


class MappaSpell(Interval):
    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="mappa")
    category = models.CharField(max_length=1, choices=MappaCategory.choices)
    level = models.CharField(max_length=1, choices=MappaLevel.choices)
    lead_agency = models.CharField(max_length=10, choices=LeadAgency.choices)

    class Meta:
        ordering = ["valid_from", "id"]


class ModeSpell(Interval):
    """Active or reactive management, decided by a supervisor; an individual plan's visit interval."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="modes")
    mode = models.CharField(max_length=10, choices=Mode.choices)
    plan_months = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["valid_from", "id"]


class ManagerSpell(Interval):
    """Who was the registrant's offender manager (``Person.offender_manager`` caches the open spell)."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="manager_spells")
    manager = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="manager_spells", db_index=False)
    handover_note = models.TextField(blank=True)

    class Meta:
        ordering = ["valid_from", "id"]
        indexes = [models.Index(fields=["manager", "valid_from", "valid_to"])]


class Visit(models.Model):
    """A home visit as recorded (append-only)."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="visits", db_index=False)
    force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="+", db_index=False)
    visited_at = models.DateTimeField()
    visited_on = models.DateField(help_text="UK date of visited_at.")
    announced = models.BooleanField(default=False)
    attended_by = models.CharField(max_length=200)
    outcome = models.CharField(max_length=16, choices=VisitOutcome.choices)
    concerns = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    recorded_by = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["visited_at", "id"]
        indexes = [models.Index(fields=["person", "visited_on"]), models.Index(fields=["force", "visited_on"])]


class Intelligence(models.Model):
    """New intelligence or changed circumstances (append-only): under reactive management it brings visits back."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="intelligence")
    received_on = models.DateField()
    summary = models.TextField()
    recorded_by = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["received_on", "id"]


class VisitPolicy(models.Model):
    """A force's visit and capacity policy, versioned: an edit closes the current version (``valid_to``)."""

    force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="visit_policies")
    kind = models.CharField(max_length=12, choices=VisitPolicyKind.choices)
    arms_days = models.PositiveSmallIntegerField(default=15)
    arms_review_months = models.PositiveSmallIntegerField(default=12)
    benchmark = models.PositiveSmallIntegerField(default=50)
    weights = models.JSONField(default=dict, blank=True)
    hours_per_visit = models.FloatField(default=3.0)
    hours_per_assessment = models.FloatField(default=6.0)
    officer_hours_per_month = models.FloatField(default=60.0, help_text="Hours an officer has for visits and "
                                                                         "assessments in a month.")
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["force_id", "valid_from"]


class ManagementState(models.Model):
    """The stored outcome of ``rules.evaluate`` for one registrant: the sweep reads ``next_due`` (index range)."""

    person = models.OneToOneField("register.Person", primary_key=True, on_delete=models.CASCADE,
                                  related_name="management")
    force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="+", db_index=False)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.ACTIVE)
    visit_due = models.DateField(null=True, blank=True)
    assessment_kind = models.CharField(max_length=16, blank=True)
    assessment_due = models.DateField(null=True, blank=True)
    next_due = models.DateField(null=True, blank=True, db_index=True)
    duties = models.JSONField(default=list, blank=True)
    recheck_on = models.DateField(null=True, blank=True, db_index=True,
                                  help_text="In custody: re-evaluate on this day (the release, or four weeks on).")
    rules_version = models.CharField(max_length=24)
    evaluated_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["force", "next_due"])]


class FiguresVersion(models.Model):
    """A row per force (``id`` the force's; row 0 for a write naming no force, ``core.stored``): moved on after every
    committed write that can change a caseload or capacity count of the force (any stored outcome re-evaluated, which
    every management write does, and any registrant written). Stored figures of another version are stale."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    value = models.BigIntegerField(default=0)


class StoredFigures(models.Model):
    """Counts behind the caseload or capacity page of one force (``key``: what, and the force), counted on ``day``
    at the force's ``version`` (``stored``): reused while both are current."""

    key = models.CharField(max_length=40, primary_key=True)
    day = models.DateField()
    version = models.BigIntegerField()
    figures = models.JSONField()
