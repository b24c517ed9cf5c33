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


def test_the_partner_token_review_and_order_parts_fit_375_pixels(signed_in_page: Any, live_server: Any, officer: Any,
                                                                 supervisor: Any, force_admin: Any, partner: Any,
                                                                 make_doc: Any) -> None:
    from django.test import Client

    from tether.access.services import token_create
    from tether.access.testing import verified_login
    from tether.casework.selectors import queue_tasks
    from tether.register.legal import review_apply
    from tether.register.partners import partner_assign

    person = person_create(officer, make_doc(
        disposals=[{"date": "2005-03-04", "offence": "Rape (SOA 2003 s.1)", "kind": "imprisonment", "months": 36}],
        detentions=[{"kind": "custody", "start": "2005-03-04", "end": "2006-09-01"}]))
    partner_assign(supervisor, partner, person.pk)
    review_apply(officer, person.pk, {"applied_on": "2025-06-02"})
    task_id = next(r["id"] for r in queue_tasks(supervisor) if r["kind"] == "review_decision")
    token_create(officer.username, name="A rather long token name for the case management link")
    visits = ((supervisor, [f"/people/{person.pk}/", f"/tasks/{task_id}/", "/rules/", f"/rules/?person={person.pk}"]),
              (force_admin, [f"/accounts/{officer.pk}/"]))
    for user, paths in visits:  # each shows what it should (not an error page that happens to fit)
        client = verified_login(Client(), user)
        for path in paths:
            assert client.get(path).status_code == 200, path
    wide = too_wide(signed_in_page, live_server.url, visits)
    assert wide == {}
