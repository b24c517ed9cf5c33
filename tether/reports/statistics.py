"""Point-in-time statistics: raw ``Table``/``Series`` counts as at any date, for disclosure control to publish.

Every figure is derived from interval history (ownership, registration period, case state intervals), so a
figure for a past date never changes when later work is recorded. Nothing here returns a name, a reference,
a date of birth or any other identifier: only counts by force, country, year and band.

Access: a function per figure taking ``user`` first. Analysts, FOI officers, supervisors and national admins
may run them; a user with a force sees only their force, a national admin or a force-less analyst or FOI
officer sees all forces (and may name one). Every run is audited as ``report.run``.

Definitions (also written into each table's notes):

- *Subject to notification on D*: the stored registration period (``RegisterState``) covers D:
  ``registration_start <= D`` and (``indefinite`` or ``registration_end >= D``; the end is the last day subject).
  The force is the owning force on D from the ``Ownership`` intervals.
- *Open case on D*: the case's state interval holding on D is ``missing`` or ``wanted``. The force is the
  force holding the case (``Case.force``).
- *Year went missing*: the year of the first day of the open episode holding on D (after a reopening, the
  reopening date; a warrant does not start a new episode).
- *Time missing*: whole years from that first day to D, counted by anniversaries: under 1 year (D before the
  first anniversary), 1 to 2 years (on or after the 1st, before the 2nd), 2 to 5 years, 5 to 10 years, and
  10 years or more (on or after the 10th anniversary). A start on 29 February has its anniversary on 1 March.
- *Offence category*: from the registrant's latest qualifying disposal on or before D (``OFFENCE_CATEGORIES``
  below, matched on the offence wording); "Not recorded" when there is none or no rule matches.
- *Risk level*: the registrant's risk level interval holding on D (``tether.management``); "Not recorded" when none.
- *Management* (``management``): registrants subject to notification on D by risk level, MAPPA category, MAPPA level
  or management mode (active/reactive), each from the interval holding on D; force = owning force on D.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from django.db.models import Count, Exists, OuterRef, Q

from tether.access import permissions
from tether.access.constants import Country
from tether.access.models import Force
from tether.access.selectors import force_scope
from tether.audit.services import record
from tether.casework import transitions as tr
from tether.casework.models import Case, CaseState
from tether.core import clock
from tether.core.dates import long_date
from tether.core.errors import Forbidden, ValidationFailed
from tether.core.models import holds_on_q
from tether.core.streams import chunks
from tether.core.wording import mid_sentence
from tether.register.models import Disposal, Ownership, RegisterState
from tether.register.selectors import separate

from .tables import COUNT, Series, Table

ENGLAND_AND_WALES = "England and Wales"
COUNTRY_GROUPS = {Country.ENGLAND: ENGLAND_AND_WALES, Country.WALES: ENGLAND_AND_WALES,
                  Country.SCOTLAND: "Scotland", Country.NORTHERN_IRELAND: "Northern Ireland"}
COUNTRY_ORDER = (ENGLAND_AND_WALES, "Scotland", "Northern Ireland")

TIME_BANDS = ("Under 1 year", "1 to 2 years", "2 to 5 years", "5 to 10 years", "10 years or more")
_BAND_EDGES = ((1, TIME_BANDS[0]), (2, TIME_BANDS[1]), (5, TIME_BANDS[2]), (10, TIME_BANDS[3]))

NOT_RECORDED = "Not recorded"
# (category, patterns any of which in the offence wording places it there), tried in this order: first match wins.
# Images come first ("indecent photographs of children" is an images offence), then offences against children,
# recognised by their age words before any adult category ("indecent assault on a boy under 14" is an offence
# against a child, not a sexual assault; "gross indecency with a girl" likewise), then the adult categories.
# docs/statistics.md lists the table with the historic wordings of the 1956 and 1960 Acts it was tested on.
OFFENCE_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Indecent images of children", (r"indecent (pseudo[- ])?photograph", r"indecent (pseudo[- ])?image",
                                     r"pseudo[- ]photograph", r"child (abuse|sexual abuse) image")),
    ("Sexual offences against children", (r"\bchild(ren)?\b", r"\bunder (the age of )?(1[0-8]|[0-9])\b",
                                          r"\bboys?\b", r"\bgirls?\b", r"\bminors?\b", r"\bgrooming\b",
                                          r"\byoung (person|people)\b")),
    ("Rape and assault by penetration", (r"\brape\b", r"\bpenetration\b")),
    ("Sexual assault", (r"\bsexual assault\b", r"\bindecent assault\b")),
    ("Non-contact offences", (r"\bexposure\b", r"\bexposing\b", r"\bvoyeurism\b")),
)
_OFFENCE_PATTERNS = tuple((category, re.compile("|".join(words))) for category, words in OFFENCE_CATEGORIES)
OFFENCE_ORDER = (*(c for c, _ in OFFENCE_CATEGORIES), "Other sexual offence", NOT_RECORDED)
RISK_NOTE = ("Risk level: the registrant's risk level on the as-at date (very high, high, medium, low); "
             "'Not recorded' when none was recorded by then.")
RISK_ORDER = ("Very high", "High", "Medium", "Low", NOT_RECORDED)

STATE_LABELS = {tr.MISSING: "Missing", tr.WANTED: "Wanted"}
ABROAD_LABELS = {True: "Believed abroad", False: "Not believed abroad"}

CASE_DIMENSIONS = ("force", "country", "year_missing", "time_missing", "offence", "risk", "state", "abroad")
REGISTRANT_DIMENSIONS = ("force", "country")
MANAGEMENT_DIMENSIONS = ("risk", "mappa_category", "mappa_level", "mode")
MANAGEMENT_LABELS: dict[str, tuple[str, ...]] = {
    "mappa_category": ("Category 1", "Category 2", "Category 3", NOT_RECORDED),
    "mappa_level": ("Level 1", "Level 2", "Level 3", NOT_RECORDED),
    "mode": ("Active management", "Reactive management"),
}
DIMENSION_LABELS = {
    "mappa_category": "MAPPA category", "mappa_level": "MAPPA level", "mode": "Management",
    "force": "Force", "country": "Country", "year_missing": "Year went missing", "time_missing": "Time missing",
    "offence": "Offence category", "risk": "Risk level", "state": "Case state", "abroad": "Believed abroad",
    "provision": "Provision", "kind": "Duty",
}
FIGURES = ("missing", "abroad", "registrants", "cases", "series", "breaches", "duties")


def offence_category(offence: str) -> str:
    """The documented category for an offence's wording (case-insensitive)."""
    text = (offence or "").strip().lower()
    if not text:
        return NOT_RECORDED
    for category, pattern in _OFFENCE_PATTERNS:
        if pattern.search(text):
            return category
    return "Other sexual offence"


