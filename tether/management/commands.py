"""What ``tether management ...`` runs (the CLI stays a thin shell): each command acts as a named account
(``--as USERNAME`` or ``TETHER_USER``) through the same services and selectors as the pages and the API."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tether.access.models import Force
from tether.access.selectors import user_named
from tether.audit.services import record
from tether.core import clock
from tether.core.dates import parse_day
from tether.core.errors import ValidationFailed
from tether.core.streams import chunks
from tether.register.models import Person

from .outcomes import materialise
from .selectors import capacity, capacity_json, caseload, json_view, overdue, overdue_json, person_view
from .services import manager_assign, visit_record


def _person_id(reference_or_id: str) -> Any:
    p = Person.objects.filter(reference=reference_or_id.strip().upper()).values_list("pk", flat=True).first()
    return p or reference_or_id


def show(username: str | None, person: str, as_of: str | None) -> dict[str, Any]:
    return json_view(person_view(user_named(username), _person_id(person), parse_day(as_of)))


def overdue_rows(username: str | None, force: str | None, as_of: str | None) -> list[dict[str, Any]]:
    return overdue_json(overdue(user_named(username), force, parse_day(as_of), page=None).rows)


def caseload_rows(username: str | None, force: str | None, as_of: str | None) -> list[dict[str, Any]]:
    return [{"name": r.name, "force": r.force, "registrants": r.registrants, "weighted": r.weighted,
             "benchmark": r.benchmark, "visits_overdue": r.visits_overdue,
             "assessments_overdue": r.assessments_overdue}
            for r in caseload(user_named(username), force, parse_day(as_of))]


def capacity_report(username: str | None, force: str | None, as_of: str | None, what_if: str) -> dict[str, Any]:
    return capacity_json(capacity(user_named(username), force, parse_day(as_of), what_if=what_if))


def assign(username: str | None, person: str, manager: str, note: str) -> dict[str, Any]:
    spell = manager_assign(user_named(username), _person_id(person), {"manager": manager, "handover_note": note})
    return {"changed": spell is not None}


def record_visit(username: str | None, person: str, data: dict[str, Any]) -> dict[str, Any]:
    r = visit_record(user_named(username), _person_id(person), data)
    return {"visit_id": r.visit.pk, "task_id": r.task_id, "case_id": r.case_id}


def evaluate(force_code: str | None, as_of: str | None, actor_label: str = "cli") -> dict[str, Any]:
    """Bring a force's registrants (or everyone's) under management duties: evaluate and store their outcome."""
    day = parse_day(as_of) or clock.today()
    people = Person.objects.all()
    if force_code:
        force = Force.objects.filter(code=force_code.strip().upper()).first()
        if force is None:
            raise ValidationFailed({"force": f"no force has the code {force_code!r}"})
        people = people.filter(owning_force=force)
    ids = sorted(people.values_list("pk", flat=True))
    done = 0
    for chunk in chunks(ids, 2000):
        with transaction.atomic():
            done += materialise(chunk, day)
    summary = {"evaluated": done, "as_of": day.isoformat(), "force": force_code.upper() if force_code else None}
    record("management.evaluate", None, actor_label=actor_label, detail=summary,
           force_code=force_code.upper() if force_code else "")
    return summary
