"""Statistics pages: missing registrants as at a date, cases in a period, FOI response drafts and the national
roll-up. Analysts, FOI officers, supervisors and national administrators only; everyone else gets the same
"Forbidden" page as any other page their role may not use. Every figure shown has been through disclosure
control (``tether.reports.pages``), and every run is audited by the statistics functions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tether.core.downloads import attachment
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.ui.forms import error_summary
from tether.ui.pages import error_page

from . import pages, rollup
from .forms import CasesForm, DutiesForm, FoiForm, StatisticsForm, UploadForm


def _refuse(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(request, "403.html", {"message": message}, status=403)


def report_users_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse (403) anyone who is not an analyst, FOI officer, supervisor or national administrator."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not pages.is_report_user(request.user):
            return _refuse(request, "Only analysts, FOI officers, supervisors and national administrators see "
                                    "statistics.")
        return view(request, *args, **kwargs)

    return wrapped


def _downloads(figure: str, query: dict[str, str]) -> list[tuple[str, str]]:
    return [(fmt.upper(), reverse("reports:download", args=[figure, fmt]) + "?" + urlencode(query))
            for fmt in pages.FORMATS]


def _base(request: HttpRequest, nav_page: str) -> dict[str, Any]:
    return {"nav": "statistics", "stats_page": nav_page, "national": pages.is_national(request.user)}


def _figures_page(request: HttpRequest, nav_page: str, template: str, form: StatisticsForm | DutiesForm,
                  errors: dict[str, str], build: Callable[[], Any], **extra: Any) -> HttpResponse:
    """An as-at statistics page: the form (400 with the error summary), or its sections, each with the downloads
    of its table."""
    context = _base(request, nav_page) | {
        "form": form, "errors": errors, "error_list": error_summary(errors, form.ORDER, form.ANCHORS),
        "page_has_errors": bool(errors), "force_options": pages.force_options(request.user),
        "threshold_range": pages.THRESHOLD_RANGE, "rounding_range": pages.ROUNDING_RANGE, **extra,
    }
    if errors:
        return render(request, template, context, status=400)
    try:
        page = build()
    except Forbidden as exc:
        return _refuse(request, str(exc))
    sections = [{"section": s, "downloads": _downloads(s.figure, form.query(**({"by": s.by} if s.by else {})))}
                for s in page.sections]
    context.update(page=page, sections=sections)
    return render(request, template, context)


@require_http_methods(["GET", "HEAD"])
@report_users_only
def statistics_page(request: HttpRequest) -> HttpResponse:
    form = StatisticsForm(request.GET, request.user)
    return _figures_page(request, "missing", "reports/statistics.html", form, form.errors,
                         lambda: pages.statistics_page(request.user, form.as_of, force_code=form.force, by=form.by,
                                                       policy=form.policy), by_options=form.BY_CHOICES)


@require_http_methods(["GET", "HEAD"])
@report_users_only
def management_page(request: HttpRequest) -> HttpResponse:
    """Risk-led management statistics (risk, MAPPA, mode, visits, overdue, caseloads) as at any date."""
    form = StatisticsForm(request.GET, request.user)
    return _figures_page(request, "management", "reports/management.html", form,
                         {k: v for k, v in form.errors.items() if k != "by"},
                         lambda: pages.management_page(request.user, form.as_of, force_code=form.force,
                                                       policy=form.policy))


@require_http_methods(["GET", "HEAD"])
@report_users_only
def duties_page(request: HttpRequest) -> HttpResponse:
    """Which law each duty came from: outstanding duties as at a date and breaches in a period, by provision."""
    form = DutiesForm(request.GET, request.user)
    return _figures_page(request, "duties", "reports/duties.html", form, form.errors,
                         lambda: pages.duties_page(request.user, form.as_of, form.period, force_code=form.force,
                                                   policy=form.policy))


@require_http_methods(["GET", "HEAD"])
@report_users_only
def cases_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = CasesForm(request.GET, user)
    context = _base(request, "cases") | {
        "form": form, "errors": form.errors, "error_list": form.error_list(), "page_has_errors": not form.valid,
        "force_options": pages.force_options(user), "by_options": form.BY_CHOICES,
    }
    if not form.valid:
        return render(request, "reports/cases.html", context, status=400)
    try:
        page = pages.cases_page(user, form.period, force_code=form.force, by=form.by, policy=form.policy)
    except Forbidden as exc:
        return _refuse(request, str(exc))
    context.update(page=page, downloads=_downloads("cases", form.query()))
    return render(request, "reports/cases.html", context)


@require_http_methods(["GET", "HEAD"])
@report_users_only
def download(request: HttpRequest, figure: str, fmt: str) -> HttpResponse:
    user = request.user
    if figure not in pages.DOWNLOADS or fmt not in pages.FORMATS:
        return error_page(request, 404)
    data = request.GET
    period: tuple[date, date] | None = None
    form: CasesForm | DutiesForm | StatisticsForm
    if figure == "cases":
        cases_form = CasesForm(data, user)
        form = cases_form
        period = cases_form.period
        as_of = period[1]
    elif figure in ("duties", "breaches"):
        duties_form = DutiesForm(data, user)
        form = duties_form
        period = duties_form.period if figure == "breaches" else None
        as_of = duties_form.as_of
    else:
        stats_form = StatisticsForm(data, user)
        form = stats_form
        as_of = stats_form.as_of
    errors = {k: v for k, v in form.errors.items() if k != "by"}  # a download may ask for more breakdowns
    if errors:
        return HttpResponse("\n".join(errors.values()) + "\n", status=400, content_type="text/plain; charset=utf-8")
    try:
        file = pages.download(user, figure, fmt, as_of=as_of, by=str(data.get("by", "") or ""),
                              force_code=form.force, period=period, policy=form.policy)
    except Forbidden as exc:
        return _refuse(request, str(exc))
    except NotFound:
        return error_page(request, 404)
    except ValidationFailed as exc:
        lines = [f"{k}: {m}" for k, msgs in exc.errors.items() for m in msgs]
        return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")
    return _attachment(file)


def _attachment(file: Any) -> HttpResponse:
    """A download (a published table or an FOI draft): never cached."""
    return attachment(HttpResponse(file.content, content_type=file.content_type), file.filename)


@require_http_methods(["GET", "HEAD", "POST"])
@report_users_only
def foi(request: HttpRequest) -> HttpResponse:
    user = request.user
    bound = request.method == "POST"
    form = FoiForm(request.POST if bound else request.GET, user, bound=bound)
    context = _base(request, "foi") | {
        "form": form, "errors": form.errors, "error_list": form.error_list(), "page_has_errors": not form.valid,
        "force_options": pages.foi_force_options(user), "by_options": pages.FOI_BREAKDOWNS,
    }
    if not bound:
        return render(request, "reports/foi.html", context)
    if not form.valid:
        return render(request, "reports/foi.html", context, status=400)
    assert form.request_read.value and form.as_of_read.value
    try:
        file = pages.foi_draft(user, force_code=form.force, as_of=form.as_of_read.value,
                               request_date=form.request_read.value, reference=form.reference, by=form.by,
                               fmt=form.fmt, policy=form.policy)
    except Forbidden as exc:
        return _refuse(request, str(exc))
    return _attachment(file)


@require_http_methods(["GET", "HEAD", "POST"])
def national(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not pages.is_national(user):
        return _refuse(request, "The national roll-up is for national administrators, and analysts and FOI officers "
                                "whose account belongs to no force.")
    can_import = rollup.can_import_returns(user)
    upload_errors: list[tuple[str, str]] = []
    upload_fields: dict[str, str] = {}
    source = ""
    if request.method == "POST":
        if not can_import:
            return _refuse(request, "Only national administrators import force returns.")
        upload = UploadForm(request.POST, request.FILES)
        source = upload.source
        if upload.valid:
            try:
                result = rollup.import_returns(user, upload.text, source=upload.source)
            except ValidationFailed as exc:
                upload_errors = [("#returns", f"{key}: {m}") for key, msgs in exc.errors.items() for m in msgs]
                upload_fields["returns"] = (f"The file was not imported: {len(exc.errors)} problem"
                                            f"{'' if len(exc.errors) == 1 else 's'} (listed above). Nothing was "
                                            "saved; correct the file and upload it again.")
                if "source" in exc.errors:
                    upload_fields["source"] = "Enter where the figures came from"
            else:
                messages.success(request, f"Imported {result.rows} line{'' if result.rows == 1 else 's'} of returns "
                                          f"from {len(result.forces)} force{'' if len(result.forces) == 1 else 's'}.")
                return redirect("reports:national")
        else:
            upload_fields = dict(upload.errors)
            upload_errors = [(f"#{k}", v) for k, v in upload.errors.items()]
    form = StatisticsForm(request.GET, user)
    as_of_errors = {k: v for k, v in form.errors.items() if k in ("as_of", "threshold", "rounding")}
    error_list = [(f"#{'as_of_day' if k == 'as_of' else k}", v) for k, v in as_of_errors.items()] + upload_errors
    context = _base(request, "national") | {
        "form": form, "errors": as_of_errors, "error_list": error_list, "page_has_errors": bool(error_list),
        "can_import": can_import, "upload_errors": upload_errors, "upload_fields": upload_fields, "source": source,
    }
    if as_of_errors:
        return render(request, "reports/national.html", context, status=400)
    page = pages.national_page(user, form.as_of, policy=form.policy)
    context.update(page=page, downloads=_downloads("rollup", {k: v for k, v in form.query().items() if k != "force"}))
    return render(request, "reports/national.html", context, status=400 if upload_errors else 200)
