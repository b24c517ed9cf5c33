"""Reads for access: the forces, and which of them an actor's lists and figures cover."""

from __future__ import annotations

from typing import Any

from tether.core import clock
from tether.core.errors import Forbidden, NotFound, ValidationFailed

from . import permissions
from .models import Force, User


def user_named(username: str | None, runs: str = "command") -> User:
    """The active account a command runs as (``--as USERNAME`` or ``TETHER_USER``). ValidationFailed naming ``as``
    when none is given, NotFound when there is no active account by that name."""
    name = (username or "").strip()
    if not name:
        raise ValidationFailed({"as": f"name the account the {runs} runs as: --as USERNAME (or TETHER_USER)"})
    user = User.objects.select_related("force").filter(username=name, is_active=True).first()
    if user is None:
        raise NotFound(f"No active account {name!r}.")
    return user


ACCOUNTS_SHOWN = 500  # a national administrator's unfiltered list: the first 500, then choose a force


def force_choices(*first: tuple[str, str], with_code: bool = False) -> list[tuple[str, str]]:
    """The options of a force dropdown: ``first``, then every force by name (``with_code``: "Name (CODE)")."""
    forces = Force.objects.order_by("name")
    return [*first, *((f.code, f"{f.name} ({f.code})" if with_code else f.name) for f in forces)]


def force_scope(actor: Any, force_code: str | None, *, national: bool, what: str) -> Force | None:
    """The force a list or a figure covers: for a ``national`` actor the force named (None: every force); for anyone
    else their own force, and naming another is Forbidden ("You can only see your own force's {what}")."""
    code = (force_code or "").strip().upper()
    if national:
        if not code:
            return None
        force = Force.objects.filter(code=code).first()
        if force is None:
            raise NotFound(f"No force with code {code}.")
        return force
    if actor.force_id is None:
        raise Forbidden("Your account belongs to no force.")
    if code and code != actor.force.code:
        raise Forbidden(f"You can only {what}.")
    return actor.force  # type: ignore[no-any-return]


def _with_two_factor(qs: Any) -> Any:
    from django.db.models import Exists, OuterRef
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return qs.annotate(two_factor_set_up=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))


def accounts(actor: Any, force_code: str | None = None, *, locked_only: bool = False,
             ) -> tuple[list[Any], Force | None, bool]:
    """The accounts the actor manages (``permissions.can_manage_accounts``), by force then name, each with
    ``two_factor_set_up``, ``locked_out`` and ``status`` (active, invited or deactivated): (accounts, the force listed
    or None for every force, whether the list was cut at ``ACCOUNTS_SHOWN``). A force administrator lists their own
    force's; a national administrator any force's. ``locked_only``: only the accounts locked out now."""
    from . import lockout

    if not permissions.can_manage_accounts(actor):
        raise Forbidden("Only a force administrator or a national administrator manages accounts.")
    force = force_scope(actor, force_code, national=permissions.is_national_admin(actor),
                        what="manage your own force's accounts")
    qs = User.objects.select_related("force").order_by("force__name", "last_name", "first_name", "username")
    if force is not None:
        qs = qs.filter(force=force)
    locked = lockout.locked_usernames()
    if locked_only:
        qs = qs.filter(username__in=sorted(locked))
    rows = list(_with_two_factor(qs)[: ACCOUNTS_SHOWN + 1])
    for row in rows:
        _describe(row, locked)
    return rows[:ACCOUNTS_SHOWN], force, len(rows) > ACCOUNTS_SHOWN


def is_invited(user: Any) -> bool:
    """An account whose invitation has not been accepted: it has never had a password."""
    return bool(not user.has_usable_password() and user.last_login is None)


def _describe(user: Any, locked: set[str]) -> Any:
    user.locked_out = user.username in locked
    user.status = "invited" if is_invited(user) else "active" if user.is_active else "deactivated"
    return user


def account(actor: Any, user_id: Any) -> Any:
    """One account the actor administers (``permissions.can_manage_user``), described as in ``accounts``, with
    ``tokens`` (its personal API tokens, newest first: never the secret) and ``invitation`` (the link that still
    works, if any); NotFound when missing or not theirs to manage, the same answer either way."""
    from . import lockout
    from .models import ApiToken, Invitation

    if not permissions.can_manage_accounts(actor):
        raise Forbidden("Only a force administrator or a national administrator manages accounts.")
    try:
        user = _with_two_factor(User.objects.select_related("force")).get(pk=int(user_id))
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        raise NotFound("No such account.") from None
    if not permissions.can_manage_user(actor, user):
        raise NotFound("No such account.")
    _describe(user, lockout.locked_usernames([user.username]))
    now = clock.now()
    user.tokens = list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))
    for token in user.tokens:
        token.state = ("revoked" if token.revoked_at else "expired" if token.expires_at <= now else "active")
    user.invitation = (Invitation.objects.filter(user=user, used_at__isnull=True, withdrawn_at__isnull=True)
                       .order_by("-created_at").first())
    if user.invitation is not None and user.invitation.expires_at <= now:
        user.invitation.expired = True
    return user
