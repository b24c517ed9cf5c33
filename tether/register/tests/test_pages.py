from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from tether.access.models import AccessGrant
from tether.access.permissions import WORKER_ROLES as WRITER_ROLES
from tether.access.testing import PERSONA_PASSWORD as PASSWORD
from tether.audit.models import AuditEvent
from tether.conftest import FROZEN_AT
from tether.register.models import Notification, Person
from tether.register.services import person_create
from tether.register.testing import named, person_doc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]  # dates below are the frozen clock's
TODAY = FROZEN_AT.date()


def text(response: Any) -> str:
    return response.content.decode()


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


# --- signing in ----------------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client: Any, gmp_person: Any) -> None:
    for url in ("/", "/people/", "/people/new/", f"/people/{gmp_person.pk}/",
                f"/people/{gmp_person.pk}/notifications/new/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/sign-in/?next="), url


def test_sign_in_page_renders_with_our_assets(client: Any) -> None:
    response = client.get("/sign-in/")
    assert response.status_code == 200
    html = text(response)
    assert "Sign in to Tether" in html
    assert '<link rel="stylesheet" href="/static/tether/build/tether.css">' in html
    assert '<script type="module" src="/static/tether/js/tether.js"></script>' in html
    assert "/static/htmx/htmx.min.js" in html
    # no inline scripts (a strict CSP will forbid them) and no crown
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "crown" not in html.lower()


def test_bad_credentials_show_an_error_summary(client: Any, other_officer: Any) -> None:
    response = client.post("/sign-in/", {"username": other_officer.username, "password": "wrong password"})
    assert response.status_code == 200
    html = text(response)
    assert "govuk-error-summary" in html
    assert "Enter a correct username and password" in html
    assert "<title>Error: Sign in" in html
    assert "_auth_user_id" not in client.session


def test_empty_sign_in_names_each_field(client: Any, db: Any) -> None:
    html = text(client.post("/sign-in/", {"username": "", "password": ""}))
    assert "Enter your username" in html and "Enter your password" in html


