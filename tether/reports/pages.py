"""What the statistics pages show, composed from the audited figures in ``statistics`` and ``rollup``.

Selector-level helpers for ``tether.reports.views``: every figure is run through the audited statistics
functions (``report.run``) and published through disclosure control before anything leaves this module, so a
view only ever holds ``PublishedTable`` objects, published series points and SVG charts drawn from them.
Nothing here returns a name, a reference or any other identifier.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tether.access import permissions
from tether.access.models import Force
from tether.audit.services import record
from tether.core import clock
from tether.core.errors import ValidationFailed
from tether.management.rules import DEFAULT_BENCHMARK

from . import exporters, figures, management_figures, rollup, statistics
from .charts import bar_chart, line_chart
from .disclosure import HIDDEN_TEXT, STANDARD, Cell, Policy, PublishedTable, publish, publish_series
from .foi import FoiDraft
from .tables import COUNT

# --- what may be asked for ---------------------------------------------------------------------------------

REGISTER_BEGAN = date(1997, 9, 1)  # the first day of the sex offenders register
THRESHOLD_RANGE = (STANDARD.threshold, 10)  # a page may raise the threshold, never lower it below the standard
ROUNDING_RANGE = (1, 10)
FORMATS = exporters.FILE_FORMATS
FOI_FORMATS = {"odt": "application/vnd.oasis.opendocument.text", "pdf": "application/pdf"}
# figure -> the breakdowns a download may ask for (``by``)
DOWNLOADS: dict[str, tuple[str, ...]] = {
    "missing": ("force", "country", "year_missing", "time_missing", "state"),
    "abroad": ("force", "country"),
    "registrants": ("force", "country"),
    "cases": ("force", "country"),
    "management": ("risk", "mappa_category", "mappa_level", "mode"),
    "visits": ("risk",),
    "overdue": ("age", "risk"),
    "caseloads": ("caseload",),
    "duties": ("provision", "kind", "force", "country"),
    "breaches": ("provision", "kind", "force", "country"),
    "series": (),
    "rollup": (),
}
# What an FOI response draft can answer: key -> (the choice's label, the figure, how to count it for a force).
FOI_FIGURES: dict[str, tuple[str, str, Any]] = {
    "force": ("Open missing and wanted cases", "missing",
              lambda user, as_of, force: statistics.missing(user, as_of, by="force", force_code=force)),
    "year_missing": ("Open missing and wanted cases by the year they went missing", "missing",
                     lambda user, as_of, force: statistics.missing(user, as_of, by="year_missing", force_code=force)),
    "time_missing": ("Open missing and wanted cases by time missing (under 1 year, 1 to 2, 2 to 5, 5 to 10, 10 years "
                     "or more)", "missing",
                     lambda user, as_of, force: statistics.missing(user, as_of, by="time_missing", force_code=force)),
    "visits": ("Home visits in the year to the as-at date, by risk level", "visits",
               lambda user, as_of, force: management_figures.visits(user, as_of, force_code=force)),
    "overdue_age": ("Overdue home visits and assessments, by how long overdue", "overdue",
                    lambda user, as_of, force: management_figures.overdue(user, as_of, by="age", force_code=force)),
    "overdue_risk": ("Overdue home visits and assessments, by risk level", "overdue",
                     lambda user, as_of, force: management_figures.overdue(user, as_of, by="risk", force_code=force)),
    "caseloads": ("Offender managers by caseload (the benchmark: one officer per 50 registrants)", "caseloads",
                  lambda user, as_of, force: management_figures.caseloads(user, as_of, force_code=force)),
}
FOI_BREAKDOWNS = tuple((key, label) for key, (label, _, _) in FOI_FIGURES.items())
BY_LABELS = {"force": "force", "country": "country", "year_missing": "year went missing",
             "time_missing": "time missing", "state": "case state", "risk": "risk level",
             "mappa_category": "MAPPA category", "mappa_level": "MAPPA level", "mode": "management mode",
             "age": "how long overdue", "caseload": "caseload", "provision": "provision",
             "kind": "kind of duty"}
PERIOD_FIGURES = ("cases", "breaches")  # counted over a period (from, to), not as at a date


def is_report_user(user: Any) -> bool:
    return permissions.can_see_statistics(user)


def is_national(user: Any) -> bool:
    return permissions.can_see_statistics(user) and permissions.sees_national_statistics(user)


def force_options(user: Any) -> list[tuple[str, str]]:
    """The force choices of the statistics pages: every force for a national user, else their own."""
    if is_national(user):
        return [("", "All forces"), *((f.code, f.name) for f in Force.objects.order_by("name"))]
    return [(user.force.code, user.force.name)] if user.force_id else []


def foi_force_options(user: Any) -> list[tuple[str, str]]:
    if is_national(user):
        return [("", "Select a force"), *((f.code, f.name) for f in Force.objects.order_by("name"))]
    return force_options(user)


def force_name(code: str) -> str:
    force = Force.objects.filter(code=code).first()
    return force.name if force else code


# --- parsing -----------------------------------------------------------------------------------------------


def parse_iso(raw: str, label: str) -> tuple[date | None, str]:
    """A YYYY-MM-DD date from a query string: (date, "") or (None, an error sentence)."""
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", raw.strip()):
        return None, f"{label} must be a date like 2025-03-31"
    try:
        return date.fromisoformat(raw.strip()), ""
    except ValueError:
        return None, f"{label} must be a real date"


def check_day(day: date, label: str, today: date) -> str:
    """Why ``day`` cannot be counted ("" when it can)."""
    if day > today:
        return f"{label} must be today or in the past"
    if day < REGISTER_BEGAN:
        return f"{label} must be on or after 1 September 1997, when the register began"
    return ""


def policy_from(threshold: str | None, rounding: str | None) -> tuple[Policy, dict[str, str]]:
    """The disclosure policy a page asks for: the standard, or a stricter one (``figures.policy_for``).

    Threshold 5 to 10 (never below the standard 5), rounding 1 to 10; ``Policy`` refuses rounding above the
    threshold, or a threshold that would round below itself (threshold 7 with rounding 5 would publish a 7 as
    5). Returns (policy, field -> error sentence); the standard when there is an error."""
    values: dict[str, int | None] = {"threshold": None, "rounding": None}
    errors: dict[str, str] = {}
    for name, raw, (low, high) in (("threshold", threshold, THRESHOLD_RANGE), ("rounding", rounding, ROUNDING_RANGE)):
        text = (raw or "").strip()
        if not text:
            continue
        if not text.isdigit() or not low <= int(text) <= high:
            errors[name] = f"{name.title()} must be a whole number from {low} to {high}"
        else:
            values[name] = int(text)
    if errors:
        return STANDARD, errors
    try:
        return figures.policy_for(values["threshold"], values["rounding"], minimum=THRESHOLD_RANGE[0]), {}
    except ValidationFailed as exc:
        field_name, messages = next(iter(exc.errors.items()))
        key = field_name if field_name in ("threshold", "rounding") else "rounding"
        message = messages[0]
        return STANDARD, {key: f"{key.title()} {message}" if message.startswith("must ") else
                          f"{key.title()}: {message}"}


def policy_query(policy: Policy) -> dict[str, str]:
    if policy == STANDARD:
        return {}
    return {"threshold": str(policy.threshold), "rounding": str(policy.rounding)}


# --- the statistics page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One chart with its table beside it, and the downloads of that table."""

    key: str
    heading: str
    chart: str  # SVG from charts.py
    table: PublishedTable | None = None
    series: tuple[tuple[date, Cell], ...] = ()
    series_title: str = ""
    series_notes: tuple[str, ...] = ()
    figure: str = "missing"
    by: str = ""


