"""An offender manager works a missing case in headless Debian Chromium: the open-cases list, the case page,
PNC circulation recorded with its reference, a wrong form answered with the error summary, and the timeline."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tether.casework.case_services import case_open
from tether.register.services import person_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_records_pnc_circulation(signed_in_page: Any, live_server: Any, officer: Any, make_doc: Any) -> None:
    person = person_create(officer, make_doc())
    case = case_open(officer, person.pk, {"note": "Not at the notified address; neighbours say he left"})
    page = signed_in_page(officer)
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}")  # a refused form answers 400: expected
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)

    page.goto(f"{live_server.url}/")
    page.click("nav[aria-label='Main navigation'] >> text=Cases")
    page.wait_for_url(re.compile(r".*/cases/$"))
    row = page.locator("tbody tr", has_text=person.reference)
    assert row.count() == 1
    assert "0" in row.inner_text()  # days missing on the day it opened

    row.locator(f"a[href='/cases/{case.pk}/']").click()
    page.wait_for_url(re.compile(rf".*/cases/{case.pk}/$"))
    assert person.reference in page.content()

    # an empty reference is refused, in the error summary, with the form left open
    pnc = page.locator("details#pnc_circulation")
    pnc.locator("summary").click()
    pnc.locator("button:has-text('Record PNC circulation')").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "reference" in summary.inner_text().lower()

    pnc = page.locator("details#pnc_circulation")
    assert pnc.get_attribute("open") is not None
    pnc.locator("input[type=text]").first.fill("25/123456X")
    pnc.locator("button:has-text('Record PNC circulation')").click()
    page.locator(".govuk-notification-banner--success").wait_for()
    assert page.get_by_test_id("timeline-reference").first.inner_text() == "25/123456X"
    assert problems == []
