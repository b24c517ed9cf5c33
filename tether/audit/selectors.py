"""Reading and verifying the audit chain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .chain import GENESIS, event_hash
from .models import AuditEvent


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def verify_chain(progress: Callable[[int], None] | None = None, batch: int = 5000) -> VerifyResult:
    """Walk the chain in seq order; name the first event that was edited, deleted or reordered."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    qs = AuditEvent.objects.order_by("seq").values(
        "seq", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "force_code", "reason",
        "detail", "prev_hash", "hash",
    )
    last_seq = 0
    while True:
        rows = list(qs.filter(seq__gt=last_seq)[:batch])
        if not rows:
            return VerifyResult(True, checked)
        for row in rows:
            if row["seq"] != expected_seq:
                return VerifyResult(False, checked, expected_seq, f"event {expected_seq} is missing (deleted?)")
            if row["prev_hash"] != prev_hash:
                return VerifyResult(False, checked, row["seq"], "does not follow the event before it (reordered?)")
            fields = dict(row, at=row["at"].isoformat())
            if event_hash(fields, prev_hash) != row["hash"]:
                return VerifyResult(False, checked, row["seq"], "content does not match its hash (edited?)")
            prev_hash, expected_seq, checked = row["hash"], expected_seq + 1, checked + 1
        last_seq = rows[-1]["seq"]
        if progress:
            progress(checked)


def events_for(object_type: str, object_id: str, limit: int = 50) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-seq")[:limit]
    )
