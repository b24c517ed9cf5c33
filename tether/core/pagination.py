"""GOV.UK pagination links (first, last, the current page and its neighbours, ellipses between). Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode


def query_string(params: Mapping[str, Any], **changes: Any) -> str:
    """``params`` with ``changes`` applied, empty values dropped, as ``?a=1&b=2``."""
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged) if merged else "?"


def page_number(raw: str) -> int:
    """A ``?page=`` value as typed: a whole number from 1 to 9,999,999, anything else the first page."""
    return int(raw) if raw.isdigit() and 0 < len(raw) <= 7 and int(raw) > 0 else 1


def pagination_links(current: int, last: int, params: Mapping[str, Any]) -> dict[str, Any]:
    """Items for the ui/govuk/pagination.html include."""
    numbers = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    items: list[dict[str, Any]] = []
    previous_number = 0
    for n in numbers:
        if n - previous_number > 1:
            items.append({"ellipsis": True})
        items.append({"number": n, "href": query_string(params, page=n), "current": n == current})
        previous_number = n
    return {
        "items": items,
        "previous": query_string(params, page=current - 1) if current > 1 else "",
        "next": query_string(params, page=current + 1) if current < last else "",
    }
