"""GOV.UK pagination: first, last, the current page and its neighbours, an ellipsis over each gap."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest

from tether.core.pagination import pagination_links, query_string


def layout(links: dict[str, Any]) -> list[Any]:
    """The items as the reader sees them: page numbers, "[n]" for the current page and "…" for a gap."""
    return [
        "…" if item.get("ellipsis") else (f"[{item['number']}]" if item["current"] else item["number"])
        for item in links["items"]
    ]


# --- query_string -----------------------------------------------------------------------------------------------


def test_query_string_keeps_the_params_in_order():
    assert query_string({"name": "smith", "force": "MPS"}) == "?name=smith&force=MPS"


def test_query_string_applies_changes_over_the_params():
    assert query_string({"name": "smith", "page": 2}, page=3) == "?name=smith&page=3"
    assert query_string({"name": "smith"}, page=1) == "?name=smith&page=1"


def test_query_string_drops_empty_and_missing_values_but_keeps_zero():
    assert query_string({"name": "", "force": None, "status": "overdue"}) == "?status=overdue"
    assert query_string({"name": "smith"}, name="") == "?"
    assert query_string({"count": 0}) == "?count=0"


def test_query_string_with_nothing_left_is_a_bare_question_mark():
    assert query_string({}) == "?"
    assert query_string({"a": None, "b": ""}) == "?"


def test_query_string_encodes_values():
    qs = query_string({"name": "O'Brien & Sons", "reason": "a=b?c#d", "who": "Zoë"})
    assert parse_qs(qs[1:]) == {"name": ["O'Brien & Sons"], "reason": ["a=b?c#d"], "who": ["Zoë"]}
    assert "#" not in qs and " " not in qs


def test_query_string_does_not_change_the_params():
    params = {"name": "smith", "page": 2}
    query_string(params, page=5, name="")
    assert params == {"name": "smith", "page": 2}


# --- pagination_links -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "last", "expected"),
    [
        (1, 1, ["[1]"]),
        (1, 2, ["[1]", 2]),
        (2, 2, [1, "[2]"]),
        (1, 3, ["[1]", 2, 3]),
        (2, 3, [1, "[2]", 3]),
        (1, 5, ["[1]", 2, "…", 5]),
        (2, 5, [1, "[2]", 3, "…", 5]),
        (3, 5, [1, 2, "[3]", 4, 5]),
        (4, 5, [1, "…", 3, "[4]", 5]),
        (5, 5, [1, "…", 4, "[5]"]),
        (4, 7, [1, "…", 3, "[4]", 5, "…", 7]),  # an ellipsis stands even for one hidden page
        (7, 42, [1, "…", 6, "[7]", 8, "…", 42]),  # the GOV.UK Design System example
        (1, 42, ["[1]", 2, "…", 42]),
        (42, 42, [1, "…", 41, "[42]"]),
    ],
)
def test_pagination_layout(current, last, expected):
    assert layout(pagination_links(current, last, {})) == expected


def test_exactly_one_item_is_current_and_pages_ascend():
    for last in range(1, 12):
        for current in range(1, last + 1):
            items = pagination_links(current, last, {})["items"]
            numbers = [i["number"] for i in items if "number" in i]
            assert numbers == sorted(set(numbers))
            assert [i["number"] for i in items if i.get("current")] == [current]
            assert numbers[0] == 1 and numbers[-1] == last
            # Never two ellipses in a row, never one at either end.
            kinds = ["…" if i.get("ellipsis") else "n" for i in items]
            assert "……" not in "".join(kinds)
            assert kinds[0] == "n" and kinds[-1] == "n"


def test_links_carry_the_filters_and_the_page():
    links = pagination_links(3, 10, {"name": "smith", "force": "MPS", "page": 3})
    by_number = {i["number"]: i["href"] for i in links["items"] if "number" in i}
    assert by_number[1] == "?name=smith&force=MPS&page=1"
    assert by_number[10] == "?name=smith&force=MPS&page=10"
    assert links["previous"] == "?name=smith&force=MPS&page=2"
    assert links["next"] == "?name=smith&force=MPS&page=4"


def test_empty_filters_are_left_out_of_the_links():
    links = pagination_links(1, 2, {"name": "", "status": None})
    assert links["next"] == "?page=2"
    assert links["items"][0]["href"] == "?page=1"


def test_no_previous_on_the_first_page_and_no_next_on_the_last():
    first = pagination_links(1, 3, {})
    last = pagination_links(3, 3, {})
    assert first["previous"] == "" and first["next"] == "?page=2"
    assert last["previous"] == "?page=2" and last["next"] == ""
    only = pagination_links(1, 1, {})
    assert only["previous"] == only["next"] == ""


def test_no_pages_gives_no_items():
    assert pagination_links(1, 0, {}) == {"items": [], "previous": "", "next": ""}


def test_items_have_exactly_the_keys_the_template_reads():
    for item in pagination_links(5, 9, {})["items"]:
        assert set(item) in ({"ellipsis"}, {"number", "href", "current"})


def test_page_error_is_the_same_on_every_paged_list():
    from tether.core.pagination import page_error

    assert page_error("") is None and page_error("3") is None
    for raw in ("0", "two", "9" * 8):
        assert page_error(raw) == {"errors": {"page": "Page must be a whole number from 1 to 9,999,999"},
                                   "error_list": [("#page", "Page must be a whole number from 1 to 9,999,999")],
                                   "page_has_errors": True}
