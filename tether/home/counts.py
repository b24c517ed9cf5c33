"""The dashboard's caseload counts, counted once per scope and reused until something they count changes.

Counting a force's register (registrants, overdue, missing, wanted) on every visit of the home page is the
dashboard's biggest cost at scale. The figures of each scope (a force, or every force) are stored with the day and
the version of the register they were counted at (``models.DashboardCounts``); the register's write path moves the
version on after every committed write that can change them (``install``: a registrant written, an outcome stored,
a merge or its undoing), so a stored figure is only reused while nothing it counts has changed, and never after
midnight (overdue is counted against the day). "Assigned to you" is the user's own and cheap: counted every time.

How it stays correct whichever order writes and reads happen in: ``core.stored``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from tether.access.permissions import is_national_admin
from tether.core import clock
from tether.core.stored import Versioned
from tether.management.selectors import assigned_on_register
from tether.register import extensions
from tether.register.search import Caseload, caseload_counts

from .models import CountsVersion, DashboardCounts

FIGURES = ("registrants", "overdue", "missing", "wanted")
_counts = Versioned(CountsVersion, DashboardCounts, "scope")
current_version = _counts.current_version
register_changed = _counts.changed  # the register changed in the current transaction: stale once it commits


def _scope(user: Any) -> tuple[int, str]:
    """(stored scope key, the name shown): as ``caseload_counts`` scopes them."""
    if is_national_admin(user) or not user.force_id:
        return 0, "all forces"
    return int(user.force_id), user.force.name


def dashboard_counts(user: Any, today: date | None = None) -> Caseload:
    """The same figures as ``register.search.caseload_counts(user, today)``, reusing the stored ones when current."""
    today = today or clock.today()
    scope, name = _scope(user)
    row = _counts.fresh(scope, today, FIGURES)
    if row is not None:
        return Caseload(scope=name, **dict(zip(FIGURES, (int(v) for v in row), strict=True)),
                        assigned_to_me=assigned_on_register(user))
    version = current_version()  # before counting: a write committed meanwhile makes this version stale
    counted = caseload_counts(user, today)
    _counts.store(scope, today, version, {f: getattr(counted, f) for f in FIGURES})
    return counted


def _people(person_ids: Sequence[Any]) -> None:
    register_changed()


def _outcomes(person_ids: Sequence[Any], as_of: date) -> None:
    register_changed()


def install() -> None:
    extensions.register_people_written("home-counts", _people)
    extensions.register_people_evaluated("home-counts", _people)
    extensions.register_outcomes_written("home-counts", _outcomes)
