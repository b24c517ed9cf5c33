"""The case pages through the Django test client, on a case opened by the real task outcome on a frozen clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from tether.access.testing import verified_login
from tether.casework.case_services import case_open, case_record_action
from tether.casework.models import Case, CaseAction, Task
from tether.casework.services import sweep, task_complete
from tether.casework.tests.conftest import DUE, at, yearly_doc
from tether.register.services import person_create

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    verified_login(client, user)
    return client


@pytest.fixture
def case(registrant, officer, frozen) -> Case:
    """Breach found on 21 June, whereabouts unknown on 24 June (the case opens), the clock then at 1 July."""
    frozen.move_to(at(DUE + timedelta(days=1)))
    sweep()
    frozen.move_to(at(date(2025, 6, 24)))
    task_complete(officer, Task.objects.get().pk, "whereabouts_unknown", "No trace at any known address.")
    frozen.move_to(at(date(2025, 7, 1)))
    return Case.objects.get()


@pytest.fixture
def second_case(officer, make_doc, case) -> Case:
    """A younger case: another registrant missing since 28 June."""
    doc = yearly_doc(make_doc, names=[{"kind": "current", "given_names": "Brian", "family_name": "Youngcase"}])
    doc["ni_number"], doc["pnc_id"] = None, None
    person = person_create(officer, doc)
    return case_open(officer, person.pk, {"opened_on": "2025-06-28"})


def test_open_cases_by_age_with_days_missing(officer, case, second_case):
    response = client_for(officer).get("/cases/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index(f'data-case="{case.pk}"') < body.index(f'data-case="{second_case.pk}"')
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-testid="days-missing">7</td>' in body
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-testid="days-missing">3</td>' in body
    # as at 25 June, only the first was open, one day missing
    earlier = client_for(officer).get("/cases/?as_of=2025-06-25").content.decode()
    assert f'data-case="{second_case.pk}"' not in earlier and 'data-testid="days-missing">1<' in earlier
    assert client_for(officer).get("/cases/?as_of=2025-13-01").status_code == 400


def test_case_list_roles(analyst, partner, other_officer, national_admin, case):
    assert client_for(analyst).get("/cases/").status_code == 403
    assert client_for(partner).get("/cases/").status_code == 403
    assert f'data-case="{case.pk}"' not in client_for(other_officer).get("/cases/").content.decode()
    assert f'data-case="{case.pk}"' in client_for(national_admin).get("/cases/?force=MPS").content.decode()
    assert client_for(other_officer).get("/cases/?force=MPS").status_code == 403


def test_case_page_shows_the_timeline_and_forms(officer, case):
    body = client_for(officer).get(f"/cases/{case.pk}/").content.decode()
    assert "Opened as missing" in body and "Breach: periodic obligation due 2025-06-20 not met" in body
    assert 'name="pnc_circulation-reference"' in body and 'value="close"' in body
    assert "days late" in body  # PNC within 24 hours of 24 June: past its deadline on 1 July


def test_record_pnc_circulation(officer, case):
    client = client_for(officer)
    response = client.post(f"/cases/{case.pk}/actions/", {"action": "pnc_circulation", "version": case.version,
                                                          "pnc_circulation-reference": "25/123456X"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.pnc_reference == "25/123456X"
    assert not Task.objects.filter(case=case, kind="pnc_circulation", state="open").exists()
    assert "25/123456X" in client.get(response["Location"]).content.decode()


def test_action_errors_use_the_error_summary(officer, case):
    client = client_for(officer)
    response = client.post(f"/cases/{case.pk}/actions/", {"action": "pnc_circulation", "version": case.version})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and 'href="#pnc_circulation-reference"' in body
    assert '<details class="govuk-details" id="pnc_circulation" open>' in body
    response = client.post(f"/cases/{case.pk}/actions/", {
        "action": "case_review", "version": case.version, "case_review-note": "Checked.",
        "case_review-on_day": "2", "case_review-on_month": "7", "case_review-on_year": "2025"})
    assert response.status_code == 400 and "must not be in the future" in response.content.decode()
    assert not CaseAction.objects.exists()


def test_a_stale_version_is_a_conflict(officer, supervisor, case):
    case_record_action(supervisor, case.pk, "note", {"note": "Spoke to the landlord again."})
    response = client_for(officer).post(f"/cases/{case.pk}/actions/", {
        "action": "pnc_circulation", "version": case.version, "pnc_circulation-reference": "25/1X"})
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="conflict"' in body and f'name="version" value="{case.version + 1}"' in body
    assert not Case.objects.get().pnc_reference


def test_assign_an_sio_of_inspector_rank(officer, inspector, case):
    client = client_for(officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'<option value="{inspector.pk}">' in page and f'<option value="{officer.pk}">' not in page
    refused = client.post(f"/cases/{case.pk}/actions/", {"action": "sio_assigned", "version": case.version,
                                                        "sio_assigned-sio": str(officer.pk)})
    assert refused.status_code == 400 and "inspector rank" in refused.content.decode()
    ok = client.post(f"/cases/{case.pk}/actions/", {"action": "sio_assigned", "version": case.version,
                                                   "sio_assigned-sio": str(inspector.pk)})
    assert ok.status_code == 302 and Case.objects.get().sio == inspector


def test_media_decision_then_approval_by_a_supervisor(officer, supervisor, case):
    written = "A written assessment of more than twenty characters."
    response = client_for(officer).post(f"/cases/{case.pk}/actions/", {
        "action": "media_decision", "version": case.version, "media_decision-media_decision": "no_appeal",
        "media_decision-vigilante_risk": written, "media_decision-victim_impact": written,
        "media_decision-public_risk": "short"})
    assert response.status_code == 400 and 'href="#media_decision-public_risk"' in response.content.decode()
    response = client_for(officer).post(f"/cases/{case.pk}/actions/", {
        "action": "media_decision", "version": case.version, "media_decision-media_decision": "no_appeal",
        "media_decision-vigilante_risk": written, "media_decision-victim_impact": written,
        "media_decision-public_risk": written})
    assert response.status_code == 302
    decision = CaseAction.objects.get(kind="media_decision")
    sup = client_for(supervisor)
    assert 'name="media_approval-approved"' in sup.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="media_approval-approved"' not in client_for(officer).get(f"/cases/{case.pk}/").content.decode()
    response = sup.post(f"/cases/{case.pk}/actions/", {
        "action": "media_approval", "version": Case.objects.get().version,
        "media_approval-decision_id": str(decision.pk), "media_approval-approved": "yes"})
    assert response.status_code == 302
    assert not Task.objects.filter(case=case, kind="media_decision", state="open").exists()


def test_close_then_reopen(officer, case):
    client = client_for(officer)
    missing = client.post(f"/cases/{case.pk}/events/", {"event": "close", "version": case.version})
    assert missing.status_code == 400 and 'href="#close-outcome"' in missing.content.decode()
    closed = client.post(f"/cases/{case.pk}/events/", {"event": "close", "version": case.version,
                                                       "close-outcome": "located"})
    assert closed.status_code == 302
    case.refresh_from_db()
    assert case.closed_on == date(2025, 7, 1) and case.outcome == "located"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'value="reopen"' in page and 'name="pnc_circulation-reference"' not in page
    short = client.post(f"/cases/{case.pk}/events/", {"event": "reopen", "version": case.version,
                                                      "reopen-reason": "again"})
    assert short.status_code == 400 and 'href="#reopen-reason"' in short.content.decode()
    reopened = client.post(f"/cases/{case.pk}/events/", {"event": "reopen", "version": case.version,
                                                         "reopen-reason": "Not seen at the address since 30 June."})
    assert reopened.status_code == 302 and Case.objects.get().closed_on is None


def test_another_force_goes_through_the_reason_page(other_officer, case):
    client = client_for(other_officer)
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/people/{case.person_id}/"
    client.post(f"/people/{case.person_id}/", {"reason": "Sighting reported in Manchester today."})
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200 and "Opened as missing" in page.content.decode()
    assert 'name="pnc_circulation-reference"' not in page.content.decode()  # reading, not working, the case
    assert client.post(f"/cases/{case.pk}/actions/", {"action": "note", "version": case.version,
                                                      "note-note": "Seen in Manchester."}).status_code == 403


def test_roles_without_case_work_get_not_found(analyst, auditor, partner, case):
    for user in (analyst, auditor, partner):
        assert client_for(user).get(f"/cases/{case.pk}/").status_code == 404
    assert client_for(analyst).get("/cases/999999/").status_code == 404


def test_person_page_links_to_the_open_case(officer, case):
    body = client_for(officer).get(f"/people/{case.person_id}/").content.decode()
    assert f'href="/cases/{case.pk}/"' in body
