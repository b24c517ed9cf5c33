"""Transfers between forces: the one write path for each change (docs/transfers.md).

- ``transfer_start``: a registrant notified a move to another force's area; the record goes "in transit" to that
  force, which has the days its playbook sets (``extensions.transfer_days``) to accept. Until it is decided both
  forces see the full record (``guards.receives_in_transit``).
- ``transfer_accept``: the receiving force takes ownership **from the move date**: the sending force's ownership
  interval ends on the move date (``valid_to`` is exclusive) and the receiving force's begins on it, so the
  intervals meet with no gap and no overlap. ``Person.owning_force`` (the cache) follows, and the law is
  re-evaluated under the receiving force's jurisdiction (docs/rules.md, assumption 42).
- ``transfer_refuse``: the receiving force refuses, with a reason; ownership does not change.
- ``transfers_escalate_late``: the daily sweep's step; a transfer still undecided after its last day to accept is
  escalated once (``escalated_on``). A refusal is escalated when it is made, a late acceptance when it is made if
  the sweep had not done it yet.

Each change to a registrant goes through ``services._changing`` (guard, lock, version, re-evaluation, one audit
event); casework is told through ``extensions.transfer_changed`` in the same transaction (the receiving force's
task, the escalation to both forces' supervisors).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from tether.access.models import Force
from tether.access.permissions import can_decide_transfer, can_start_transfer, full_access_by_role
from tether.audit.services import PendingEvent, record_many
from tether.core import clock
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.core.fields import Fields, read_text

from . import extensions
from .models import Ownership
from .models_transfers import Transfer, TransferState
from .services import _changing, _require_writer, forces_by_code

DEFAULT_ACCEPT_DAYS = 14  # when no playbook is installed (casework gives the receiving force's own setting)
REASON_MIN = 10


def accept_days(force: Force) -> int:
    days = extensions.transfer_days(force)
    return DEFAULT_ACCEPT_DAYS if days is None else int(days)


def parse_start(data: dict[str, Any]) -> tuple[Force | None, date | None]:
    """The receiving force and the move date, every problem listed at once (ValidationFailed); writes nothing."""
    c = Fields()
    code = c.text(data, "to_force", max_len=8).strip().upper()
    to = forces_by_code().get(code) if code else None
    if code and to is None:
        c.fail("to_force", f"no force has the code {code!r}: use one of the 45 UK force codes, e.g. GMP")
    move = c.day(data, "move_date", today=clock.today())
    c.raise_if_any()
    return to, move


def transfer_start(
    actor: Any, person_id: uuid.UUID | str, data: dict[str, Any], *, expected_version: int | None = None
) -> Transfer:
    """Record that the registrant moved to another force's area: the transfer waits for that force to accept."""
    _require_writer(actor)
    to, move = parse_start(data)
    assert to is not None and move is not None
    with _changing(actor, person_id, expected_version, "transfer.start") as change:
        person = change.person
        if to.pk == person.owning_force_id:
            raise ValidationFailed({"to_force": f"must be another force: {to.name} already owns the record"})
        if not can_start_transfer(actor, person.owning_force_id, to.pk):
            raise Forbidden("Only the owning force or the force they moved to can start a transfer.")
        waiting = Transfer.objects.select_related("to_force").filter(
            person=person, state=TransferState.IN_TRANSIT).first()
        if waiting is not None:
            raise ValidationFailed({"to_force": f"a transfer to {waiting.to_force.name} is already waiting to be "
                                                "accepted or refused: only one transfer at a time"})
        current = person.ownerships.filter(valid_to__isnull=True).order_by("-valid_from").first()
        if current is not None and move <= current.valid_from:
            raise ValidationFailed({"move_date": f"must be after {current.valid_from.isoformat()}, the day the "
                                                 "current force's ownership began"})
        if person.date_of_death is not None and move > person.date_of_death:
            raise ValidationFailed({"move_date": "must not be after the date of death"})
        today = clock.today()
        transfer = Transfer.objects.create(
            person=person, from_force_id=person.owning_force_id, to_force=to, move_date=move,
            state=TransferState.IN_TRANSIT, requested_at=clock.now(), requested_by=actor,
            requested_by_label=actor.label, accept_by=today + timedelta(days=accept_days(to)),
        )
        change.detail = {"transfer_id": transfer.pk, "from_force": person.owning_force.code, "to_force": to.code,
                         "move_date": move, "accept_by": transfer.accept_by}
        extensions.transfer_changed(transfer, "started", actor)
    return transfer


def _to_decide(actor: Any, transfer_id: Any) -> Transfer:
    """The transfer, for the receiving force to decide: NotFound when it does not exist or the actor's force is
    neither end of it; Forbidden for the sending force (it cannot accept its own transfer)."""
    _require_writer(actor)
    try:
        transfer = Transfer.objects.select_related("from_force", "to_force").get(pk=int(str(transfer_id)))
    except (ValueError, Transfer.DoesNotExist) as exc:
        raise NotFound("No such transfer.") from exc
    if can_decide_transfer(actor, transfer.to_force_id):
        return transfer
    if full_access_by_role(actor, transfer.from_force_id):
        raise Forbidden(f"Only {transfer.to_force.name} (the receiving force) can accept or refuse this transfer.")
    raise NotFound("No such transfer.")


