"""The legal record pages in Chromium at 375 px: the disposal form lists every mistake, records a disposal, and the
person page shows its Schedule 3 flag; none of the legal pages scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest

from tether.register.services import person_create
from tether.ui.testing import NARROW, page_width, too_wide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_disposal_form_at_375_pixels(signed_in_page: Any, live_server: Any, officer: Any, make_doc: Any) -> None:
    person = person_create(officer, make_doc())
    page = signed_in_page(officer)
    page.set_viewport_size({"width": NARROW, "height": 800})
    page.goto(f"{live_server.url}/people/{person.pk}/disposals/new/")
    page.fill("#date_day", "31")
    page.fill("#date_month", "2")
    page.fill("#date_year", "2024")
    page.select_option("#kind", "imprisonment")
    page.get_by_role("button", name="Record disposal").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    for message in ("Date of conviction, caution or finding must be a real date", "Enter the offence",
                    "Length in months is required for imprisonment"):
        assert message in summary, message
    assert page_width(page) <= NARROW
    page.fill("#date_day", "10")
    page.fill("#date_month", "1")
    page.fill("#offence", "Exposure (SOA 2003 s.66)")
    page.fill("#court", "Highbury Corner Magistrates' Court")
    page.select_option("#kind", "other")
    page.fill("#months", "6")
    page.get_by_role("button", name="Record disposal").click()
    page.wait_for_url(f"{live_server.url}/people/{person.pk}/#legal-record")
    body = page.locator("main").inner_text()
    assert "was recorded" in body and "flagged for review" in body
    assert page_width(page) <= NARROW
    pid = person.pk
    paths = [f"/people/{pid}/{p}" for p in ("", "disposals/new/", "periods/new/", "orders/new/", "reviews/new/",
                                            "removals/new/")]
    paths.append(f"/people/{pid}/periods/{person.detentions.first().pk}/release/")
    assert too_wide(signed_in_page, live_server.url, [(officer, paths)]) == {}