@dataclass(frozen=True)
class Headline:
    label: str
    text: str
    testid: str


@dataclass(frozen=True)
class StatisticsPage:
    as_of: date
    scope: str
    headlines: tuple[Headline, ...]
    sections: tuple[Section, ...]
    policy: Policy
    notes: tuple[str, ...] = field(default_factory=tuple)


def _scope_text(force_code: str) -> str:
    return force_name(force_code) if force_code else "All forces held in Tether"


def statistics_page(user: Any, as_of: date, *, force_code: str = "", by: str = "force",
                    policy: Policy = STANDARD) -> StatisticsPage:
    """Headline figures and the charts of the missing-registrants page, all published under ``policy``. (Risk
    level is not recorded in Tether yet, so it has no chart; its table says so when downloaded.)"""
    code = force_code or None
    registrants = publish(statistics.registrants(user, as_of, by="force", force_code=code), policy)
    states = publish(statistics.missing(user, as_of, by="state", force_code=code), policy)
    abroad = publish(statistics.abroad(user, as_of, by="force", force_code=code), policy)
    first = publish(statistics.missing(user, as_of, by=by, force_code=code), policy)
    years = publish(statistics.missing(user, as_of, by="year_missing", force_code=code), policy)
    bands = publish(statistics.missing(user, as_of, by="time_missing", force_code=code), policy)
    offences = publish(statistics.missing(user, as_of, by="offence", force_code=code), policy)
    abroad_by = publish(statistics.abroad(user, as_of, by=by, force_code=code), policy)
    series = statistics.monthly_series(user, as_of, force_code=code)
    points = publish_series(series, policy)
    longest = statistics.longest_open_year(user, as_of, force_code=code)
    headlines = (
        Headline("Registrants subject to notification", registrants.total.text, "headline-registrants"),
        Headline("Open missing cases", states.cells[("Missing", COUNT)].text, "headline-missing"),
        Headline("Wanted (warrant issued)", states.cells[("Wanted", COUNT)].text, "headline-wanted"),
        Headline("Believed abroad", abroad.total.text, "headline-abroad"),
        Headline("Longest-open case went missing in", str(longest) if longest else "No open case",
                 "headline-longest"),
    )
    sections = (
        Section("by-" + by, f"Missing and wanted by {BY_LABELS[by]}", bar_chart(first), first, by=by),
        Section("trend", "Trend over time", line_chart(points, title=series.title), series=points,
                series_title=series.title, series_notes=series.notes, figure="series"),
        Section("by-year", "Year went missing", bar_chart(years), years, by="year_missing"),
        Section("by-time", "Time missing", bar_chart(bands), bands, by="time_missing"),
        Section("by-offence", "Offence category", bar_chart(offences), offences, by="offence"),
        Section("abroad", f"Believed abroad by {BY_LABELS[by]}", bar_chart(abroad_by), abroad_by, figure="abroad",
                by=by),
    )
    return StatisticsPage(as_of=as_of, scope=_scope_text(force_code), headlines=headlines, sections=sections,
                          policy=policy)


