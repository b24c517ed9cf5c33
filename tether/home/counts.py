"""The dashboard's caseload counts, counted once per scope and reused until something they count changes.

Counting a force's register (registrants, overdue, missing, wanted) on every visit of the home page is the
dashboard's biggest cost at scale. The figures of each scope (a force, or every force) are stored with the day and
the version of the register they were counted at (``models.DashboardCounts``); the register's write path moves the
version of the forces written to on after every committed write that can change them (``install``: a registrant
written, an outcome stored, a merge or its undoing, a transfer accepted: the force it left too), so a stored figure
is only reused while nothing it counts has changed, and never after midnight (overdue is counted against the day). A
write in one force leaves every other force's figures current; every force's (scope 0) go stale with any write.
"Assigned to you" is the user's own and cheap: counted every time.

How it stays correct whichever order writes and reads happen in: ``core.stored``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from tether.access.permissions import is_national_admin
from tether.core import clock
from tether.core.stored import NATIONAL, Versioned
from tether.management.selectors import assigned_on_register, owning_forces
from tether.register import extensions
from tether.register.search import Caseload, caseload_counts

from .models import CountsVersion, DashboardCounts

FIGURES = ("registrants", "overdue", "missing", "wanted")
_counts = Versioned(CountsVersion, DashboardCounts, "scope")
current_version = _counts.current_version
register_changed = _counts.changed  # the register changed in the current transaction: stale once it commits
MANY = 500
"""A write of more registrants than this (a sweep, an import) makes every force's figures stale without reading
whose they are."""


def _scope(user: Any) -> tuple[int, str]:
    """(stored scope key, the name shown): as ``caseload_counts`` scopes them."""
    if is_national_admin(user) or not user.force_id:
        return 0, "all forces"
    return int(user.force_id), user.force.name


def dashboard_counts(user: Any, today: date | None = None) -> Caseload:
    """The same figures as ``register.search.caseload_counts(user, today)``, reusing the stored ones when current."""
    today = today or clock.today()
    scope, name = _scope(user)
    row = _counts.fresh(scope, scope or NATIONAL, today, FIGURES)
    if row is not None:
        return Caseload(scope=name, **dict(zip(FIGURES, (int(v) for v in row), strict=True)),
                        assigned_to_me=assigned_on_register(user))
    version = current_version(scope or NATIONAL)  # before counting: a write committed meanwhile makes it stale
    counted = caseload_counts(user, today)
    _counts.store(scope, today, version, {f: getattr(counted, f) for f in FIGURES})
    return counted


def _people(person_ids: Sequence[Any]) -> None:
    """The registrants' forces' figures are stale once the write commits (every force's for a write of many)."""
    ids = list(person_ids)
    if len(ids) > MANY:
        register_changed()
    elif ids:
        register_changed(owning_forces(ids) or None)  # none found (not expected): every force's


def _outcomes(person_ids: Sequence[Any], as_of: date, registration_changed: Collection[Any] | None) -> None:
    _people(person_ids)  # an obligation falling due moves the figures as much as a change of status


def _transfer(transfer: Any, event: str, actor: Any) -> None:
    """An accepted transfer moves the registrant out of the force that owned them: its figures are stale too."""
    if event == "accepted":
        register_changed([transfer.from_force_id, transfer.to_force_id])


def install() -> None:
    extensions.register_people_written("home-counts", _people)
    extensions.register_people_evaluated("home-counts", _people)
    extensions.register_outcomes_written("home-counts", _outcomes)
    extensions.register_transfer_changed("home-counts", _transfer)
