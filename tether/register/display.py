"""How obligations read on a page: each with its label and status tag (register pages and the rules explorer)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tether.core.dates import long_date
from tether.obligations import check_disposal
from tether.obligations import types as t

OBLIGATION_KINDS = {
    "initial": "Initial notification",
    "change": "Notify a change",
    "non_occurrence": "Notify an event did not happen",
    "periodic": "Periodic (annual) notification",
    "travel": "Notify travel abroad",
    "absence": "Notify an absence",
    "verification": "Verification",
}
OBLIGATION_STATUSES = {"met": ("Met", "govuk-tag--green"), "due": ("Due", "govuk-tag--yellow"),
                       "overdue": ("Overdue", "govuk-tag--red")}
# --- helpers -----------------------------------------------------------------------------------------------


def obligation_rows(obligations: Iterable[Any]) -> list[dict[str, Any]]:
    """Stored obligations or the engine's: each with its label and status tag."""
    return [
        {
            "o": o,
            "kind": OBLIGATION_KINDS.get(o.kind, o.kind.replace("_", " ").capitalize()),
            "status": OBLIGATION_STATUSES.get(o.status, (o.status.capitalize(), "govuk-tag--grey")),
        }
        for o in obligations
    ]


_CITED = re.compile(r"\(([^()]*\b(?:s|art)\.\s*\d+[A-Z]?)\)")  # "(SOA 2003 s.3)" in an offence's wording


def schedule3_checks(disposals: Iterable[Any], jurisdiction: str, date_of_birth: Any) -> list[dict[str, Any]]:
    """Each disposal with its Schedule 3 check (``obligations.check_disposal``): whether the offence makes the
    person subject and the paragraph checked, or why it needs review. A flag for the officer, never a gate: the
    law is evaluated on the disposal as recorded. The offence is read from the statute its wording cites."""
    rows = []
    for i, d in enumerate(disposals):
        cited = _CITED.search(d.offence or "")
        facts = t.Disposal(date=d.date, kind=d.kind, months=d.months, tier=d.tier,
                           offence=cited.group(1) if cited else None)
        check = check_disposal(facts, jurisdiction, date_of_birth, i)  # type: ignore[arg-type]
        rows.append({"d": d, "check": check, "flagged": check.status in ("not_subject", "review")})
    return rows


def flagged_disposals(disposals: Iterable[Any], jurisdiction: str, date_of_birth: Any) -> list[dict[str, Any]]:
    """The disposals whose Schedule 3 check flags them for review (the offence may not qualify), each with its
    index, check and a line for a report: "disposal 1 (6 December 2026, offence) flagged for review: why (para)"."""
    out = []
    for i, row in enumerate(schedule3_checks(disposals, jurisdiction, date_of_birth)):
        if not row["flagged"]:
            continue
        d, check = row["d"], row["check"]
        where = f" ({check.paragraph})" if check.paragraph else ""
        out.append({"index": i, "check": check,
                    "message": f"disposal {i + 1} ({long_date(d.date)}, {d.offence}) flagged for review: "
                               f"{check.reason}{where}"})
    return out
