"""Task kinds and states, and the advisory-lock keys of the sweep."""

from __future__ import annotations

from django.db import models


class TaskKind(models.TextChoices):
    ESTABLISH_COMPLIANCE = "establish_compliance", "Establish compliance"
    ESTABLISH_WHEREABOUTS = "establish_whereabouts", "Establish whereabouts"
    PNC_CIRCULATION = "pnc_circulation", "Circulate on PNC and record the reference"
    PROBATION_INFORMED = "probation_informed", "Inform probation"
    MAPPA_INFORMED = "mappa_informed", "Inform the MAPPA co-ordinator"
    SIO_ASSIGNED = "sio_assigned", "Assign a senior investigating officer (inspector or above)"
    CASE_REVIEW = "case_review", "Review the case"
    ABROAD_REVIEW = "abroad_review", "Review the believed-abroad position"
    MEDIA_DECISION = "media_decision", "Decide on a media appeal (risk assessment, supervisor approval)"
    TRANSFER_ACCEPT = "transfer_accept", "Accept or refuse a transfer from another force"
    TRANSFER_ESCALATED = "transfer_escalated", "Resolve a refused or late transfer with the other force"
    REVIEW_DECISION = "review_decision", "Decide an application for review of indefinite notification"


# Transfers between forces: accepting or refusing completes the first; the second is resolved with a note.
TRANSFER_TASKS = frozenset({TaskKind.TRANSFER_ACCEPT, TaskKind.TRANSFER_ESCALATED})

# Tasks an officer completes with a compliance outcome (playbook "outcomes").
COMPLIANCE_TASKS = frozenset({TaskKind.ESTABLISH_COMPLIANCE, TaskKind.ESTABLISH_WHEREABOUTS})


class TaskState(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Outcome(models.TextChoices):
    COMPLIED_LATE = "complied_late", "Complied late"
    EXCUSE_ACCEPTED = "excuse_accepted", "Reasonable excuse accepted"
    NOT_AT_ADDRESS = "not_at_address", "Not at the notified address"
    WHEREABOUTS_UNKNOWN = "whereabouts_unknown", "Whereabouts unknown"
    # Set by the system, not chosen by an officer:
    ACTION_RECORDED = "action_recorded", "Done: the action is recorded on the case"
    CASE_CLOSED = "case_closed", "Cancelled: the case was closed"
    SUPERSEDED = "superseded", "Cancelled: no longer needed"
    TRANSFER_ACCEPTED = "transfer_accepted", "Done: the transfer was accepted"
    TRANSFER_REFUSED = "transfer_refused", "Done: the transfer was refused"
    TRANSFER_RESOLVED = "transfer_resolved", "Done: agreed with the other force who manages the registrant"
    REVIEW_DECIDED = "review_decided", "Done: the decision on the review was recorded"


OFFICER_OUTCOMES = (
    Outcome.COMPLIED_LATE, Outcome.EXCUSE_ACCEPTED, Outcome.NOT_AT_ADDRESS, Outcome.WHEREABOUTS_UNKNOWN,
)

# pg_advisory_lock key held for the whole of a sweep or a recompute (one such job at a time).
SWEEP_LOCK_KEY = 7_401_002
# ... and for the daily digest (so two runs at once cannot both send).
DIGEST_LOCK_KEY = 7_401_003
