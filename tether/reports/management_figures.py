"""Risk-led management as published statistics: home visits by risk level, overdue visits and assessments by how
long overdue or by risk level, and offender managers by caseload against the benchmark of one officer per 50
registrants (domain.md §8.6). Raw ``Table`` counts as at any date, for disclosure control to publish; nothing here
returns an identifier. Access and audit as every figure (``statistics.report_scope``, ``report.run``).

Definitions (also written into each table's notes):

- *Registrants*: subject to notification on D, in the owning force on D (as every figure).
- *Home visits in the year to D*: visits recorded with a date from the day after D a year before to D, by the
  registrant's risk level on the day of the visit; "Seen" when the registrant was seen at the address.
- *Overdue on D*: a home visit or an assessment (ARMS, or its review) whose last day was before D, from the duties
  as they stood on D (``tether.management.rules``); how long overdue in days from the day after the last day.
- *Caseload*: registrants with an offender manager on D, per manager; the active officers of the force with none
  count in the first band.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef

from tether.access.models import Force
from tether.core import clock
from tether.core.dates import long_date
from tether.core.errors import ValidationFailed
from tether.core.models import holds_on_q
from tether.management import selectors as management
from tether.management.rules import DEFAULT_BENCHMARK, LEVEL_LABELS
from tether.register.models import Ownership, RegisterState

from . import statistics as st
from .tables import COUNT, Table

AGE_BANDS = ("Under 1 month", "1 to 3 months", "3 to 6 months", "6 to 12 months", "12 months or more")
_AGE_EDGES = ((31, AGE_BANDS[0]), (91, AGE_BANDS[1]), (182, AGE_BANDS[2]), (365, AGE_BANDS[3]))
DUTY_COLS = ("Home visits", "Assessments")
VISIT_COLS = ("Seen", "Not seen")
CASELOAD_BANDS = ("Under 25", "25 to 49", "50 to 74", "75 to 99", "100 or more")
_CASELOAD_EDGES = ((25, CASELOAD_BANDS[0]), (50, CASELOAD_BANDS[1]), (75, CASELOAD_BANDS[2]),
                   (100, CASELOAD_BANDS[3]))
OVERDUE_BY = ("age", "risk")
LABELS = {"age": "How long overdue", "risk": "Risk level"}


def _band(value: int, edges: tuple[tuple[int, str], ...], last: str) -> str:
    for edge, label in edges:
        if value < edge:
            return label
    return last


def age_band(days: int) -> str:
    """Days overdue (1 = the day after the last day) as a band: under 1 month is 1 to 30 days, 1 to 3 months 31 to
    90, 3 to 6 months 91 to 181, 6 to 12 months 182 to 364, then 12 months or more."""
    return _band(days, _AGE_EDGES, AGE_BANDS[-1])


def caseload_band(registrants: int) -> str:
    return _band(registrants, _CASELOAD_EDGES, CASELOAD_BANDS[-1])


def _level(value: str | None) -> str:
    return LEVEL_LABELS.get(value or "", st.NOT_RECORDED)


def subject_people(as_of: date, force: Force | None) -> list[tuple[Any, int]]:
    """(person id, owning force id) of every registrant subject to notification on ``as_of``."""
    qs = Ownership.objects.filter(holds_on_q(as_of)).filter(
        Exists(RegisterState.objects.filter(st.subject_on_q(as_of), person_id=OuterRef("person_id"))))
    if force is not None:
        qs = qs.filter(force=force)
    return list(qs.values_list("person_id", "force_id"))


def _made(title: str, measure: str, row_label: str, rows: tuple[str, ...], cols: tuple[str, ...],
          counts: Counter[tuple[str, str]], scope: st.Scope, as_of: date, notes: list[str],
          period: tuple[date, date] | None = None) -> Table:
    return Table(title=title, row_label=row_label, col_label="" if cols == (COUNT,) else measure.capitalize(),
                 rows=rows, cols=cols, cells={k: v for k, v in counts.items() if v}, as_of=as_of, period=period,
                 notes=(st._scope_note(scope), *notes), national=scope.force is None, measure=measure)


def overdue(user: Any, as_of: date | None = None, *, by: str | None = None, force_code: str | None = None) -> Table:
    """Overdue home visits and assessments on ``as_of`` by how long overdue (``by="age"``) or risk level."""
    as_of = as_of or clock.today()
    dim = by or "age"
    if dim not in OVERDUE_BY:
        raise ValidationFailed({"by": f"one of: {', '.join(OVERDUE_BY)}"})
    scope = st.report_scope(user, force_code)
    dues = management.dues_for([p for p, _ in subject_people(as_of, scope.force)], as_of)
    counts: Counter[tuple[str, str]] = Counter()
    for level, visit, assessment in dues.values():
        for col, due in zip(DUTY_COLS, (visit, assessment), strict=True):
            if due is not None and due < as_of:
                counts[(age_band((as_of - due).days) if dim == "age" else _level(level), col)] += 1
    st._audit(user, "overdue", as_of, (dim,), scope)
    notes = ["Overdue: a home visit or an assessment (ARMS or its review) whose last day was before the as-at "
             "date, from the duties as they stood on that date; a registrant overdue both counts in each column."]
    if dim == "age":
        notes.append("How long overdue, in days from the day after the last day: under 1 month (1 to 30 days), 1 "
                     "to 3 months (31 to 90), 3 to 6 months (91 to 181), 6 to 12 months (182 to 364), 12 months "
                     "or more (365 days or more).")
    else:
        notes.append(st.RISK_NOTE)
    return _made(f"Overdue home visits and assessments by {LABELS[dim].lower()} on {long_date(as_of)}",
                 "overdue visits and assessments", LABELS[dim], AGE_BANDS if dim == "age" else st.RISK_ORDER,
                 DUTY_COLS, counts, scope, as_of, notes)


def year_to(as_of: date) -> tuple[date, date]:
    try:
        start = as_of.replace(year=as_of.year - 1)
    except ValueError:  # 29 February
        start = as_of.replace(year=as_of.year - 1, day=28)
    return start + timedelta(days=1), as_of


def visits(user: Any, as_of: date | None = None, *, by: str | None = None, force_code: str | None = None) -> Table:
    """Home visits in the year to ``as_of`` by the registrant's risk level on the day of the visit, seen or not."""
    as_of = as_of or clock.today()
    if by not in (None, "", "risk"):
        raise ValidationFailed({"by": "home visits are counted by risk level (risk)"})
    scope = st.report_scope(user, force_code)
    period = year_to(as_of)
    people = [p for p, _ in subject_people(as_of, scope.force)]
    made = management.visits_in(people, *period)
    levels = management.levels_on(sorted({p for p, _, _ in made}, key=str), sorted({d for _, d, _ in made}))
    counts: Counter[tuple[str, str]] = Counter()
    for pid, day, outcome in made:
        counts[(_level(levels.get((pid, day))), VISIT_COLS[0] if outcome == "seen" else VISIT_COLS[1])] += 1
    st._audit(user, "visits", as_of, ("risk",), scope, period)
    notes = [f"Home visits recorded from {long_date(period[0])} to {long_date(period[1])} to registrants subject "
             "to notification on the as-at date, by their risk level on the day of the visit ('Not recorded' when "
             "none was recorded by then). Seen: seen at the address; not seen: not at the address, refused access, "
             "no longer living there or not found."]
    return _made(f"Home visits in the year to {long_date(as_of)} by risk level", "home visits", "Risk level",
                 st.RISK_ORDER, VISIT_COLS, counts, scope, as_of, notes, period)