def whole_years(start: date, day: date) -> int:
    """Whole years from ``start`` to ``day`` by anniversaries (29 February's anniversary is 1 March)."""
    years = day.year - start.year
    if (day.month, day.day) < (start.month, start.day):
        years -= 1
    return max(years, 0)


def time_band(start: date, day: date) -> str:
    years = whole_years(start, day)
    for edge, label in _BAND_EDGES:
        if years < edge:
            return label
    return TIME_BANDS[-1]


# --- Access ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    force: Force | None  # None: every force

    @property
    def code(self) -> str:
        return self.force.code if self.force else "ALL"


def is_national(user: Any) -> bool:
    return permissions.sees_national_statistics(user)


def require_report_role(user: Any) -> None:
    if not permissions.can_see_statistics(user):
        raise Forbidden("Only analysts, FOI officers, supervisors and national administrators run statistics.")


def report_scope(user: Any, force_code: str | None = None) -> Scope:
    """The forces ``user`` may count: their own force, or every force (or the one named) for a national user."""
    require_report_role(user)
    return Scope(force_scope(user, force_code, national=is_national(user), what="run statistics for your own force"))


def _audit(user: Any, figure: str, as_of: date, by: Sequence[str], scope: Scope,
           period: tuple[date, date] | None = None) -> None:
    detail: dict[str, Any] = {"figure": figure, "as_of": as_of, "by": list(by), "force": scope.code}
    if period:
        detail["period"] = [period[0], period[1]]
    record("report.run", user, detail=detail, force_code=scope.force.code if scope.force else "")


def parse_by(by: str | Sequence[str] | None, allowed: Sequence[str], default: Sequence[str] = ("force",)
             ) -> tuple[str, ...]:
    """One or two breakdowns (rows, then columns). ValidationFailed naming ``by`` on anything else."""
    if by is None or by == "" or by == ():
        return tuple(default)
    parts = [p.strip() for p in by.split(",")] if isinstance(by, str) else [str(p).strip() for p in by]
    parts = [p for p in parts if p]
    if not 1 <= len(parts) <= 2 or len(set(parts)) != len(parts) or any(p not in allowed for p in parts):
        raise ValidationFailed({"by": f"one or two of: {', '.join(allowed)} (rows first, then columns)"})
    return tuple(parts)


# --- Labels ----------------------------------------------------------------------------------------------


