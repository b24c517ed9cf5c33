"""API for management: /api/v1/people/{id}/management (read and the writes), /api/v1/management/overdue,
/caseload and /capacity. Token auth; the same services, guards and audit as the pages."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from pydantic import ConfigDict

from tether.access.api import Day, DetailOut, ErrorOut, Page, PerPage, Text, TokenAuth
from tether.core import clock

from .selectors import (
    OVERDUE_PER_PAGE,
    capacity,
    capacity_json,
    caseload,
    json_view,
    overdue,
    overdue_json,
    person_view,
)
from .services import (
    assessment_record,
    intelligence_record,
    manager_assign,
    mappa_set,
    mode_set,
    policy_set,
    risk_level_set,
    visit_record,
)

router = Router(auth=TokenAuth(), tags=["management"])
READ: dict[int, Any] = {200: dict[str, Any], 400: ErrorOut, 403: DetailOut, 404: DetailOut}
WRITE: dict[int, Any] = {**READ, 409: DetailOut}
Months = Query(3, ge=1, le=36, description="How many months ahead")  # type: ignore[type-arg]
PersonId = Annotated[str, Text(64, required=True), Path(description="The registrant's id (a UUID)")]
Force = Annotated[Annotated[str, Text(8)] | None, Field(description="Force code; default: your force")]


class FieldsIn(Schema):
    """The service's fields (docs/management.md); the service validates them and names each bad one."""

    model_config = ConfigDict(extra="allow")


def _body(request: HttpRequest) -> dict[str, Any]:
    """The JSON object sent (the schema above only documents it: the service reads and checks every field)."""
    from tether.core.errors import ValidationFailed

    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise ValidationFailed({"body": "must be a JSON object"}) from None
    if not isinstance(data, dict):
        raise ValidationFailed({"body": "must be a JSON object"})
    return data


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


@router.get("/people/{person_id}/management", response=READ,
            summary="A registrant's risk, MAPPA, mode, manager and duties")
def management_show(request: HttpRequest, person_id: PersonId, as_of: Day | None = None) -> Any:
    return json_view(person_view(_user(request), person_id, as_of))


WRITES = {
    "risk-level": risk_level_set, "assessments": assessment_record, "mappa": mappa_set, "mode": mode_set,
    "offender-manager": manager_assign, "intelligence": intelligence_record,
}


@router.post("/people/{person_id}/management/{what}", response=WRITE,
             summary="Record risk, MAPPA, mode, manager or intelligence",
             description="what: risk-level, assessments, mappa, mode, offender-manager, intelligence. The body is "
             "the service's fields (docs/management.md). Answers the management picture after the change; "
             "`changed` is false when nothing changed (nothing was written).")
def management_write(request: HttpRequest, person_id: PersonId,
                     what: Literal["risk-level", "assessments", "mappa", "mode", "offender-manager", "intelligence"],
                     payload: FieldsIn) -> Any:
    result = WRITES[what](_user(request), person_id, _body(request))
    out = json_view(person_view(_user(request), person_id))
    return {"changed": result is not None, "management": out}


@router.post("/people/{person_id}/visits", response=WRITE, summary="Record a home visit")
def visit_create(request: HttpRequest, person_id: PersonId, payload: FieldsIn) -> Any:
    r = visit_record(_user(request), person_id, _body(request))
    return {"visit_id": r.visit.pk, "outcome": r.visit.outcome, "task_id": r.task_id, "case_id": r.case_id}


@router.get("/management/overdue", response=READ, summary="Overdue home visits and assessments, longest first")
def overdue_list(request: HttpRequest, as_of: Day | None = None, force: Force = None,
                 page: Page = 1, per_page: PerPage = OVERDUE_PER_PAGE) -> Any:
    day = as_of
    found = overdue(_user(request), force, day, page=page, per_page=per_page)
    return {"as_of": (day or clock.today()).isoformat(), "total": found.total, "page": found.page,
            "pages": found.pages, "rows": overdue_json(found.rows)}


@router.get("/management/caseload", response=READ, summary="Registrants per offender manager, weighted by risk")
def caseload_list(request: HttpRequest, as_of: Day | None = None, force: Force = None) -> Any:
    day = as_of
    rows = [{"user_id": r.user_id, "name": r.name, "force": r.force, "registrants": r.registrants,
             "weighted": r.weighted, "benchmark": r.benchmark, "over_benchmark": r.over,
             "visits_overdue": r.visits_overdue, "assessments_overdue": r.assessments_overdue}
            for r in caseload(_user(request), force, day)]
    return {"as_of": (day or clock.today()).isoformat(), "rows": rows}


@router.get("/management/capacity", response=READ,
            summary="The capacity gap for the next months, with a what-if policy")
def capacity_show(request: HttpRequest, as_of: Day | None = None, force: Force = None,
                  what_if: Literal["fixed", "individual", "reactive_eligible"] = "reactive_eligible",
                  months: int = Months) -> Any:
    return capacity_json(capacity(_user(request), force, as_of, what_if=what_if, months=months))


@router.post("/management/policy", response=WRITE, summary="Set a force's visit policy (force administrators)")
def policy_update(request: HttpRequest, payload: FieldsIn, force: Force = None) -> Any:
    row = policy_set(_user(request), force, _body(request))
    return {"changed": row is not None}
