"""One batch of the full re-evaluation (``tether sweep --recompute``), run in this process or a worker's."""

from __future__ import annotations

import uuid
from datetime import date
from time import perf_counter

from django.db import transaction

from tether.register.models import Person
from tether.register.outcomes import rematerialise
from tether.register.selectors import person_rows

from .case_services import backfill_states
from .models import Case

Phases = dict[str, float]


def recompute_range(lo: uuid.UUID | None, hi: uuid.UUID | None, as_of: date) -> tuple[int, int, Phases]:
    """Re-evaluate the people with lo < id <= hi (open-ended when None), in one transaction. Returns how many
    people, how many case state histories were derived, and the seconds spent in each phase
    (``register.outcomes.PHASES``, plus ``cases`` for the derived case states)."""
    started = perf_counter()
    table = Person._meta.db_table
    ids = [row[0] for row in person_rows(f"SELECT id FROM {table} WHERE {{ids}} ORDER BY id", [],  # noqa: S608
                                         column="id", span=(lo, hi))]
    if not ids:
        return 0, 0, {}
    listed = perf_counter() - started
    cases = Case.objects.filter(states__isnull=True)
    if lo is not None:
        cases = cases.filter(person_id__gt=lo)
    if hi is not None:
        cases = cases.filter(person_id__lte=hi)
    with transaction.atomic():
        phases = rematerialise(ids, as_of, span=(lo, hi))
        started = perf_counter()
        backfilled = backfill_states(list(cases))
        phases["cases"] = perf_counter() - started
    phases["read"] += listed
    return len(ids), backfilled, phases
