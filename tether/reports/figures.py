"""One figure run and published: the shared core of the statistics downloads, ``tether report`` and the API.

``published`` maps a figure name to its audited statistics call (``statistics`` or ``rollup``) and publishes the
result through disclosure control; ``document`` writes what it published as CSV, XLSX or ODS. Nothing here
returns a name, a reference or any other identifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tether.core import clock
from tether.core.errors import ValidationFailed

from . import exporters, management_figures, rollup, statistics
from .disclosure import MAX_THRESHOLD, STANDARD, Policy, PublishedTable, publish, publish_series

FIGURES = ("missing", "abroad", "registrants", "management", "visits", "overdue", "caseloads", "cases", "series",
           "rollup", "breaches", "duties")
LOWEST_THRESHOLD = 3  # the API and the CLI may go below the standard threshold, never below this


def policy_for(threshold: int | None, rounding: int | None, *, minimum: int = LOWEST_THRESHOLD) -> Policy:
    """The disclosure policy asked for: the standard when neither is given (or both match it), else a custom
    policy named so. ValidationFailed names the field: a threshold below ``minimum``, or what ``Policy`` refuses
    (rounding above the threshold, or a threshold that would round below itself)."""
    t = STANDARD.threshold if threshold is None else threshold
    r = STANDARD.rounding if rounding is None else rounding
    if (t, r) == (STANDARD.threshold, STANDARD.rounding):
        return STANDARD
    if not isinstance(t, bool) and isinstance(t, int) and t < minimum:
        raise ValidationFailed({"threshold": f"must be between {minimum} and {MAX_THRESHOLD}"})
    try:
        return Policy(name=f"Custom (threshold {t}, rounding {r})", threshold=t, rounding=r)
    except ValueError as exc:
        name, _, message = str(exc).partition(": ")
        raise ValidationFailed({name: message or str(exc)}) from None


def last_twelve_months(end: date) -> tuple[date, date]:
    """The default period: the year to ``end`` (from the day after the same date a year before; 29 February
    counts from 1 March)."""
    try:
        start = end.replace(year=end.year - 1)
    except ValueError:  # 29 February
        start = end.replace(year=end.year - 1, day=28)
    return start + timedelta(days=1), end


@dataclass(frozen=True)
class Figure:
    """A published figure: the table (None for the trend series), a JSON-ready dict and the rows of its file."""

    table: PublishedTable | None
    data: dict[str, Any]
    title: str
    rows: list[list[exporters.Value]]

    def document(self, fmt: str) -> str | bytes:
        """The figure as a CSV (text), XLSX or ODS (bytes) file."""
        header = self.table.row_label if self.table is not None else None
        return exporters.rows_to_file(self.rows, self.title, fmt, header=header)


def _table(pt: PublishedTable, data: dict[str, Any] | None = None) -> Figure:
    return Figure(pt, data if data is not None else pt.to_dict(), pt.title, exporters.layout(pt))


def published(figure: str, user: Any, *, as_of: date | None = None, period: tuple[date, date] | None = None,
              by: str | None = None, force: str | None = None, policy: Policy = STANDARD,
              months: int = 24) -> Figure:
    """Run ``figure`` (audited as ``report.run``) and publish it under ``policy``."""
    if figure in ("missing", "abroad", "registrants", "management", "duties"):
        run = {"missing": statistics.missing, "abroad": statistics.abroad,
               "registrants": statistics.registrants, "management": statistics.management,
               "duties": statistics.duties_on}[figure]
        return _table(publish(run(user, as_of, by=by, force_code=force), policy))
    if figure in management_figures.FIGURES:
        return _table(publish(management_figures.FIGURES[figure](user, as_of, by=by, force_code=force), policy))
    if figure == "cases":
        if period is None:
            raise ValidationFailed({"period": "is required for cases: two dates like 2024-04-01..2025-03-31"})
        return _table(publish(statistics.cases_in_period(user, period, by=by, force_code=force), policy))
    if figure == "breaches":  # by default the year to the as-at date (or today)
        span = period or last_twelve_months(as_of or clock.today())
        return _table(publish(statistics.breaches_in_period(user, span, by=by, force_code=force), policy))
    if figure == "series":
        series = statistics.monthly_series(user, as_of, months=months, force_code=force)
        points = publish_series(series, policy)
        data = {"title": series.title, "notes": list(series.notes), "policy": policy.to_dict(),
                "policy_description": policy.describe(),
                "points": [{"date": d.isoformat(), **c.to_dict()} for d, c in points]}
        rows = exporters.series_layout(series.title, points, series.notes, policy, as_of or clock.today())
        return Figure(None, data, series.title, rows)
    if figure == "rollup":
        if force:
            raise ValidationFailed({"force": "the roll-up covers every force"})
        r = rollup.national_rollup(user, as_of)
        pt = publish(r.table, policy)
        return _table(pt, {**pt.to_dict(), "coverage": r.summary()})
    raise ValidationFailed({"figure": f"must be one of: {', '.join(FIGURES)}"})