def _sum(cells: list[Cell]) -> Cell | None:
    """The sum of published cells (None when one of them is hidden)."""
    if any(c.value is None for c in cells):
        return None
    total = sum(c.value or 0 for c in cells)
    return Cell(str(total), total)


def _ratio(numerator: Cell | None, denominator: Cell | None, digits: int = 1) -> str:
    """A ratio of two published figures ("[c]" when either is hidden, "–" when the denominator is 0)."""
    if numerator is None or denominator is None or numerator.value is None or denominator.value is None:
        return HIDDEN_TEXT
    if not denominator.value:
        return "–"
    return f"{numerator.value / denominator.value:.{digits}f}"


HIGH_RISK = ("Very high", "High")


def management_page(user: Any, as_of: date, *, force_code: str = "", policy: Policy = STANDARD) -> StatisticsPage:
    """Risk-led management as at ``as_of``: registrants by risk level, MAPPA and mode; home visits in the year and
    per high-risk registrant; overdue visits and assessments by age and risk level; caseloads against one officer
    per 50 registrants. Every figure published under ``policy`` (headline ratios from published figures only)."""
    code = force_code or None

    def run(figure: str, by: str) -> PublishedTable:
        return figures.published(figure, user, as_of=as_of, by=by, force=code, policy=policy).table  # type: ignore[return-value]

    risk, category, level, mode = (run("management", b) for b in ("risk", "mappa_category", "mappa_level", "mode"))
    made = run("visits", "risk")
    by_age, by_risk = run("overdue", "age"), run("overdue", "risk")
    loads = run("caseloads", "caseload")
    high_visits = _sum([made.row_totals[r] for r in HIGH_RISK])
    high_people = _sum([risk.cells[(r, COUNT)] for r in HIGH_RISK])
    over = _sum([loads.cells[(r, COUNT)] for r in management_figures.CASELOAD_BANDS[2:]])
    headlines = (
        Headline("Registrants subject to notification", risk.total.text, "headline-registrants"),
        Headline("High or very high risk", high_people.text if high_people else HIDDEN_TEXT, "headline-high-risk"),
        Headline("Home visits in the year per high or very high risk registrant", _ratio(high_visits, high_people),
                 "headline-visits-per-high-risk"),
        Headline("Overdue home visits", by_age.col_totals["Home visits"].text, "headline-overdue-visits"),
        Headline("Overdue assessments", by_age.col_totals["Assessments"].text, "headline-overdue-assessments"),
        Headline(f"Registrants per offender manager (benchmark {DEFAULT_BENCHMARK})",
                 _ratio(_sum([risk.total]), loads.total), "headline-per-officer"),
        Headline("Offender managers with 50 or more", over.text if over else HIDDEN_TEXT, "headline-over-benchmark"),
    )
    sections = (
        Section("by-risk", "Registrants by risk level", bar_chart(risk), risk, figure="management", by="risk"),
        Section("by-mappa-category", "MAPPA category", bar_chart(category), category, figure="management",
                by="mappa_category"),
        Section("by-mappa-level", "MAPPA level", bar_chart(level), level, figure="management", by="mappa_level"),
        Section("by-mode", "Active and reactive management", bar_chart(mode), mode, figure="management", by="mode"),
        Section("visits", "Home visits in the year by risk level", bar_chart(made, col="Seen"), made,
                figure="visits", by="risk"),
        Section("overdue-age", "Overdue visits and assessments by how long overdue",
                bar_chart(by_age, col="Home visits"), by_age, figure="overdue", by="age"),
        Section("overdue-risk", "Overdue visits and assessments by risk level", bar_chart(by_risk, col="Home visits"),
                by_risk, figure="overdue", by="risk"),
        Section("caseloads", "Offender managers by caseload", bar_chart(loads), loads, figure="caseloads",
                by="caseload"),
    )
    return StatisticsPage(as_of=as_of, scope=_scope_text(force_code), headlines=headlines, sections=sections,
                          policy=policy)


