"""The travel form in Chromium at 375 px: nothing scrolls sideways, a form with mistakes lists each one, and a trip
recorded through it shows on the person page and in the force's "travelling now" list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tether.core import clock
from tether.register.models import Trip
from tether.register.services import person_create
from tether.ui.testing import NARROW, page_width, too_wide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_travel_form_at_375_pixels(signed_in_page: Any, live_server: Any, officer: Any, make_doc: Any) -> None:
    person = person_create(officer, make_doc())
    page = signed_in_page(officer)
    page.set_viewport_size({"width": NARROW, "height": 800})
    page.goto(f"{live_server.url}/people/{person.pk}/trips/new/")
    assert page_width(page) <= NARROW
    page.fill("#countries", "GB")
    page.get_by_role("button", name="Record travel").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    for message in ("Enter the departure date", "Countries must not include GB"):
        assert message in summary, message
    assert page_width(page) <= NARROW

    left = clock.today() - timedelta(days=2)
    for part, value in (("day", left.day), ("month", left.month), ("year", left.year)):
        page.fill(f"#departure_{part}", str(value))
    page.fill("#countries", "FR, ES")
    page.fill("#arrival_points", "Paris Charles de Gaulle airport, then Madrid Barajas airport by train")
    page.fill("#station", "Charing Cross Police Station")
    page.get_by_role("button", name="Record travel").click()
    page.wait_for_url(f"**/people/{person.pk}/#travel")
    assert Trip.objects.filter(person=person).count() == 1
    assert "Abroad now" in page.locator("#travel").inner_text()
    assert page_width(page) <= NARROW
    assert too_wide(lambda user: page, live_server.url, [(officer, [f"/people/{person.pk}/", "/travelling-now/",
                                                                   f"/people/{person.pk}/stays/new/",
                                                                   f"/people/{person.pk}/advance-notices/new/",
                                                                   f"/people/{person.pk}/trips/1/return/"])]) == {}
    page.goto(f"{live_server.url}/travelling-now/")
    assert person.reference in page.locator("[data-testid=travelling-now]").inner_text()
