"""The dashboard's caseload counts, counted once per scope and reused until something they count changes.

Counting a force's register (registrants, overdue, missing, wanted) on every visit of the home page is the
dashboard's biggest cost at scale. The figures of each scope (a force, or every force) are stored with the day and
the version of the register they were counted at (``models.DashboardCounts``); the register's write path moves the
version on after every committed write that can change them (``install``: a registrant written, an outcome stored,
a merge or its undoing), so a stored figure is only reused while nothing it counts has changed, and never after
midnight (overdue is counted against the day). "Assigned to you" is the user's own and cheap: counted every time.

Why it is correct whichever order things happen in: a reader takes the version *before* counting, and writers move
it on only *after* their transaction commits. A count that ran while a write committed is stored under the old
version, which is already stale once the writer moves it on; a count taken after the new version was read sees the
committed write. Inside a transaction (a write, or a test's wrapping transaction) the figures are counted directly:
a write not yet committed must count, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import connection, transaction

from tether.access.permissions import is_national_admin
from tether.core import clock
from tether.management.selectors import assigned_on_register
from tether.register import extensions
from tether.register.search import Caseload, caseload_counts

from .models import CountsVersion, DashboardCounts

VERSION_ID = 1
FIGURES = ("registrants", "overdue", "missing", "wanted")


def _scope(user: Any) -> tuple[int, str]:
    """(stored scope key, the name shown): as ``caseload_counts`` scopes them."""
    if is_national_admin(user) or not user.force_id:
        return 0, "all forces"
    return int(user.force_id), user.force.name


def current_version() -> int:
    row = CountsVersion.objects.filter(pk=VERSION_ID).values_list("value", flat=True).first()
    return int(row or 0)


def dashboard_counts(user: Any, today: date | None = None) -> Caseload:
    """The same figures as ``register.search.caseload_counts(user, today)``, reusing the stored ones when current."""
    today = today or clock.today()
    if connection.in_atomic_block:
        return caseload_counts(user, today)
    scope, name = _scope(user)
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {', '.join(qn(f) for f in FIGURES)} FROM {qn(DashboardCounts._meta.db_table)}"  # noqa: S608
            f" WHERE {qn('scope')} = %s AND {qn('day')} = %s AND {qn('version')} ="
            f" (SELECT COALESCE(MAX({qn('value')}), 0) FROM {qn(CountsVersion._meta.db_table)})",
            [scope, connection.ops.adapt_datefield_value(today)],
        )
        row = cur.fetchone()
    if row is not None:
        return Caseload(scope=name, **dict(zip(FIGURES, (int(v) for v in row), strict=True)),
                        assigned_to_me=assigned_on_register(user))
    version = current_version()  # before counting: a write committed meanwhile makes this version stale
    counted = caseload_counts(user, today)
    DashboardCounts.objects.bulk_create(
        [DashboardCounts(scope=scope, day=today, version=version, **{f: getattr(counted, f) for f in FIGURES})],
        update_conflicts=True, unique_fields=["scope"], update_fields=["day", "version", *FIGURES],
    )
    return counted


def _bump() -> None:
    table, qn = CountsVersion._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {qn(table)} ({qn('id')}, {qn('value')}) VALUES (%s, 1)"  # noqa: S608
            f" ON CONFLICT ({qn('id')}) DO UPDATE SET {qn('value')} = {qn(table)}.{qn('value')} + 1",
            [VERSION_ID],
        )


def register_changed(*_: Any) -> None:
    """The register changed in the current transaction: move the version on once it commits (once per transaction,
    however many writes it holds; at once outside a transaction)."""
    if connection.in_atomic_block and any(entry[1] is _bump for entry in connection.run_on_commit):
        return
    transaction.on_commit(_bump)


def _people(person_ids: Sequence[Any]) -> None:
    register_changed()


def _outcomes(person_ids: Sequence[Any], as_of: date) -> None:
    register_changed()


def install() -> None:
    extensions.register_people_written("home-counts", _people)
    extensions.register_people_evaluated("home-counts", _people)
    extensions.register_outcomes_written("home-counts", _outcomes)
