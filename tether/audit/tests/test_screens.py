"""The audit search, its CSV export, the chain check and "who viewed this record" on the person page."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest

from tether.access.constants import Role
from tether.audit.chain import event_hash
from tether.audit.models import AuditEvent
from tether.audit.services import record
from tether.core.downloads import csv_cell
from tether.register.guards import access_person_by_id

from .conftest import sign_in, tamper

pytestmark = pytest.mark.django_db

AUDIT_URLS = ("/audit/", "/audit/export.csv", "/audit/verify/")


def html(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def csv_rows(response: Any) -> list[dict[str, str]]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


# --- who may see the audit -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer", "supervisor", "analyst", "other_officer", "partner", "force_admin"])
def test_everyone_but_auditors_and_national_admins_gets_not_found(request, client, persona, frozen):
    user = request.getfixturevalue(persona)
    sign_in(client, user)
    before = AuditEvent.objects.count()
    for url in AUDIT_URLS:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in html(response)
    assert client.post("/audit/verify/").status_code == 404
    assert 'href="/audit/"' not in html(client.get("/"))  # no nav link either
    assert not AuditEvent.objects.filter(action__startswith="audit.").exists()
    # (the home page lists a worker's open tasks: that read is audited as task.list)
    assert AuditEvent.objects.exclude(action="task.list").count() == before


def test_signed_out_users_are_sent_to_sign_in(client, db):
    for url in AUDIT_URLS:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/"), url


@pytest.mark.parametrize("persona", ["auditor", "national_admin"])
def test_auditors_and_national_admins_get_the_search(request, client, persona, frozen):
    sign_in(client, request.getfixturevalue(persona))
    page = html(client.get("/"))
    assert 'href="/audit/"' in page and ">Audit</a>" in page
    assert client.get("/audit/").status_code == 200


# --- the search ----------------------------------------------------------------------------------------------


def test_auditor_searches_the_trail_and_the_search_is_audited(client, auditor, officer, person, frozen):
    access_person_by_id(officer, person.pk)
    record("auth.sign_in", officer, force_code="MPS")
    sign_in(client, auditor)
    response = client.get("/audit/", {"action": "person.", "force": "mps", "actor": "officer"})
    assert response.status_code == 200
    page = html(response)
    assert "2 events" in page
    assert 'aria-current="page">Audit</a>' in page
    table = page[page.index('data-testid="audit-table"'):]
    assert "person.view" in table and "person.create" in table and "auth.sign_in" not in table
    assert "Officer Persona (Offender manager, MPS)" in table
    assert "12:00:00" in table  # 11:00 UTC shown in UK time (BST)
    assert f'href="/audit/?object_id={person.pk}"' in table
    assert "level: full · reference: TTH-" in table  # the detail summary
    assert 'href="/audit/export.csv?actor=officer&amp;action=person.&amp;force=mps"' in page
    assert '<option value="MPS" selected>' in page
    ev = AuditEvent.objects.filter(action="audit.search").get()
    assert ev.actor == auditor
    assert ev.detail["filters"] == {"actor": "officer", "action": "person.", "force": "MPS"}
    assert ev.detail["results"] == 2 and ev.detail["via"] == "web"
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # no inline scripts


def test_search_pages_keep_the_filters(client, auditor, frozen, settings):
    settings.TETHER_PAGE_SIZE = 5
    for i in range(12):
        record("test.event", detail={"i": i})
    sign_in(client, auditor)
    page = html(client.get("/audit/", {"action": "test.event", "page": 2}))
    assert "12 events" in page and "Showing 6 to 10" in page
    assert 'class="govuk-pagination"' in page
    assert 'href="?action=test.event&amp;page=3"' in page and 'href="?action=test.event&amp;page=1"' in page


def test_bad_filters_show_the_error_summary_and_search_nothing(client, auditor, frozen):
    sign_in(client, auditor)
    response = client.get("/audit/", {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2025",
                                      "date_to_day": "1", "date_to_month": "1", "date_to_year": "2025"})
    assert response.status_code == 400
    page = html(response)
    assert "govuk-error-summary" in page and "<title>Error: Audit trail" in page
    assert '<a href="#date_from_day">Date from must be a real date</a>' in page
    assert 'data-testid="audit-table"' not in page
    response = client.get("/audit/", {"date_from_day": "2", "date_from_month": "1", "date_from_year": "2025",
                                      "date_to_day": "1", "date_to_month": "1", "date_to_year": "2025"})
    assert "Date to must be the same as or after date from" in html(response)
    response = client.get("/audit/", {"reason": "a\tb", "actor": "a\x00b"})
    assert response.status_code == 400  # the request boundary refuses it before the search runs
    assert "reason, actor: must not contain control characters or line separators" in html(response)
    assert client.get("/audit/export.csv", {"date_from_day": "x"}).status_code == 400
    assert not AuditEvent.objects.filter(action__in=["audit.search", "audit.export"]).exists()


def test_dates_filter_on_uk_days(client, auditor, frozen):
    record("on.the.day")
    sign_in(client, auditor)
    day = {"date_from_day": "16", "date_from_month": "6", "date_from_year": "2025"}
    assert "on.the.day" in html(client.get("/audit/", {**day, "action": "on.the.day"}))
    after = {"date_from_day": "17", "date_from_month": "6", "date_from_year": "2025"}
    assert "No events found" in html(client.get("/audit/", {**after, "action": "on.the.day"}))
    ev = AuditEvent.objects.filter(action="audit.search").last()
    assert ev.detail["filters"] == {"action": "on.the.day", "date_from": "2025-06-17"}


# --- the CSV -------------------------------------------------------------------------------------------------


def response_text(rows):
    return json.dumps(rows)


def test_csv_holds_every_matching_event_and_cannot_run_formulas(client, auditor, officer, person, frozen, settings):
    settings.TETHER_PAGE_SIZE = 2  # the export is not limited to a page
    access_person_by_id(officer, person.pk)
    record("test.formula", None, actor_label="=cmd|' /C calc'!A0", reason="+SUM(1,2)",
           detail={"note": "@here", "n": -1})
    record("test.formula", None, actor_label="-2+3", reason="\tTab", object_id="@id")
    record("test.personal", officer, detail={"terms": ["name"]}, personal={"name": "Testperson"})
    sign_in(client, auditor)
    response = client.get("/audit/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.match(r'attachment; filename="tether-audit-20250616T110000Z\.csv"', response["Content-Disposition"])
    rows = csv_rows(response)
    assert list(rows[0]) == ["seq", "at_utc", "at_uk", "actor_id", "actor_username", "actor_label", "action",
                             "object_type", "object_id", "force_code", "reason", "detail", "personal_sha256",
                             "prev_hash", "hash"]
    assert [int(r["seq"]) for r in rows] == list(range(1, AuditEvent.objects.count()))  # all but the export's own
    assert "Testperson" not in response_text(rows)
    view = next(r for r in rows if r["action"] == "person.view")
    assert view["actor_username"] == "officer.mps" and view["object_id"] == str(person.pk)
    assert view["at_utc"] == "2025-06-16T11:00:00+00:00" and view["at_uk"] == "2025-06-16 12:00:00 BST"
    assert json.loads(view["detail"]) == {"level": "full", "reference": person.reference}
    # a row can be checked against its hash straight from the file
    fields = {k: view[k] for k in ("action", "actor_label", "object_type", "object_id", "force_code", "reason")}
    fields.update(seq=int(view["seq"]), at=view["at_utc"], actor_id=int(view["actor_id"]),
                  detail=json.loads(view["detail"]))
    assert event_hash(fields, view["prev_hash"]) == view["hash"]
    # an event with personal values verifies from its digest alone: the file never holds the values
    search = next(r for r in rows if r["personal_sha256"])
    fields = {k: search[k] for k in ("action", "actor_label", "object_type", "object_id", "force_code", "reason")}
    fields.update(seq=int(search["seq"]), at=search["at_utc"], actor_id=int(search["actor_id"]),
                  detail=json.loads(search["detail"]), personal_sha256=search["personal_sha256"])
    assert event_hash(fields, search["prev_hash"]) == search["hash"]
    first, second = (r for r in rows if r["action"] == "test.formula")
    assert first["actor_label"] == "'=cmd|' /C calc'!A0" and first["reason"] == "'+SUM(1,2)"
    assert first["detail"] == '{"n":-1,"note":"@here"}'  # starts with {, so left alone
    assert second["actor_label"] == "'-2+3" and second["reason"] == "'\tTab" and second["object_id"] == "'@id"
    assert rows[1]["prev_hash"] == rows[0]["hash"]


def test_csv_cell_escaping():
    assert [csv_cell(v) for v in ("=1", "+1", "-1", "@a", "\tx", "\rx", "a=1", "", None, 5, -5)] == [
        "'=1", "'+1", "'-1", "'@a", "'\tx", "'\rx", "a=1", "", "", "5", "'-5"]


def test_csv_export_follows_the_filters_and_is_audited(client, auditor, officer, person, frozen):
    access_person_by_id(officer, person.pk)
    sign_in(client, auditor)
    rows = csv_rows(client.get("/audit/export.csv", {"action": "person.view", "object_id": str(person.pk)}))
    assert [r["action"] for r in rows] == ["person.view"]
    ev = AuditEvent.objects.filter(action="audit.export").get()
    assert ev.actor == auditor and ev.detail["format"] == "csv"
    assert ev.detail["filters"] == {"action": "person.view", "object_id": str(person.pk)}
    assert ev.detail["up_to_seq"] == ev.seq - 1


# --- verifying the chain -------------------------------------------------------------------------------------


def test_verify_button_reports_an_intact_chain(client, auditor, frozen):
    for i in range(3):
        record("test.event", detail={"i": i})
    sign_in(client, auditor)
    assert 'action="/audit/verify/"' in html(client.get("/audit/"))
    response = client.post("/audit/verify/")
    page = html(response)
    assert response.status_code == 200
    assert "The audit chain is intact" in page
    ev = AuditEvent.objects.filter(action="audit.verify").get()
    assert ev.detail["ok"] is True and ev.actor == auditor


def test_verify_button_names_the_first_tampered_event(client, auditor, frozen):
    for i in range(5):
        record("test.event", detail={"i": i})
    sign_in(client, auditor)  # its sign-in, if any, comes after event 5
    tamper("UPDATE audit_auditevent SET reason = 'edited' WHERE seq = 3")
    page = html(client.post("/audit/verify/"))
    assert "The audit chain is broken at event 3" in page
    assert "content does not match its hash (edited?)" in page
    assert "Event 3 as it is stored now" in page and "edited" in page
    ev = AuditEvent.objects.filter(action="audit.verify").get()
    assert ev.detail["ok"] is False and ev.detail["first_bad_seq"] == 3


def test_verify_names_a_deleted_event(client, auditor, frozen):
    for i in range(4):
        record("test.event", detail={"i": i})
    sign_in(client, auditor)
    tamper("DELETE FROM audit_auditevent WHERE seq = 2")
    page = html(client.post("/audit/verify/"))
    assert "broken at event 2" in page and "missing" in page


# --- who viewed this record ----------------------------------------------------------------------------------


def _who_viewed(page: str) -> str:
    start = page.find('data-testid="who-viewed"')
    return page[start:] if start >= 0 else ""


def test_supervisor_of_the_owning_force_sees_who_viewed(client, supervisor, officer, person, frozen):
    access_person_by_id(officer, person.pk)
    sign_in(client, supervisor)
    response = client.get(f"/people/{person.pk}/")
    assert response.status_code == 200
    page = html(response)
    section = _who_viewed(page)
    assert "Who viewed this record" in section
    assert 'href="#who-viewed"' in page
    assert "Officer Persona (Offender manager, MPS)" in section
    assert "Supervisor Persona (Supervisor, MPS)" in section  # this very view, newest first
    assert section.index("Supervisor Persona") < section.index("Officer Persona")
    assert "Viewed the record" in section and "Full record" in section
    assert "data-testid=\"who-viewed-all\"" not in section  # supervisors do not have the audit search
    ev = AuditEvent.objects.filter(action="audit.view").get()
    assert ev.actor == supervisor and ev.object_id == str(person.pk) and ev.force_code == "MPS"


def test_officer_of_the_same_force_does_not_see_who_viewed(client, officer, person, frozen):
    sign_in(client, officer)
    page = html(client.get(f"/people/{person.pk}/"))
    assert "Summary" in page
    assert not _who_viewed(page) and "Who viewed this record" not in page
    assert not AuditEvent.objects.filter(action="audit.view").exists()


def test_supervisor_of_another_force_does_not_see_who_viewed(client, other_officer, person, frozen):
    other_officer.role = Role.SUPERVISOR
    other_officer.save()
    access_person_by_id(other_officer, person.pk, reason="Arrested in Salford on warrant 123")  # full record
    sign_in(client, other_officer)
    page = html(client.get(f"/people/{person.pk}/"))
    assert "Summary" in page and "Who viewed this record" not in page


def test_national_admin_sees_who_viewed_with_a_link_to_the_search(client, national_admin, person, frozen):
    for _ in range(25):
        access_person_by_id(national_admin, person.pk)
    sign_in(client, national_admin)
    section = _who_viewed(html(client.get(f"/people/{person.pk}/")))
    assert section.count('<tr class="govuk-table__row">') == 21  # header + the last 20
    assert f'href="/audit/?object_id={person.pk}"' in section
    response = client.get(f"/audit/?object_id={person.pk}")
    assert "29 events" in html(response)  # create, its breach, 25 views, the page's view and the audit view


@pytest.mark.parametrize("bad", ["two", "0", "9" * 10_000, " ".join(["word"] * 1000)])
def test_a_page_that_is_not_a_page_number_is_refused_naming_the_field(client, auditor, bad):
    sign_in(client, auditor)
    refused = client.get("/audit/", {"action": "test.event", "page": bad})
    assert refused.status_code == 400
    assert "Page must be a whole number from 1 to 9,999,999" in refused.content.decode()