def test_sign_in_and_sign_out(client: Any, other_officer: Any, frozen: Any) -> None:
    from tether.access.testing import ensure_device, totp_code

    device = ensure_device(other_officer)
    response = client.post("/sign-in/", {"username": other_officer.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/sign-in/two-factor/"
    response = client.post("/sign-in/two-factor/", {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    html = text(client.get("/"))
    assert "Olive Okafor" in html
    assert "Offender manager, Greater Manchester Police" in squash(html)
    assert 'action="/sign-out/"' in html
    assert client.get("/sign-out/").status_code == 405  # sign out is a POST form only
    response = client.post("/sign-out/")
    assert response.status_code == 302 and response["Location"] == "/sign-in/"
    assert client.get("/").status_code == 302


# --- dashboard -------------------------------------------------------------------------------------------------


def test_dashboard_shows_the_officers_force_counts(other_officer_client: Any, gmp_person: Any, mps_person: Any) -> None:
    response = other_officer_client.get("/")
    assert response.status_code == 200
    html = text(response)
    assert "Your caseload" in html
    assert re.search(r'data-testid="count-registrants">1<', html)  # the MPS registrant is not counted
    assert 'href="/people/?status=overdue"' in html


@pytest.mark.parametrize("role_fixture", ["analyst", "auditor"])
def test_roles_without_personal_data_see_no_caseload(client: Any, request: Any, role_fixture: str,
                                                     gmp_person: Any) -> None:
    client.force_login(request.getfixturevalue(role_fixture))
    html = text(client.get("/"))
    assert "does not see personal data" in html
    assert "count-registrants" not in html
    assert 'href="/people/"' not in html  # no register link in the navigation
    assert "John" not in html


# --- the register ----------------------------------------------------------------------------------------------


def test_register_lists_own_force_in_full(other_officer_client: Any, gmp_person: Any, mps_person: Any) -> None:
    response = other_officer_client.get("/people/")
    assert response.status_code == 200
    html = text(response)
    assert gmp_person.reference in html
    assert "SMITH, John" in html
    assert "JONES, Mary" not in html  # own force by default
    assert "All forces (national index)" in html
    assert f'href="/people/{gmp_person.pk}/"' in html


def test_register_national_index_hides_other_forces_details(other_officer_client: Any, gmp_person: Any,
                                                            mps_person: Any) -> None:
    html = text(other_officer_client.get("/people/", {"force": "ALL"}))
    assert "JONES, Mary" in html and "SMITH, John" in html
    assert mps_person.reference not in html  # national index rows show no reference
    assert "Metropolitan Police Service" in html
    assert f'href="/people/{mps_person.pk}/"' in html
    assert "National index" in html


def test_register_filters_by_name_and_reference(other_officer_client: Any, other_officer: Any, gmp_person: Any) -> None:
    other = person_create(other_officer, person_doc(names=named("Alan", "Brown"), ni_number=None))
    html = text(other_officer_client.get("/people/", {"name": "brown"}))
    assert "BROWN, Alan" in html and "SMITH, John" not in html
    html = text(other_officer_client.get("/people/", {"reference": gmp_person.reference}))
    assert "SMITH, John" in html and "BROWN, Alan" not in html
    html = text(other_officer_client.get("/people/", {"name": "nobody-like-this"}))
    assert "No registrants found" in html
    assert other.reference not in html


def test_register_status_filter_overdue(other_officer_client: Any, gmp_person: Any) -> None:
    response = other_officer_client.get("/people/", {"status": "overdue"})
    assert response.status_code == 200
    assert '<option value="overdue" selected>' in text(response)


def test_register_paginates(other_officer_client: Any, other_officer: Any, settings: Any) -> None:
    settings.TETHER_PAGE_SIZE = 2
    for given in ("Ann", "Bob", "Cal"):
        person_create(other_officer, person_doc(names=named(given, "Walker"), ni_number=None))
    html = text(other_officer_client.get("/people/"))
    assert "3 registrants" in html
    assert "govuk-pagination" in html
    assert 'href="?page=2"' in html
    page2 = text(other_officer_client.get("/people/", {"page": 2}))
    assert "WALKER, Cal" in page2 and "WALKER, Ann" not in page2
    assert 'aria-current="page"' in page2


def test_register_htmx_request_gets_just_the_results(other_officer_client: Any, gmp_person: Any) -> None:
    response = other_officer_client.get("/people/", {"name": "smith"}, HTTP_HX_REQUEST="true")
    html = text(response)
    assert html.lstrip().startswith('<div id="register-results"')
    assert "SMITH, John" in html
    assert "<html" not in html


def test_analyst_cannot_search_the_register(client: Any, analyst: Any) -> None:
    client.force_login(analyst)
    response = client.get("/people/")
    assert response.status_code == 403
    assert "You cannot do this" in text(response)


# --- the person page -------------------------------------------------------------------------------------------


def test_person_page_full_record(other_officer_client: Any, gmp_person: Any) -> None:
    response = other_officer_client.get(f"/people/{gmp_person.pk}/")
    assert response.status_code == 200
    html = squash(text(response))
    for expected in (gmp_person.reference, "SMITH, John", "2 April 1980", "JK123456C", "Greater Manchester Police",
                     "Registration starts", "Eligible for review", "Obligations", "Sexual assault", "SA01",
                     "Imprisonment", "1 High Street", "M1 1AA", "Child under 18", "Current name",
                     "No notifications have been recorded", "Record a notification",
                     "There have been no missing or wanted cases"):
        assert expected in html, expected
    assert f'href="/people/{gmp_person.pk}/notifications/new/"' in html
    assert AuditEvent.objects.filter(action="person.view", object_id=str(gmp_person.pk)).exists()


def _selects(queries: list[dict[str, Any]], table: str) -> int:
    """How many of the captured queries read whole rows of ``table`` (not the one asking which tables hold any)."""
    return sum(q["sql"].startswith(f'SELECT "{table}"."id"') for q in queries)


def test_person_page_reads_each_table_once_and_skips_empty_ones(other_officer_client: Any, gmp_person: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    other_officer_client.get(f"/people/{gmp_person.pk}/")
    with CaptureQueriesContext(connection) as ctx:
        response = other_officer_client.get(f"/people/{gmp_person.pk}/")
    assert response.status_code == 200
    # read once, shared by the page, the Schedule 3 checks and the panels
    for table in ("people_address", "register_disposal", "register_detention", "register_order", "people_personname",
                  "register_personobligation", "register_notification"):
        assert _selects(ctx.captured_queries, table) == 1, table
    # the panels' tables that hold nothing of this person are not read at all
    for table in ("register_trip", "register_stay", "register_advancenotice", "register_review", "register_removal",
                  "register_transfer", "cases_case", "identity_merge", "register_prescribeditem", "tracing_lead"):
        assert _selects(ctx.captured_queries, table) == 0, table
    # read with the person (its register state, its force) and with the user (the user's force)
    assert not [q for q in ctx.captured_queries
                if q["sql"].startswith(('SELECT "register_registerstate"', 'SELECT "access_force"'))]
    assert len(ctx.captured_queries) <= PERSON_PAGE_QUERIES, [q["sql"][:80] for q in ctx.captured_queries]
    assert AuditEvent.objects.filter(action="person.view", object_id=str(gmp_person.pk)).count() == 2


PERSON_PAGE_QUERIES = 25  # as measured (PostgreSQL; SQLite 23), kept as a ceiling: a new query raises it on purpose


def test_other_force_officer_sees_limited_then_full_after_reason(other_officer_client: Any, other_officer: Any,
                                                                 mps_person: Any) -> None:
    url = f"/people/{mps_person.pk}/"
    html = text(other_officer_client.get(url))
    assert "JONES, Mary" in html and "Metropolitan Police Service" in html
    assert "Record why you need the full record" in html
    assert mps_person.reference not in html
    assert "CE123456D" not in html and "2 Low Road" not in html
    assert "Record a notification" not in html

    # too short a reason: a field error, nothing opened
    response = other_officer_client.post(url, {"reason": "because"})
    assert response.status_code == 400
    html = text(response)
    assert "govuk-error-summary" in html and 'href="#reason"' in html
    assert "at least 10 letters" in html
    assert "CE123456D" not in html
    assert not AccessGrant.objects.filter(user=other_officer).exists()

    response = other_officer_client.post(url, {"reason": "Intelligence report 2024/118 names this person"})
    assert response.status_code == 302 and response["Location"] == url
    html = text(other_officer_client.get(url))
    assert "CE123456D" in html and "2 Low Road" in html and mps_person.reference in html
    assert "Your reason was recorded" in html
    assert "Intelligence report 2024/118" in html  # the grant is shown to the user
    assert AccessGrant.objects.filter(user=other_officer, person=mps_person).exists()


def test_blank_reason_is_a_field_error(other_officer_client: Any, mps_person: Any) -> None:
    response = other_officer_client.post(f"/people/{mps_person.pk}/", {})
    assert response.status_code == 400
    assert "Give the reason you need this record" in text(response)


@pytest.mark.parametrize("role_fixture", ["analyst", "auditor"])
def test_roles_without_personal_data_get_404_on_a_person(client: Any, request: Any, role_fixture: str,
                                                         gmp_person: Any) -> None:
    client.force_login(request.getfixturevalue(role_fixture))
    response = client.get(f"/people/{gmp_person.pk}/")
    assert response.status_code == 404
    html = text(response)
    assert "Page not found" in html
    assert "John" not in html


def test_unknown_person_is_404(other_officer_client: Any) -> None:
    response = other_officer_client.get(f"/people/{uuid.uuid4()}/")
    assert response.status_code == 404
    assert "Page not found" in text(response)
    assert other_officer_client.get("/people/not-a-uuid/").status_code == 404


def test_national_admin_sees_every_force_in_full(client: Any, national_admin: Any, mps_person: Any) -> None:
    client.force_login(national_admin)
    html = text(client.get(f"/people/{mps_person.pk}/"))
    assert "CE123456D" in html
    html = text(client.get("/people/"))
    assert mps_person.reference in html and "National index" not in html


# --- creating a registrant -------------------------------------------------------------------------------------


def create_form(**overrides: str) -> dict[str, str]:
    disposal = TODAY - timedelta(days=200)
    moved = TODAY - timedelta(days=100)
    data = {
        "given_names": "Peter", "family_name": "Parker",
        "date_of_birth_day": "15", "date_of_birth_month": "6", "date_of_birth_year": "1975",
        "sex": "male", "ni_number": "JK 12 34 56 A", "pnc_id": "",
        "address_line1": "10 Mill Lane", "address_line2": "", "address_town": "Salford",
        "address_postcode": "m5 4wt", "address_child_under_18": "yes",
        "address_from_day": str(moved.day), "address_from_month": str(moved.month),
        "address_from_year": str(moved.year),
        "disposal_date_day": str(disposal.day), "disposal_date_month": str(disposal.month),
        "disposal_date_year": str(disposal.year),
        "disposal_offence": "Sexual assault", "disposal_offence_code": "", "disposal_kind": "imprisonment",
        "disposal_months": "30",
    }
    data.update(overrides)
    return data


def test_create_page_renders(other_officer_client: Any) -> None:
    response = other_officer_client.get("/people/new/")
    assert response.status_code == 200
    html = text(response)
    assert "Add a registrant" in html
    for field in ("date_of_birth_day", "given_names", "family_name", "ni_number", "pnc_id", "address_postcode",
                  "address_child_under_18", "address_from_year", "disposal_kind", "disposal_months"):
        assert f'name="{field}"' in html, field


def test_create_person_success(other_officer_client: Any, other_officer: Any) -> None:
    response = other_officer_client.post("/people/new/", create_form())
    assert response.status_code == 302, text(response)
    person = Person.objects.get(display_name__icontains="Parker")
    assert response["Location"] == f"/people/{person.pk}/"
    assert person.owning_force == other_officer.force
    assert person.ni_number == "JK123456A"
    address = person.addresses.get()
    assert address.postcode == "M5 4WT" and address.child_under_18
    html = text(other_officer_client.get(response["Location"]))
    assert "govuk-notification-banner--success" in html
    assert "was added to the register" in html


@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"ni_number": "NOT AN NINO"}, "#ni_number", "National Insurance number in the correct format"),
        ({"address_postcode": "XYZ 123"}, "#address_postcode", "Enter a real UK postcode"),
        ({"date_of_birth_year": str(TODAY.year + 1)}, "#date_of_birth_day", "Date of birth must be in the past"),
        ({"date_of_birth_month": "13"}, "#date_of_birth_day", "Date of birth must be a real date"),
        ({"sex": ""}, "#sex", "Select their sex"),
        ({"disposal_months": "lots"}, "#disposal_months", "Length in months must be a whole number"),
        ({"family_name": ""}, "#family_name", "Enter the family name"),
    ],
)
def test_create_person_errors_write_nothing(other_officer_client: Any, overrides: dict[str, str], anchor: str,
                                            message: str) -> None:
    before = Person.objects.count(), AuditEvent.objects.filter(action="person.create").count()
    response = other_officer_client.post("/people/new/", create_form(**overrides))
    assert response.status_code == 400
    html = text(response)
    assert "govuk-error-summary" in html
    assert f'<a href="{anchor}">' in html
    assert message in html
    assert "<title>Error: " in html
    assert "govuk-form-group--error" in html
    assert (Person.objects.count(), AuditEvent.objects.filter(action="person.create").count()) == before
    # what was typed is kept
    assert 'value="Peter"' in html


def test_create_person_empty_form(other_officer_client: Any) -> None:
    response = other_officer_client.post("/people/new/", {})
    assert response.status_code == 400
    html = text(response)
    for anchor in ("#date_of_birth_day", "#sex", "#given_names", "#family_name", "#disposal_date_day",
                   "#disposal_offence", "#disposal_kind"):
        assert f'href="{anchor}"' in html, anchor
    assert Person.objects.count() == 0


def test_create_person_lists_every_problem_at_once(other_officer_client: Any) -> None:
    response = other_officer_client.post(
        "/people/new/", create_form(date_of_birth_month="13", address_postcode="nope", ni_number="123")
    )
    html = text(response)
    assert 'href="#date_of_birth_day"' in html
    assert 'href="#address_postcode"' in html
    assert 'href="#ni_number"' in html
    assert Person.objects.count() == 0


def test_national_admin_chooses_the_owning_force(client: Any, national_admin: Any) -> None:
    client.force_login(national_admin)
    if national_admin.role not in WRITER_ROLES:
        assert client.get("/people/new/").status_code == 403
        return
    assert 'name="force"' in text(client.get("/people/new/"))
    response = client.post("/people/new/", create_form(force=""))
    assert response.status_code == 400
    assert 'href="#force"' in text(response)
    response = client.post("/people/new/", create_form(force="MPS"))
    assert response.status_code == 302
    assert Person.objects.get().owning_force.code == "MPS"


def test_officer_cannot_pick_another_force(other_officer_client: Any) -> None:
    assert 'name="force"' not in text(other_officer_client.get("/people/new/"))
    assert other_officer_client.post("/people/new/", create_form(force="MPS")).status_code == 302
    assert Person.objects.get().owning_force.code == "GMP"


def test_analyst_cannot_create(client: Any, analyst: Any) -> None:
    client.force_login(analyst)
    assert client.get("/people/new/").status_code == 403
    assert client.post("/people/new/", create_form()).status_code == 403
    assert Person.objects.count() == 0


# --- recording a notification ---------------------------------------------------------------------------------


def notification_form(person: Any, **overrides: str) -> dict[str, str]:
    day = TODAY - timedelta(days=1)
    data = {
        "kind": "periodic", "received_day": str(day.day), "received_month": str(day.month),
        "received_year": str(day.year), "received_time": "10:30", "station": "Bootle Street Police Station",
        "details": "Annual notification; no changes", "version": str(person.version),
    }
    data.update(overrides)
    return data


def test_notification_form_renders_with_defaults(other_officer_client: Any, gmp_person: Any) -> None:
    response = other_officer_client.get(f"/people/{gmp_person.pk}/notifications/new/")
    assert response.status_code == 200
    html = text(response)
    assert "Record a notification" in html
    assert f'name="version" value="{gmp_person.version}"' in html
    assert f'name="received_year" type="text" inputmode="numeric" value="{TODAY.year}"' in html
    assert 'name="kind"' in html and "Periodic (s.85)" in html


def test_record_notification_shows_in_timeline(other_officer_client: Any, gmp_person: Any, other_officer: Any) -> None:
    from tether.register.services import address_record

    # no fixed abode is ticked where the record says where they can be found (ticked without it is refused)
    address_record(other_officer, gmp_person.pk, {"kind": "nfa", "line1": "Piccadilly Gardens", "postcode": "M1 1AE",
                                                  "valid_from": (TODAY - timedelta(days=1)).isoformat()})
    gmp_person.refresh_from_db()
    url = f"/people/{gmp_person.pk}/notifications/new/"
    response = other_officer_client.post(url, notification_form(gmp_person, no_fixed_abode="yes"))
    assert response.status_code == 302, text(response)
    assert response["Location"] == f"/people/{gmp_person.pk}/#notifications"
    note = Notification.objects.get(person=gmp_person)
    assert note.kind == "periodic" and note.no_fixed_abode
    assert note.details == {"note": "Annual notification; no changes"}
    assert note.received_at.astimezone().hour is not None
    html = squash(text(other_officer_client.get(f"/people/{gmp_person.pk}/")))
    assert "moj-timeline" in html
    assert "Periodic (s.85)" in html
    assert "Bootle Street Police Station" in html
    assert "Annual notification; no changes" in html
    assert "No fixed abode" in html
    assert "by Olive Okafor" in html
    assert "The notification was recorded" in html
    gmp_person.refresh_from_db()
    assert gmp_person.version == 3  # the no fixed abode location, then the notification


def test_record_notification_received_at_is_uk_local_time(other_officer_client: Any, gmp_person: Any) -> None:
    today = TODAY
    year = today.year if today >= date(today.year, 7, 2) else today.year - 1  # the last 1 July (after the disposal)
    other_officer_client.post(
        f"/people/{gmp_person.pk}/notifications/new/",
        notification_form(gmp_person, received_day="1", received_month="7", received_year=str(year),
                          received_time="10:30"),
    )
    note = Notification.objects.get(person=gmp_person)
    assert note.received_at.isoformat().startswith(f"{year}-07-01T09:30:00")  # BST is UTC+1
    assert note.received_on == date(year, 7, 1)


@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"station": ""}, "#station", "Police station is required"),
        ({"kind": ""}, "#kind", "Select the kind of notification"),
        ({"received_time": "25:99"}, "#received_time", "Time received must be a real time"),
        ({"received_year": str(TODAY.year + 1)}, "#received_day", "must not be in the future"),
        ({"received_day": ""}, "#received_day", "Date received must include a day"),
    ],
)
def test_record_notification_errors(other_officer_client: Any, gmp_person: Any, overrides: dict[str, str], anchor: str,
                                    message: str) -> None:
    response = other_officer_client.post(f"/people/{gmp_person.pk}/notifications/new/",
                                   notification_form(gmp_person, **overrides))
    assert response.status_code == 400
    html = text(response)
    assert f'<a href="{anchor}">' in html
    assert message in html
    assert not Notification.objects.filter(person=gmp_person).exists()


