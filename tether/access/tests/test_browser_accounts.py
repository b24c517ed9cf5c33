"""In Chromium at 375 px: a force administrator resets an officer's two-factor sign-in from the accounts pages, and a
national administrator reveals an audit event's personal values with a reason. Nothing scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest

from tether.access.testing import ensure_device
from tether.access.two_factor import confirmed_device
from tether.audit.models import AuditEvent
from tether.register.services import identity_update, person_create
from tether.ui.testing import page_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 375


def test_a_force_admin_resets_two_factor_on_a_phone(signed_in_page: Any, live_server: Any, force_admin: Any,
                                                    officer: Any) -> None:
    ensure_device(officer)
    page = signed_in_page(force_admin)
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto(f"{live_server.url}/accounts/")
    assert page_width(page) <= WIDTH
    page.get_by_role("link", name=officer.get_full_name()).click()
    assert page_width(page) <= WIDTH
    page.get_by_role("button", name="Reset two-factor sign-in").click()  # nothing filled in: both errors at once
    summary = page.locator(".govuk-error-summary")
    assert summary.locator("a").count() == 2 and page_width(page) <= WIDTH
    page.get_by_label("Reason for the reset").fill("Lost phone, identity checked in person at Charing Cross")
    page.get_by_label("I have checked who is asking for the reset").check()
    page.get_by_role("button", name="Reset two-factor sign-in").click()
    assert "Two-factor sign-in was reset" in page.locator(".govuk-notification-banner").inner_text()
    assert page_width(page) <= WIDTH
    assert confirmed_device(officer) is None


def test_a_national_admin_reveals_an_events_personal_values_on_a_phone(
        signed_in_page: Any, live_server: Any, national_admin: Any, officer: Any, make_doc: Any) -> None:
    person = person_create(officer, make_doc())
    identity_update(officer, person.pk, {"ni_number": "JK123456C"})
    seq = AuditEvent.objects.get(action="person.identity_update").seq
    page = signed_in_page(national_admin)
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto(f"{live_server.url}/audit/events/{seq}/")
    assert page_width(page) <= WIDTH and "JK123456C" not in page.content()
    page.get_by_label("Why you need the personal values").fill("Complaint 2025/114: checking the NI number")
    page.get_by_role("button", name="Reveal personal values").click()
    assert "JK123456C" in page.locator('[data-testid="revealed"]').inner_text()
    assert page_width(page) <= WIDTH
    assert AuditEvent.objects.filter(action="audit.reveal").count() == 1
