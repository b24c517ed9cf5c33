"""The demo's synthetic partner extracts: some of the demo's missing registrants reappear, a run per source makes
leads on their open cases, and everything is marked synthetic."""

from __future__ import annotations

import pytest

from tether.audit.models import AuditEvent
from tether.casework.case_services import case_open
from tether.demo.tracing import populate
from tether.register.services import person_create
from tether.tracing import synthetic
from tether.tracing.models import Extract, Lead, PartnerSource
from tether.tracing.tests.conftest import registrant_doc

pytestmark = pytest.mark.django_db


def test_demo_extracts_lead_to_open_cases(officer, make_doc, frozen):
    people = [person_create(officer, registrant_doc(make_doc, r)) for r in synthetic.people(8, seed=31)]
    cases = {case_open(officer, p.pk).pk for p in people[:4]}
    summary = populate(seed=4)
    assert summary["synthetic"] and [s["source"] for s in summary["sources"]] == [
        "DWP (synthetic demo)", "Housing (synthetic demo)"]
    leads = list(Lead.objects.all())
    assert {lead.source.name for lead in leads} == {"DWP (synthetic demo)", "Housing (synthetic demo)"}
    assert {lead.case_id for lead in leads} <= cases
    assert all("synthetic" in name.lower() for name in PartnerSource.objects.values_list("name", flat=True))
    assert all("synthetic" in f for f in Extract.objects.values_list("filename", flat=True))
    assert AuditEvent.objects.filter(action="tracing.run", actor_label="demo").count() == 2
    assert populate(seed=4)["sources"] == []  # loaded once