def test_record_notification_conflict(other_officer_client: Any, gmp_person: Any) -> None:
    url = f"/people/{gmp_person.pk}/notifications/new/"
    stale = notification_form(gmp_person)
    assert other_officer_client.post(url, notification_form(gmp_person)).status_code == 302
    response = other_officer_client.post(url, stale)
    assert response.status_code == 409
    html = text(response)
    assert "Someone else changed this record" in html
    assert "changed by someone else since you opened it" in html
    assert 'name="version" value="2"' in html  # a deliberate resubmission can go through
    assert 'value="Bootle Street Police Station"' in html
    assert Notification.objects.filter(person=gmp_person).count() == 1


def test_other_force_officer_must_give_a_reason_before_recording(other_officer_client: Any, mps_person: Any) -> None:
    url = f"/people/{mps_person.pk}/notifications/new/"
    response = other_officer_client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/people/{mps_person.pk}/"
    response = other_officer_client.post(url, notification_form(mps_person))
    assert response.status_code == 302
    assert not Notification.objects.filter(person=mps_person).exists()


def test_analyst_cannot_record(client: Any, analyst: Any, gmp_person: Any) -> None:
    client.force_login(analyst)
    response = client.post(f"/people/{gmp_person.pk}/notifications/new/", notification_form(gmp_person))
    assert response.status_code == 403
    assert not Notification.objects.exists()


