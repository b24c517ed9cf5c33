"""Partner-agency users (e.g. probation) and the registrants assigned to them: partners see only those. An
assignment is an interval (``PartnerAssignment``): assigning opens one, ending closes it; nothing is deleted.

Supervisors and force administrators assign their own force's partner users to their own force's registrants; a
national administrator anyone's (``permissions.can_assign_partner``). Each write is audited in its transaction; a
change that changes nothing (assigning someone already assigned, ending an ended assignment) writes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from tether.access.models import PartnerAssignment, User
from tether.access.permissions import (
    assigns_partners,
    can_assign_partner,
    full_access_by_role,
    is_national_admin,
    is_partner,
    partner_roles,
    sees_partner_assignments,
)
from tether.access.selectors import force_scope
from tether.audit.services import record
from tether.core import clock
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.core.models import holds_on_q

from . import extensions
from .extensions import PersonPanel
from .guards import access_person_by_id
from .models import Person

NOT_AN_ASSIGNER = "Only supervisors and force administrators assign partners."
UNCHANGED = "Nothing would change"


def _day(raw: Any, field: str, default: date) -> date:
    if raw in (None, ""):
        return default
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise ValidationFailed({field: "must be a real date in the form YYYY-MM-DD"}) from None


def partner_assign(actor: Any, partner: Any, person_id: Any, *, valid_from: Any = None) -> Any:
    """Assign a partner-agency user to one registrant of the actor's force from ``valid_from`` (default today)."""
    if not assigns_partners(actor):
        raise Forbidden(NOT_AN_ASSIGNER)
    if not is_partner(partner):
        raise ValidationFailed({"partner": "must be a partner-agency user"})
    if not can_assign_partner(actor, partner):
        raise Forbidden("You can only assign your own force's partner users.")
    if not partner.is_active:
        raise ValidationFailed({"partner": "must be an active account"})
    start = _day(valid_from, "valid_from", clock.today())
    with transaction.atomic():
        access = access_person_by_id(actor, person_id, purpose="assign")
        if not access.full or not full_access_by_role(actor, access.person.owning_force_id):
            raise Forbidden("You can only assign partners to your own force's registrants.")
        open_now = PartnerAssignment.objects.select_for_update().filter(
            user=partner, person=access.person, valid_to__isnull=True)
        if open_now.exists():
            raise ValidationFailed({"person": f"{UNCHANGED}: the partner is already assigned to this registrant"})
        assignment = PartnerAssignment.objects.create(
            user=partner, person=access.person, valid_from=start, assigned_by=actor
        )
        record("access.partner_assign", actor, object_type="person", object_id=str(access.person.pk),
               force_code=access.person.owning_force.code,
               detail={"partner": partner.username, "assignment": assignment.pk, "valid_from": start.isoformat()})
    return assignment


def partner_end(actor: Any, assignment_id: Any, *, valid_to: Any = None) -> PartnerAssignment:
    """End a partner's access to one registrant from ``valid_to`` (default today; not before it began)."""
    if not assigns_partners(actor):
        raise Forbidden(NOT_AN_ASSIGNER)
    end = _day(valid_to, "valid_to", clock.today())
    with transaction.atomic():
        try:
            assignment = (PartnerAssignment.objects.select_for_update(of=("self",))
                          .select_related("user", "person__owning_force").get(pk=int(assignment_id)))
        except (TypeError, ValueError, OverflowError, PartnerAssignment.DoesNotExist):
            raise NotFound("No such assignment.") from None
        if not can_assign_partner(actor, assignment.user) or not full_access_by_role(
                actor, assignment.person.owning_force_id):
            raise NotFound("No such assignment.")
        if assignment.valid_to is not None:
            raise ValidationFailed({"assignment": f"{UNCHANGED}: the assignment has already ended"})
        if end < assignment.valid_from:
            raise ValidationFailed({"valid_to": f"must not be before the assignment began "
                                                f"({assignment.valid_from.isoformat()})"})
        assignment.valid_to = end
        assignment.save(update_fields=["valid_to"])
        person = assignment.person
        record("access.partner_end", actor, object_type="person", object_id=str(person.pk),
               force_code=person.owning_force.code,
               detail={"partner": assignment.user.username, "assignment": assignment.pk,
                       "valid_from": assignment.valid_from.isoformat(), "valid_to": end.isoformat()})
    return assignment


# --- reads ------------------------------------------------------------------------------------------------------


