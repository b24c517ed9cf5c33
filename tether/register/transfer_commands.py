"""What ``tether transfer ...`` runs (the CLI stays a thin shell): each command acts as a named account (``--as
USERNAME`` or ``TETHER_USER``) through the same services and selectors as the pages and the API."""

from __future__ import annotations

from typing import Any

from tether.access.selectors import user_named
from tether.core.dates import parse_day

from .models import Person
from .transfer_selectors import transfer_row, transfers_list
from .transfers import transfer_accept, transfer_refuse, transfer_start


def _person_id(reference_or_id: str) -> Any:
    p = Person.objects.filter(reference=reference_or_id.strip().upper()).values_list("pk", flat=True).first()
    return p or reference_or_id.strip()


def _json(row: dict[str, Any] | None) -> dict[str, Any]:
    assert row is not None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else str(v) if k == "person_id" else v)
            for k, v in row.items() if k not in ("from_force_name", "to_force_name", "state_label", "can_decide")}


def start(username: str | None, person: str, to_force: str, move_date: str) -> dict[str, Any]:
    user = user_named(username)
    t = transfer_start(user, _person_id(person), {"to_force": to_force, "move_date": move_date})
    return _json(transfer_row(user, t.pk))


def accept(username: str | None, transfer_id: str) -> dict[str, Any]:
    user = user_named(username)
    t = transfer_accept(user, transfer_id)
    return _json(transfer_row(user, t.pk))


def refuse(username: str | None, transfer_id: str, reason: str) -> dict[str, Any]:
    user = user_named(username)
    t = transfer_refuse(user, transfer_id, {"reason": reason})
    return _json(transfer_row(user, t.pk))


def rows(username: str | None, direction: str, state: str | None, as_of: str | None) -> list[dict[str, Any]]:
    return [_json(r) for r in transfers_list(user_named(username), direction=direction, state=state,
                                             as_of=parse_day(as_of))]
