"""Reads for access: the forces, and which of them an actor's lists and figures cover."""

from __future__ import annotations

from typing import Any

from tether.core.errors import Forbidden, NotFound

from .models import Force


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
