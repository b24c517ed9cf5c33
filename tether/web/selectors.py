"""Aggregate reads for the web pages that no other package offers yet.

Counts only: no personal data leaves this module, so there is nothing to audit.
(These belong in ``tether.people.selectors``; they live here until that module grows them.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q

from tether.access.constants import Role
from tether.core import clock
from tether.people.models import Person
from tether.register.constants import RegisterStatus


@dataclass
class Caseload:
    scope: str  # the force name, or "all forces"
    registrants: int
    overdue: int
    missing: int
    wanted: int
    assigned_to_me: int


def caseload_counts(user: Any, today: date | None = None) -> Caseload:
    today = today or clock.today()
    qs = Person.objects.all()
    if user.role == Role.NATIONAL_ADMIN or not user.force_id:
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
