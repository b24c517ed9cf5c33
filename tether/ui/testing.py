"""Browser-test helpers for the one narrow-screen rule: a page at 375 px never scrolls sideways, and every table
region that may scroll is reachable by keyboard."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

NARROW = 375  # CSS pixels: the narrowest phone the pages are built for


_WIDTH = "document.documentElement && document.readyState !== 'loading' ? document.documentElement.scrollWidth : null"


def page_width(page: Any, *, tries: int = 100) -> int:
    """The page's full width in CSS pixels (more than the viewport means it scrolls sideways), once it has loaded.

    Measured after a click that navigates, the old document may be going and the new one not yet parsed (no
    ``documentElement``, or the script's context destroyed under it): it is measured again, a little later, until
    the page it lands on has loaded."""
    from playwright.sync_api import Error as PlaywrightError

    for _ in range(tries):
        page.wait_for_load_state()
        try:
            width = page.evaluate(_WIDTH)
        except PlaywrightError as error:  # the page navigated while it was measured: measure the one it landed on
            if "context was destroyed" not in str(error):
                raise
            width = None
        if width is not None:
            return int(width)
        page.wait_for_timeout(50)
    raise AssertionError(f"the page at {page.url} did not finish loading")


def too_wide(page_for: Callable[[Any], Any], base_url: str, visits: Iterable[tuple[Any, list[str]]],
             width: int = NARROW) -> dict[str, int]:
    """Open each path as its user at ``width``: the paths wider than that, with their width. Asserts on the way
    that every table region on the pages is keyboard-reachable (``tabindex="0"``)."""
    wide: dict[str, int] = {}
    for user, paths in visits:
        page = page_for(user)
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            page.goto(f"{base_url}{path}")
            if (w := page_width(page)) > width:
                wide[path] = w
            regions = page.locator(".tether-table-wrapper")
            for i in range(regions.count()):
                assert regions.nth(i).get_attribute("tabindex") == "0", f"{path}: a table region has no tabindex"
    return wide