def _forces(scope: Scope, as_of: date) -> list[Force]:
    """The forces a table lists: the one in scope, or every force whose register Tether holds (it has owned a
    registrant; its figures for any date are then known, zeros included). A force Tether does not hold is left
    out, never shown as 0 (a reader takes 0 for a true zero)."""
    if scope.force:
        return [scope.force]
    return list(Force.objects.filter(Exists(Ownership.objects.filter(force=OuterRef("pk")))).order_by("name"))


def _not_held_note(scope: Scope, as_of: date, by: Sequence[str]) -> tuple[str, ...]:
    if scope.force or "force" not in by:
        return ()
    missing = Force.objects.count() - len(_forces(scope, as_of))
    if not missing:
        return ()
    return (f"{missing} of {Force.objects.count()} forces are not held in Tether and are not listed: "
            "their figures are not known here (not zero). The national roll-up adds the returns they sent.",)


def _labels(dim: str, scope: Scope, seen: Iterable[str], as_of: date) -> tuple[str, ...]:
    """Display order for a dimension. Forces and bands are listed in full (a zero is a published figure)."""
    seen = set(seen)
    if dim == "force":
        listed = [f.name for f in _forces(scope, as_of)]
        return (*listed, *sorted(seen - set(listed)))
    if dim == "country":
        if scope.force:
            return (COUNTRY_GROUPS[Country(scope.force.country)],)
        return COUNTRY_ORDER
    if dim == "year_missing":
        years = sorted(int(y) for y in seen)
        return tuple(str(y) for y in range(years[0], as_of.year + 1)) if years else (str(as_of.year),)
    if dim == "time_missing":
        return TIME_BANDS
    if dim == "offence":
        return OFFENCE_ORDER
    if dim == "risk":
        return RISK_ORDER
    if dim in MANAGEMENT_LABELS:
        return MANAGEMENT_LABELS[dim]
    if dim == "state":
        return tuple(STATE_LABELS.values())
    if dim == "abroad":
        return tuple(ABROAD_LABELS.values())
    if dim == "provision":  # the provisions found, in order (only those counted: there is no fixed list)
        return tuple(sorted(seen, key=lambda c: (c == NOT_CITED, c)))
    if dim == "kind":
        return tuple(k for k in DUTY_KIND_LABELS.values() if k in seen) + tuple(sorted(
            seen - set(DUTY_KIND_LABELS.values())))
    raise ValueError(dim)


def _table(title: str, measure: str, by: tuple[str, ...], counts: Counter[tuple[str, str]], scope: Scope,
           as_of: date, notes: Sequence[str], period: tuple[date, date] | None = None,
           cols: tuple[str, ...] | None = None) -> Table:
    row_dim = by[0]
    col_dim = by[1] if len(by) > 1 else None
    rows = _labels(row_dim, scope, (r for r, _ in counts), as_of)
    if cols is None:
        cols = _labels(col_dim, scope, (c for _, c in counts), as_of) if col_dim else (COUNT,)
    return Table(
        title=title, row_label=DIMENSION_LABELS[row_dim],
        col_label=DIMENSION_LABELS[col_dim] if col_dim else (cols[0] if len(cols) == 1 else ""),
        rows=rows, cols=cols, cells={k: v for k, v in counts.items() if v}, as_of=as_of, period=period,
        notes=(*notes, *_not_held_note(scope, as_of, by)), national=scope.force is None, measure=measure,
    )


def _scope_note(scope: Scope) -> str:
    return f"Force: {scope.force.name}." if scope.force else "All forces held in Tether."


# --- Registrants ------------------------------------------------------------------------------------------


def subject_on_q(day: date, prefix: str = "") -> Q:
    p = prefix
    return Q(**{f"{p}registration_start__lte": day}) & (
        Q(**{f"{p}indefinite": True}) | Q(**{f"{p}registration_end__gte": day}))


def _subject_ownerships(as_of: date, force: Force | None) -> Any:
    """The owning-force interval on ``as_of`` of each registrant subject to notification then, one per person: a
    record merged into another on or before ``as_of`` is not a second person (``register.selectors.separate``)."""
    qs = Ownership.objects.filter(holds_on_q(as_of)).filter(
        Exists(RegisterState.objects.filter(subject_on_q(as_of), person_id=OuterRef("person_id"))))
    qs = separate(qs, "person_id", as_of)
    return qs.filter(force=force) if force is not None else qs


def subject_owners(as_of: date, force: Force | None = None) -> list[tuple[Any, int]]:
    """(person id, owning force id on ``as_of``) of every registrant subject to notification that day."""
    return list(_subject_ownerships(as_of, force).values_list("person_id", "force_id"))


def registrants_counts(as_of: date, force: Force | None = None) -> dict[int, int]:
    """Registrants subject to notification on ``as_of`` by owning force id on that date (one GROUP BY)."""
    qs = _subject_ownerships(as_of, force)
    return {r["force_id"]: r["n"] for r in qs.values("force_id").annotate(n=Count("id")).order_by()}