def caseloads(user: Any, as_of: date | None = None, *, by: str | None = None, force_code: str | None = None
              ) -> Table:
    """Offender managers by how many registrants they manage on ``as_of`` (the benchmark: one per 50)."""
    as_of = as_of or clock.today()
    if by not in (None, "", "caseload"):
        raise ValidationFailed({"by": "offender managers are counted by caseload (caseload)"})
    scope = st.report_scope(user, force_code)
    managers = management.managers_on([p for p, _ in subject_people(as_of, scope.force)], as_of)
    per: Counter[int] = Counter(managers.values())
    for uid in management.officer_ids(scope.force.pk if scope.force else None):
        per.setdefault(uid, 0)
    counts: Counter[tuple[str, str]] = Counter((caseload_band(n), COUNT) for n in per.values())
    st._audit(user, "caseloads", as_of, ("caseload",), scope)
    notes = [f"Registrants subject to notification on the as-at date per offender manager (manager on that date); "
             f"active officers with none count as under 25. The benchmark is one officer per {DEFAULT_BENCHMARK} "
             "registrants (NSPCC 2015; HMICFRS 2018: domain.md §8.6)."]
    return _made(f"Offender managers by caseload on {long_date(as_of)}", "offender managers", "Caseload",
                 CASELOAD_BANDS, (COUNT,), counts, scope, as_of, notes)


FIGURES = {"visits": visits, "overdue": overdue, "caseloads": caseloads}
