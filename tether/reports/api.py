"""API for statistics: GET /api/v1/reports/... Published tables only (after disclosure control), never names.

Analysts, FOI officers, supervisors and national administrators; everyone else gets 403. A user with a force
sees their force; national users see every force (``force`` narrows to one). The roll-up is for national
users. Every call is audited as ``report.run``.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tether.access.api import Day, DetailOut, ErrorOut, Text, TokenAuth
from tether.core import clock

from .disclosure import MAX_THRESHOLD
from .figures import LOWEST_THRESHOLD, last_twelve_months, policy_for, published

router = Router(auth=TokenAuth(), tags=["reports"])
RESPONSES: dict[int, Any] = {200: dict[str, Any], 400: ErrorOut, 403: DetailOut, 404: DetailOut}


class PolicyQuery(Schema):
    """The disclosure policy. Besides each bound, the two are checked together: rounding must not be more than the
    threshold, and the threshold must not round below itself (choose a multiple of the rounding)."""

    threshold: int | None = Field(None, ge=LOWEST_THRESHOLD, le=MAX_THRESHOLD,
                                  description="Counts from 1 to threshold-1 are hidden (default 5)")
    rounding: int | None = Field(None, ge=1, le=MAX_THRESHOLD,
                                 description="Other counts rounded to the nearest (default 5; 1 = none)")


class FigureQuery(PolicyQuery):
    as_of: Day | None = Field(None, description="As at this UK date (default today)")
    by: Annotated[str, Text(40)] = Field("", description="Rows[,columns]: force, country, year_missing, time_missing, "
                    "offence, risk, state, abroad (registrants: force or country)")
    force: Annotated[str, Text(8)] = Field("", description="One force's code (national users); default: your scope")


class PeriodQuery(PolicyQuery):
    period_from: Day | None = Field(None, description="The period's first day (default: a year before the last)")
    period_to: Day | None = Field(None, description="The period's last day, inclusive (default today)")
    by: Annotated[str, Text(40)] = Field("", description="force or country")
    force: Annotated[str, Text(8)] = ""


class SeriesQuery(PolicyQuery):
    as_of: Day | None = None
    months: int = Field(24, ge=1, le=240)
    force: Annotated[str, Text(8)] = ""


class RollupQuery(PolicyQuery):
    as_of: Day | None = None


def _figure(request: HttpRequest, figure: str, q: FigureQuery) -> dict[str, Any]:
    return published(figure, request.user, as_of=q.as_of, by=q.by or None, force=q.force or None,
                        policy=policy_for(q.threshold, q.rounding)).data


@router.get("/reports/missing", response=RESPONSES, summary="Open missing and wanted cases as at a date")
def report_missing(request: HttpRequest, q: Query[FigureQuery]) -> Any:
    return _figure(request, "missing", q)


@router.get("/reports/abroad", response=RESPONSES, summary="Open cases believed abroad as at a date")
def report_abroad(request: HttpRequest, q: Query[FigureQuery]) -> Any:
    return _figure(request, "abroad", q)


@router.get("/reports/registrants", response=RESPONSES, summary="Registrants subject to notification on a date")
def report_registrants(request: HttpRequest, q: Query[FigureQuery]) -> Any:
    return _figure(request, "registrants", q)


@router.get("/reports/management", response=RESPONSES,
            summary="Registrants by risk level, MAPPA category or level, or management mode on a date")
def report_management(request: HttpRequest, q: Query[FigureQuery]) -> Any:
    return _figure(request, "management", q)


@router.get("/reports/visits", response=RESPONSES,
            summary="Home visits in the year to a date by risk level (seen or not)")
def report_visits(request: HttpRequest, q: Query[FigureQuery]) -> Any:
    return _figure(request, "visits", q)


@router.get("/reports/overdue", response=RESPONSES,
            summary="Overdue home visits and assessments on a date by how long overdue (by=age) or risk level")
def report_overdue(request: HttpRequest, q: Query[FigureQuery]) -> Any:
    return _figure(request, "overdue", q)


@router.get("/reports/caseloads", response=RESPONSES,
            summary="Offender managers by caseload on a date (the benchmark: one per 50 registrants)")
def report_caseloads(request: HttpRequest, q: Query[FigureQuery]) -> Any:
    return _figure(request, "caseloads", q)


@router.get("/reports/cases", response=RESPONSES, summary="Cases opened, reopened and closed in a period")
def report_cases(request: HttpRequest, q: Query[PeriodQuery]) -> Any:
    default = last_twelve_months(q.period_to or clock.today())
    start, end = q.period_from or default[0], default[1]
    return published("cases", request.user, period=(start, end), by=q.by or None,
                        force=q.force or None, policy=policy_for(q.threshold, q.rounding)).data


class DutyPeriodQuery(PeriodQuery):
    by: str = Field("", max_length=40, description="Rows[,columns]: provision (default), force, country, kind")


class DutyQuery(FigureQuery):
    by: str = Field("", max_length=40, description="Rows[,columns]: provision (default), force, country, kind")


@router.get("/reports/breaches", response=RESPONSES,
            summary="Breaches of notification duties in a period, by the provision in force when each duty arose")
def report_breaches(request: HttpRequest, q: Query[DutyPeriodQuery]) -> Any:
    default = last_twelve_months(q.period_to or clock.today())
    start, end = q.period_from or default[0], default[1]
    return published("breaches", request.user, period=(start, end), by=q.by or None,
                     force=q.force or None, policy=policy_for(q.threshold, q.rounding)).data


@router.get("/reports/duties", response=RESPONSES,
            summary="Outstanding notification duties on a date, by the provision in force when each arose")
def report_duties(request: HttpRequest, q: Query[DutyQuery]) -> Any:
    return _figure(request, "duties", q)


@router.get("/reports/series", response=RESPONSES, summary="Open cases at each month end")
def report_series(request: HttpRequest, q: Query[SeriesQuery]) -> Any:
    return published("series", request.user, as_of=q.as_of, force=q.force or None, months=q.months,
                        policy=policy_for(q.threshold, q.rounding)).data


@router.get("/reports/rollup", response=RESPONSES, summary="National roll-up with coverage")
def report_rollup(request: HttpRequest, q: Query[RollupQuery]) -> Any:
    return published("rollup", request.user, as_of=q.as_of, policy=policy_for(q.threshold, q.rounding)).data
