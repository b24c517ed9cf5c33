"""Writing audit events. Call inside the same ``transaction.atomic`` block as the change."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db import connection, transaction

from tether.core import clock

from .chain import GENESIS, event_hash
from .models import AuditEvent

_LOCK_KEY = 7_401_001  # pg advisory lock id for the audit chain


@dataclass
class PendingEvent:
    action: str
    actor: Any = None  # access.User or None for the system
    object_type: str = ""
    object_id: str = ""
    force_code: str = ""
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    actor_label: str = ""
    personal: dict[str, Any] = field(default_factory=dict)  # withheld from auditors (models.AuditEvent.personal)


def _lock_chain() -> tuple[int, str]:
    """Serialise writers of the chain and return (last seq, last hash)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    # SQLite: transactions begin IMMEDIATE (settings), so the write lock is already held.
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return last if last else (0, GENESIS)


def _label(actor: Any, given: str) -> str:
    if given:
        return given
    if actor is None:
        return "system"
    return str(getattr(actor, "label", None) or actor)


def record_many(events: Iterable[PendingEvent], at: datetime | None = None) -> list[AuditEvent]:
    """Append events to the chain, in order, inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("Audit events must be written in the same transaction as the change.")
    at = at or clock.now()
    seq, prev = _lock_chain()
    rows = []
    for ev in events:
        seq += 1
        detail = json.loads(json.dumps(ev.detail, default=str))  # store exactly what is hashed
        personal = json.loads(json.dumps(ev.personal, default=str)) if ev.personal else None
        fields = {
            "seq": seq,
            "at": at.isoformat(),
            "actor_id": getattr(ev.actor, "pk", None),
            "actor_label": _label(ev.actor, ev.actor_label),
            "action": ev.action,
            "object_type": ev.object_type,
            "object_id": str(ev.object_id),
            "force_code": ev.force_code,
            "reason": ev.reason,
            "detail": detail,
            "personal": personal,
        }
        h = event_hash(fields, prev)
        rows.append(
            AuditEvent(
                seq=seq, at=at, actor_id=fields["actor_id"], actor_label=fields["actor_label"], action=ev.action,
                object_type=ev.object_type, object_id=fields["object_id"], force_code=ev.force_code,
                reason=ev.reason, detail=detail, personal=personal, prev_hash=prev, hash=h,
            )
        )
        prev = h
    return AuditEvent.objects.bulk_create(rows, batch_size=2000)


def record(action: str, actor: Any = None, **kwargs: Any) -> AuditEvent:
    """Append one event. Opens its own atomic block when called outside one (reads, sign-ins)."""
    with transaction.atomic():
        return record_many([PendingEvent(action=action, actor=actor, **kwargs)])[0]


WHO_VIEWED_LIMIT = 20
REVEAL_REASON_RULE = ("Give the reason you need these personal values, in words: at least 10 letters, like "
                      "\"Complaint 2025/114: checking which address was recorded\"")


def reveal_personal(actor: Any, seq: Any, reason: Any) -> AuditEvent:
    """One event's personal values (``AuditEvent.personal``), for a national administrator or a supervisor of the
    event's force (``permissions.can_reveal_audit_personal``; never an auditor), with a recorded reason. The reveal
    is itself audited (``audit.reveal``, with the reason and the keys revealed, never the values). NotFound when the
    event is missing, holds no personal values or is not the actor's to reveal: the same answer each time."""
    from tether.access.permissions import can_reveal_audit_personal
    from tether.core.errors import NotFound, ValidationFailed
    from tether.core.fields import reason_problem

    try:
        ev = AuditEvent.objects.filter(seq=int(seq)).first()
    except (TypeError, ValueError, OverflowError):
        ev = None
    if ev is None or not ev.personal or not can_reveal_audit_personal(actor, ev.force_code):
        raise NotFound("No such event.")
    if problem := reason_problem(reason, rule=REVEAL_REASON_RULE):
        raise ValidationFailed({"reason": [problem]})
    record("audit.reveal", actor, object_type="audit_event", object_id=str(ev.seq), force_code=ev.force_code,
           reason=str(reason).strip(), detail={"seq": ev.seq, "action": ev.action, "keys": sorted(ev.personal)})
    return ev


def who_viewed(actor: Any, person: Any) -> dict[str, Any]:
    """The "Who viewed this record" section of a person page, as its template's context: the newest events on the
    record, for supervisors of the owning force, national administrators and auditors (``visible`` False for anyone
    else). Showing it is itself recorded (``audit.view``), by the page that shows it."""
    from django.urls import reverse

    from tether.access.permissions import can_search_audit, can_see_viewers

    from .selectors import viewers_of

    if person is None or not can_see_viewers(actor, person.owning_force_id):
        return {"visible": False}
    rows = viewers_of("person", person.pk, limit=WHO_VIEWED_LIMIT)
    record("audit.view", actor, object_type="person", object_id=str(person.pk), force_code=person.owning_force.code,
           detail={"view": "who_viewed", "events": len(rows)})
    see_all = ""
    if can_search_audit(actor):
        see_all = reverse("audit:search") + "?" + urlencode({"object_id": str(person.pk)})
    return {"visible": True, "rows": rows, "limit": WHO_VIEWED_LIMIT, "see_all": see_all, "person": person}
