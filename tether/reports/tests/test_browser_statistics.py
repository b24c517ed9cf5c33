"""An analyst's statistics journey in headless Debian Chromium against pytest-django's live server.

Launches the system Chromium at /usr/bin/chromium exactly as ``tether/web/tests/test_browser.py`` does (never
``playwright install``); skips when it is missing unless TETHER_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the sync Playwright API runs an event loop in this thread

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PASSWORD = "correct-horse-battery"  # the personas' password (tether/conftest.py)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser() -> Any:
    if not Path(CHROMIUM).exists():
        if os.environ.get("TETHER_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and TETHER_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def test_analyst_statistics_journey(browser: Any, live_server: Any, world: Any, analyst: Any) -> None:
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
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
