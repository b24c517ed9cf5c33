"""Append-only, hash-chained audit events.

Each event stores the hash of the one before it (by ``seq``), so an edited, deleted or
reordered event breaks the chain and ``tether audit verify`` names the first bad one.
An event is written unchained (``seq`` NULL, hashes empty) in its change's transaction and
chained just after the commit (``services``: the chain is not a lock every request waits for).
The model refuses updates and deletes; a database trigger refuses them too, except the one
update that chains an event (``seq``, ``prev_hash`` and ``hash`` set, nothing else changed).
"""

from __future__ import annotations

from typing import Any

from django.db import models


class AppendOnlyError(RuntimeError):
    pass


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit events are append-only: they cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True, null=True)  # position in the chain; NULL until chained
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey("access.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    force_code = models.CharField(max_length=8, blank=True)
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict)
    # personal values (dates of birth, identifiers, names, postcodes, search terms): never shown to auditors; a
    # national administrator or the force's supervisor reveals them one event at a time, and that is audited too.
    # The chain hashes their SHA-256, so an export without them still verifies.
    personal = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)  # "" until chained
    hash = models.CharField(max_length=64)  # "" until chained

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [
            # the audit screens read newest first (seq descending) within a record, a force or an action
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_seq_idx"),
            models.Index(fields=["force_code", "seq"], name="audit_force_seq_idx"),
            models.Index(fields=["action", "seq"], name="audit_action_seq_idx"),
            # the search's record filter (an equality) and its action prefix (``case.*``: PostgreSQL's pattern index)
            models.Index(fields=["object_id"], name="audit_object_id_idx"),
            models.Index(fields=["action"], name="audit_action_like_idx", opclasses=["varchar_pattern_ops"]),
            # the chainer's queue: the few events written and not yet chained (a partial index stays tiny)
            models.Index(fields=["id"], name="audit_unchained_idx", condition=models.Q(seq__isnull=True)),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit events are append-only: they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")