@dataclass(frozen=True)
class DutiesPage(StatisticsPage):
    period: tuple[date, date] = (REGISTER_BEGAN, REGISTER_BEGAN)


def duties_page(user: Any, as_of: date, period: tuple[date, date], *, force_code: str = "",
                policy: Policy = STANDARD) -> DutiesPage:
    """Which law each duty came from: notification duties outstanding on ``as_of`` by the provision in force when
    each arose (and by kind), and breaches in ``period`` by provision, every figure published under ``policy``."""
    code = force_code or None
    duties = publish(statistics.duties_on(user, as_of, by="provision", force_code=code), policy)
    kinds = publish(statistics.duties_on(user, as_of, by="kind", force_code=code), policy)
    breaches = publish(statistics.breaches_in_period(user, period, by="provision", force_code=code), policy)
    overdue = "Overdue"
    headlines = (
        Headline("Outstanding notification duties", duties.total.text, "headline-duties"),
        Headline("Of which overdue", duties.col_totals[overdue].text, "headline-duties-overdue"),
        Headline("Breaches in the period", breaches.total.text, "headline-breaches"),
    )
    sections = (
        Section("duties-by-provision", "Outstanding duties by provision", bar_chart(duties, col=overdue), duties,
                figure="duties", by="provision"),
        Section("duties-by-kind", "Outstanding duties by kind", bar_chart(kinds, col=overdue), kinds,
                figure="duties", by="kind"),
        Section("breaches-by-provision", "Breaches in the period by provision", bar_chart(breaches), breaches,
                figure="breaches", by="provision"),
    )
    return DutiesPage(as_of=as_of, scope=_scope_text(force_code), headlines=headlines, sections=sections,
                      policy=policy, period=period)


@dataclass(frozen=True)
class CasesPage:
    period: tuple[date, date]
    scope: str
    table: PublishedTable
    chart: str


def cases_page(user: Any, period: tuple[date, date], *, force_code: str = "", by: str = "force",
               policy: Policy = STANDARD) -> CasesPage:
    pt = publish(statistics.cases_in_period(user, period, by=by, force_code=force_code or None), policy)
    return CasesPage(period=period, scope=_scope_text(force_code), table=pt, chart=bar_chart(pt, col="Opened"))