def partner_users(actor: Any, force_code: str | None = None) -> list[dict[str, Any]]:
    """The partner-agency users the actor assigns (their force's; a national administrator's: every force's, or
    the force named), each with how many registrants they are assigned to today."""
    if not assigns_partners(actor):
        raise Forbidden(NOT_AN_ASSIGNER)
    force = force_scope(actor, force_code, national=is_national_admin(actor), what="assign your own force's partners")
    qs = User.objects.select_related("force").filter(role__in=sorted(partner_roles())).order_by(
        "force__name", "last_name", "first_name", "username")
    if force is not None:
        qs = qs.filter(force=force)
    today = clock.today()
    rows = []
    for user in qs[:500]:
        if not can_assign_partner(actor, user):
            continue
        count = PartnerAssignment.objects.filter(holds_on_q(today), user=user).count()
        rows.append({"id": user.pk, "username": user.username, "name": user.get_full_name() or user.username,
                     "force": user.force_code, "active": user.is_active, "assigned": count})
    return rows


def partner_for(actor: Any, user_id: Any) -> User:
    """A partner user the actor assigns; NotFound when missing, not a partner or not theirs (one answer)."""
    if not assigns_partners(actor):
        raise Forbidden(NOT_AN_ASSIGNER)
    try:
        user = User.objects.select_related("force").get(pk=int(user_id))
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        raise NotFound("No such partner.") from None
    if not can_assign_partner(actor, user):
        raise NotFound("No such partner.")
    return user


def partner_assignments(actor: Any, user_id: Any) -> tuple[User, list[dict[str, Any]]]:
    """A partner user and their assignments (current first, then ended), with each registrant's reference and
    name; the read is audited (``access.partner_assignments_view``: the registrants' ids, never their names)."""
    partner = partner_for(actor, user_id)
    today = clock.today()
    rows = []
    qs = (PartnerAssignment.objects.filter(user=partner).select_related("person", "person__owning_force",
                                                                        "assigned_by")
          .order_by("valid_to", "-valid_from", "-pk"))
    for a in qs:
        current = a.valid_from <= today and (a.valid_to is None or a.valid_to > today)
        rows.append({"id": a.pk, "person_id": a.person_id, "reference": a.person.reference,
                     "name": a.person.display_name, "force": a.person.owning_force.code,
                     "valid_from": a.valid_from, "valid_to": a.valid_to, "current": current,
                     "open": a.valid_to is None, "assigned_by": str(a.assigned_by or "")})
    rows.sort(key=lambda r: (not r["open"], r["reference"]))
    with transaction.atomic():
        record("access.partner_assignments_view", actor, object_type="user", object_id=str(partner.pk),
               force_code=partner.force_code, detail={"people": [str(r["person_id"]) for r in rows]})
    return partner, rows


def person_by_reference(reference: Any) -> Any:
    """A registrant's id from its reference (TTH-000123), or None (the guard decides who may see it)."""
    if not isinstance(reference, str) or not reference.strip() or len(reference) > 40:
        return None
    return Person.objects.filter(reference=reference.strip().upper()).values_list("pk", flat=True).first()


def assignment_of(assignment_id: Any, user_id: Any) -> bool:
    """Whether assignment ``assignment_id`` is the partner ``user_id``'s."""
    return PartnerAssignment.objects.filter(pk=assignment_id, user_id=user_id).exists()


def person_panel(user: Any, person: Any) -> PersonPanel | None:
    """The person page's "Partner access" section (register extension panel, called for a user who sees the full
    record and whose page read is audited there): the partner users assigned to the registrant now or later, each
    linked to their assignments page when the user assigns them; None for a user who does not assign partners to
    the registrant's force."""
    if not sees_partner_assignments(user, person.owning_force_id):
        return None
    today = clock.today()
    rows = []
    held = extensions.may_hold(person, "partner_assignments")
    for a in (PartnerAssignment.objects.filter(person=person, valid_to__isnull=True)
              .select_related("user", "user__force").order_by("valid_from", "pk") if held else ()):
        rows.append({"user_id": a.user_id, "name": a.user.get_full_name() or a.user.username,
                     "force": a.user.force_code, "valid_from": a.valid_from, "current": a.valid_from <= today,
                     "linked": can_assign_partner(user, a.user)})
    ended = PartnerAssignment.objects.filter(person=person, valid_to__isnull=False).count() if held else 0
    return PersonPanel(template="register/partners/_panel.html", anchor="partner-access", title="Partner access",
                       context={"person": person, "rows": rows, "ended": ended,
                                "force_code": "" if user.force_id == person.owning_force_id
                                else person.owning_force.code})
