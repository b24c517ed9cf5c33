"""The management pages and API: who sees what, ``?as_of=``, audit, and the field visit page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tether.access.testing import verified_login
from tether.audit.models import AuditEvent
from tether.management.models import ManagementState, ManagerSpell, Visit
from tether.management.selectors import person_management, person_summary

from .conftest import VISIT_DUE

pytestmark = pytest.mark.django_db


def test_person_page_shows_duties_and_is_audited(client, officer, managed):
    verified_login(client, officer)
    r = client.get(f"/people/{managed.pk}/management/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Home visit" in html and "§8.3" in html and "High" in html
    assert AuditEvent.objects.filter(action="person.management", object_id=str(managed.pk)).exists()
    assert client.get(f"/people/{managed.pk}/management/?as_of=nope").status_code == 400
    past = client.get(f"/people/{managed.pk}/management/?as_of=2023-01-01").content.decode()
    assert "Not recorded" in past


def test_person_page_panel(client, officer, managed, django_assert_num_queries):
    verified_login(client, officer)
    html = client.get(f"/people/{managed.pk}/").content.decode()
    assert "Risk, MAPPA and visits" in html and 'data-testid="record-visit"' in html
    def shown(m):
        return (m["level_label"], m["level_source"], m["level"].valid_from, m["mappa"], m["mode_label"],
                m["manager"].username, [(d["kind"], d["due"], d["reason"], d["overdue"]) for d in m["duties"]])

    fresh = shown(person_management(managed))
    with django_assert_num_queries(1):  # today's stored outcome
        assert shown(person_summary(managed)) == fresh
    # stored on another day: not used (evaluated from the facts the same statement read), whatever it says
    ManagementState.objects.filter(person=managed).update(
        evaluated_on=VISIT_DUE - timedelta(days=1), duties=[{"kind": "home_visit", "due": "2020-01-01",
                                                            "reason": "stale", "citation": ""}])
    with django_assert_num_queries(1):
        assert shown(person_summary(managed)) == fresh


@pytest.mark.parametrize(("persona", "status"), [("other_officer", 403), ("analyst", 403), ("auditor", 403),
                                                 ("partner", 404)])
def test_others_cannot_see_it(request, client, managed, persona, status):
    user = request.getfixturevalue(persona)
    verified_login(client, user)
    assert client.get(f"/people/{managed.pk}/management/").status_code in (403, 404)


def test_field_visit_page_records_a_visit(client, officer, managed):
    verified_login(client, officer)
    page = client.get(f"/people/{managed.pk}/visit/")
    assert page.status_code == 200 and b'type="date"' in page.content and b"width=device-width" in page.content
    bad = client.post(f"/people/{managed.pk}/visit/", {"visited_on": "2025-06-16", "visited_time": "08:30",
                                                        "attended_by": "PC 1"})
    assert bad.status_code == 400 and b"govuk-error-summary" in bad.content
    r = client.post(f"/people/{managed.pk}/visit/", {"visited_on": "2025-06-16", "visited_time": "08:30",
                                                      "attended_by": "PC 1", "outcome": "seen"})
    assert r.status_code == 302
    assert Visit.objects.filter(person=managed).count() == 2


def test_unit_pages_for_supervisors_only(client, officer, supervisor, managed):
    verified_login(client, officer)
    assert client.get("/management/caseload/").status_code == 403
    assert client.get("/management/overdue/").status_code == 200
    verified_login(client, supervisor)
    html = client.get("/management/caseload/").content.decode()
    assert "Officer Persona" in html and "Unassigned" in html
    cap = client.get("/management/capacity/?what_if=fixed")
    assert cap.status_code == 200 and b"What if" in cap.content
    assert client.get("/management/overdue/?as_of=2025-06-17").status_code == 200
    assert AuditEvent.objects.filter(action="management.caseload").exists()


def test_api(api_client, officer, supervisor, managed):
    c = api_client(officer)
    r = c.get(f"/api/v1/people/{managed.pk}/management")
    assert r.status_code == 200
    body = r.json()
    assert body["risk_level"] == "high" and any(d["kind"] == "home_visit" and d["due"] == VISIT_DUE.isoformat()
                                                for d in body["duties"])
    w = c.post(f"/api/v1/people/{managed.pk}/management/mappa", {"category": "1", "level": "1",
                                                                  "lead_agency": "police"},
               content_type="application/json")
    assert w.status_code == 200, w.content
    assert w.json()["changed"] is True
    bad = c.post(f"/api/v1/people/{managed.pk}/visits", {"outcome": "x"}, content_type="application/json")
    assert bad.status_code == 400 and {e["field"] for e in bad.json()["errors"]} >= {"outcome", "visited_at"}
    assert c.get("/api/v1/management/caseload").status_code == 403
    s = api_client(supervisor)
    assert s.get("/api/v1/management/capacity?what_if=fixed").json()["units"][0]["force"] == "MPS"


def test_dashboard_assigned_to_me(client, officer, managed):
    verified_login(client, officer)
    html = client.get("/").content.decode()
    assert "1 registrant is assigned to you" in html and 'data-testid="my-registrants"' in html


def test_unit_pages_read_a_govuk_date_input(client, supervisor, managed):
    verified_login(client, supervisor)
    r = client.get("/management/capacity/?as_of_day=10&as_of_month=6&as_of_year=2025&what_if=fixed")
    assert r.status_code == 200 and b"10 June 2025" in r.content and b'name="as_of_day"' in r.content
    assert b'value="10"' in r.content
    bad = client.get("/management/caseload/?as_of_day=31&as_of_month=2&as_of_year=2025")
    assert bad.status_code == 400 and b'href="#as_of_day"' in bad.content
    assert b"The &#x27;as at&#x27; date must be a real date" in bad.content
    future = client.get("/management/overdue/?as_of_day=1&as_of_month=1&as_of_year=2030")
    assert future.status_code == 400 and b"must be today or in the past" in future.content
    policy = client.get("/management/capacity/?what_if=nonsense")
    assert policy.status_code == 400 and b"Select a policy from the list" in policy.content
    assert b'class="govuk-button" data-module="govuk-button">Show' in policy.content


def test_caseload_lists_the_unit_queue_to_assign(client, officer, supervisor, make_doc, managed):
    from tether.register.services import person_create

    waiting = person_create(officer, make_doc(ni_number="AB123457C"))
    assert not ManagerSpell.objects.filter(person=waiting).exists()
    from tether.management.services import risk_level_set

    risk_level_set(officer, waiting.pk, {"level": "medium", "reason": "Recorded at the first review"})
    verified_login(client, supervisor)
    html = client.get("/management/caseload/").content.decode()
    assert 'data-testid="unit-queue"' in html and f"/people/{waiting.pk}/management/manager/" in html
    assert f"/people/{managed.pk}/management/manager/" not in html  # assigned already
    assert AuditEvent.objects.filter(action="management.unit_queue").exists()


def test_the_overdue_list_is_paged_on_the_page_and_in_the_api(client, api_client, supervisor, managed, frozen,
                                                             monkeypatch):
    from datetime import UTC, datetime

    from tether.management import views

    frozen.move_to(datetime(2026, 6, 1, 9, tzinfo=UTC))
    s = api_client(supervisor)
    whole = s.get("/api/v1/management/overdue").json()
    assert whole["total"] == len(whole["rows"]) >= 2 and whole["pages"] == 1
    second = s.get("/api/v1/management/overdue?per_page=1&page=2").json()
    assert (second["page"], second["pages"], second["total"]) == (2, whole["total"], whole["total"])
    assert second["rows"] == whole["rows"][1:2]
    assert s.get("/api/v1/management/overdue?per_page=1&page=99").json()["page"] == whole["total"]  # the last
    for bad in ("per_page=501", "per_page=0", "page=0", "page=x"):
        r = s.get(f"/api/v1/management/overdue?{bad}")
        assert r.status_code == 400 and bad.split("=")[0] in r.content.decode(), bad
    monkeypatch.setattr(views, "OVERDUE_PER_PAGE", 1)
    verified_login(client, supervisor)
    html = client.get("/management/overdue/?page=2").content.decode()
    assert f"Page 2 of {whole['total']}" in html and "govuk-pagination" in html
    assert html.count('<tr class="govuk-table__row">') == 2  # the header and the page's one row
    assert f'<td class="govuk-table__cell govuk-table__cell--numeric">{whole["rows"][1]["days_overdue"]}</td>' in html
    for bad in ("nope", "0", "9" * 10_000, " ".join(["1"] * 1000)):  # refused naming the field
        refused = client.get("/management/overdue/", {"page": bad})
        assert refused.status_code == 400 and "Page must be a whole number" in refused.content.decode(), bad[:10]
    event = AuditEvent.objects.filter(action="management.overdue").latest("id")
    assert event.detail["rows"] == whole["total"] and event.detail["shown"] == 1
