"""The tracing pages at 375 px in headless Chromium: nothing scrolls the page sideways (the waterfall table
scrolls inside its own keyboard-reachable region), with a lead to decide, a decided one and the statistics."""

from __future__ import annotations

from typing import Any

import pytest

from tether.core import clock
from tether.tracing import extracts, services
from tether.tracing.models import Lead
from tether.ui.testing import too_wide

from .conftest import LAWFUL_BASIS, build_traced

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tracing_pages_fit_375_pixels(signed_in_page: Any, live_server: Any, officer: Any, force_admin: Any,
                                      make_doc: Any) -> None:
    traced = build_traced(officer, make_doc)
    source = services.source_save(force_admin, name="DWP test extract with a long name for a narrow screen",
                                  kind="dwp", lawful_basis=LAWFUL_BASIS, retention_days=30,
                                  dsa_reference="DSA-2025-001")
    services.extract_load(force_admin, source, extracts.read_extract(traced["csv"], "dwp.csv", clock.today()),
                          filename="a-partner-extract-file-name-without-spaces-that-goes-on-and-on.csv")
    run = services.linkage_run(officer, source, scope="register")
    leads = list(Lead.objects.filter(run=run).order_by("-probability")[:2])
    assert leads, "the run made no leads"
    services.lead_decide(officer, leads[-1].pk, "reject", reason="Different person: " + "checked " * 40)
    visits = ((officer, ["/tracing/", "/tracing/leads/", "/tracing/leads/?state=all",
                         *[f"/tracing/leads/{lead.pk}/" for lead in leads], "/tracing/statistics/",
                         "/tracing/statistics/?as_of=not-a-date"]),
              (force_admin, ["/tracing/upload/"]))
    wide = too_wide(signed_in_page, live_server.url, visits)
    page = signed_in_page(officer)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/tracing/leads/{leads[0].pk}/")
    assert page.locator("[data-testid=explanation] tbody tr").count() >= 5
    assert page.locator(".tether-chart svg[role=img]").count() == 1
    assert wide == {}
