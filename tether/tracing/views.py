"""Tracing pages: sources and runs, the force's lead queue, one lead (the partner's record beside the
registrant's, the waterfall as a table) with the decision form, and the extract upload for administrators.
Every page showing partner or personal data writes an audit event."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods

from tether.access import permissions
from tether.audit.services import record
from tether.core import clock
from tether.core.dates import as_of_error
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.core.fields import read_text
from tether.ui.pages import error_page

from . import extracts, jobs
from .models import AgencyKind
from .selectors import (
    duplicate_review,
    duplicates_viewed,
    lead_detail,
    lead_statistics,
    leads_for,
    runs_for,
    source_named,
    sources_for,
)
from .services import extract_load, lead_decide, model_train, source_save

MAX_UPLOAD = 50 * 1024 * 1024
STAT_COLUMNS = ("leads", "accepted", "rejected", "needs_more", "open", "precision", "median_days_to_decision",
                "cases_located_after_accept", "median_days_to_located")


@require_http_methods(["GET", "HEAD", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Sources and runs. POST ``train`` (a source's name): administrators train a new version of that source's
    model from officers' decisions."""
    if not permissions.can_work_leads(request.user):
        return error_page(request, 403, "Your role cannot see tracing.")
    if request.method == "POST":
        name, problem = read_text(request.POST.get("train", ""), required=True, max_len=80, multiline=False)
        if problem:
            messages.error(request, f"Source {problem[0]}.")
            return redirect("tracing:index")
        try:
            result = model_train(request.user, source_named(request.user, name))
        except Forbidden as exc:
            return error_page(request, 403, str(exc))
        except NotFound:
            return error_page(request, 404)
        except ValidationFailed as exc:
            messages.error(request, "; ".join(f"{k.capitalize()}: {' '.join(v) if isinstance(v, list) else v}"
                                              for k, v in exc.errors.items()))
            return redirect("tracing:index")
        if result["created"]:
            messages.success(request, f"Version {result['version']} of {result['source']}'s model trained from "
                                      f"{result['matches']} accepted and {result['non_matches']} rejected pairs.")
        else:
            messages.success(request, "No change: the decisions leave the model as it is.")
        return redirect("tracing:index")
    return render(request, "tracing/index.html", {
        "nav": "tracing", "sources": sources_for(request.user), "runs": runs_for(request.user, limit=20),
        "can_upload": permissions.can_manage_partner_sources(request.user)})


@require_http_methods(["GET", "HEAD"])
def leads(request: HttpRequest) -> HttpResponse:
    if not permissions.can_work_leads(request.user):
        return error_page(request, 403, "Your role cannot see tracing leads.")
    state = request.GET.get("state", "open")
    if state not in ("open", "accepted", "rejected", "needs_more", "all"):
        state = "open"
    rows = leads_for(request.user, state=state)
    record("tracing.lead_list", request.user, force_code=getattr(request.user, "force_code", ""),
           detail={"state": state, "results": len(rows), "people": sorted({str(r["person_id"]) for r in rows})})
    return render(request, "tracing/leads.html", {"nav": "tracing", "rows": rows, "state": state})


PARTNER_LABELS = {"record_id": "Record", "given_names": "Given names", "family_name": "Family name",
                  "date_of_birth": "Date of birth", "ni_number": "NI number", "address_line_1": "Address line 1",
                  "address_line_2": "Address line 2", "town": "Town", "postcode": "Postcode", "from_date": "From"}


