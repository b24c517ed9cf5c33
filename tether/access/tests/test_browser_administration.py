"""In Chromium at 375 px: a force administrator invites a user, the invitee opens the one-time link, chooses a
password and sets up two-factor sign-in; the administration pages never scroll sideways."""

from __future__ import annotations

from typing import Any

import pytest

from tether.access.models import User
from tether.access.two_factor import device_code, pending_device
from tether.register.partners import partner_assign
from tether.register.services import person_create
from tether.ui.testing import NARROW, page_width, too_wide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough passphrase 42"


def test_invite_accept_the_link_and_set_a_password_on_a_phone(signed_in_page: Any, browser: Any, live_server: Any,
                                                             force_admin: Any) -> None:
    page = signed_in_page(force_admin)
    page.set_viewport_size({"width": NARROW, "height": 800})
    page.goto(f"{live_server.url}/accounts/")
    page.get_by_role("link", name="Invite a user").click()
    assert page_width(page) <= NARROW
    page.get_by_role("button", name="Invite").click()  # nothing filled in: every error at once
    assert page.locator(".govuk-error-summary a").count() >= 3 and page_width(page) <= NARROW
    page.get_by_label("Username").fill("jo.bloggs")
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Bloggs")
    page.get_by_label("Role").select_option("officer")
    page.get_by_role("button", name="Invite").click()
    link = page.get_by_label("Invitation link").input_value()
    assert "/sign-in/invitation/" in link and page_width(page) <= NARROW

    invitee = browser.new_context(viewport={"width": NARROW, "height": 800}).new_page()
    invitee.goto(link)
    assert "jo.bloggs" in invitee.locator('[data-testid="username"]').inner_text()
    assert page_width(invitee) <= NARROW
    invitee.get_by_label("Password", exact=True).fill("short")
    invitee.get_by_label("Confirm password").fill("other")
    invitee.get_by_role("button", name="Set password").click()
    assert invitee.locator(".govuk-error-summary a").count() == 2 and page_width(invitee) <= NARROW
    invitee.get_by_label("Password", exact=True).fill(PASSWORD)
    invitee.get_by_label("Confirm password").fill(PASSWORD)
    invitee.get_by_role("button", name="Set password").click()
    assert "/sign-in/two-factor/setup/" in invitee.url and page_width(invitee) <= NARROW
    user = User.objects.get(username="jo.bloggs")
    assert user.is_active and user.check_password(PASSWORD)
    invitee.get_by_label("Enter the code your app shows for Tether").fill(device_code(pending_device(user)))
    invitee.get_by_role("button", name="Confirm and continue").click()
    assert invitee.url.rstrip("/") == live_server.url  # signed in, verified: the dashboard

    invitee.goto(link)  # the link worked once
    assert "This link does not work" in invitee.content()


def test_the_administration_pages_fit_a_phone(signed_in_page: Any, live_server: Any, force_admin: Any,
                                              officer: Any, partner: Any, make_doc: Any) -> None:
    person = person_create(officer, make_doc())
    partner_assign(force_admin, partner, person.pk)
    paths = ["/accounts/", f"/accounts/{officer.pk}/", "/accounts/invite/", "/partners/",
             f"/partners/{partner.pk}/", "/compliance/playbook/"]
    assert too_wide(signed_in_page, live_server.url, [(force_admin, paths)]) == {}
