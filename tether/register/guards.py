"""The person guard: the only way to fetch a registrant's record.

``access_person_by_id`` applies role and force scoping, answers NotFound for both a missing
and a forbidden record, and writes a read event to the audit trail.

- officers, supervisors and force admins: full record for their own force's registrants, and for a registrant
  being transferred to their force until the transfer is accepted or refused;
  for other forces a national index entry (name, date of birth, owning force, status), and
  the full record only after recording a reason, which opens a time-limited, audited grant;
- national admins: full records everywhere (every view audited);
- analysts, FOI officers and auditors: no personal data at all;
- partners: only registrants assigned to them (none until assignments exist).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from tether.access.models import AccessGrant, PartnerAssignment
from tether.access.permissions import can_see_personal_data, full_access_by_role, is_partner, sees_in_transit
from tether.audit.services import PendingEvent, record, record_many
from tether.core import clock
from tether.core.errors import NotFound, ValidationFailed
from tether.core.fields import reason_problem
from tether.core.models import holds_on_q

from .models import Person
from .models_transfers import Transfer, TransferState

FULL = "full"
LIMITED = "limited"


@dataclass
class PersonAccess:
    person: Any
    level: str  # FULL or LIMITED
    grant: AccessGrant | None = None

    @property
    def full(self) -> bool:
        return self.level == FULL


def scope_level(user: Any, force_id: int | None, person_id: Any = None) -> str | None:
    """FULL, LIMITED or None (may not know it exists) for a person owned by ``force_id``."""
    if not can_see_personal_data(user):
        return None
    if is_partner(user):
        return FULL if person_id is not None and is_assigned(user, person_id) else None
    if full_access_by_role(user, force_id):
        return FULL
    if person_id is not None and active_grant(user, person_id) is not None:
        return FULL
    return LIMITED


def receives_in_transit(user: Any, person_id: Any) -> bool:
    """Whether the user's force is receiving the person in a transfer not yet decided (both forces see the full
    record until it is accepted or refused)."""
    return bool(incoming_in_transit(user, [person_id]))


def incoming_in_transit(user: Any, person_ids: Iterable[Any]) -> set[Any]:
    """Those of ``person_ids`` the user's force is receiving in a transfer not yet decided (one query)."""
    ids = list(person_ids)
    if not ids:
        return set()
    return {pid for pid, force_id in Transfer.objects.filter(person_id__in=ids, state=TransferState.IN_TRANSIT)
            .values_list("person_id", "to_force_id") if sees_in_transit(user, force_id)}


def listed_levels(user: Any, people: Iterable[Any]) -> dict[Any, str]:
    """FULL or LIMITED for each person of a list the user was allowed to get back (the register search's rows):
    the guard's rule without opening anything. FULL for the user's own force's registrants (partners: those
    assigned to them, the only ones a partner's list holds) and for a registrant being transferred to the user's
    force; LIMITED (the national index entry) for the rest, even with a grant, which the person page uses."""
    people = list(people)
    if is_partner(user):
        return {p.pk: FULL for p in people}
    levels = {p.pk: scope_level(user, p.owning_force_id) or LIMITED for p in people}
    for pid in incoming_in_transit(user, [pid for pid, level in levels.items() if level == LIMITED]):
        levels[pid] = FULL
    return levels


def is_assigned(user: Any, person_id: Any) -> bool:
    return PartnerAssignment.objects.filter(holds_on_q(clock.today()), user=user, person_id=person_id).exists()


def active_grant(user: Any, person_id: Any) -> AccessGrant | None:
    return (
        AccessGrant.objects.filter(user=user, person_id=person_id, expires_at__gt=clock.now())
        .order_by("-expires_at")
        .first()
    )


def access_person_by_id(
    user: Any, person_id: uuid.UUID | str, reason: str | None = None, *, purpose: str = "view", audit: bool = True
) -> PersonAccess:
    """Fetch a person for ``user``. Raises NotFound when it does not exist or the user may not know it does."""
    try:
        pid = uuid.UUID(str(person_id))
        person = Person.objects.select_related("owning_force", "state").get(pk=pid)
    except (ValueError, Person.DoesNotExist) as exc:
        raise NotFound("No such registrant.") from exc
    level = scope_level(user, person.owning_force_id, person.pk if is_partner(user) else None)
    if level == LIMITED and receives_in_transit(user, person.pk):
        level = FULL
    if level is None:
        raise NotFound("No such registrant.")
    grant = None
    if level == LIMITED:
        grant = active_grant(user, person.pk)
        if grant is None and reason is not None:
            if problem := reason_problem(reason):
                raise ValidationFailed({"reason": problem})
            grant = _open_grant(user, person, reason.strip())
        if grant is not None:
            level = FULL
    if audit:  # on its own, a read's only write: written chained when the chain's lock is free (audit.record)
        record(f"person.{purpose}", user, object_type="person", object_id=str(person.pk),
               force_code=person.owning_force.code, reason=grant.reason if grant else "",
               detail={"level": level, "reference": person.reference})
    return PersonAccess(person=person, level=level, grant=grant)


def _open_grant(user: Any, person: Any, reason: str) -> AccessGrant:
    now = clock.now()
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            user=user, person=person, reason=reason, granted_at=now,
            expires_at=now + timedelta(hours=settings.TETHER_ACCESS_GRANT_HOURS),
        )
        record_many([
            PendingEvent(
                action="access.grant", actor=user, object_type="person", object_id=str(person.pk),
                force_code=person.owning_force.code, reason=reason,
                detail={"expires_at": grant.expires_at.isoformat()},
            )
        ])
    return grant