def registrants(user: Any, as_of: date | None = None, *, by: str | Sequence[str] | None = None,
                force_code: str | None = None) -> Table:
    """Registrants subject to notification on ``as_of`` by force or country."""
    as_of = as_of or clock.today()
    dims = parse_by(by, REGISTRANT_DIMENSIONS)
    if len(dims) > 1:
        raise ValidationFailed({"by": "registrants are counted by force or by country (one breakdown)"})
    scope = report_scope(user, force_code)
    per_force = registrants_counts(as_of, scope.force)
    forces = {f.pk: f for f in Force.objects.all()}
    counts: Counter[tuple[str, str]] = Counter()
    for force_id, n in per_force.items():
        f = forces[force_id]
        key = f.name if dims[0] == "force" else COUNTRY_GROUPS[Country(f.country)]
        counts[(key, COUNT)] += n
    _audit(user, "registrants", as_of, dims, scope)
    notes = [
        _scope_note(scope),
        "Registrants whose notification period covers the as-at date; force = owning force on that date.",
    ]
    return _table(f"Registrants subject to notification on {long_date(as_of)}", "registrants", dims, counts,
                  scope, as_of, notes)


# --- Cases ------------------------------------------------------------------------------------------------


class OpenCase(NamedTuple):
    """One open case on a date, as counted (no identifiers leave this module). A named tuple: a report makes one
    per open case, thousands at a time."""

    case_id: int
    person_id: Any
    force_id: int
    state: str
    believed_abroad: bool
    since: date


def _spans_by_case(cases: Any, upto: date, *, case_ids: Any = None) -> dict[int, tuple[int, Any, list[tr.Span]]]:
    """(force id, person id, spans) per case: the stored state intervals beginning on or before ``upto`` of the
    cases ``case_ids`` (a subquery of case ids) or else of ``cases`` (a Case queryset), plus the history derived
    from the summary for each case in ``cases`` with none stored."""
    out: dict[int, tuple[int, Any, list[tr.Span]]] = {}
    states = CaseState.objects.filter(valid_from__lte=upto)
    states = states.filter(case_id__in=case_ids) if case_ids is not None else states.filter(case__in=cases)
    rows = (states.order_by("case_id", "valid_from", "id")
            .values_list("case_id", "case__force_id", "case__person_id", "state", "believed_abroad", "valid_from",
                         "valid_to", "event", "outcome"))
    for cid, fid, pid, state, abroad, vf, vt, event, outcome in rows:
        entry = out.get(cid)
        if entry is None:
            entry = out[cid] = (fid, pid, [])
        entry[2].append(tr.Span(state, abroad, vf, vt, event, outcome))
    out.update(_summary_spans(cases, upto))
    return out


def _summary_spans(cases: Any, upto: date) -> dict[int, tuple[int, Any, list[tr.Span]]]:
    """(force id, person id, spans) per case in ``cases`` with no stored history: the intervals derived from its
    summary that begin on or before ``upto``."""
    out: dict[int, tuple[int, Any, list[tr.Span]]] = {}
    bare = cases.filter(~Exists(CaseState.objects.filter(case=OuterRef("pk"))), opened_on__lte=upto)
    for c in bare.values_list("pk", "force_id", "person_id", "kind", "opened_on", "closed_on", "warrant_on",
                              "believed_abroad", "outcome"):
        cid, fid, pid, kind, opened, closed, warrant, abroad, outcome = c
        spans = [s for s in tr.history_from_summary(kind, opened, closed, warrant, abroad, outcome)
                 if s.valid_from <= upto]
        out[cid] = (fid, pid, spans)
    return out


def open_intervals(spans: Sequence[tr.Span]) -> list[tuple[date, date | None]]:
    """The [from, to) intervals in which the case was open (missing or wanted)."""
    return [(s.valid_from, s.valid_to) for s in spans if s.state in tr.OPEN_STATES and s.valid_to != s.valid_from]


def _case_qs(force: Force | None) -> Any:
    qs = Case.objects.all()
    return qs.filter(force=force) if force is not None else qs


