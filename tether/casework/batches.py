"""One batch of the full re-evaluation (``tether sweep --recompute``), run in this process or a worker's."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import transaction

from tether.register.models import Person
from tether.register.outcomes import rematerialise

from .case_services import backfill_states
from .models import Case


def recompute_range(lo: uuid.UUID | None, hi: uuid.UUID | None, as_of: date) -> tuple[int, int]:
    """Re-evaluate the people with lo < id <= hi (open-ended when None), in one transaction."""
    qs = Person.objects.order_by("pk")
    if lo is not None:
        qs = qs.filter(pk__gt=lo)
    if hi is not None:
        qs = qs.filter(pk__lte=hi)
    ids = list(qs.values_list("pk", flat=True))
    if not ids:
        return 0, 0
    cases = Case.objects.filter(states__isnull=True)
    if lo is not None:
        cases = cases.filter(person_id__gt=lo)
    if hi is not None:
        cases = cases.filter(person_id__lte=hi)
    with transaction.atomic():
        rematerialise(ids, as_of, span=(lo, hi))
        backfilled = backfill_states(list(cases))
    return len(ids), backfilled
