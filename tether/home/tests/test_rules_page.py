"""The rules explorer: facts in (form fields, pasted JSON, or a record's facts), the engine's outcome out."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from html import unescape as html_unescape
from typing import Any

import pytest
import time_machine

from tether.audit.models import AuditEvent
from tether.core import clock
from tether.obligations import RULES_VERSION

pytestmark = pytest.mark.django_db

URL = "/rules/"


def text(response: Any) -> str:
    return response.content.decode()


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def field_error(html: str, name: str) -> str:
    """The inline error message shown for a field ('' when none)."""
    m = re.search(rf'<p id="{re.escape(name)}-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>|Error:", "", m.group(1)).strip() if m else ""


def input_value(html: str, name: str) -> str | None:
    m = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*\bvalue="([^"]*)"', html)
    return m.group(1) if m else None


def selected(html: str, name: str) -> str | None:
    m = re.search(rf'<select[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    if not m:
        return None
    chosen = re.search(r'<option value="([^"]*)" selected>', m.group(1))
    return chosen.group(1) if chosen else ""


def submitted(html: str) -> dict[str, str]:
    """What a browser would send for the page's form as rendered (text, hidden, checked boxes, selects, textarea)."""
    unescape = html_unescape
    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'\bname="([^"]+)"', tag)
        value = re.search(r'\bvalue="([^"]*)"', tag)
        if not name or (re.search(r'type="(checkbox|radio)"', tag) and " checked" not in tag):
            continue
        data[name.group(1)] = unescape(value.group(1) if value else "")
    for name in re.findall(r'<select[^>]*\bname="([^"]+)"', html):
        data[name] = selected(html, name) or ""
    for name, body in re.findall(r'<textarea[^>]*\bname="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = unescape(body)
    return data


def facts_form(**fields: str) -> dict[str, str]:
    """Form data for an E&W person born 1 January 1980, as at 4 July 2020, plus the given fields."""
    data = {
        "jurisdiction": "england-wales",
        "as_of_day": "4", "as_of_month": "7", "as_of_year": "2020",
        "date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": "1980",
    }
    data.update(fields)
    return data


# the worked example: 8 months' imprisonment in England and Wales on 4 March 2020, released 3 July 2020
WORKED_EXAMPLE = {
    "disposals_0_date": "2020-03-04", "disposals_0_kind": "imprisonment", "disposals_0_months": "8",
    "detentions_0_kind": "custody", "detentions_0_start": "2020-03-04", "detentions_0_end": "2020-07-03",
}


# --- the page ----------------------------------------------------------------------------------------------------


def test_rules_page_renders_with_defaults(other_officer_client: Any) -> None:
    with time_machine.travel(date(2026, 3, 1), tick=False):
        response = other_officer_client.get(URL)
    assert response.status_code == 200
    html = text(response)
    assert "<h1 class=\"govuk-heading-l\">Rules explorer</h1>" in html
    assert 'href="/rules/" aria-current="page">Rules explorer</a>' in html  # in the navigation, current
    # as-at date defaults to today; jurisdiction to the other_officer's force's (GMP: England and Wales)
    assert (input_value(html, "as_of_day"), input_value(html, "as_of_month"), input_value(html, "as_of_year")) == (
        "1", "3", "2026")
    assert re.search(r'name="jurisdiction" type="radio" value="england-wales" checked', html)
    # the repeated rows: 3 disposals (8 kinds), 1 order, 3 periods, 6 notifications, 3 events, a review
    assert len(re.findall(r'name="disposals_\d+_kind"', html)) == 3
    assert len(re.findall(r'name="orders_\d+_start"', html)) == 1
    assert len(re.findall(r'name="detentions_\d+_kind"', html)) == 3
    assert len(re.findall(r'name="notifications_\d+_kind"', html)) == 6
    assert len(re.findall(r'name="events_\d+_kind"', html)) == 3
    assert 'name="review_outcome"' in html
    kinds = re.search(r'<select[^>]*name="disposals_0_kind"[^>]*>(.*?)</select>', html, re.S)
    assert kinds and len(re.findall(r'<option value="[a-z_]+"', kinds.group(1))) == 8
    assert "Advanced: paste facts as JSON" in html and 'name="facts_json"' in html
    assert 'data-testid="outcome"' not in html  # nothing worked out yet
    assert "govuk-error-summary" not in html


def test_rules_page_has_no_inline_script(other_officer_client: Any) -> None:
    for response in (other_officer_client.get(URL), other_officer_client.post(URL, facts_form(**WORKED_EXAMPLE)),
                     other_officer_client.post(URL, facts_form(facts_json="{"))):
        html = text(response)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers either


def test_anonymous_users_are_sent_to_sign_in(client: Any, db: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")


@pytest.mark.parametrize(("role_fixture", "linked"), [("analyst", True), ("auditor", False)])
def test_navigation_link_for_analysts_but_not_auditors(client: Any, request: Any, role_fixture: str,
                                                        linked: bool) -> None:
    client.force_login(request.getfixturevalue(role_fixture))
    assert ('href="/rules/"' in text(client.get("/"))) is linked
    response = client.post(URL, facts_form(**WORKED_EXAMPLE))  # it holds no personal data: anyone may use it
    assert response.status_code == 200 and "3 March 2030" in text(response)


# --- working it out --------------------------------------------------------------------------------------------------


def test_worked_example_england_and_wales(other_officer_client: Any) -> None:
    response = other_officer_client.post(URL, facts_form(**WORKED_EXAMPLE))
    assert response.status_code == 200
    html = squash(text(response))
    assert "Subject to the notification requirements on 4 July 2020: from 4 March 2020 to 3 March 2030." in html
    assert re.search(r'data-testid="registration-end">3 March 2030<', html)
    assert "SOA 2003 s.82(1)" in html
    assert f'data-testid="rules-version">{RULES_VERSION}<' in html
    table = re.search(r'<table class="govuk-table" data-testid="obligations">(.*?)</table>', html).group(1)  # type: ignore[union-attr]
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', table)
    assert len(rows) == 2  # header + the initial notification
    initial = rows[1]
    # three days beginning with the day of release, not counting days in custody: due 5 July 2020, not yet met
    for expected in ("Initial notification", "4 Mar 2020", "5 Jul 2020", "govuk-tag--yellow\">Due<",
                     "SOA 2003 s.83(1)", "not counting days in custody"):
        assert expected in initial, expected
    # the outcome JSON, for copying
    shown = re.search(r'data-testid="outcome-json"><code>(.*?)</code>', text(response), re.S).group(1)  # type: ignore[union-attr]
    outcome = json.loads(html_unescape(shown))
    assert outcome["registration"]["end"] == "2030-03-03"
    assert outcome["obligations"][0]["due"] == "2020-07-05"
    # the fields come back as the engine read them, and the JSON box holds the same facts
    form = submitted(text(response))
    assert form["disposals_0_months"] == "8"
    facts = json.loads(form["facts_json"])
    assert facts["disposals"] == [{"date": "2020-03-04", "kind": "imprisonment", "months": 8}]
    assert facts["as_of"] == "2020-07-04"


def test_empty_rows_are_ignored_and_the_rest_closes_up(other_officer_client: Any) -> None:
    fields = {k.replace("disposals_0", "disposals_2"): v for k, v in WORKED_EXAMPLE.items()}
    fields.update(notifications_4_kind="initial", notifications_4_date="2020-07-04")
    html = text(other_officer_client.post(URL, facts_form(**fields)))
    assert "3 March 2030" in html
    assert selected(html, "disposals_0_kind") == "imprisonment"  # the third row came up to the first
    assert selected(html, "notifications_0_kind") == "initial"
    assert "Met" in html and "4 Jul 2020" in html


def test_scotland_caution_is_not_subject(other_officer_client: Any) -> None:
    response = other_officer_client.post(URL, facts_form(
        jurisdiction="scotland", as_of_day="1", as_of_month="2", as_of_year="2025",
        disposals_0_date="2025-01-10", disposals_0_kind="caution"))
    assert response.status_code == 200
    html = squash(text(response))
    assert "Not subject to the notification requirements on 1 February 2025." in html
    assert "No, not subject" in html
    assert "SOA 2003 s.80(1)(d)" in html
    assert "No obligations." in html


def test_indefinite_registration_and_review(other_officer_client: Any) -> None:
    html = squash(text(other_officer_client.post(URL, facts_form(
        as_of_day="1", as_of_month="3", as_of_year="2026",
        disposals_0_date="2010-05-10", disposals_0_kind="imprisonment", disposals_0_months="36",
        notifications_0_kind="initial", notifications_0_date="2010-05-11"))))
    assert 'data-testid="registration-end">Indefinite<' in html
    assert "From 11 May 2025" in html  # the day after 15 years beginning with the first notification (s.91B)


# --- bad input -------------------------------------------------------------------------------------------------------


def test_imprisonment_without_months_is_a_field_error(other_officer_client: Any) -> None:
    fields = dict(WORKED_EXAMPLE, disposals_0_months="")
    response = other_officer_client.post(URL, facts_form(**fields))
    assert response.status_code == 400
    html = text(response)
    message = "Enter the months for disposal 1: imprisonment needs a length in months"
    assert field_error(html, "disposals_0_months") == message
    assert f'<a href="#disposals_0_months">{message}</a>' in html  # the summary links to the field
    assert "<title>Error: Rules explorer" in html
    assert 'data-testid="outcome"' not in html
    assert selected(html, "disposals_0_kind") == "imprisonment"  # what was typed is kept


def test_error_in_a_later_row_names_that_row(other_officer_client: Any) -> None:
    fields = {k.replace("disposals_0", "disposals_2"): v for k, v in WORKED_EXAMPLE.items()}
    fields["disposals_2_months"] = "eight"
    html = text(other_officer_client.post(URL, facts_form(**fields)))
    assert field_error(html, "disposals_2_months") == "The months for disposal 3 must be a whole number from 1 to 1200"


def test_date_of_birth_after_the_disposal_is_a_field_error(other_officer_client: Any) -> None:
    response = other_officer_client.post(URL, facts_form(date_of_birth_year="2021", **WORKED_EXAMPLE))
    assert response.status_code == 400
    html = text(response)
    message = "The date of birth must be on or before the date of disposal 1 (4 March 2020)"
    assert field_error(html, "date_of_birth") == message
    assert f'<a href="#date_of_birth_day">{message}</a>' in html


@pytest.mark.parametrize(("fields", "name", "message"), [
    ({"disposals_0_date": "4/3/2020", "disposals_0_kind": "caution"}, "disposals_0_date",
     "The date of disposal 1 must be a date written YYYY-MM-DD, like 2020-03-04"),
    ({"disposals_0_date": "2020-02-30", "disposals_0_kind": "caution"}, "disposals_0_date",
     "The date of disposal 1 must be a real date"),
    ({"disposals_0_date": "2020-03-04"}, "disposals_0_kind", "Select the kind of disposal 1"),
    ({"detentions_1_kind": "custody", "detentions_1_start": "2020-03-04", "detentions_1_end": "2020-03-01"},
     "detentions_1_end", "The end of period 2 must be the same as or after its start"),
    ({"orders_0_kind": "shpo", "orders_0_start": "2020-03-04", "orders_0_end": "2019-03-04"}, "orders_0_end",
     "The end of order 1 must be the same as or after its start"),
    ({"orders_0_start": "2020-03-04"}, "orders_0_kind", "Select the kind of order 1"),
    ({"review_determined_on": "2020-01-01"}, "review_outcome", "Select the outcome of the review"),
    ({"jurisdiction": ""}, "jurisdiction", "Select the jurisdiction"),
    ({"jurisdiction": "us-sorna", "disposals_0_date": "2020-03-04", "disposals_0_kind": "other"}, "disposals_0_tier",
     "Select the SORNA tier for disposal 1: every disposal needs a tier under US SORNA"),
    ({"date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": ""}, "date_of_birth",
     "Enter the date of birth"),
    ({"as_of_day": "31", "as_of_month": "2"}, "as_of", "As-at date must be a real date"),
])
def test_bad_fields_are_named(other_officer_client: Any, fields: dict[str, str], name: str, message: str) -> None:
    response = other_officer_client.post(URL, facts_form(**fields))
    assert response.status_code == 400
    assert field_error(text(response), name) == message


def test_malformed_json_is_an_error_on_the_json_box(other_officer_client: Any) -> None:
    response = other_officer_client.post(URL, facts_form(facts_json='{"as_of": "2025-02-01",'))
    assert response.status_code == 400
    html = text(response)
    assert field_error(html, "facts_json").startswith("The JSON is not valid: Expecting property name")
    assert '<a href="#facts_json">The JSON is not valid' in html
    assert re.search(r'<details class="govuk-details tether-json" open>', html)  # opened, so the link can focus it
    assert '{&quot;as_of&quot;: &quot;2025-02-01&quot;,</textarea>' in html  # kept as typed


def test_json_that_breaks_the_contract_names_the_path(other_officer_client: Any) -> None:
    doc = {"as_of": "2025-02-01", "jurisdiction": "england-wales", "date_of_birth": "1990-02-14",
           "disposals": [{"date": "2025-01-10", "kind": "imprisonment"}]}
    html = text(other_officer_client.post(URL, facts_form(facts_json=json.dumps(doc))))
    assert field_error(html, "facts_json") == "In the JSON, disposals[0].months is required for imprisonment"
    html = text(other_officer_client.post(URL, facts_form(facts_json="[]")))
    assert field_error(html, "facts_json") == "The JSON must be a JSON object"


# --- the JSON box ----------------------------------------------------------------------------------------------------


def test_pasted_json_is_used_instead_of_the_fields(other_officer_client: Any) -> None:
    doc = {"as_of": "2025-02-01", "jurisdiction": "scotland", "date_of_birth": "1990-02-14",
           "disposals": [{"date": "2025-01-10", "kind": "caution"}],
           "notifications": [{"kind": "initial", "date": "2025-01-11"}] * 8}
    response = other_officer_client.post(URL, facts_form(facts_json=json.dumps(doc), **WORKED_EXAMPLE))
    assert response.status_code == 200
    html = text(response)
    assert "Not subject to the notification requirements on 1 February 2025" in squash(html)
    # the fields now show the pasted facts, with rows added to hold them all and one spare
    assert re.search(r'name="jurisdiction" type="radio" value="scotland" checked', html)
    assert selected(html, "disposals_0_kind") == "caution"
    assert len(re.findall(r'name="notifications_\d+_kind"', html)) == 9
    assert input_value(html, "notifications_7_date") == "2025-01-11"


def test_unchanged_json_box_leaves_the_fields_in_charge(other_officer_client: Any) -> None:
    """After a run the JSON box holds the facts; change a field (not the JSON) and the field wins."""
    data = submitted(text(other_officer_client.post(URL, facts_form(**WORKED_EXAMPLE))))
    assert data["facts_json"].strip() and data["json_shown"]
    data["facts_json"] = data["facts_json"].replace("\n", "\r\n")  # as browsers send a textarea
    data["disposals_0_months"] = "40"  # more than 30 months: indefinite
    html = text(other_officer_client.post(URL, data))
    assert 'data-testid="registration-end">Indefinite<' in html


# --- from a record ---------------------------------------------------------------------------------------------------


def test_person_page_links_to_the_explorer(other_officer_client: Any, gmp_person: Any) -> None:
    html = text(other_officer_client.get(f"/people/{gmp_person.pk}/"))
    assert f'href="/rules/?person={gmp_person.pk}"' in html and "Explore these rules" in html


def test_prefill_from_a_record_of_the_officers_force(other_officer_client: Any, gmp_person: Any) -> None:
    response = other_officer_client.get(URL, {"person": str(gmp_person.pk)})
    assert response.status_code == 200
    html = text(response)
    disposal_date = (clock.today() - timedelta(days=500)).isoformat()
    moved = (clock.today() - timedelta(days=400)).isoformat()
    assert 'data-testid="from-record"' in html
    assert input_value(html, "disposals_0_date") == disposal_date
    assert selected(html, "disposals_0_kind") == "imprisonment"
    assert input_value(html, "disposals_0_months") == "24"
    assert selected(html, "events_0_kind") == "address_change" and input_value(html, "events_0_start") == moved
    assert (input_value(html, "date_of_birth_day"), input_value(html, "date_of_birth_year")) == ("2", "1980")
    assert re.search(r'name="jurisdiction" type="radio" value="england-wales" checked', html)
    assert "&quot;months&quot;: 24" in html  # the JSON box too
    assert 'data-testid="outcome"' in html  # and worked out as at today
    # facts only: no names, reference, identifiers or address
    for secret in ("Smith", "SMITH", "John", gmp_person.reference, "JK123456C", "High Street", "M1 1AA"):
        assert secret not in html, secret
    event = AuditEvent.objects.get(action="person.rules", object_id=str(gmp_person.pk))
    assert event.detail["level"] == "full"


def test_prefilled_facts_can_be_changed_and_worked_out_again(other_officer_client: Any, gmp_person: Any) -> None:
    data = submitted(text(other_officer_client.get(URL, {"person": str(gmp_person.pk)})))
    assert data["disposals_0_months"] == "24" and data["jurisdiction"] == "england-wales"
    data["disposals_0_months"] = "6"  # 6 months or less: 7 years
    response = other_officer_client.post(URL, data)
    assert response.status_code == 200
    convicted = clock.today() - timedelta(days=500)  # 24 months gave 10 years; 6 months gives 7
    assert re.search(rf'data-testid="registration-end">\d+ \w+ {convicted.year + 7}<', text(response))


@pytest.mark.parametrize("who", ["analyst", "officer"])
def test_prefill_is_404_without_full_access(client: Any, request: Any, who: str, gmp_person: Any) -> None:
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL, {"person": str(gmp_person.pk)})
    assert response.status_code == 404
    assert "JK123456C" not in text(response) and "imprisonment" not in text(response)


@pytest.mark.parametrize("person", ["0f5c2b1e-7d1b-4c39-9d43-1f1d3f2d6a11", "not-a-uuid"])
def test_prefill_of_an_unknown_person_is_404(other_officer_client: Any, person: str) -> None:
    assert other_officer_client.get(URL, {"person": person}).status_code == 404


# --- a date of death -------------------------------------------------------------------------------------------------

AS_AT_10_JULY = {"as_of_day": "10", "as_of_month": "7", "as_of_year": "2020"}


def _obligation_rows(html: str) -> list[str]:
    table = re.search(r'<table class="govuk-table" data-testid="obligations">(.*?)</table>', html)
    return re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', table.group(1))[1:] if table else []


def test_a_duty_lapses_at_death(other_officer_client: Any) -> None:
    """Released 3 July 2020, the initial notification due by 5 July: alive, it is overdue on 10 July; had they died
    on 4 July, it lapses (it could no longer be met), the registration ends that day and they are not subject."""
    alive = squash(text(other_officer_client.post(URL, facts_form(**WORKED_EXAMPLE, **AS_AT_10_JULY))))
    rows = _obligation_rows(alive)
    assert len(rows) == 1 and "Initial notification" in rows[0] and "Overdue" in rows[0]
    response = other_officer_client.post(URL, facts_form(
        **WORKED_EXAMPLE, **AS_AT_10_JULY, date_of_death_day="4", date_of_death_month="7", date_of_death_year="2020"))
    assert response.status_code == 200
    html = squash(text(response))
    assert _obligation_rows(html) == [] and "No obligations." in html
    assert "Not subject to the notification requirements on 10 July 2020" in html
    assert re.search(r'data-testid="registration-end">4 July 2020<', html)
    # the date comes back in its fields and in the JSON box, so the facts can be changed and run again
    assert (input_value(html, "date_of_death_day"), input_value(html, "date_of_death_year")) == ("4", "2020")
    facts = json.loads(submitted(text(response))["facts_json"])
    assert facts["date_of_death"] == "2020-07-04"
    assert json.loads(html_unescape(re.search(  # type: ignore[union-attr]
        r'data-testid="outcome-json"><code>(.*?)</code>', text(response), re.S).group(1)))["obligations"] == []


def test_a_duty_missed_before_death_stays_overdue_its_count_stopped(other_officer_client: Any) -> None:
    html = squash(text(other_officer_client.post(URL, facts_form(
        **WORKED_EXAMPLE, as_of_day="1", as_of_month="1", as_of_year="2021",
        date_of_death_day="15", date_of_death_month="7", date_of_death_year="2020"))))
    rows = _obligation_rows(html)
    assert len(rows) == 1 and "Overdue" in rows[0]
    assert "10 days overdue when they died on 15 July 2020" in html


def test_a_date_of_death_before_birth_is_a_field_error(other_officer_client: Any) -> None:
    response = other_officer_client.post(URL, facts_form(
        **WORKED_EXAMPLE, date_of_death_day="1", date_of_death_month="1", date_of_death_year="1970"))
    assert response.status_code == 400
    html = text(response)
    message = "The date of death must be the same as or after the date of birth"
    assert field_error(html, "date_of_death") == message
    assert f'<a href="#date_of_death_day">{message}</a>' in html


def test_a_part_of_a_date_of_death_is_a_field_error(other_officer_client: Any) -> None:
    response = other_officer_client.post(URL, facts_form(**WORKED_EXAMPLE, date_of_death_day="4"))
    assert response.status_code == 400
    assert field_error(text(response), "date_of_death") == "Date of death must include a month and year"


def test_pasted_json_with_a_date_of_death_fills_the_fields(other_officer_client: Any) -> None:
    facts = {"as_of": "2020-07-10", "jurisdiction": "england-wales", "date_of_birth": "1980-01-01",
             "date_of_death": "2020-07-04",
             "disposals": [{"date": "2020-03-04", "kind": "imprisonment", "months": 8}],
             "detentions": [{"kind": "custody", "start": "2020-03-04", "end": "2020-07-03"}]}
    html = text(other_officer_client.post(URL, facts_form(facts_json=json.dumps(facts))))
    assert input_value(html, "date_of_death_month") == "7" and "No obligations." in squash(html)


@pytest.mark.parametrize("kind", ["shpo", "notification_order"])
def test_an_order_the_engine_reads_is_taken_by_its_kind(other_officer_client: Any, kind: str) -> None:
    fields = {"disposals_0_date": "2015-03-04", "disposals_0_kind": "caution", "orders_0_kind": kind,
              "orders_0_start": "2019-01-07", "orders_0_end": "2026-01-06"}
    html = text(other_officer_client.post(URL, facts_form(**fields)))
    assert 'data-testid="outcome"' in html and "govuk-error-summary" not in html
    assert selected(html, "orders_0_kind") == kind
    assert f'&quot;kind&quot;: &quot;{kind}&quot;' in html  # the engine's input, in the JSON box
    assert 'data-testid="orders-left-out"' not in html


@pytest.mark.parametrize(("kind", "label"), [("sro", "sexual risk order"), ("ftp", "foreign travel prohibition")])
def test_an_order_the_engine_does_not_read_is_kept_and_said_to_be_left_out(other_officer_client: Any, kind: str,
                                                                          label: str) -> None:
    fields = {"disposals_0_date": "2015-03-04", "disposals_0_kind": "caution", "orders_0_kind": "shpo",
              "orders_0_start": "2019-01-07", "orders_1_kind": kind, "orders_1_start": "2019-02-01"}
    html = text(other_officer_client.post(URL, facts_form(**fields)))
    assert 'data-testid="outcome"' in html and "govuk-error-summary" not in html
    assert f"Order 2 ({label}) was left out" in html
    assert selected(html, "orders_0_kind") == "shpo" and selected(html, "orders_1_kind") == kind
    assert input_value(html, "orders_1_start") == "2019-02-01"
    assert f'&quot;kind&quot;: &quot;{kind}&quot;' not in html


def test_a_past_as_at_date_shows_the_law_as_it_then_stood(other_officer_client: Any) -> None:
    """Issue 16: the explorer takes an as-at date in the past and the outcome cites the law of that time: in 2002 a
    person convicted in 2000 owed the 1997 Act's 14-day notification, and a 5-day trip needed no notice (the 2001
    Regulations: 8 days or longer) while a 16-day trip did."""
    doc = {"as_of": "2002-08-01", "jurisdiction": "england-wales", "date_of_birth": "1960-04-02",
           "disposals": [{"date": "2000-03-01", "kind": "imprisonment", "months": 36}],
           "notifications": [{"kind": "initial", "date": "2000-03-05"}],
           "events": [{"kind": "departure", "start": "2002-06-05", "end": "2002-06-09", "country": "FR"},
                      {"kind": "departure", "start": "2002-07-05", "end": "2002-07-20", "country": "ES"}]}
    response = other_officer_client.post(URL, facts_form(facts_json=json.dumps(doc)))
    assert response.status_code == 200
    html = squash(text(response))
    assert "SOA 1997 s.2(1)" in html and "SOA 1997 as amended by CJCSA 2000; SI 2001/1846" in html
    assert "5 July 2002" in html and "5 June 2002" not in html


def test_a_trip_notified_with_another_is_met_and_its_day_kept(other_officer_client: Any) -> None:
    """Two trips given at one travel notification before the first leaves: both met (rules.md assumption 17); the
    day the trip was notified fills its field and goes back into the facts."""
    doc = {"as_of": "2025-09-01", "jurisdiction": "england-wales", "date_of_birth": "1980-01-01",
           "disposals": [{"date": "2020-01-10", "kind": "imprisonment", "months": 12}],
           "notifications": [{"kind": "initial", "date": "2020-01-11"}, {"kind": "travel", "date": "2025-07-20"}],
           "events": [{"kind": "departure", "start": "2025-08-01", "country": "FR", "notified_on": "2025-07-20"},
                      {"kind": "departure", "start": "2025-08-20", "country": "ES", "notified_on": "2025-07-20"}]}
    response = other_officer_client.post(URL, facts_form(facts_json=json.dumps(doc), **WORKED_EXAMPLE))
    assert response.status_code == 200
    html = text(response)
    assert input_value(html, "events_1_notified_on") == "2025-07-20"
    for day, due in (("1 August 2025", "25 July 2025"), ("20 August 2025", "13 August 2025")):
        assert (f"Notice of travel outside the UK on {day} (at least 7 days before) is due by {due}: met on "
                "20 July 2025") in squash(html)
    data = submitted(html)
    assert [e.get("notified_on") for e in json.loads(data["facts_json"])["events"]] == ["2025-07-20"] * 2