def open_cases_on(as_of: date, force: Force | None = None) -> list[OpenCase]:
    """Every case open (missing or wanted) on ``as_of``, from the state intervals (unguarded; counts only).

    The same cases as ``tether.casework.case_selectors.cases_open_on``, but found from the open intervals themselves
    rather than an EXISTS per case: with 20,000 cases that query is two to three times slower here. The stored
    intervals are read as plain rows and each case's open episode (``transitions.open_episode``) is followed as
    they stream past, in their stored order, without building a ``Span`` per interval."""
    open_on = CaseState.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=as_of), state__in=tr.OPEN_STATES,
                                       valid_from__lte=as_of)
    if force is not None:
        open_on = open_on.filter(case__force=force)
    rows = (CaseState.objects.filter(valid_from__lte=as_of, case_id__in=open_on.values("case_id"))
            .order_by("case_id", "valid_from", "id")
            .values_list("case_id", "case__force_id", "case__person_id", "state", "believed_abroad", "valid_from",
                         "valid_to"))
    out: list[OpenCase] = []
    open_states = tr.OPEN_STATES
    # The last non-empty interval of the case being read, and the first day of the run of open intervals, each
    # beginning the day the one before it ended, that it closes (``open_episode`` walked forwards).
    last: tuple[int, int, Any, str, bool, date | None] | None = None
    since = as_of
    for cid, fid, pid, state, abroad, vf, vt in rows:
        if vt == vf:
            continue  # an empty interval is ignored
        if last is None or last[0] != cid:
            if last is not None and last[3] in open_states and (last[5] is None or last[5] > as_of):
                out.append(OpenCase(last[0], last[2], last[1], last[3], last[4], since))
            since = vf
        elif not (last[3] in open_states and last[5] == vf):
            since = vf
        last = (cid, fid, pid, state, abroad, vt)
    if last is not None and last[3] in open_states and (last[5] is None or last[5] > as_of):
        out.append(OpenCase(last[0], last[2], last[1], last[3], last[4], since))
    # Cases with no stored history: their intervals are derived from the summary.
    by_summary = _case_qs(force).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=as_of), opened_on__lte=as_of)
    for cid, (fid, pid, spans) in _summary_spans(by_summary, as_of).items():
        held = tr.open_episode(spans, as_of)
        if held is not None:
            span, since = held
            out.append(OpenCase(cid, pid, fid, span.state, span.believed_abroad, since))
    return out


def _offences(person_ids: Iterable[Any], as_of: date) -> dict[Any, str]:
    """Offence category per person from their latest disposal on or before ``as_of``."""
    ids = list(set(person_ids))
    latest: dict[Any, tuple[date, int, str]] = {}
    for chunk in chunks(ids, 2000):
        for pid, day, pk, offence in (Disposal.objects.filter(person_id__in=chunk, date__lte=as_of)
                                      .values_list("person_id", "date", "id", "offence")):
            if pid not in latest or (day, pk) > latest[pid][:2]:
                latest[pid] = (day, pk, offence)
    return {pid: offence_category(v[2]) for pid, v in latest.items()}


def _case_key(dim: str, c: OpenCase, forces: dict[int, Force], as_of: date, offences: dict[Any, str],
              risks: dict[Any, str] | None = None) -> str:
    if dim == "force":
        return forces[c.force_id].name
    if dim == "country":
        return COUNTRY_GROUPS[Country(forces[c.force_id].country)]
    if dim == "year_missing":
        return str(c.since.year)
    if dim == "time_missing":
        return time_band(c.since, as_of)
    if dim == "offence":
        return offences.get(c.person_id, NOT_RECORDED)
    if dim == "risk":
        return (risks or {}).get(c.person_id, NOT_RECORDED)
    if dim == "state":
        return STATE_LABELS[c.state]
    if dim == "abroad":
        return ABROAD_LABELS[c.believed_abroad]
    raise ValueError(dim)


def _case_key_of(dim: str, forces: dict[int, Force], as_of: date, offences: dict[Any, str],
                 risks: dict[Any, str] | None = None) -> Callable[[OpenCase], str]:
    """``_case_key`` for one dimension as a function of the case (the commonest dimensions without the dispatch)."""
    if dim == "force":
        names = {pk: f.name for pk, f in forces.items()}
        return lambda c: names[c.force_id]
    if dim == "year_missing":
        return lambda c: str(c.since.year)
    return lambda c: _case_key(dim, c, forces, as_of, offences, risks)


def _case_notes(dims: Sequence[str], scope: Scope) -> list[str]:
    notes = [_scope_note(scope),
             "Open cases: missing or wanted on the as-at date, from the case state history; force = the force "
             "holding the case."]
    if "year_missing" in dims:
        notes.append("Year went missing: the first day of the open episode (a reopened case counts from its "
                     "reopening).")
    if "time_missing" in dims:
        notes.append("Time missing in whole years by anniversaries: under 1 year; 1 to 2 years (1st anniversary "
                     "to before the 2nd); 2 to 5; 5 to 10; 10 years or more (on or after the 10th).")
    if "offence" in dims:
        notes.append("Offence category from the latest qualifying disposal on or before the as-at date, "
                     "grouped by the offence wording; 'Not recorded' when there is none.")
    if "risk" in dims:
        notes.append(RISK_NOTE)
    return notes


