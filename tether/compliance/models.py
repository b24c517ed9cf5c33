"""Breaches (append-only), tasks, the versioned per-force playbook, and the sweep's run records."""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .constants import TaskKind, TaskState


class Breach(models.Model):
    """An obligation found overdue by the sweep. One per (person, obligation kind, due date), ever. Never
    changed afterwards, except that ``case`` is filled in when a case is opened from it."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="breaches")
    force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, help_text="The obligation kind (periodic, change, ...).")
    trigger = models.DateField()
    due = models.DateField(help_text="The last day to comply; overdue from the next day.")
    citation = models.CharField(max_length=80, blank=True)
    detected_on = models.DateField(help_text="The sweep's as-of date.")
    detected_at = models.DateTimeField()
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="breaches",
        help_text="The open missing/wanted case at detection, or the case later opened from it.",
    )
    run = models.ForeignKey("SweepRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="breaches")

    class Meta:
        ordering = ["detected_on", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "kind", "due"], name="breach_once_per_obligation")]
        indexes = [models.Index(fields=["force", "detected_on"])]


class Task(models.Model):
    """Work for an offender manager (``assignee``) or, when the person has none, the force's unit queue."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="tasks")
    force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="tasks")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks")
    breach = models.ForeignKey(Breach, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=24, choices=TaskKind.choices)
    title = models.CharField(max_length=200)
    assignee = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    due_on = models.DateField(help_text="The last day to do it (UK date).")
    due_at = models.DateTimeField(null=True, blank=True, help_text="An exact deadline (e.g. PNC within 24 hours).")
    state = models.CharField(max_length=10, choices=TaskState.choices, default=TaskState.OPEN)
    outcome = models.CharField(max_length=24, blank=True)
    note = models.TextField(blank=True)
    created_on = models.DateField()
    created_at = models.DateTimeField()
    completed_on = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    playbook_version = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["breach", "kind"], name="task_once_per_breach_and_kind"),
        ]
        indexes = [
            models.Index(fields=["force", "state", "due_on"]),
            models.Index(fields=["assignee", "state", "due_on"]),
            models.Index(fields=["case", "kind", "state"]),
        ]

    @property
    def is_open(self) -> bool:
        return self.state == TaskState.OPEN

    def past_deadline(self, as_of: Any) -> bool:
        return self.state == TaskState.OPEN and self.due_on < as_of


class Playbook(models.Model):
    """One version of a force's playbook, valid from ``valid_from`` until the next (``valid_to``). Nothing is
    overwritten: an edit closes the current version and adds the next. No row: the defaults (version 0)."""

    force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="playbooks")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("access.User", null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["force_id", "version"]
        constraints = [models.UniqueConstraint(fields=["force", "version"], name="playbook_version_once")]


class SweepRun(models.Model):
    """One run of ``tether sweep`` (or ``--recompute``): what it did, and for a recompute where it got to."""

    kind = models.CharField(max_length=10, choices=[("sweep", "Sweep"), ("recompute", "Recompute")])
    as_of = models.DateField()
    force_code = models.CharField(max_length=8, blank=True)
    rules_version = models.CharField(max_length=20, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    abandoned = models.BooleanField(default=False)
    checkpoint = models.CharField(max_length=40, blank=True, help_text="Recompute: the last person id done.")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    actor_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["kind", "finished_at"])]


class DigestRun(models.Model):
    """One run of ``tether digest`` that sent e-mail: at most one per (day, force scope) unless forced, so
    running it twice on one day sends nothing the second time."""

    as_of = models.DateField()
    force_code = models.CharField(max_length=8, blank=True, help_text="Empty: every force.")
    forced = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    actor_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["as_of", "force_code"])]
