"""GOV.UK pagination links (first, last, the current page and its neighbours, ellipses between). Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode


def query_string(params: Mapping[str, Any], **changes: Any) -> str:
    """``params`` with ``changes`` applied, empty values dropped, as ``?a=1&b=2``."""
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged) if merged else "?"


T = TypeVar("T")
MAX_PER_PAGE = 500  # the most rows one page of a list gives (the API's per_page)


@dataclass(frozen=True)
class Paged(Generic[T]):
    """One page (``rows``) of a list, which page it is and how many there are, and the whole list's size."""

    rows: list[T]
    total: int
    page: int
    pages: int


def paged(items: Sequence[T], page: int | None, per_page: int) -> Paged[T]:
    """Page ``page`` (from 1; past the last: the last) of ``items``, ``per_page`` (1 to ``MAX_PER_PAGE``) a page;
    ``page`` None: every item on one page (a command line's export)."""
    total = len(items)
    if page is None:
        return Paged(list(items), total, 1, 1)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    pages = max(1, -(-total // per_page))
    page = max(1, min(page, pages))
    return Paged(list(items[(page - 1) * per_page : page * per_page]), total, page, pages)


MAX_PAGE = 9_999_999  # the highest page number any paged list takes (web and API)
PAGE_RULE = f"must be a whole number from 1 to {MAX_PAGE:,}"
PAGE_MESSAGE = f"Page {PAGE_RULE}"  # what every paged list says of a page value that is not a page number


def _is_page(raw: str) -> bool:
    """A page number as typed, read only when short enough to be one (no 10,000-digit conversions)."""
    return raw.isdigit() and len(raw) <= len(str(MAX_PAGE)) and 0 < int(raw) <= MAX_PAGE


def page_number(raw: str) -> int:
    """A ``?page=`` value as typed: a page number (``PAGE_RULE``), anything else the first page."""
    return int(raw) if _is_page(raw) else 1


def page_problem(raw: str) -> str:
    """What is wrong with a ``?page=`` value as typed (``PAGE_RULE``), or "" (none given is the first page)."""
    return "" if raw == "" or _is_page(raw) else PAGE_RULE


def page_error(raw: str) -> dict[str, Any] | None:
    """A page's error context (``errors``, the summary's ``error_list``) for a ``?page=`` value that is not a page
    number, or None: every paged list says the same (``PAGE_MESSAGE``)."""
    if not page_problem(raw):
        return None
    return {"errors": {"page": PAGE_MESSAGE}, "error_list": [("#page", PAGE_MESSAGE)], "page_has_errors": True}


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