# --- escaping --------------------------------------------------------------------------------------------------


def test_markup_in_names_is_escaped(other_officer_client: Any, other_officer: Any) -> None:
    evil = "<script>alert(1)</script>"
    person = person_create(other_officer, person_doc(names=named(evil, "O'Brien <b>bold</b>")))
    for url in ("/people/", f"/people/{person.pk}/", f"/people/{person.pk}/notifications/new/"):
        html = text(other_officer_client.get(url))
        assert evil not in html, url
        assert "<b>bold</b>" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_markup_in_notification_details_is_escaped(other_officer_client: Any, gmp_person: Any) -> None:
    other_officer_client.post(f"/people/{gmp_person.pk}/notifications/new/",
                        notification_form(gmp_person, details='<img src=x onerror="alert(1)">'))
    html = text(other_officer_client.get(f"/people/{gmp_person.pk}/"))
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


def test_the_initial_notification_can_be_recorded_with_the_registrant(other_officer_client: Any) -> None:
    """A registrant who has already notified is not shown as overdue the moment they are added."""
    notified = TODAY - timedelta(days=2)
    form = create_form(initial_date_day=str(notified.day), initial_date_month=str(notified.month),
                       initial_date_year=str(notified.year), initial_time="10:15",
                       initial_station="Manchester Central Police Station")
    response = other_officer_client.post("/people/new/", form)
    assert response.status_code == 302, text(response)
    person = Person.objects.get(display_name__icontains="Parker")
    note = Notification.objects.get(person=person)
    assert note.kind == "initial" and note.received_on == notified
    assert note.station == "Manchester Central Police Station"
    assert not person.obligations.filter(kind="initial", status="overdue").exists()