def _count_cases(user: Any, figure: str, title: str, measure: str, as_of: date | None,
                 by: str | Sequence[str] | None, force_code: str | None, *, abroad_only: bool) -> Table:
    as_of = as_of or clock.today()
    dims = parse_by(by, CASE_DIMENSIONS)
    scope = report_scope(user, force_code)
    cases = open_cases_on(as_of, scope.force)
    if abroad_only:
        cases = [c for c in cases if c.believed_abroad]
    forces = {f.pk: f for f in Force.objects.all()}
    offences = _offences((c.person_id for c in cases), as_of) if "offence" in dims else {}
    risks = management_on([c.person_id for c in cases], as_of)["risk"] if "risk" in dims else {}
    row_of = _case_key_of(dims[0], forces, as_of, offences, risks)
    if len(dims) > 1:
        col_of = _case_key_of(dims[1], forces, as_of, offences, risks)
        counts: Counter[tuple[str, str]] = Counter(zip(map(row_of, cases), map(col_of, cases), strict=True))
    else:
        counts = Counter((row, COUNT) for row in map(row_of, cases))
    _audit(user, figure, as_of, dims, scope)
    return _table(f"{title} on {long_date(as_of)}", measure, dims, counts, scope, as_of, _case_notes(dims, scope))


def missing(user: Any, as_of: date | None = None, *, by: str | Sequence[str] | None = None,
            force_code: str | None = None) -> Table:
    """Open missing and wanted cases on ``as_of`` by one or two of ``CASE_DIMENSIONS``."""
    return _count_cases(user, "missing", "Open missing and wanted cases", "open missing and wanted cases", as_of,
                        by, force_code, abroad_only=False)


def abroad(user: Any, as_of: date | None = None, *, by: str | Sequence[str] | None = None,
           force_code: str | None = None) -> Table:
    """Open cases whose registrant was believed abroad on ``as_of``."""
    return _count_cases(user, "abroad", "Open cases believed abroad", "open cases believed abroad", as_of, by,
                        force_code, abroad_only=True)


OPENED, REOPENED, CLOSED = "Opened", "Reopened", "Closed"


def cases_in_period(user: Any, period: tuple[date, date], *, by: str | Sequence[str] | None = None,
                    force_code: str | None = None) -> Table:
    """Cases opened, reopened and closed from ``period[0]`` to ``period[1]`` (both inclusive), by force or
    country (columns: Opened, Reopened, Closed)."""
    start, end = period
    if start > end:
        raise ValidationFailed({"period": "the first date must not be after the second"})
    dims = parse_by(by, ("force", "country"))
    if len(dims) > 1:
        raise ValidationFailed({"by": "cases in a period are counted by force or by country (one breakdown)"})
    scope = report_scope(user, force_code)
    forces = {f.pk: f for f in Force.objects.all()}
    counts: Counter[tuple[str, str]] = Counter()
    for _cid, (fid, _pid, spans) in _spans_by_case(_case_qs(scope.force).filter(opened_on__lte=end), end).items():
        f = forces[fid]
        key = f.name if dims[0] == "force" else COUNTRY_GROUPS[Country(f.country)]
        for s in spans:
            if not start <= s.valid_from <= end:
                continue
            if s.event in (tr.OPEN_MISSING, tr.OPEN_WANTED):
                counts[(key, OPENED)] += 1
            elif s.event == tr.REOPEN:
                counts[(key, REOPENED)] += 1
            elif s.state == tr.CLOSED:
                counts[(key, CLOSED)] += 1
    _audit(user, "cases", end, dims, scope, period)
    notes = [_scope_note(scope), "Opened: new cases; Reopened: closed cases opened again; Closed: cases closed "
             "with an outcome; each counted on the date it happened, the period's first and last days included."]
    return _table(f"Cases opened and closed, {long_date(start)} to {long_date(end)}", "cases", dims, counts, scope,
                  end, notes, period=(start, end), cols=(OPENED, REOPENED, CLOSED))


def month_ends(as_of: date, months: int) -> list[date]:
    """The last day of each of the ``months`` months ending with ``as_of``'s month (that one: ``as_of``)."""
    out = [as_of]
    first = as_of.replace(day=1)
    for _ in range(months - 1):
        last = first - timedelta(days=1)
        out.append(last)
        first = last.replace(day=1)
    return sorted(out)


