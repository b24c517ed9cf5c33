"""Casework's part of a registrant, plugged into the register's extension points (``register.extensions``).

- The ``cases`` section of a registrant document (docs/import-format.md): validated with the rest of the document,
  written after the people (each case with its state history derived from the summary), exported beside them.
- The register status reads the (kind, opened, closed) spans of the cases: an open wanted case makes the person
  "wanted", an open missing case "missing".
- The person page shows the cases.
- Every register write sweeps the people it wrote (``services.sweep_people``), in the same transaction, once their
  obligations are re-evaluated: a breach and a task at once for anything already overdue.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Any

from tether.access.permissions import is_worker
from tether.core.fields import Fields
from tether.core.streams import chunks
from tether.register import extensions

from .case_services import backfill_states
from .models import Case, CaseKind, CaseOutcome
from .services import sweep_people

KEY = "cases"


@dataclass
class CaseDoc:
    kind: str
    opened: date
    closed: date | None
    believed_abroad: bool
    warrant: date | None
    outcome: str
    pnc_reference: str = ""


def parse(c: Fields, data: Mapping[str, Any], dob: date | None, today: date) -> list[CaseDoc]:
    cases = []
    for path, item in c.items(data, KEY):
        k = CaseDoc(
            kind=c.choice(item, "kind", f"{path}.kind", CaseKind),
            opened=c.day(item, "opened", f"{path}.opened") or today,
            closed=c.day(item, "closed", f"{path}.closed", required=False),
            believed_abroad=c.flag(item, "believed_abroad", f"{path}.believed_abroad"),
            warrant=c.day(item, "warrant", f"{path}.warrant", required=False),
            outcome=str(item.get("outcome") or ""),
            pnc_reference=c.text(item, "pnc_reference", f"{path}.pnc_reference", required=False, max_len=40),
        )
        for key, value in (("opened", k.opened), ("closed", k.closed), ("warrant", k.warrant)):
            c.not_future(value, f"{path}.{key}", today)
        if k.closed and k.closed < k.opened:
            c.fail(f"{path}.closed", "must not be before the case opened")
        if k.closed and k.outcome not in CaseOutcome.values:
            c.fail(f"{path}.outcome", f"a closed case needs an outcome: one of {', '.join(CaseOutcome.values)}")
        if not k.closed and k.outcome:
            c.fail(f"{path}.outcome", "only a closed case has an outcome")
        if k.outcome == CaseOutcome.RETURNED and not k.believed_abroad:
            c.fail(f"{path}.outcome", "'returned' is only for a case where the person was believed abroad")
        if k.warrant and k.kind == CaseKind.MISSING:
            c.fail(f"{path}.warrant", "only a wanted case has a warrant date")
        if k.warrant and k.closed and k.warrant >= k.closed:
            c.fail(f"{path}.warrant", "must be before the case closed")
        if dob and k.opened < dob:
            c.fail(f"{path}.opened", "must not be before the date of birth")
        cases.append(k)
    ordered = sorted(enumerate(cases), key=lambda ik: ik[1].opened)
    for (_, before), (i, after) in pairwise(ordered):
        if before.closed is None or after.opened < before.closed:
            c.fail(f"cases[{i}].opened", "overlaps another case: a registrant has one missing or wanted case "
                                         "at a time (close the earlier one first)")
    return cases


def spans(cases: list[CaseDoc]) -> list[extensions.Span]:
    return [(k.kind, k.opened, k.closed) for k in cases]


def write(items: Sequence[tuple[Any, list[CaseDoc]]], now: datetime) -> None:
    """The cases of people just written, then their state history derived from each summary."""
    rows = [
        Case(person_id=person.pk, force_id=person.owning_force_id, kind=k.kind, opened_on=k.opened, closed_on=k.closed,
             believed_abroad=k.believed_abroad, warrant_on=k.warrant, outcome=k.outcome,
             pnc_reference=k.pnc_reference, created_at=now)
        for person, cases in items for k in cases
    ]
    Case.objects.bulk_create(rows, batch_size=2000)
    for chunk in chunks(rows, 500):
        backfill_states(chunk)


def load(person_ids: Sequence[Any]) -> dict[Any, list[CaseDoc]]:
    out: dict[Any, list[CaseDoc]] = {}
    for k in Case.objects.filter(person_id__in=person_ids).order_by("person_id", "opened_on", "id"):
        out.setdefault(k.person_id, []).append(
            CaseDoc(k.kind, k.opened_on, k.closed_on, k.believed_abroad, k.warrant_on, k.outcome, k.pnc_reference))
    return out


def _d(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def to_json(cases: list[CaseDoc]) -> list[dict[str, Any]]:
    return [
        {"kind": k.kind, "opened": _d(k.opened), "closed": _d(k.closed), "believed_abroad": k.believed_abroad,
         "warrant": _d(k.warrant), "outcome": k.outcome or None, "pnc_reference": k.pnc_reference or None}
        for k in cases
    ]


def status_spans(quote_name: Callable[[str], str], rows: Callable[..., Any]) -> dict[Any, list[extensions.Span]]:
    out: dict[Any, list[extensions.Span]] = {}
    sql = (f"SELECT person_id, kind, opened_on, closed_on FROM {quote_name(Case._meta.db_table)}"  # noqa: S608
           " WHERE {ids} ORDER BY person_id, opened_on, id")
    for pid, kind, opened, closed in rows(sql):
        out.setdefault(pid, []).append((kind, opened, closed))
    return out


def person_panel(user: Any, person: Any) -> extensions.PersonPanel:
    cases = (list(Case.objects.filter(person=person).select_related("force").order_by("-opened_on", "-id"))
             if extensions.may_hold(person, "cases") else [])
    return extensions.PersonPanel(
        template="casework/_person_cases.html", anchor="cases", title="Missing and wanted cases",
        context={
            "open_cases": [c for c in cases if c.closed_on is None],
            "closed_cases": [c for c in cases if c.closed_on is not None],
            "can_open": is_worker(user),
        },
    )


def sweep_written(person_ids: Sequence[Any]) -> None:
    """The register's people-evaluated hook: sweep the people just written (their breaches and tasks at once)."""
    sweep_people(person_ids)


def install() -> None:
    extensions.register_section(extensions.DocumentSection(
        key=KEY, parse=parse, spans=spans, write=write, load=load, to_json=to_json))
    extensions.register_status_source(KEY, status_spans)
    extensions.register_person_panel(KEY, person_panel)
    extensions.register_people_evaluated("sweep", sweep_written)