def waterfall_chart(explanation: list[dict[str, Any]]) -> SafeString:
    """The match weights as a bar chart beside the table (SVG, no script, no inline style): a bar right of the
    zero line adds to the match, left of it takes away."""
    width, label_w, row_h = 340, 120, 22
    half = (width - label_w - 10) / 2
    zero = label_w + half
    biggest = max([abs(float(e.get("match_weight") or 0)) for e in explanation] + [1.0])
    total = sum(float(e.get("match_weight") or 0) for e in explanation)
    height = row_h * len(explanation) + 8
    desc = "; ".join(f"{e['label']}: {e['match_weight']}" for e in explanation)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" aria-labelledby="wf-title wf-desc">'
             f'<title id="wf-title">Match weight by field, total {total:.2f}</title>'
             f'<desc id="wf-desc">{escape(desc)}</desc>'
             f'<line x1="{zero:.0f}" y1="0" x2="{zero:.0f}" y2="{height}" stroke="#0b0c0c" stroke-width="1"/>']
    for i, e in enumerate(explanation):
        w = float(e.get("match_weight") or 0)
        bar = abs(w) / biggest * half
        x = zero if w >= 0 else zero - bar
        y = 4 + i * row_h
        colour = "#00703c" if w >= 0 else "#d4351c"
        parts.append(f'<text x="0" y="{y + 14}" font-size="12" fill="#0b0c0c">{escape(str(e["label"])[:18])}</text>'
                     f'<rect x="{x:.1f}" y="{y + 3}" width="{max(bar, 1):.1f}" height="{row_h - 8}" '
                     f'fill="{colour}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is a number or escaped


@require_http_methods(["GET", "HEAD", "POST"])
def lead(request: HttpRequest, lead_id: int) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            lead_decide(request.user, lead_id, request.POST.get("decision", ""),
                        reason=request.POST.get("reason", ""), due_on=request.POST.get("due_on") or None)
            messages.success(request, "Decision recorded.")
            return redirect("tracing:leads")
        except ValidationFailed as exc:
            errors = {k: " ".join(v) for k, v in exc.errors.items()}
        except (NotFound, Forbidden):
            return error_page(request, 404)
    try:
        detail = lead_detail(request.user, lead_id)
    except NotFound:
        return error_page(request, 404)
    return render(request, "tracing/lead.html", {
        "nav": "tracing", "lead": detail, "errors": errors, "posted": request.POST,
        "partner": [(PARTNER_LABELS.get(k, k), v) for k, v in detail["partner"].items()],
        "chart": waterfall_chart(detail["explanation"]),
        "error_list": [(f"#{k}", f"{k.replace('_', ' ').capitalize()} {v}") for k, v in errors.items()],
        "can_decide": detail["state"] in ("open", "needs_more")}, status=400 if errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_partner_sources(request.user):
        return error_page(request, 403, "Only force and national administrators load partner extracts.")
    context: dict[str, Any] = {"nav": "tracing", "kinds": AgencyKind.choices, "posted": request.POST,
                               "errors": {}, "line_errors": []}
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        errors: dict[str, str] = {}
        parsed = None
        try:
            source = source_save(request.user, name=request.POST.get("source", ""),
                                 kind=request.POST.get("kind", ""), lawful_basis=request.POST.get("lawful_basis", ""),
                                 retention_days=request.POST.get("retain_days"),
                                 dsa_reference=request.POST.get("dsa_reference", ""))
        except ValidationFailed as exc:
            errors.update({k: " ".join(v) for k, v in exc.errors.items()})
            source = None
        if upload_file is None:
            errors["file"] = "choose the extract file (CSV or Parquet)"
        elif upload_file.size and upload_file.size > MAX_UPLOAD:
            errors["file"] = "is larger than 50 MB: load it with tether trace load"
        else:
            try:
                mapping = extracts.parse_mapping(request.POST.get("mapping", ""))
            except ValueError as exc:
                errors["mapping"] = str(exc)
                mapping = {}
            parsed = extracts.read_extract(upload_file.read(), upload_file.name or "extract.csv", clock.today(),
                                           mapping=mapping)
            if not parsed.ok:
                context["line_errors"] = [str(e) for e in parsed.errors[:500]]
                errors["file"] = f"has {len(parsed.errors)} problem(s): nothing was loaded"
        if not errors and source is not None and parsed is not None and upload_file is not None:
            extract = extract_load(request.user, source, parsed, filename=upload_file.name or "extract.csv")
            messages.success(request, f"Loaded {extract.row_count} rows into {source.name}.")
            return redirect("tracing:index")
        context.update(errors=errors, error_list=[(f"#{k}", f"{k.replace('_', ' ').capitalize()} {v}")
                                                  for k, v in errors.items()])
        return render(request, "tracing/upload.html", context, status=400)
    return render(request, "tracing/upload.html", context)


@require_http_methods(["GET", "HEAD"])
def statistics(request: HttpRequest) -> HttpResponse:
    """Leads per source and per run as at a date: decided, precision of the decisions, time to decision, cases
    located after an accepted lead. Aggregate only (no personal data)."""
    as_of, problem = as_of_error(request.GET.get("as_of"))
    context: dict[str, Any] = {"nav": "tracing", "as_of_value": request.GET.get("as_of", ""), "errors": {},
                               "error_list": []}
    if problem:
        context.update(errors={"as_of": problem}, error_list=[("#as_of", problem)], as_of=clock.today())
        return render(request, "tracing/statistics.html", context, status=400)
    try:
        context["data"] = lead_statistics(request.user, as_of or clock.today())
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    context["as_of"] = context["data"]["as_of"]
    for row in [context["data"]["totals"], *context["data"]["by_source"], *context["data"]["by_run"]]:
        row["cells"] = [row[k] for k in STAT_COLUMNS]
    return render(request, "tracing/statistics.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def duplicates(request: HttpRequest) -> HttpResponse:
    """The latest Splink duplicate scan for a reviewer: pairs side by side with the match-weight explanation, each
    opening the merge page (same person, or different people: recorded, never shown again). POST queues a scan
    (a worker runs it; the page shows it queued, running, done or failed)."""
    user = request.user
    if not permissions.can_review_duplicates(user):
        return error_page(request, 403, "Your role cannot review duplicate records.")
    try:
        if request.method == "POST":
            _, created = jobs.request_scan(user)
            messages.success(request, "Scan queued: it runs in the background. Refresh this page to see when it "
                             "has finished." if created else "A scan is already queued for your register.")
            return redirect("tracing:duplicates")
        run, rows = duplicate_review(user)
        job = jobs.latest_job(user)
    except (Forbidden, ValidationFailed) as exc:
        return error_page(request, 403, str(exc) if isinstance(exc, Forbidden) else "Your account has no force.")
    duplicates_viewed(user, run, rows)
    return render(request, "tracing/duplicates.html", {
        "nav": "register", "run": run, "rows": rows, "job": job,
        "waiting": job is not None and job.state in ("queued", "running")})
