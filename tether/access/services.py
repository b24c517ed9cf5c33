"""Writes for access: API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction

from tether.audit.services import record
from tether.core import clock
from tether.core.errors import ValidationFailed

from .models import ApiToken, User


def token_create(username: str, *, name: str = "api", days: int = 30, actor_label: str = "") -> tuple[str, ApiToken]:
    try:
        user = User.objects.get(username=username, is_active=True)
    except User.DoesNotExist as exc:
        raise ValidationFailed({"username": f"no active user {username!r}"}) from exc
    raw = ApiToken.generate()
    now = clock.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[:8], token_hash=ApiToken.hash_token(raw), role=user.role, created_at=now,
            expires_at=now + timedelta(days=days),
        )
        record("token.create", None, actor_label=actor_label or "system", object_type="token", object_id=str(token.pk),
               detail={"user": username, "name": name, "expires_at": token.expires_at.isoformat()})
    return raw, token


def token_user(raw: str) -> Any:
    """The active user for a raw token, or None (unknown, revoked or expired)."""
    token = (
        ApiToken.objects.select_related("user", "user__force")
        .filter(token_hash=ApiToken.hash_token(raw), revoked_at__isnull=True, expires_at__gt=clock.now())
        .first()
    )
    if token is None or not token.user.is_active or token.role != token.user.role:
        return None  # unknown, revoked, expired, or issued for a role the user no longer has
    return token.user


def partner_assign(actor: Any, partner: Any, person_id: Any, *, valid_from: Any = None) -> Any:
    """Assign a partner-agency user to one registrant of the actor's force (force admins and supervisors)."""
    from tether.core.errors import Forbidden

    from .constants import Role
    from .guards import access_person_by_id
    from .models import PartnerAssignment

    if actor.role not in (Role.FORCE_ADMIN, Role.SUPERVISOR, Role.NATIONAL_ADMIN):
        raise Forbidden("Only supervisors and force administrators assign partners.")
    if partner.role != Role.PARTNER:
        raise ValidationFailed({"partner": "must be a partner-agency user"})
    with transaction.atomic():
        access = access_person_by_id(actor, person_id, purpose="assign")
        if not access.full or (actor.role != Role.NATIONAL_ADMIN and access.person.owning_force_id != actor.force_id):
            raise Forbidden("You can only assign partners to your own force's registrants.")
        assignment = PartnerAssignment.objects.create(
            user=partner, person=access.person, valid_from=valid_from or clock.today(), assigned_by=actor
        )
        record("access.partner_assign", actor, object_type="person", object_id=str(access.person.pk),
               force_code=access.person.owning_force.code, detail={"partner": partner.username})
    return assignment
