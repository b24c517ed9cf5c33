"""An analyst's statistics journey in headless Debian Chromium against pytest-django's live server.

Launches the system Chromium at /usr/bin/chromium exactly as ``tether/register/tests/test_browser.py`` does (never
``playwright install``); skips when it is missing unless TETHER_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

from typing import Any

import pytest

from tether.ui.testing import page_width

PASSWORD = "correct-horse-battery"  # the personas' password (tether/conftest.py)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(world_afresh: dict[str, Any]) -> dict[str, Any]:
    """The register built for each test: the live server's pages see only what commits."""
    return world_afresh


def test_analyst_statistics_journey(browser: Any, live_server: Any, world: Any, analyst: Any) -> None:
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")  # a refused form answers 400
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    page.goto(f"{base}/")
    page.fill("#id_username", analyst.username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{base}/")

    # the nav link, then the page: headline figures, each chart with its table and downloads
    page.click("nav[aria-label='Main navigation'] >> text=Statistics")
    page.wait_for_url(f"{base}/statistics/")
    assert page.get_by_test_id("headline-longest").inner_text() == "2015"  # MPS's case 1
    for key in ("by-force", "trend", "by-year", "by-time"):
        assert page.get_by_test_id(f"chart-{key}").locator("svg[role=img]").count() == 1
        assert page.get_by_test_id(f"table-{key}").is_visible()

    # a bad date: the GOV.UK error summary links to the field
    page.fill("#as_of_day", "31")
    page.fill("#as_of_month", "2")
    page.fill("#as_of_year", "2024")
    page.click("button:has-text('Show figures')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert "The as-at date must be a real date" in page.locator(".govuk-error-summary").inner_text()

    # a past date
    page.fill("#as_of_day", "30")
    page.fill("#as_of_month", "6")
    page.fill("#as_of_year", "2016")
    page.click("button:has-text('Show figures')")
    assert "as at 30 June 2016" in page.locator("h1").inner_text()

    # a download
    with page.expect_download() as info:
        page.get_by_test_id("section-by-time").get_by_test_id("download-csv").click()
    assert info.value.suggested_filename == "tether-missing-by-time-missing-mps-2016-06-30.csv"
    assert problems == []


def test_duties_by_law_at_375_pixels(signed_in_page: Any, live_server: Any, world: Any, analyst: Any) -> None:
    """The duties-and-breaches page on a phone: no sideways scrolling, with figures or with errors, and the error
    summary names the field."""
    page = signed_in_page(analyst)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/statistics/duties/?as_of=2020-06-30")
    assert "as at 30 June 2020" in page.locator("h1").inner_text()
    assert page.get_by_test_id("chart-duties-by-provision").locator("svg[role=img]").count() == 1
    assert page_width(page) <= 375
    page.fill("#from_day", "1")
    page.fill("#from_month", "7")
    page.fill("#from_year", "2020")
    page.click("button:has-text('Show figures')")
    summary = page.locator(".govuk-error-summary")
    assert "Breaches to must be the same as or after breaches from" in summary.inner_text()
    assert page_width(page) <= 375
