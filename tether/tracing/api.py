"""API for tracing: /api/v1/tracing/... Token auth; the same permissions, force scope and audit as the pages."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from pydantic import StrictBool

from tether.access.api import Day, DetailOut, ErrorOut, In, Text, TokenAuth
from tether.audit.services import record
from tether.core import clock
from tether.core.errors import ValidationFailed

from . import jobs
from .selectors import (
    duplicate_review,
    duplicates_viewed,
    lead_detail,
    lead_statistics,
    leads_for,
    runs_for,
    scan_pairs,
    scan_too_large,
    source_named,
    sources_for,
)
from .services import duplicate_scan, lead_decide, linkage_run, model_train

router = Router(auth=TokenAuth(), tags=["tracing"])
LeadId = Path(..., ge=1, le=2**31 - 1)  # type: ignore[type-arg]
ANSWERS: dict[int, Any] = {400: ErrorOut, 403: DetailOut, 404: DetailOut}


class ListOut(Schema):
    count: int
    results: list[dict[str, Any]]


def _listed(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"count": len(rows), "results": rows}


@router.get("/tracing/sources", response={200: ListOut, **ANSWERS}, summary="List partner sources")
def list_sources(request: HttpRequest) -> Any:
    return _listed(sources_for(request.user))


@router.get("/tracing/runs", response={200: ListOut, **ANSWERS}, summary="List linkage runs")
def list_runs(request: HttpRequest) -> Any:
    return _listed(runs_for(request.user))


class RunIn(In):
    source: Annotated[str, Text(80, required=True)] = Field(description="The partner source's name")
    scope: Literal["missing", "register"] = "missing"
    threshold: float | None = Field(None, gt=0, lt=1)
    saved_model: StrictBool = False


@router.post("/tracing/runs", response={201: dict[str, Any], **ANSWERS}, summary="Run linkage for a source")
def create_run(request: HttpRequest, payload: RunIn) -> Any:
    from .selectors import run_summary

    source = source_named(request.user, payload.source)
    run = linkage_run(request.user, source, scope=payload.scope, threshold=payload.threshold,
                      use_saved_model=payload.saved_model)
    return 201, run_summary(run)


class TrainIn(In):
    source: Annotated[str, Text(80, required=True)] = Field(description="The partner source's name")
    with_duplicates: StrictBool = Field(True, description="Count duplicate reviewers' verdicts as labels too")


@router.post("/tracing/models", response={200: dict[str, Any], 201: dict[str, Any], **ANSWERS},
             summary="Train a new version of a source's model from officers' decisions")
def train_model(request: HttpRequest, payload: TrainIn) -> Any:
    source = source_named(request.user, payload.source)
    result = model_train(request.user, source, with_duplicates=payload.with_duplicates)
    return (201 if result["created"] else 200), result


class LeadsQuery(Schema):
    state: Literal["open", "accepted", "rejected", "needs_more", "all"] = "open"
    case_id: int | None = Field(None, ge=1, le=2**31 - 1)


@router.get("/tracing/leads", response={200: ListOut, **ANSWERS}, summary="The force's lead queue")
def list_leads(request: HttpRequest, q: Query[LeadsQuery]) -> Any:
    rows = leads_for(request.user, state=q.state, case_id=q.case_id)
    record("tracing.lead_list", request.user, force_code=getattr(request.user, "force_code", ""),
           detail={"state": q.state, "case_id": q.case_id, "results": len(rows),
                   "people": sorted({str(r["person_id"]) for r in rows})})
    return _listed(rows)


@router.get("/tracing/leads/{lead_id}", response={200: dict[str, Any], **ANSWERS}, summary="One lead, explained")
def get_lead(request: HttpRequest, lead_id: int = LeadId) -> Any:
    return lead_detail(request.user, lead_id)


class DecisionIn(In):
    decision: Literal["accept", "reject", "needs_more"]
    reason: Annotated[str, Text(2000, multiline=True)] = ""
    due_on: Day | None = None


@router.post("/tracing/leads/{lead_id}/decision", response={200: dict[str, Any], **ANSWERS},
             summary="Accept, reject or ask for more")
def decide_lead(request: HttpRequest, payload: DecisionIn, lead_id: int = LeadId) -> Any:
    lead = lead_decide(request.user, lead_id, payload.decision, reason=payload.reason, due_on=payload.due_on)
    return {"id": lead.pk, "state": lead.state, "case_action_id": lead.case_action_id}


class StatisticsQuery(Schema):
    as_of: Day | None = None


@router.get("/tracing/statistics", response={200: dict[str, Any], **ANSWERS},
            summary="Leads per source and run, decisions, precision and time to decision, as at a date")
def get_statistics(request: HttpRequest, q: Query[StatisticsQuery]) -> Any:
    return lead_statistics(request.user, q.as_of or clock.today())


class DuplicatesOut(Schema):
    scan: dict[str, Any] | None
    count: int
    results: list[dict[str, Any]]


def _scan_summary(run: Any) -> dict[str, Any]:
    return {"id": run.pk, "force": run.force_code, "threshold": run.threshold, "people": run.people,
            "rows": run.rows, "pairs": len(run.pairs), "trained": run.trained, "seconds": run.seconds,
            "started_at": run.started_at.isoformat()}


@router.get("/tracing/duplicates", response={200: DuplicatesOut, **ANSWERS},
            summary="The latest duplicate scan's pairs still to decide")
def list_duplicates(request: HttpRequest) -> Any:
    run, rows = duplicate_review(request.user)
    duplicates_viewed(request.user, run, rows)
    return {"scan": _scan_summary(run) if run else None, "count": len(rows), "results": rows}


@router.post("/tracing/duplicates", response={201: dict[str, Any], **ANSWERS},
             summary="Scan the register for duplicate records (Splink); then GET the pairs")
def create_duplicate_scan(request: HttpRequest) -> Any:
    if too_large := scan_too_large():
        raise ValidationFailed({"register": too_large})
    run, _ = duplicate_scan(request.user)
    return 201, _scan_summary(run)


JobId = Path(..., ge=1, le=2**31 - 1)  # type: ignore[type-arg]


class ScanJobIn(In):
    force: Annotated[str, Text(8)] = Field("", description="Force code (default your own); ALL: every force "
                                                            "(national administrators)")


@router.post("/duplicates/scans", response={202: dict[str, Any], **ANSWERS},
             summary="Queue a duplicate scan (Splink) of your register; a second request while one waits returns it")
def request_duplicate_scan(request: HttpRequest, payload: ScanJobIn | None = None) -> Any:
    job, created = jobs.request_scan(request.user, (payload.force if payload else "") or None)
    return 202, {**jobs.job_summary(job), "created": created}


@router.get("/duplicates/scans/{job_id}", response={200: dict[str, Any], **ANSWERS},
            summary="A queued duplicate scan: its state and, when done, the pairs still to decide (audited)")
def get_duplicate_scan(request: HttpRequest, job_id: int = JobId) -> Any:
    job = jobs.job_for(request.user, job_id)
    out = jobs.job_summary(job)
    if job.state == "done" and job.scan is not None:
        rows = scan_pairs(request.user, job.scan)
        duplicates_viewed(request.user, job.scan, rows)
        out.update(count=len(rows), results=rows)
    return out
