"""A transfer of a registrant to another force (docs/transfers.md).

A registrant who notifies a move to another force's area goes "in transit": the sending force records the
transfer, the receiving force accepts ownership (or refuses it, with a reason) within the days its playbook
sets. Until it is decided both forces see the full record. Accepting moves ownership from the move date (the
``Ownership`` intervals meet there: no gap, no overlap). Kept for good: a decided transfer is never changed
again, except that ``escalated_on`` records the day a refusal or a missed deadline went to both forces'
supervisors.
"""

from __future__ import annotations

from django.db import models


class TransferState(models.TextChoices):
    IN_TRANSIT = "in_transit", "In transit"
    ACCEPTED = "accepted", "Accepted"
    REFUSED = "refused", "Refused"


class Transfer(models.Model):
    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="transfers")
    from_force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="+", db_index=False)
    to_force = models.ForeignKey("access.Force", on_delete=models.PROTECT, related_name="+", db_index=False)
    move_date = models.DateField(help_text="The day they moved into the receiving force's area.")
    state = models.CharField(max_length=12, choices=TransferState.choices, default=TransferState.IN_TRANSIT)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_by_label = models.CharField(max_length=200, blank=True)
    accept_by = models.DateField(help_text="The last day for the receiving force to accept (its playbook).")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_by_label = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was refused.")
    escalated_on = models.DateField(null=True, blank=True,
                                    help_text="The day it went to both forces' supervisors (refused or late).")

    class Meta:
        db_table = "register_transfer"
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(state="in_transit"),
                                    name="one_open_transfer_per_person"),
        ]
        indexes = [
            models.Index(fields=["to_force", "state"]),
            models.Index(fields=["from_force", "state"]),
            models.Index(fields=["state", "accept_by"]),
        ]

    def __str__(self) -> str:
        return f"Transfer {self.pk}"

    @property
    def open(self) -> bool:
        return self.state == TransferState.IN_TRANSIT
