"""The dashboard's caseload counts. (The register search itself, with its national index rows, lives in
``tether.identity.search``: identity sits above the register.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q

from tether.access.permissions import is_national_admin
from tether.core import clock
from tether.register.constants import RegisterStatus

from .models import Person
from .selectors import separate


@dataclass
class Caseload:
    scope: str  # the force name, or "all forces"
    registrants: int
    overdue: int
    missing: int
    wanted: int
    assigned_to_me: int


def caseload_counts(user: Any, today: date | None = None) -> Caseload:
    """Counts for the dashboard: no personal data, so nothing to audit."""
    today = today or clock.today()
    qs = separate(Person.objects.all())  # a record merged into another is not a second person
    if is_national_admin(user) or not user.force_id:
        scope = "all forces"
    else:
        qs = qs.filter(owning_force_id=user.force_id)
        scope = user.force.name
    figures = qs.aggregate(
        registrants=Count("pk"),
        overdue=Count("pk", filter=Q(state__next_due__lt=today)),
        missing=Count("pk", filter=Q(state__status=RegisterStatus.MISSING)),
        wanted=Count("pk", filter=Q(state__status=RegisterStatus.WANTED)),
        assigned_to_me=Count("pk", filter=Q(offender_manager=user)),
    )
    return Caseload(scope=scope, **figures)
