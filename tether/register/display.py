"""How obligations read on a page: each with its label and status tag (register pages and the rules explorer)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
