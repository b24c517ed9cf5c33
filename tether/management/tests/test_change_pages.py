"""The pages that record risk, assessments, MAPPA, the management mode and the offender manager: GOV.UK forms with
every error at once, field-named in sentence case; CSRF; audited; a change that changes nothing writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from tether.access.testing import verified_login
from tether.audit.models import AuditEvent
from tether.management.models import (
    Assessment,
    Intelligence,
    ManagementState,
    ManagerSpell,
    MappaSpell,
    ModeSpell,
    RiskLevelSpell,
)

pytestmark = pytest.mark.django_db


def _url(person, what: str) -> str:
    return f"/people/{person.pk}/management/{what}/"


def _day(name: str, d: date) -> dict[str, str]:
    return {f"{name}_day": str(d.day), f"{name}_month": str(d.month), f"{name}_year": str(d.year)}


def test_risk_level_page_records_with_source_and_reason(client, officer, managed):
    verified_login(client, officer)
    page = client.get(_url(managed, "risk-level"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="valid_from_day"' in html and "Risk level now" in html and "csrfmiddlewaretoken" in html
    before = AuditEvent.objects.filter(action="management.risk_level").count()
    r = client.post(_url(managed, "risk-level"), {"level": "very_high", "source": "arms",
                                                  "reason": "ARMS review after new intelligence",
                                                  **_day("valid_from", date(2025, 6, 10))})
    assert r.status_code == 302 and r["Location"].endswith(f"/people/{managed.pk}/management/")
    now = RiskLevelSpell.objects.get(person=managed, valid_to__isnull=True)
    assert (now.level, now.source, now.valid_from) == ("very_high", "arms", date(2025, 6, 10))
    assert AuditEvent.objects.filter(action="management.risk_level").count() == before + 1
    # the stored duties follow: very high means a visit every month from the last one seen (16 March)
    assert ManagementState.objects.get(person=managed).visit_due == date(2025, 4, 16)


def test_every_error_at_once_field_named_in_sentence_case(client, officer, managed):
    verified_login(client, officer)
    r = client.post(_url(managed, "risk-level"), {"reason": "short", "valid_from_day": "31",
                                                  "valid_from_month": "2", "valid_from_year": "2025"})
    assert r.status_code == 400
    html = r.content.decode()
    for message in ("Select the risk level", "Select where the risk level comes from",
                    "Reason is required: at least 10 characters", "Date the level applies from must be a real date"):
        assert message in html, message
    assert 'href="#valid_from_day"' in html and 'href="#level"' in html
    assert html.index("Select the risk level") < html.index("Reason is required")  # the page's order
    assert not RiskLevelSpell.objects.filter(person=managed, level="very_high").exists()
    assert not AuditEvent.objects.filter(action="management.risk_level", detail__after__level="medium").exists()


def test_the_same_again_writes_nothing(client, officer, managed):
    verified_login(client, officer)
    count = AuditEvent.objects.filter(action="management.risk_level").count()
    r = client.post(_url(managed, "risk-level"), {"level": "high", "source": "review",
                                                  "reason": "Still high after the review"}, follow=True)
    assert r.status_code == 200 and b"Nothing was changed" in r.content
    assert RiskLevelSpell.objects.filter(person=managed).count() == 1
    assert AuditEvent.objects.filter(action="management.risk_level").count() == count


def test_arms_assessment_with_next_review(client, officer, managed):
    verified_login(client, officer)
    r = client.post(_url(managed, "assessment"), {
        "tool": "arms", "assessor": "DC 4567", "summary": "Opportunity limited; positive routine and social "
        "investment.", **_day("assessed_on", date(2025, 6, 12)), **_day("next_review", date(2025, 12, 12))})
    assert r.status_code == 302, r.content.decode()
    a = Assessment.objects.get(person=managed)
    assert (a.tool, a.assessor, a.next_review) == ("arms", "DC 4567", date(2025, 12, 12))
    state = ManagementState.objects.get(person=managed)
    assert (state.assessment_kind, state.assessment_due) == ("arms_review", date(2025, 12, 12))


def test_rm2000_category_and_oasys_need_their_category(client, officer, managed):
    verified_login(client, officer)
    bad = client.post(_url(managed, "assessment"), {"tool": "rm2000_s", "assessor": "Prison psychology",
                                                    **_day("assessed_on", date(2025, 5, 1))})
    assert bad.status_code == 400 and b"Category is required for this tool" in bad.content
    ok = client.post(_url(managed, "assessment"), {"tool": "oasys_rosh", "assessor": "Probation", "category": "high",
                                                   "risk_level": "high", **_day("assessed_on", date(2025, 5, 1))})
    assert ok.status_code == 302
    assert Assessment.objects.get(person=managed, tool="oasys_rosh").category == "high"
    missing_date = client.post(_url(managed, "assessment"), {"tool": "arms", "assessor": "DC 1"})
    assert b"Enter the date of the assessment" in missing_date.content
    assert b"Risk and protective factors is required: at least 10 characters" in missing_date.content


def test_mappa_page(client, officer, managed):
    verified_login(client, officer)
    r = client.post(_url(managed, "mappa"), {"category": "1", "level": "2", "lead_agency": "probation"})
    assert r.status_code == 302
    m = MappaSpell.objects.get(person=managed)
    assert (m.category, m.level, m.lead_agency, m.valid_from) == ("1", "2", "probation", date(2025, 6, 16))
    again = client.post(_url(managed, "mappa"), {"category": "1", "level": "2", "lead_agency": "probation"},
                        follow=True)
    assert b"Nothing was changed" in again.content and MappaSpell.objects.filter(person=managed).count() == 1
    blank = client.post(_url(managed, "mappa"), {})
    for message in (b"Select the MAPPA category", b"Select the MAPPA level", b"Select the lead agency"):
        assert message in blank.content


def test_mode_is_a_supervisors_decision_with_the_rule_checked(client, officer, supervisor, managed):
    verified_login(client, officer)
    assert client.get(_url(managed, "mode")).status_code == 403
    verified_login(client, supervisor)
    page = client.get(_url(managed, "mode")).content.decode()
    assert 'data-testid="eligibility"' in page and "Not eligible" in page and "not low" in page
    refused = client.post(_url(managed, "mode"), {"mode": "reactive", "reason": "Low for years, stable"})
    assert refused.status_code == 400
    assert b"Reactive management needs low risk for at least 3 years" in refused.content
    assert not ModeSpell.objects.filter(person=managed).exists()
    plan = client.post(_url(managed, "mode"), {"mode": "active", "plan_months": "2",
                                               "reason": "Risk management plan: a visit every 2 months"})
    assert plan.status_code == 302
    spell = ModeSpell.objects.get(person=managed)
    assert (spell.mode, spell.plan_months, spell.decided_by) == ("active", 2, supervisor)


def test_reactive_when_eligible(client, officer, supervisor, managed):
    RiskLevelSpell.objects.filter(person=managed).update(level="low", valid_from=date(2021, 1, 4))
    verified_login(client, supervisor)
    r = client.post(_url(managed, "mode"), {"mode": "reactive", "reason": "Low since 2021, no police notice"})
    assert r.status_code == 302
    assert ModeSpell.objects.get(person=managed).mode == "reactive"
    assert ManagementState.objects.get(person=managed).visit_due is None


def test_supervisor_assigns_and_hands_over(client, officer, supervisor, force_admin, managed):
    verified_login(client, officer)
    assert client.get(_url(managed, "manager")).status_code == 403
    verified_login(client, supervisor)
    page = client.get(_url(managed, "manager")).content.decode()
    assert f'value="{supervisor.username}"' in page and "Unassigned (unit queue)" in page
    r = client.post(_url(managed, "manager"), {"manager": supervisor.username, "handover_note": "Visits in the "
                                                                                               "evening work best"})
    assert r.status_code == 302
    spell = ManagerSpell.objects.get(person=managed, valid_to__isnull=True)
    assert spell.manager == supervisor and "evening" in spell.handover_note
    assert AuditEvent.objects.filter(action="management.manager", detail__kind="handover").exists()
    bad = client.post(_url(managed, "manager"), {"manager": "nobody.at.all"})
    assert bad.status_code == 400 and b"Offender manager must be an active officer" in bad.content


def test_csrf_is_required(officer, managed):
    c = Client(enforce_csrf_checks=True)
    verified_login(c, officer)
    r = c.post(_url(managed, "mappa"), {"category": "1", "level": "1", "lead_agency": "police"})
    assert r.status_code == 403 and not MappaSpell.objects.filter(person=managed).exists()


@pytest.mark.parametrize("persona", ["other_officer", "analyst", "partner", "auditor"])
def test_others_cannot_record(request, client, managed, persona):
    verified_login(client, request.getfixturevalue(persona))
    r = client.post(_url(managed, "risk-level"), {"level": "low", "source": "review", "reason": "Not theirs to set"})
    assert r.status_code in (403, 404)
    assert not RiskLevelSpell.objects.filter(person=managed, level="low").exists()


def test_person_page_links_to_the_forms(client, supervisor, managed):
    verified_login(client, supervisor)
    html = client.get(f"/people/{managed.pk}/management/").content.decode()
    for what in ("risk-level", "mappa", "mode", "manager", "assessment", "intelligence"):
        assert _url(managed, what) in html, what


def test_hostile_values_are_field_errors(client, supervisor, managed):
    verified_login(client, supervisor)
    long_digits = "9" * 5000
    r = client.post(_url(managed, "manager"), {"manager": long_digits, "valid_from_day": long_digits})
    assert r.status_code == 400 and b"Offender manager must be an active officer" in r.content
    r = client.post(_url(managed, "mode"), {"mode": "active", "plan_months": "99999999999999999999",
                                            "reason": "A plan far too long to be one"})
    assert r.status_code == 400 and b"months between home visits must be between 1 and 24" in r.content
    assert not ModeSpell.objects.filter(person=managed).exists()


def test_intelligence_page_records_and_lists_it(client, officer, managed):
    verified_login(client, officer)
    assert client.get(_url(managed, "intelligence")).status_code == 200
    r = client.post(_url(managed, "intelligence"), {"summary": "Seen with a child at the park on two evenings",
                                                    **_day("received_on", date(2025, 6, 2))})
    assert r.status_code == 302
    row = Intelligence.objects.get(person=managed)
    assert row.received_on == date(2025, 6, 2) and row.recorded_by == officer
    event = AuditEvent.objects.get(action="management.intelligence")
    assert "Seen with" not in str(event.detail)  # what was learned is not in what auditors read
    html = client.get(f"/people/{managed.pk}/management/").content.decode()
    assert "Seen with a child at the park" in html and "2 Jun 2025" in html


def test_intelligence_errors_are_field_named_and_write_nothing(client, officer, managed):
    verified_login(client, officer)
    r = client.post(_url(managed, "intelligence"), {"summary": "short", "received_on_day": "31",
                                                    "received_on_month": "2", "received_on_year": "2025"})
    assert r.status_code == 400
    html = r.content.decode()
    assert 'href="#summary"' in html and 'href="#received_on_day"' in html
    hostile = client.post(_url(managed, "intelligence"), {"summary": "Seen at the park\u0007 again"})
    assert hostile.status_code == 400 and b"summary: must not contain control characters" in hostile.content
    assert not Intelligence.objects.exists() and not AuditEvent.objects.filter(action="management.intelligence")


def _policy_form(**changes: str) -> dict[str, str]:
    form = {"kind": "fixed", "arms_days": "15", "arms_review_months": "12", "benchmark": "50",
            "weight_very_high": "3", "weight_high": "2", "weight_medium": "1.5", "weight_low": "1",
            "hours_per_visit": "3", "hours_per_assessment": "6", "officer_hours_per_month": "60"}
    return {**form, **changes}


def test_policy_page_saves_a_new_version_and_the_same_again_writes_nothing(client, force_admin, managed):
    from tether.management.models import VisitPolicy

    verified_login(client, force_admin)
    page = client.get("/management/policy/")
    assert page.status_code == 200 and b'name="weight_very_high"' in page.content
    before = VisitPolicy.objects.filter(force=force_admin.force).count()
    r = client.post("/management/policy/", _policy_form(kind="individual", benchmark="40", weight_high="2.5"))
    assert r.status_code == 302
    now = VisitPolicy.objects.get(force=force_admin.force, valid_to__isnull=True)
    assert (now.kind, now.benchmark, now.weights["high"], now.created_by) == ("individual", 40, 2.5, force_admin)
    assert VisitPolicy.objects.filter(force=force_admin.force).count() == before + 1
    events = AuditEvent.objects.filter(action="management.policy").count()
    again = client.post("/management/policy/", _policy_form(kind="individual", benchmark="40", weight_high="2.5"),
                        follow=True)
    assert b"Nothing was changed" in again.content
    assert AuditEvent.objects.filter(action="management.policy").count() == events
    assert b"Versions" in again.content and b"Individual" in again.content


def test_policy_errors_name_each_field(client, force_admin):
    from tether.management.models import VisitPolicy

    verified_login(client, force_admin)
    r = client.post("/management/policy/", _policy_form(arms_days="0", weight_low="lots", kind="sometimes"))
    assert r.status_code == 400
    html = r.content.decode()
    for anchor in ("#arms_days", "#weight_low", "#kind"):
        assert f'href="{anchor}"' in html, anchor
    assert not VisitPolicy.objects.filter(force=force_admin.force, arms_days=0).exists()


def test_policy_page_is_for_administrators(client, supervisor, national_admin):
    verified_login(client, supervisor)
    assert client.get("/management/policy/").status_code == 403
    client.logout()
    verified_login(client, national_admin)
    assert client.get("/management/policy/").status_code == 200
    assert client.get("/management/policy/?force=MPS").status_code == 200
    assert client.get("/management/policy/?force=NOPE").status_code == 400