@dataclass(frozen=True)
class NationalPage:
    as_of: date
    table: PublishedTable
    coverage: str
    from_tether: tuple[str, ...]
    from_returns: tuple[str, ...]
    not_answered: tuple[str, ...]
    returns_as_at: tuple[date, date] | None
    sources: Mapping[str, str]


def national_page(user: Any, as_of: date, *, policy: Policy = STANDARD) -> NationalPage:
    r = rollup.national_rollup(user, as_of)
    names = {f.code: f.name for f in Force.objects.all()}
    return NationalPage(
        as_of=as_of, table=publish(r.table, policy), coverage=r.coverage,
        from_tether=tuple(names[c] for c in r.from_tether), from_returns=tuple(names[c] for c in r.from_returns),
        not_answered=tuple(names[c] for c in r.not_answered), returns_as_at=r.returns_as_at, sources=r.sources)


# --- downloads ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    content: bytes


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def download(user: Any, figure: str, fmt: str, *, as_of: date, by: str = "", force_code: str = "",
             period: tuple[date, date] | None = None, policy: Policy = STANDARD) -> Download:
    """One published table (or the trend series) as CSV, XLSX or ODS. Audited: the figure's ``report.run``
    and a ``report.download`` naming the file."""
    if figure not in DOWNLOADS:
        raise ValidationFailed({"figure": f"must be one of: {', '.join(DOWNLOADS)}"})
    if fmt not in FORMATS:
        raise ValidationFailed({"format": f"must be one of: {', '.join(FORMATS)}"})
    allowed = DOWNLOADS[figure]
    by = by or (allowed[0] if allowed else "")
    if allowed and by not in allowed:
        raise ValidationFailed({"by": f"must be one of: {', '.join(allowed)}"})
    day = period[1] if figure in PERIOD_FIGURES and period else as_of
    if figure in PERIOD_FIGURES and period is None:
        raise ValidationFailed({"period": "is required: from and to"})
    fig = figures.published(figure, user, as_of=as_of, period=period, by=by or None, force=force_code or None,
                            policy=policy)
    if figure == "series":
        stem = "trend"
    elif figure == "rollup":
        stem = "national-rollup"
    elif figure in PERIOD_FIGURES:
        assert period is not None
        stem = f"{figure}-by-{by}-{period[0].isoformat()}-to"
    else:
        stem = f"{figure}-by-{_slug(BY_LABELS[by])}"
    content = fig.document(fmt)
    scope = f"-{force_code.lower()}" if force_code else ""
    filename = f"tether-{stem}{scope}-{day.isoformat()}.{fmt}"
    record("report.download", user, force_code=force_code or "",
           detail={"figure": figure, "format": fmt, "by": by, "as_of": day, "force": force_code or "ALL",
                   "policy": policy.to_dict(), "file": filename})
    return Download(filename, FORMATS[fmt], content.encode() if isinstance(content, str) else content)


def foi_draft(user: Any, *, force_code: str, as_of: date, request_date: date, reference: str, by: str, fmt: str,
              policy: Policy = STANDARD) -> Download:
    """An FOI response draft for one force as ODT or PDF. Audited: ``report.run`` and ``report.foi_draft``."""
    if fmt not in FOI_FORMATS:
        raise ValidationFailed({"format": "must be odt or pdf"})
    if by not in dict(FOI_BREAKDOWNS):
        raise ValidationFailed({"by": "must be one of: " + ", ".join(k for k, _ in FOI_BREAKDOWNS)})
    _, figure, count = FOI_FIGURES[by]
    pt = publish(count(user, as_of, force_code), policy)
    draft = FoiDraft(pt=pt, force_name=force_name(force_code), request_date=request_date, reference=reference)
    content = draft.odt() if fmt == "odt" else draft.pdf()
    ref = f"-{_slug(reference)}" if _slug(reference) else ""
    filename = f"tether-foi-draft-{force_code.lower()}{ref}-{as_of.isoformat()}.{fmt}"
    record("report.foi_draft", user, force_code=force_code,
           detail={"figure": figure, "by": [by], "as_of": as_of, "request_date": request_date,
                   "reference": reference, "format": fmt, "policy": policy.to_dict(), "file": filename})
    return Download(filename, FOI_FORMATS[fmt], content)


def today() -> date:
    return clock.today()