def _decided(transfer: Transfer) -> ValidationFailed:
    when = clock.uk_date(transfer.decided_at).isoformat() if transfer.decided_at else "earlier"
    return ValidationFailed({"transfer": f"was already {transfer.state} ({when}): nothing was changed"})


def _locked(transfer: Transfer) -> Transfer:
    locked = Transfer.objects.select_for_update().select_related("from_force", "to_force").get(pk=transfer.pk)
    if locked.state != TransferState.IN_TRANSIT:
        raise _decided(locked)
    return locked


def _escalate(transfer: Transfer, on: date, actor: Any) -> None:
    transfer.escalated_on = on
    transfer.save(update_fields=["escalated_on"])
    extensions.transfer_changed(transfer, "late", actor)


def transfer_accept(actor: Any, transfer_id: Any, *, expected_version: int | None = None) -> Transfer:
    """The receiving force takes ownership from the move date (no gap, no overlap in the ownership intervals)."""
    transfer = _to_decide(actor, transfer_id)
    if transfer.state != TransferState.IN_TRANSIT:
        raise _decided(transfer)
    with _changing(actor, transfer.person_id, expected_version, "transfer.accept") as change:
        transfer = _locked(transfer)
        person = change.person
        if person.owning_force_id != transfer.from_force_id:
            raise ValidationFailed({"transfer": f"{transfer.from_force.name} no longer owns the record: nothing "
                                                "was changed"})
        current = Ownership.objects.select_for_update().filter(person=person, valid_to__isnull=True).first()
        if current is not None:
            if transfer.move_date <= current.valid_from:
                raise ValidationFailed({"move_date": f"must be after {current.valid_from.isoformat()}, the day the "
                                                     "current force's ownership began"})
            current.valid_to = transfer.move_date
            current.save(update_fields=["valid_to"])
        Ownership.objects.create(person=person, force=transfer.to_force, valid_from=transfer.move_date)
        person.owning_force = transfer.to_force
        today = clock.today()
        transfer.state = TransferState.ACCEPTED
        transfer.decided_at, transfer.decided_by, transfer.decided_by_label = clock.now(), actor, actor.label
        transfer.save(update_fields=["state", "decided_at", "decided_by", "decided_by_label"])
        late = today > transfer.accept_by
        if late and transfer.escalated_on is None:  # the sweep had not found it yet: a late acceptance escalates
            _escalate(transfer, today, actor)
        change.detail = {"transfer_id": transfer.pk, "from_force": transfer.from_force.code,
                         "to_force": transfer.to_force.code, "move_date": transfer.move_date,
                         "closed_ownership": current.pk if current else None, "late": late}
        extensions.transfer_changed(transfer, "accepted", actor)
    return transfer


def transfer_refuse(actor: Any, transfer_id: Any, data: dict[str, Any], *,
                    expected_version: int | None = None) -> Transfer:
    """The receiving force refuses, saying why (risk-based, proportionate and recorded): ownership stays, and the
    refusal goes to both forces' supervisors."""
    reason, problems = read_text(data.get("reason"), required=True, min_len=REASON_MIN, max_len=2000, multiline=True)
    if problems:
        raise ValidationFailed({"reason": [f"{problems[0]} (why the transfer is refused)"]})
    transfer = _to_decide(actor, transfer_id)
    if transfer.state != TransferState.IN_TRANSIT:
        raise _decided(transfer)
    with _changing(actor, transfer.person_id, expected_version, "transfer.refuse") as change:
        transfer = _locked(transfer)
        today = clock.today()
        transfer.state = TransferState.REFUSED
        transfer.decided_at, transfer.decided_by, transfer.decided_by_label = clock.now(), actor, actor.label
        transfer.reason = reason
        transfer.escalated_on = today
        transfer.save(update_fields=["state", "decided_at", "decided_by", "decided_by_label", "reason",
                                     "escalated_on"])
        change.detail = {"transfer_id": transfer.pk, "from_force": transfer.from_force.code,
                         "to_force": transfer.to_force.code, "late": today > transfer.accept_by}
        change.personal = {"after": {"reason": reason}}
        extensions.transfer_changed(transfer, "refused", actor)
    return transfer


def transfers_escalate_late(as_of: date | None = None, force: Force | None = None, *,
                            actor_label: str = "system:sweep") -> int:
    """Escalate, once, every transfer still undecided after its last day to accept (the daily sweep's step).
    ``force``: only transfers from or to it. Returns how many were escalated."""
    as_of = as_of or clock.today()
    qs = Transfer.objects.filter(state=TransferState.IN_TRANSIT, accept_by__lt=as_of, escalated_on__isnull=True)
    if force is not None:
        qs = qs.filter(from_force=force) | qs.filter(to_force=force)
    count = 0
    with transaction.atomic():
        for transfer in qs.select_for_update().select_related("from_force", "to_force", "person").order_by("id"):
            _escalate(transfer, as_of, None)
            record_many([PendingEvent(
                action="transfer.escalate", actor=None, actor_label=actor_label, object_type="person",
                object_id=str(transfer.person_id), force_code=transfer.from_force.code,
                detail={"transfer_id": transfer.pk, "from_force": transfer.from_force.code,
                        "to_force": transfer.to_force.code, "accept_by": transfer.accept_by, "as_of": as_of,
                        "reference": transfer.person.reference},
            )])
            count += 1
    return count
