"""The prescribed item form in Chromium at 375 px: nothing scrolls sideways, a mistake is listed in the error
summary with the number not shown back, and the saved card shows on the person page by its last 4 digits only."""

from __future__ import annotations

from typing import Any

import pytest

from tether.register.services import person_create
from tether.ui.testing import NARROW, page_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAD, GOOD = "4111 1111 1111 1112", "4111 1111 1111 1111"


def test_record_a_card_at_375_pixels(signed_in_page: Any, live_server: Any, officer: Any, make_doc: Any) -> None:
    person = person_create(officer, make_doc())
    page = signed_in_page(officer)
    page.set_viewport_size({"width": NARROW, "height": 800})
    page.goto(f"{live_server.url}/people/{person.pk}/#prescribed")
    page.get_by_role("link", name="Record a debit or credit card").click()
    assert page_width(page) <= NARROW
    page.get_by_label("Credit card").check()
    page.fill("#institution", "Synthetic Bank")
    page.fill("#number", BAD)
    page.fill("#valid_from_day", "2")
    page.fill("#valid_from_month", "1")
    page.fill("#valid_from_year", "2024")
    page.get_by_role("button", name="Record").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Number is not a card number" in summary and "Luhn check" in summary
    assert page.locator("#number").input_value() == ""  # the number is never shown back
    assert BAD not in page.content()
    assert page_width(page) <= NARROW
    page.fill("#number", GOOD)
    page.get_by_role("button", name="Record").click()
    page.wait_for_url(f"**/people/{person.pk}/#prescribed")
    section = page.locator("#prescribed").inner_text()
    assert "Synthetic Bank credit card ending 1111" in section and "4111" not in section.replace("ending 1111", "")
    assert page_width(page) <= NARROW
    page.locator("#prescribed").get_by_role("link", name="Record the end").click()
    assert page.locator("h1").inner_text() == "Record that they no longer hold it"
    assert page_width(page) <= NARROW
    page.goto(f"{live_server.url}/people/{person.pk}/notifications/new/")  # the notification form, longer now
    assert page_width(page) <= NARROW
