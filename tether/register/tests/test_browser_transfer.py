"""A receiving force accepts a transfer on a 375 px screen in headless Debian Chromium: the incoming list and the
person page never scroll sideways, and accepting moves the record to the force from the move date."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tether.access.constants import Role
from tether.access.forces import ensure_forces
from tether.access.models import Force, User
from tether.register.models import Person, Transfer, TransferState
from tether.register.services import person_create
from tether.register.transfers import transfer_start
from tether.ui.testing import NARROW, page_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_receiving_force_accepts_at_375px(signed_in_page: Any, live_server: Any, officer: Any,
                                          make_doc: Any) -> None:
    ensure_forces()
    gmp = User.objects.create_user("officer.gmp.b", password=None, role=Role.OFFICER,
                                   force=Force.objects.get(code="GMP"), last_name="Persona")
    person = person_create(officer, make_doc())
    transfer_start(officer, person.pk, {"to_force": "GMP", "move_date": "2025-06-10"})
    page = signed_in_page(gmp)
    page.set_viewport_size({"width": NARROW, "height": 800})
    page.goto(f"{live_server.url}/transfers/")
    assert page_width(page) <= NARROW
    row = page.get_by_test_id("waiting-transfer")
    assert person.reference in row.inner_text()
    page.goto(f"{live_server.url}/people/{person.pk}/")  # in transit: the receiving force sees the full record
    assert page.get_by_test_id("in-transit").is_visible()
    assert page_width(page) <= NARROW
    page.goto(f"{live_server.url}/transfers/")
    page.get_by_test_id("accept-transfer").click()
    page.wait_for_url(re.compile(rf".*/people/{person.pk}/"))
    assert "You accepted the transfer" in page.content()
    assert page_width(page) <= NARROW
    assert Transfer.objects.get().state == TransferState.ACCEPTED
    assert Person.objects.get(pk=person.pk).owning_force.code == "GMP"
