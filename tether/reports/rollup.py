"""The national roll-up: forces held in Tether (counted as at the date) plus imported per-force returns.

A return is a CSV with the header ``force,as_at,year_missing,count``: one line per year went missing (an empty
``year_missing``, or ``unknown``, for a count the force gave without a year). ``as_at`` is a date
(``2018-02-28``) or a month (``2018-02``: its last day). Every line is checked first; one bad line means
nothing is imported, and every bad line is reported with its field.

Only national users (national administrators, and analysts or FOI officers whose account belongs to no force)
see the roll-up; only national administrators import returns. Both are audited.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef

from tether.access import permissions
from tether.access.models import Force
from tether.audit.services import record
from tether.core import clock
from tether.core.dates import long_date
from tether.core.errors import Forbidden, ValidationFailed
from tether.register.models import Ownership

from . import statistics as st
from .models import ForceReturn
from .tables import Table

HEADER = ("force", "as_at", "year_missing", "count")
NOT_STATED = "Not stated"
MAX_LINES = 10_000
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^\d{4}$")


def require_national(user: Any) -> None:
    st.require_report_role(user)
    if not st.is_national(user):
        raise Forbidden("The national roll-up is for national users (national administrators, and analysts or "
                        "FOI officers with no force).")


def can_import_returns(user: Any) -> bool:
    """Uploading per-force returns is for national administrators only."""
    return permissions.can_import_returns(user)


@dataclass(frozen=True)
class ImportResult:
    rows: int
    forces: tuple[str, ...]
    as_at: tuple[date, ...]
    source: str


def _as_at(raw: str, today: date) -> tuple[date | None, str]:
    m = _MONTH.match(raw)
    try:
        if m:
            y, mo = int(m.group(1)), int(m.group(2))
            day = date(y, mo, calendar.monthrange(y, mo)[1])
        else:
            day = date.fromisoformat(raw)
    except ValueError:
        return None, "must be a date like 2018-02-28 or a month like 2018-02"
    if day > today:
        return None, "must not be in the future"
    if day.year < 1997:
        return None, "must not be before 1997 (the register began in September 1997)"
    return day, ""


def parse_returns(text: str, forces: dict[str, Force], today: date
                  ) -> tuple[list[tuple[Force, date, int | None, int]], dict[str, list[str]]]:
    """The lines of a returns CSV, checked: (rows, errors keyed ``line N.field``)."""
    errors: dict[str, list[str]] = {}
    rows: list[tuple[Force, date, int | None, int]] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header) != HEADER:
        return [], {"header": [f"the first line must be: {','.join(HEADER)}"]}
    seen: dict[tuple[str, date, int | None], int] = {}
    for index, line in enumerate(reader, start=2):
        if not any(cell.strip() for cell in line):
            continue
        if index > MAX_LINES + 1:
            errors["file"] = [f"at most {MAX_LINES} lines in one import"]
            break

        def fail(name: str, message: str, index: int = index) -> None:
            errors.setdefault(f"line {index}.{name}", []).append(message)

        if len(line) != len(HEADER):
            fail("line", f"has {len(line)} fields; expected {len(HEADER)} ({','.join(HEADER)})")
            continue
        code, raw_as_at, raw_year, raw_count = (cell.strip() for cell in line)
        force = forces.get(code.upper())
        if force is None:
            fail("force", f"unknown force code {code!r}" if code else "is required: a force code like MPS")
        as_at, problem = _as_at(raw_as_at, today)
        if problem:
            fail("as_at", problem)
        year: int | None = None
        if raw_year and raw_year.lower() not in ("unknown", "not stated"):
            if not _YEAR.match(raw_year):
                fail("year_missing", "must be a year like 2017, or empty (or 'unknown') when not stated")
            else:
                year = int(raw_year)
                if year < 1950 or (as_at is not None and year > as_at.year):
                    fail("year_missing", "must be from 1950 to the year of as_at")
        count = -1
        if not re.match(r"^\d{1,6}$", raw_count):
            fail("count", "must be a whole number from 0 to 999999")
        else:
            count = int(raw_count)
        if any(k.startswith(f"line {index}.") for k in errors):
            continue
        assert force is not None and as_at is not None
        key = (force.code, as_at, year)
        if key in seen:
            fail("year_missing", f"repeats line {seen[key]} (the same force, as_at and year_missing)")
            continue
        seen[key] = index
        rows.append((force, as_at, year, count))
    if not rows and not errors:
        errors["file"] = ["holds no returns"]
    return rows, errors


def import_returns(user: Any, text: str, *, source: str) -> ImportResult:
    """Import a returns CSV all-or-nothing (ValidationFailed naming every bad line and field). Audited. National
    administrators only (the web, the API and ``tether report rollup --import`` alike)."""
    require_national(user)
    if not can_import_returns(user):
        raise Forbidden("Only national administrators import force returns.")
    source = (source or "").strip()
    if not source:
        raise ValidationFailed({"source": "is required: where the figures came from"})
    forces = {f.code: f for f in Force.objects.all()}
    rows, errors = parse_returns(text, forces, clock.today())
    if errors:
        raise ValidationFailed(errors)
    now = clock.now()
    with transaction.atomic():
        ForceReturn.objects.bulk_create([
            ForceReturn(force=f, as_at=d, year_missing=y, count=n, source=source[:2000], imported_at=now,
                        imported_by=user) for f, d, y, n in rows])
        codes = tuple(sorted({f.code for f, *_ in rows}))
        dates = tuple(sorted({d for _, d, *_ in rows}))
        record("report.returns_import", user, detail={
            "source": source[:200], "rows": len(rows), "forces": list(codes), "as_at": [d.isoformat() for d in dates],
            "total": sum(n for *_, n in rows)})
    return ImportResult(rows=len(rows), forces=codes, as_at=dates, source=source)


@dataclass(frozen=True)
class Rollup:
    table: Table
    as_of: date
    forces_total: int
    from_tether: tuple[str, ...]  # force codes counted in Tether
    from_returns: tuple[str, ...]  # force codes answered by an imported return
    not_answered: tuple[str, ...]
    returns_as_at: tuple[date, date] | None  # the earliest and latest as-at date of the returns used
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        return len(self.from_tether) + len(self.from_returns)

    @property
    def coverage(self) -> str:
        return f"{self.answered} of {self.forces_total} forces answered"

    def summary(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(), "coverage": self.coverage, "answered": self.answered,
            "forces": self.forces_total, "from_tether": list(self.from_tether),
            "from_returns": list(self.from_returns), "not_answered": list(self.not_answered),
            "returns_as_at": [d.isoformat() for d in self.returns_as_at] if self.returns_as_at else None,
        }


def held_in_tether(as_of: date) -> set[int]:
    """Forces whose register Tether holds on ``as_of``: an ownership interval of theirs began by then."""
    held = Force.objects.filter(Exists(Ownership.objects.filter(force=OuterRef("pk"), valid_from__lte=as_of)))
    return set(held.values_list("pk", flat=True))


def latest_returns(as_of: date) -> dict[int, list[ForceReturn]]:
    """Per force, the lines of its latest return on or before ``as_of`` (the latest import of that date)."""
    best: dict[int, tuple[date, Any]] = {}
    lines: dict[tuple[int, date, Any], list[ForceReturn]] = {}
    for r in ForceReturn.objects.filter(as_at__lte=as_of).order_by("force_id", "as_at", "imported_at", "id"):
        key = (r.force_id, r.as_at, r.imported_at)
        lines.setdefault(key, []).append(r)
        if r.force_id not in best or (r.as_at, r.imported_at) >= best[r.force_id]:
            best[r.force_id] = (r.as_at, r.imported_at)
    return {fid: lines[(fid, *when)] for fid, when in best.items()}


def national_rollup(user: Any, as_of: date | None = None) -> Rollup:
    """Open missing and wanted cases by force and year went missing, nationally: Tether's forces as at
    ``as_of``, and every other force's latest imported return on or before it."""
    require_national(user)
    as_of = as_of or clock.today()
    forces = list(Force.objects.order_by("name"))
    held = held_in_tether(as_of)
    counts: Counter[tuple[str, str]] = Counter()
    names = {f.pk: f.name for f in forces}
    for c in st.open_cases_on(as_of):
        if c.force_id in held:
            counts[(names[c.force_id], str(c.since.year))] += 1
    returns = {fid: rows for fid, rows in latest_returns(as_of).items() if fid not in held}
    for fid, rows in returns.items():
        for r in rows:
            if r.count:
                counts[(names[fid], str(r.year_missing) if r.year_missing else NOT_STATED)] += r.count
    answering = [f for f in forces if f.pk in held or f.pk in returns]
    years = sorted({int(c) for _, c in counts if c != NOT_STATED})
    cols = tuple(str(y) for y in range(years[0], as_of.year + 1)) if years else (str(as_of.year),)
    if any(c == NOT_STATED for _, c in counts):
        cols = (*cols, NOT_STATED)
    dates = sorted(rows[0].as_at for rows in returns.values())
    spread = (dates[0], dates[-1]) if dates else None
    from_tether = tuple(f.code for f in forces if f.pk in held)
    from_returns = tuple(f.code for f in forces if f.pk in returns)
    not_answered = tuple(f.code for f in forces if f.pk not in held and f.pk not in returns)
    notes = [f"{len(answering)} of {len(forces)} forces answered: {len(from_tether)} counted in Tether as at "
             f"{long_date(as_of)}, {len(from_returns)} from their own returns."]
    if spread:
        notes.append(f"The returns' as-at dates range from {long_date(spread[0])} to {long_date(spread[1])}: each "
                     "force's latest return on or before the as-at date.")
    if not_answered:
        notes.append("No figures from: " + ", ".join(names[f.pk] for f in forces if f.code in not_answered) + ".")
    if NOT_STATED in cols:
        notes.append("'Not stated': the force gave a count without the year went missing.")
    notes.append("Year went missing: the first day of the open episode for forces held in Tether; as the force "
                 "reported it for returns.")
    table = Table(
        title=f"Missing and wanted registrants by force and year went missing, national roll-up as at "
              f"{long_date(as_of)}",
        row_label="Force", col_label="Year went missing", rows=tuple(f.name for f in answering), cols=cols,
        cells=dict(counts), as_of=as_of, notes=tuple(notes), national=True,
        measure="open missing and wanted cases",
    )
    record("report.run", user, detail={"figure": "rollup", "as_of": as_of, "by": ["force", "year_missing"],
                                       "force": "ALL", "answered": len(answering)})
    sources = {names[fid]: rows[0].source for fid, rows in returns.items()}
    return Rollup(table=table, as_of=as_of, forces_total=len(forces), from_tether=from_tether,
                  from_returns=from_returns, not_answered=not_answered, returns_as_at=spread, sources=sources)