def monthly_series(user: Any, as_of: date | None = None, *, months: int = 24, force_code: str | None = None
                   ) -> Series:
    """Open missing and wanted cases at each month end (the current month: as at ``as_of``)."""
    as_of = as_of or clock.today()
    if not 1 <= months <= 240:
        raise ValidationFailed({"months": "must be from 1 to 240"})
    scope = report_scope(user, force_code)
    days = month_ends(as_of, months)
    qs = _case_qs(scope.force).filter(opened_on__lte=as_of).filter(Q(closed_on__isnull=True) |
                                                                   Q(closed_on__gt=days[0]))
    intervals = [open_intervals(spans) for _f, _p, spans in _spans_by_case(qs, as_of).values()]
    points = tuple((d, sum(1 for iv in intervals if any(a <= d and (b is None or b > d) for a, b in iv)))
                   for d in days)
    _audit(user, "series", as_of, ("month_end",), scope)
    return Series(title=f"Open missing and wanted cases at each month end to {long_date(as_of)}", points=points,
                  notes=(_scope_note(scope), "The last point is as at the as-at date."))


def longest_open_year(user: Any, as_of: date | None = None, *, force_code: str | None = None) -> int | None:
    """The year the longest-open case open on ``as_of`` went missing (None: no open case)."""
    as_of = as_of or clock.today()
    scope = report_scope(user, force_code)
    cases = open_cases_on(as_of, scope.force)
    _audit(user, "longest_open", as_of, (), scope)
    return min(c.since for c in cases).year if cases else None


# --- The law of each duty: breaches and outstanding duties by provision --------------------------------------

NOT_CITED = "Provision not recorded"
DUTY_DIMENSIONS = ("provision", "force", "country", "kind")
DUTY_KIND_LABELS = {
    "initial": "Initial notification", "change": "Notify a change", "non_occurrence": "Notify an event did not happen",
    "periodic": "Periodic notification", "travel": "Notify travel abroad", "absence": "Notify an absence",
    "verification": "Verification",
}
DUTY_STATUS_LABELS = {"due": "Due", "overdue": "Overdue"}
PROVISION_NOTE = ("Provision: the statutory provision as in force on the day the duty arose, as the rules engine "
                  "cites it (e.g. 'SOA 1997 s.2(1)' for a duty under the Sex Offenders Act 1997, 'SOA 2003 s.85(1)' "
                  "for the annual notification); see docs/rules.md, 'The law as it stood on each date'.")


def _day_before(day: date) -> date:
    return day if day == date.min else day - timedelta(days=1)


def _duty_key(dim: str, provision: str, force: Force, kind: str) -> str:
    if dim == "provision":
        return provision or NOT_CITED
    if dim == "force":
        return force.name
    if dim == "country":
        return COUNTRY_GROUPS[Country(force.country)]
    if dim == "kind":
        return DUTY_KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())
    raise ValueError(dim)


def breaches_in_period(user: Any, period: tuple[date, date], *, by: str | Sequence[str] | None = None,
                       force_code: str | None = None) -> Table:
    """Breaches (notification duties not met by their last day, as the daily sweep recorded them) whose first day
    in breach (the day after the last day to comply) falls from ``period[0]`` to ``period[1]``, by the provision
    that imposed the duty (as in force on the day it arose) and/or force, country or kind."""
    from tether.casework.models import Breach

    start, end = period
    if start > end:
        raise ValidationFailed({"period": "the first date must not be after the second"})
    dims = parse_by(by, DUTY_DIMENSIONS, default=("provision",))
    scope = report_scope(user, force_code)
    # the first day in breach is the day after ``due``: due from the day before ``start`` to the day before ``end``
    qs = Breach.objects.filter(due__gte=_day_before(start), due__lt=end)
    if scope.force is not None:
        qs = qs.filter(force=scope.force)
    forces = {f.pk: f for f in Force.objects.all()}
    counts: Counter[tuple[str, str]] = Counter()
    for row in qs.values("citation", "force_id", "kind").annotate(n=Count("id")).order_by():
        f = forces[row["force_id"]]
        key = [_duty_key(d, row["citation"], f, row["kind"]) for d in dims]
        counts[(key[0], key[1] if len(key) > 1 else COUNT)] += row["n"]
    _audit(user, "breaches", end, dims, scope, period)
    notes = [_scope_note(scope), "Breaches: notification duties not met by their last day, as recorded by the daily "
             "sweep, counted on the day after that last day; force = the owning force when the breach was found.",
             PROVISION_NOTE]
    return _table(f"Breaches of notification duties, {long_date(start)} to {long_date(end)}", "breaches", dims,
                  counts, scope, end, notes, period=(start, end),
                  cols=None if len(dims) > 1 else (COUNT,))


