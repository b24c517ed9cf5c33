"""Every main page fits a 375 px phone screen: nothing scrolls the page sideways (a wide table scrolls inside its
own keyboard-reachable region instead)."""

from __future__ import annotations

from typing import Any

import pytest

from tether.casework.case_services import case_open
from tether.register.services import person_create
from tether.ui.testing import too_wide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_main_pages_fit_375_pixels(signed_in_page: Any, live_server: Any, officer: Any, national_admin: Any,
                                   make_doc: Any) -> None:
    person = person_create(officer, make_doc())
    case = case_open(officer, person.pk, {"note": "Not at the notified address"})
    visits = ((officer, ["/", "/people/", f"/people/{person.pk}/", "/tasks/", "/cases/", f"/cases/{case.pk}/",
                         "/compliance/overdue/", "/rules/", "/people/new/", f"/people/{person.pk}/management/",
                         f"/people/{person.pk}/visit/", "/management/overdue/", "/tracing/", "/tracing/leads/"]),
              (national_admin, ["/statistics/", "/statistics/national/", "/people/duplicates/", "/people/merge/",
                                "/management/caseload/", "/management/capacity/", "/tracing/upload/"]))
    wide = too_wide(signed_in_page, live_server.url, visits)
    assert wide == {}
