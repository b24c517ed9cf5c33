"""Assigning a partner-agency user to a registrant (partners see only the registrants assigned to them)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tether.access.models import PartnerAssignment
from tether.access.permissions import assigns_partners, full_access_by_role, is_partner
from tether.audit.services import record
from tether.core import clock
from tether.core.errors import Forbidden, ValidationFailed

from .guards import access_person_by_id


def partner_assign(actor: Any, partner: Any, person_id: Any, *, valid_from: Any = None) -> Any:
    """Assign a partner-agency user to one registrant of the actor's force (force admins and supervisors)."""
    if not assigns_partners(actor):
        raise Forbidden("Only supervisors and force administrators assign partners.")
    if not is_partner(partner):
        raise ValidationFailed({"partner": "must be a partner-agency user"})
    with transaction.atomic():
        access = access_person_by_id(actor, person_id, purpose="assign")
        if not access.full or not full_access_by_role(actor, access.person.owning_force_id):
            raise Forbidden("You can only assign partners to your own force's registrants.")
        assignment = PartnerAssignment.objects.create(
            user=partner, person=access.person, valid_from=valid_from or clock.today(), assigned_by=actor
        )
        record("access.partner_assign", actor, object_type="person", object_id=str(access.person.pk),
               force_code=access.person.owning_force.code, detail={"partner": partner.username})
    return assignment
