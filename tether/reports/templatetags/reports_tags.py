"""Template helpers for the statistics pages: a published table as header, body and totals rows."""

from __future__ import annotations

from typing import Any

from django import template

from tether.reports.disclosure import PublishedTable
from tether.reports.exporters import table_rows

register = template.Library()


@register.filter
def published_rows(pt: PublishedTable) -> dict[str, Any]:
    """``{"header": [...], "body": [[label, cells...], ...], "total": [...]}`` exactly as the downloads lay out."""
    rows = table_rows(pt)
    return {"header": rows[0], "body": rows[1:-1], "total": rows[-1]}