def test_an_initial_notification_needs_its_date_and_station(other_officer_client: Any) -> None:
    response = other_officer_client.post("/people/new/", create_form(initial_station="Bootle Police Station"))
    assert response.status_code == 400
    assert 'href="#initial_date_day"' in text(response)
    today = TODAY
    response = other_officer_client.post("/people/new/", create_form(
        initial_date_day=str(today.day), initial_date_month=str(today.month), initial_date_year=str(today.year)))
    assert response.status_code == 400
    page = text(response)
    assert 'href="#initial_station"' in page and "Enter the police station of the initial notification" in page
    assert not Person.objects.filter(display_name__icontains="Parker").exists()


def test_the_person_page_shows_the_schedule_3_check_of_each_disposal(officer: Any, make_doc: Any) -> None:
    from django.test import Client

    from tether.access.testing import verified_login

    doc = make_doc()
    doc["disposals"] = [
        {**doc["disposals"][0], "offence": "Rape (SOA 2003 s.1)"},
        {**doc["disposals"][0], "date": "2021-03-04", "offence": "Indecent assault on a woman (SOA 1956 s.14)"},
    ]
    person = person_create(officer, doc)
    client = Client()
    verified_login(client, officer)
    html = text(client.get(f"/people/{person.pk}/"))
    checks = re.findall(r'data-testid="schedule3-check">(.*?)</td>', html, flags=re.S)
    assert len(checks) == 2
    assert "Listed" in checks[0] and "listed without conditions" in checks[0]
    assert "Review" in checks[1] and "para 7" in checks[1]  # flagged with the paragraph it was checked against
