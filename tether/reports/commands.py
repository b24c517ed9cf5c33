"""What ``tether report`` does, kept out of the CLI module so it imports no models.

The command runs as a named account (``--as USERNAME``, or the ``TETHER_USER`` environment variable): the same
role and force scope as on the web and the API, and the account is the actor of the audited ``report.run``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from tether.access.selectors import user_named as _user_named
from tether.core.dates import parse_day
from tether.core.errors import ValidationFailed

from . import rollup
from .disclosure import PublishedTable
from .figures import policy_for, published

FORMATS = ("json", "csv", "xlsx", "ods")
BINARY = ("xlsx", "ods")
_PERIOD = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def user_named(username: str | None) -> Any:
    """The active account a report runs as. NotFound when there is none by that name."""
    return _user_named(username, runs="report")


def parse_period(raw: str | None) -> tuple[date, date] | None:
    if raw in (None, ""):
        return None
    m = _PERIOD.match(str(raw).strip())
    try:
        if not m:
            raise ValueError
        start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
    except ValueError:
        raise ValidationFailed({"period": "must be two dates like 2024-04-01..2025-03-31"}) from None
    if start > end:
        raise ValidationFailed({"period": "the first date must not be after the second"})
    return start, end


@dataclass
class Output:
    """What a report run produced: the document (text or bytes) and a published form for callers."""

    content: str | bytes
    published: PublishedTable | None = None
    data: dict[str, Any] | None = None

    @property
    def binary(self) -> bool:
        return isinstance(self.content, bytes)


def run_report(figure: str, *, username: str | None, as_of: str | None = None, period: str | None = None,
               by: str | None = None, force: str | None = None, threshold: int | None = None,
               rounding: int | None = None, fmt: str = "json") -> Output:
    """``tether report FIGURE``: the published figure in ``fmt`` (json, csv, xlsx, ods)."""
    if fmt not in FORMATS:
        raise ValidationFailed({"format": f"must be one of: {', '.join(FORMATS)}"})
    policy = policy_for(threshold, rounding)
    day = parse_day(as_of, "as_of")
    span = parse_period(period)
    user = user_named(username)
    fig = published(figure, user, as_of=day, period=span, by=by, force=force, policy=policy)
    if fmt == "json":
        return Output(json.dumps(fig.data, indent=2, default=str), fig.table, fig.data)
    if fig.table is None and fmt != "csv":
        raise ValidationFailed({"format": "a series is written as json or csv"})
    return Output(fig.document(fmt), fig.table, fig.data)


def import_returns(path_text: str, *, username: str | None, source: str) -> dict[str, Any]:
    """``tether report rollup --import FILE``."""
    user = user_named(username)
    result = rollup.import_returns(user, path_text, source=source)
    return {"imported": result.rows, "forces": list(result.forces),
            "as_at": [d.isoformat() for d in result.as_at], "source": result.source}