def duties_on(user: Any, as_of: date | None = None, *, by: str | Sequence[str] | None = None,
              force_code: str | None = None) -> Table:
    """Notification duties outstanding (due or overdue, not met) on ``as_of`` for registrants subject on that day,
    by the provision in force when each arose (and status as columns, or another breakdown). The law is evaluated
    as at ``as_of`` from the recorded history (``obligations.evaluate``), so a past date gets that day's law."""
    from tether.obligations import evaluate
    from tether.register.facts import facts_from
    from tether.register.selectors import load_histories

    as_of = as_of or clock.today()
    dims = parse_by(by, DUTY_DIMENSIONS, default=("provision",))
    scope = report_scope(user, force_code)
    owners = dict(subject_owners(as_of, scope.force))
    forces = {f.pk: f for f in Force.objects.all()}
    counts: Counter[tuple[str, str]] = Counter()
    ids = list(owners)
    for chunk in chunks(ids, 2000):
        for pid, history in load_histories(chunk).items():
            f = forces[owners[pid]]
            for o in evaluate(facts_from(history), as_of).obligations:
                if o.status == "met" or o.trigger > as_of:
                    continue
                row = _duty_key(dims[0], o.citation, f, o.kind)
                col = (_duty_key(dims[1], o.citation, f, o.kind) if len(dims) > 1
                       else DUTY_STATUS_LABELS[o.status])
                counts[(row, col)] += 1
    _audit(user, "duties", as_of, dims, scope)
    notes = [_scope_note(scope), "Outstanding duties: notification duties of registrants subject on the as-at date "
             "that had arisen by then and were not met, due (last day not yet passed) or overdue; worked out by the "
             "rules engine as at that date.", PROVISION_NOTE]
    return _table(f"Outstanding notification duties on {long_date(as_of)}", "duties", dims, counts, scope, as_of,
                  notes, cols=None if len(dims) > 1 else tuple(DUTY_STATUS_LABELS.values()))


# --- Management (risk, MAPPA, mode) -----------------------------------------------------------------------------


def management_on(person_ids: Sequence[Any], as_of: date) -> dict[str, dict[Any, str]]:
    """Risk level, MAPPA category and level and management mode label per registrant on ``as_of``."""
    from tether.management.constants import RiskLevel
    from tether.management.models import MappaSpell, ModeSpell, RiskLevelSpell

    ids = list(person_ids)
    out: dict[str, dict[Any, str]] = {"risk": {}, "mappa_category": {}, "mappa_level": {}, "mode": {}}
    for chunk in chunks(ids, 2000):
        for pid, level in RiskLevelSpell.objects.filter(holds_on_q(as_of), person_id__in=chunk).values_list(
                "person_id", "level"):
            out["risk"][pid] = str(RiskLevel(level).label)
        for pid, cat, lvl in MappaSpell.objects.filter(holds_on_q(as_of), person_id__in=chunk).values_list(
                "person_id", "category", "level"):
            out["mappa_category"][pid] = f"Category {cat}"
            out["mappa_level"][pid] = f"Level {lvl}"
        for pid, mode in ModeSpell.objects.filter(holds_on_q(as_of), person_id__in=chunk).values_list(
                "person_id", "mode"):
            out["mode"][pid] = "Reactive management" if mode == "reactive" else "Active management"
    return out


def management(user: Any, as_of: date | None = None, *, by: str | Sequence[str] | None = None,
               force_code: str | None = None) -> Table:
    """Registrants subject to notification on ``as_of`` by risk level, MAPPA category or level, or management mode
    (one or two of them, or with ``force``)."""
    as_of = as_of or clock.today()
    dims = parse_by(by, (*MANAGEMENT_DIMENSIONS, "force"), default=("risk",))
    scope = report_scope(user, force_code)
    people = subject_owners(as_of, scope.force)
    facts = management_on([p for p, _ in people], as_of)
    forces = {f.pk: f.name for f in Force.objects.all()}
    defaults = {"risk": NOT_RECORDED, "mappa_category": NOT_RECORDED, "mappa_level": NOT_RECORDED,
                "mode": "Active management"}

    def key(dim: str, pid: Any, fid: int) -> str:
        return forces[fid] if dim == "force" else facts[dim].get(pid, defaults[dim])

    counts: Counter[tuple[str, str]] = Counter()
    for pid, fid in people:
        counts[(key(dims[0], pid, fid), key(dims[1], pid, fid) if len(dims) > 1 else COUNT)] += 1
    _audit(user, "management", as_of, dims, scope)
    notes = [_scope_note(scope), "Registrants whose notification period covers the as-at date; risk level, MAPPA "
             "and management mode from the intervals holding on that date ('Not recorded' when none; active "
             "management unless a supervisor recorded reactive management)."]
    return _table(f"Registrants by {', '.join(mid_sentence(DIMENSION_LABELS[d]) for d in dims)} on {long_date(as_of)}",
                  "registrants", dims, counts, scope, as_of, notes)
