"""The management forms and pages in Chromium at 375 px: nothing scrolls sideways, the buttons are GOV.UK buttons,
and a form sent with mistakes shows every one in the error summary."""

from __future__ import annotations

from typing import Any

import pytest

from tether.register.services import person_create
from tether.ui.testing import page_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_management_pages_fit_375_pixels(signed_in_page: Any, live_server: Any, officer: Any, supervisor: Any,
                                         national_admin: Any, force_admin: Any, make_doc: Any) -> None:
    from tether.management.services import policy_set

    person = person_create(officer, make_doc())
    # the force manages in Tether with too few hours: the capacity page names who is missed first
    policy_set(force_admin, None, {"kind": "fixed", "officer_hours_per_month": 1})
    too_wide = {}
    for user, paths in ((supervisor, [f"/people/{person.pk}/management/{what}/" for what in
                                      ("risk-level", "assessment", "mappa", "mode", "manager", "intelligence")]
                         + ["/management/caseload/", "/management/capacity/", "/management/overdue/",
                            f"/people/{person.pk}/management/", "/statistics/management/"]),
                        (national_admin, ["/management/capacity/", "/management/caseload/",
                                          "/statistics/management/", "/management/policy/?force=MPS"])):
        page = signed_in_page(user)
        page.set_viewport_size({"width": 375, "height": 800})
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            if page_width(page) > 375:
                too_wide[path] = page_width(page)
    assert too_wide == {}
    page = signed_in_page(supervisor)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/management/capacity/")
    assert page.get_by_text("ARMS assessment due").count() >= 1  # the first missed, listed


def test_capacity_button_is_a_styled_govuk_button(signed_in_page: Any, live_server: Any, national_admin: Any) -> None:
    page = signed_in_page(national_admin)
    page.goto(f"{live_server.url}/management/capacity/")
    button = page.locator("form.tether-filters button.govuk-button")
    colour = button.evaluate("b => getComputedStyle(b).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "rgb(239, 239, 239)", "rgb(240, 240, 240)")  # not the browser's grey
    assert page.locator("#as_of_day").count() == 1  # a GOV.UK date input, not a text date
    page.fill("#as_of_day", "31")
    page.fill("#as_of_month", "2")
    page.fill("#as_of_year", "2025")
    button.click()
    assert "must be a real date" in page.locator(".govuk-error-summary").inner_text()


def test_a_form_with_mistakes_lists_them_all(signed_in_page: Any, live_server: Any, officer: Any,
                                             make_doc: Any) -> None:
    person = person_create(officer, make_doc())
    page = signed_in_page(officer)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/people/{person.pk}/management/risk-level/")
    page.fill("#reason", "short")
    page.fill("#valid_from_day", "40")
    page.fill("#valid_from_month", "1")
    page.fill("#valid_from_year", "2025")
    page.get_by_role("button", name="Record the risk level").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    for message in ("Select the risk level", "Select where the risk level comes from", "Reason is required",
                    "Date the level applies from must be a real date"):
        assert message in summary, message
    assert page_width(page) <= 375
