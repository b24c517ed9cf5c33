"""In Chromium at 375 px: a supervisor of the other force finds a proposed merge on the merge requests page, reviews
it and approves it. Nothing scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest

from tether.access.models import Force, Role, User
from tether.identity.models import Merge
from tether.identity.services import propose_merge
from tether.register.guards import access_person_by_id
from tether.register.services import person_create
from tether.ui.testing import page_width

from .conftest import MERGE_REASON

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 375
OPEN_REASON = "Comparing a likely duplicate record held by another force"


def test_the_other_force_approves_a_proposed_merge_on_a_phone(signed_in_page: Any, live_server: Any, officer: Any,
                                                              other_officer: Any, supervisor: Any,
                                                              make_doc: Any) -> None:
    gmp_supervisor = User.objects.create_user(username="supervisor.gmp", password="x", role=Role.SUPERVISOR,
                                              force=Force.objects.get(code="GMP"))
    mps = person_create(officer, make_doc())
    gmp = person_create(other_officer, make_doc(force="GMP"))
    access_person_by_id(supervisor, gmp.pk, reason=OPEN_REASON)
    access_person_by_id(gmp_supervisor, mps.pk, reason=OPEN_REASON)
    propose_merge(supervisor, mps.pk, gmp.pk, reason=MERGE_REASON)
    page = signed_in_page(gmp_supervisor)
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto(f"{live_server.url}/people/merges/proposals/")
    assert page_width(page) <= WIDTH
    page.locator('[data-testid="waiting"]').get_by_role("link", name="Review").click()
    assert page_width(page) <= WIDTH and MERGE_REASON in page.content()
    page.get_by_role("button", name="Approve and merge the records").click()  # no reason: the error summary
    assert page.locator(".govuk-error-summary").is_visible() and page_width(page) <= WIDTH
    page.get_by_label("Your reason").fill("Our custody photograph agrees with theirs")
    page.get_by_role("button", name="Approve and merge the records").click()
    page.wait_for_url(f"{live_server.url}/people/{mps.pk}/")
    assert Merge.objects.get().merged_id == gmp.pk
    assert page_width(page) <= WIDTH
