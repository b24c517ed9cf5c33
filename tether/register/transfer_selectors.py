"""Reads of transfers between forces: the incoming and outgoing lists (pages, API, CLI) and the person page's
panel. Every list that shows a registrant is audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from tether.access.permissions import can_decide_transfer, full_access_by_role, is_national_admin, is_worker
from tether.audit.services import record
from tether.core import clock
from tether.core.errors import Forbidden, ValidationFailed

from .extensions import PersonPanel, may_hold
from .models_transfers import Transfer, TransferState

DIRECTIONS = ("incoming", "outgoing", "all")
LIST_LIMIT = 500


def _row(t: Transfer, user: Any, as_of: date) -> dict[str, Any]:
    return {
        "id": t.pk, "person_id": t.person_id, "reference": t.person.reference, "name": t.person.display_name,
        "from_force": t.from_force.code, "from_force_name": t.from_force.name,
        "to_force": t.to_force.code, "to_force_name": t.to_force.name,
        "move_date": t.move_date, "state": t.state, "state_label": t.get_state_display(),
        "accept_by": t.accept_by, "requested_at": t.requested_at, "requested_by": t.requested_by_label,
        "decided_at": t.decided_at, "decided_by": t.decided_by_label, "reason": t.reason,
        "escalated_on": t.escalated_on,
        "late": t.state == TransferState.IN_TRANSIT and as_of > t.accept_by,
        "can_decide": t.state == TransferState.IN_TRANSIT and can_decide_transfer(user, t.to_force_id),
    }


def _related(qs: QuerySet[Transfer]) -> QuerySet[Transfer]:
    return qs.select_related("person", "from_force", "to_force")


def transfers_list(user: Any, *, direction: str = "incoming", state: str | None = None,
                   as_of: date | None = None) -> list[dict[str, Any]]:
    """The transfers to (incoming), from (outgoing) or to and from (all) the user's force, newest first; a national
    administrator sees every force's. ``state``: only those in that state. ``as_of``: the day "late" is judged on."""
    if not is_worker(user):
        raise Forbidden("Your role does not work the register's transfers.")
    if direction not in DIRECTIONS:
        raise ValidationFailed({"direction": f"must be one of: {', '.join(DIRECTIONS)}"})
    if state is not None and state not in TransferState.values:
        raise ValidationFailed({"state": f"must be one of: {', '.join(TransferState.values)}"})
    as_of = as_of or clock.today()
    qs = Transfer.objects.all()
    if not is_national_admin(user):
        if user.force_id is None:
            raise Forbidden("Your account belongs to no force.")
        scope = {"incoming": Q(to_force_id=user.force_id), "outgoing": Q(from_force_id=user.force_id),
                 "all": Q(to_force_id=user.force_id) | Q(from_force_id=user.force_id)}[direction]
        qs = qs.filter(scope)
    if state is not None:
        qs = qs.filter(state=state)
    rows = [_row(t, user, as_of) for t in _related(qs).order_by("-requested_at", "-id")[:LIST_LIMIT]]
    record("transfer.list", user, detail={"direction": direction, "state": state or "any", "as_of": as_of,
                                          "results": len(rows)},
           force_code=getattr(user, "force_code", "") or "")
    return rows


def transfer_row(user: Any, transfer_id: Any) -> dict[str, Any] | None:
    """One transfer from or to the user's force (any for a national administrator), audited as a read of the
    registrant; None when there is no such transfer or it is not the user's force's."""
    if not is_worker(user):
        raise Forbidden("Your role does not work the register's transfers.")
    try:
        t = _related(Transfer.objects.filter(pk=int(str(transfer_id)))).first()
    except ValueError:
        return None
    if t is None or not (full_access_by_role(user, t.from_force_id) or full_access_by_role(user, t.to_force_id)):
        return None
    record("transfer.view", user, object_type="person", object_id=str(t.person_id), force_code=t.from_force.code,
           detail={"transfer_id": t.pk, "reference": t.person.reference})
    return _row(t, user, clock.today())


def waiting_count(user: Any) -> int:
    """Transfers waiting for the user's force to accept or refuse (the dashboard); no personal data."""
    if not is_worker(user) or user.force_id is None:
        return 0
    return Transfer.objects.filter(to_force_id=user.force_id, state=TransferState.IN_TRANSIT).count()


def person_panel(user: Any, person: Any) -> PersonPanel:
    """The person page's transfers (the register's own panel: called for a user who sees the full record)."""
    as_of = clock.today()
    rows = [_row(t, user, as_of) for t in _related(Transfer.objects.filter(person=person)).order_by(
        "-requested_at", "-id")] if may_hold(person, "transfers") else []
    waiting = any(r["state"] == TransferState.IN_TRANSIT for r in rows)
    return PersonPanel(
        template="register/transfers/_panel.html", anchor="transfers", title="Transfers between forces",
        context={"person": person, "rows": rows, "waiting": waiting,
                 "can_start": is_worker(user) and not waiting},
    )
