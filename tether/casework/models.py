"""Missing and wanted cases. A case is an interval (opened_on .. closed_on) so "open on date D" is a query;
its states are intervals too (``CaseState``), and what was done on it is an append-only log (``CaseAction``).

``Case.kind``, ``closed_on``, ``warrant_on``, ``believed_abroad``, ``outcome`` and ``sio`` are caches of the
current state kept in step by ``tether.casework.case_services`` (import/export and the register's status read them);
the history is in ``CaseState`` and ``CaseAction``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q

from tether.core import clock

from . import transitions as tr
from .constants import TaskKind, TaskState


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
    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="cases")
    force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="cases", db_index=False)
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
        db_table = "cases_case"
        ordering = ["opened_on", "id"]
        indexes = [models.Index(fields=["force", "opened_on", "closed_on"])]


class CaseState(models.Model):
    """One interval of a case's state: holds from ``valid_from`` (inclusive) to ``valid_to`` (exclusive)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="states", db_index=False)
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
        db_table = "cases_casestate"
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

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions", db_index=False)
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
        db_table = "cases_caseaction"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "kind", "on"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Case actions are append-only.")
        super().save(*args, **kwargs)



class Breach(models.Model):
    """An obligation found overdue by the sweep. One per (person, obligation kind, due date), ever. Never
    changed afterwards, except that ``case`` is filled in when a case is opened from it."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="breaches", db_index=False)
    force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=20, help_text="The obligation kind (periodic, change, ...).")
    trigger = models.DateField()
    due = models.DateField(help_text="The last day to comply; overdue from the next day.")
    citation = models.CharField(max_length=80, blank=True)
    detected_on = models.DateField(help_text="The sweep's as-of date.")
    detected_at = models.DateTimeField()
    case = models.ForeignKey(
        "casework.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="breaches",
        help_text="The open missing/wanted case at detection, or the case later opened from it.",
    )
    run = models.ForeignKey("SweepRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="breaches")

    class Meta:
        db_table = "compliance_breach"
        ordering = ["detected_on", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "kind", "due"], name="breach_once_per_obligation")]
        indexes = [models.Index(fields=["force", "detected_on"])]


# --- Past its deadline: the one rule (task lists, the digest, case lists, the sweep, playbook previews) -----------
#
# A task with an exact deadline (``due_at``, e.g. PNC circulation within 24 hours) is late once that instant has
# passed; any other task once its last day (``due_on``) is before the day in question.


def deadline_instant(as_of: date, now: datetime | None = None) -> datetime:
    """The instant exact deadlines are measured against "as at" ``as_of``: now when ``as_of`` is today, else the
    start of that UK day (as a day deadline is: a task due on the 17th is late as at the 18th, from its start)."""
    now = now or clock.now()
    return now if as_of == clock.uk_date(now) else clock.uk_day_start(as_of)


def is_late(due_on: date, due_at: datetime | None, as_of: date, now: datetime | None = None) -> bool:
    """Whether a deadline (``due_on``, or the exact ``due_at`` when there is one) has passed as at ``as_of``."""
    if due_at is not None:
        return due_at < deadline_instant(as_of, now)
    return due_on < as_of


def done_late(due_on: date, due_at: datetime | None, completed_on: date | None,
              completed_at: datetime | None) -> bool:
    """Whether a task was closed after its deadline (the exact instant when it has one, else its last day)."""
    if due_at is not None and completed_at is not None:
        return completed_at > due_at
    return completed_on is not None and completed_on > due_on


def past_deadline_q(as_of: date, now: datetime | None = None) -> Q:
    """Open tasks past their deadline as at ``as_of`` (the queryset form of ``Task.past_deadline``)."""
    return Q(state=TaskState.OPEN) & (Q(due_at__isnull=False, due_at__lt=deadline_instant(as_of, now))
                                      | Q(due_at__isnull=True, due_on__lt=as_of))


def done_late_q() -> Q:
    """Closed tasks closed after their deadline (the queryset form of ``done_late``)."""
    return (Q(due_at__isnull=True, completed_on__gt=F("due_on"))
            | Q(due_at__isnull=False, completed_at__gt=F("due_at")))


class Task(models.Model):
    """Work for an offender manager (``assignee``) or, when the person has none, the force's unit queue."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="tasks")
    force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="tasks", db_index=False)
    case = models.ForeignKey("casework.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks",
                             db_index=False)
    breach = models.ForeignKey(Breach, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks",
                               db_index=False)
    kind = models.CharField(max_length=24, choices=TaskKind.choices)
    title = models.CharField(max_length=200)
    assignee = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks",
                                 db_index=False)
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
        db_table = "compliance_task"
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

    def past_deadline(self, as_of: date, now: datetime | None = None) -> bool:
        """Open and past its deadline as at ``as_of`` (``is_late``)."""
        return self.state == TaskState.OPEN and is_late(self.due_on, self.due_at, as_of, now)

    def closed_late(self) -> bool:
        """Closed after its deadline (``done_late``)."""
        return self.state != TaskState.OPEN and done_late(self.due_on, self.due_at, self.completed_on,
                                                          self.completed_at)


class Playbook(models.Model):
    """One version of a force's playbook, valid from ``valid_from`` until the next (``valid_to``). Nothing is
    overwritten: an edit closes the current version and adds the next. No row: the defaults (version 0)."""

    force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="playbooks", db_index=False)
    version = models.PositiveIntegerField()
    data = models.JSONField()
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("access.User", null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=list, blank=True,
                               help_text="What this version changed: [{setting, before, after}] by dotted setting.")

    class Meta:
        db_table = "compliance_playbook"
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
        db_table = "compliance_sweeprun"
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
        db_table = "compliance_digestrun"
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["as_of", "force_code"])]
