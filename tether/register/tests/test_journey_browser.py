"""One registrant from conviction to removal through the web pages alone, in headless Debian Chromium, the clock
frozen: an officer adds the registrant with a life sentence, records the custody and the release and the initial
notification, a qualifying stay (the change duty shows overdue, then met once notified), a trip abroad notified in
advance, an advance notice of a change of name that never happens (the non-occurrence duty appears), a move to
Greater Manchester and a transfer that Greater Manchester Police accepts; their officer records a review that
discharges the requirements and the removal. After each step the person page shows what an officer needs to see, and
every write is in the audit trail against the registrant (the API journey: ``test_journey_api.py``)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tether.audit.models import AuditEvent
from tether.register.models import Ownership, Person, Transfer, TransferState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATION = "Holborn Police Station"
# The writes of the journey, as the audit trail names them, and the force of the officer who made each.
WRITES = [("person.create", "MPS"), ("detention.record", "MPS"), ("detention.release", "MPS"),
          ("notification.record", "MPS"), ("stay.record", "MPS"), ("notification.record", "MPS"),
          ("trip.record", "MPS"), ("advance_notice.record", "MPS"), ("person.address_record", "MPS"),
          ("notification.record", "MPS"), ("transfer.start", "MPS"), ("transfer.accept", "GMP"),
          ("review.apply", "GMP"), ("review.decide", "GMP"), ("removal.record", "GMP")]
# Each obligation row as an officer reads it: kind, trigger, due by, status, met on, why and the law.
ROWS = """[...document.querySelectorAll("[data-testid=obligations] tbody tr")].map(
    tr => [...tr.querySelectorAll("td")].map(td => td.innerText.trim()))"""


def _date(page: Any, name: str, iso: str) -> None:
    year, month, day = iso.split("-")
    page.fill(f"#{name}_day", str(int(day)))
    page.fill(f"#{name}_month", str(int(month)))
    page.fill(f"#{name}_year", year)


def _submit(page: Any, button: str, person_id: str) -> None:
    """Press the form's button and wait for the person page with its success banner (a form that comes back with
    errors fails here, showing them)."""
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    errors = page.locator(".govuk-error-summary")
    assert not errors.count(), errors.inner_text()
    assert re.search(rf"/people/{person_id}/(#.*)?$", page.url), page.url
    assert page.locator(".govuk-notification-banner--success").count(), page.locator("main").inner_text()


def _duties(page: Any) -> list[list[str]]:
    return list(page.evaluate(ROWS))


def _of(page: Any, kind: str, trigger: str) -> list[str]:
    """The one obligation of ``kind`` (its label) arising on ``trigger`` ("7 May 2024") on the person page."""
    found = [row for row in _duties(page) if row[0] == kind and row[1] == trigger]
    assert len(found) == 1, (kind, trigger, _duties(page))
    return found[0]


def _summary(page: Any, key: str) -> str:
    return str(page.locator(f"#summary .govuk-summary-list__row:has(dt:text-is('{key}')) dd").inner_text())


def _notify(page: Any, person_id: str, kind: str, day: str, change: str = "", changed_on: str = "") -> None:
    page.get_by_role("button", name="Record a notification", exact=True).click()
    page.check(f"input[name=kind][value={kind}]")
    _date(page, "received", day)
    page.fill("#received_time", "10:00")
    page.fill("#station", STATION)
    if change:
        page.check(f"input[name=change][value={change}]")
        _date(page, "changed_on", changed_on)
    _submit(page, "Record notification", person_id)


def test_conviction_to_removal_through_the_web(signed_in_page: Any, live_server: Any, frozen: Any, officer: Any,
                                               other_officer: Any) -> None:
    page = signed_in_page(officer)
    page.set_default_timeout(10_000)

    # a registrant convicted and sentenced to life
    page.goto(f"{live_server.url}/people/new/")
    page.fill("#given_names", "Walter")
    page.fill("#family_name", "Journeyman")
    _date(page, "date_of_birth", "1980-04-02")
    page.check("input[name=sex][value=male]")
    page.fill("#address_line1", "12 Acacia Avenue")
    page.fill("#address_town", "London")
    page.fill("#address_postcode", "SW1A 1AA")
    _date(page, "address_from", "2000-01-01")
    _date(page, "disposal_date", "2005-03-04")
    page.fill("#disposal_offence", "Rape (SOA 2003 s.1)")
    page.fill("#disposal_offence_code", "SOA03-1")
    page.select_option("#disposal_kind", "life")
    page.get_by_role("button", name="Add to the register").click()
    page.wait_for_url(re.compile(r".*/people/[0-9a-f-]{36}/$"))
    person_id = page.url.rstrip("/").rsplit("/", 1)[1]
    person_url = page.url
    assert _summary(page, "Registration ends") == "Indefinite"
    assert _of(page, "Initial notification", "4 Mar 2005")[3] == "Overdue"  # nothing says they were held

    # the sentence: in custody from the conviction, so no initial notification is due while held
    page.get_by_role("link", name="Record a period in custody or in hospital").click()
    page.check("input[name=kind][value=custody]")
    page.check("input[name=basis][value=sentence]")
    _date(page, "start", "2005-03-04")
    _submit(page, "Record period", person_id)
    assert _summary(page, "Status") == "In custody or hospital"
    assert not [row for row in _duties(page) if row[0] == "Initial notification"], _duties(page)

    # released on licence: the initial notification runs from the release
    page.locator("[data-testid=legal-periods]").get_by_role("link", name=re.compile("Record release")).click()
    _date(page, "end", "2006-09-01")
    _date(page, "licence_end", "2016-09-01")
    _submit(page, "Record release", person_id)
    assert _summary(page, "Status") == "In the community"
    initial = _of(page, "Initial notification", "4 Mar 2005")
    assert initial[3] == "Overdue" and "SOA 2003 s.83(1)" in initial[5], initial

    _notify(page, person_id, "initial", "2006-09-02")
    assert _of(page, "Initial notification", "4 Mar 2005")[3:5] == ["Met", "2 Sep 2006"]
    assert "At Holborn Police Station" in page.get_by_test_id("timeline").inner_text()

    # a stay of 9 days at another address: the change duty arises on its 7th day, overdue until notified
    page.get_by_role("link", name="Record a stay at other premises").click()
    page.fill("#line1", "4 Seaview Road")
    page.fill("#town", "Brighton")
    page.fill("#postcode", "BN1 1AA")
    _date(page, "start", "2024-05-01")
    _date(page, "end", "2024-05-09")
    _submit(page, "Record stay", person_id)
    assert "4 Seaview Road" in page.get_by_test_id("stays").inner_text()
    stay = _of(page, "Notify a change", "7 May 2024")
    assert stay[3] == "Overdue" and "SOA 2003 s.84(1)" in stay[5] and "stay" in stay[5], stay

    _notify(page, person_id, "change", "2024-05-09", change="stay", changed_on="2024-05-07")
    assert _of(page, "Notify a change", "7 May 2024")[3:5] == ["Met", "9 May 2024"]

    # a trip abroad notified 9 days before leaving: the travel duty is met
    page.get_by_role("link", name="Record a notification of travel").click()
    _date(page, "departure", "2024-07-10")
    page.fill("#countries", "FR")
    page.fill("#arrival_points", "Calais by ferry")
    _date(page, "return_date", "2024-07-17")
    _date(page, "received", "2024-07-01")
    page.fill("#received_time", "10:00")
    page.fill("#station", STATION)
    _submit(page, "Record travel", person_id)
    assert "FR" in page.get_by_test_id("trips").inner_text()
    travel = _of(page, "Notify travel abroad", "10 Jul 2024")
    assert travel[3:5] == ["Met", "1 Jul 2024"], travel

    # advance notice of a change of name on 20 September that never happens: notice that it did not is overdue
    page.get_by_role("link", name="Record advance notice of a change").click()
    page.check("input[name=change][value=name]")
    _date(page, "expected_on", "2024-09-20")
    _date(page, "received", "2024-09-02")
    page.fill("#received_time", "10:00")
    page.fill("#station", STATION)
    _submit(page, "Record advance notice", person_id)
    assert "20 September 2024" in page.get_by_test_id("advance-notices").inner_text()
    missed = _of(page, "Notify an event did not happen", "20 Sep 2024")
    assert missed[3] == "Overdue" and "SOA 2003 s.84(4)(b)" in missed[5], missed

    # a move to Greater Manchester, notified the next day
    page.get_by_role("button", name="Record a move or another address").click()
    page.check("input[name=kind][value=home]")
    page.fill("#line1", "1 Piccadilly")
    page.fill("#town", "Manchester")
    page.fill("#postcode", "M1 1AE")
    _date(page, "valid_from", "2024-10-01")
    _submit(page, "Record address", person_id)
    assert _of(page, "Notify a change", "1 Oct 2024")[3] == "Overdue"
    _notify(page, person_id, "change", "2024-10-02", change="home_address", changed_on="2024-10-01")
    assert _of(page, "Notify a change", "1 Oct 2024")[3:5] == ["Met", "2 Oct 2024"]

    # the transfer to Greater Manchester Police, in transit until they accept it
    page.get_by_test_id("start-transfer").click()
    page.select_option("#to_force", "GMP")
    _date(page, "move_date", "2024-10-01")
    _submit(page, "Start transfer", person_id)
    assert page.get_by_test_id("in-transit").is_visible()
    assert _summary(page, "Owning force") == "Metropolitan Police Service"

    gmp = signed_in_page(other_officer)
    gmp.set_default_timeout(10_000)
    gmp.goto(f"{live_server.url}/transfers/")
    assert "JOURNEYMAN" in gmp.get_by_test_id("waiting-transfer").inner_text().upper()
    gmp.get_by_test_id("accept-transfer").click()
    gmp.wait_for_url(re.compile(rf".*/people/{person_id}/"))
    assert "You accepted the transfer" in gmp.content()
    assert _summary(gmp, "Owning force") == "Greater Manchester Police"
    assert Transfer.objects.get().state == TransferState.ACCEPTED
    spans = list(Ownership.objects.filter(person_id=person_id).order_by("valid_from").values_list(
        "force__code", "valid_from", "valid_to"))
    assert [s[0] for s in spans] == ["MPS", "GMP"] and spans[0][2] == spans[1][1], spans  # no gap, no overlap

    # a review by the force that now manages them: eligible from 15 years after the first notification
    assert "Eligible to apply from 2 September 2021" in gmp.get_by_test_id("review-eligibility").inner_text()
    gmp.get_by_role("link", name="Record an application for review").click()
    _date(gmp, "applied_on", "2025-01-10")
    _submit(gmp, "Record application", person_id)
    gmp.locator("[data-testid=legal-reviews]").get_by_role("link", name=re.compile("Record the decision")).click()
    gmp.check("input[name=decision][value=discharged]")
    _date(gmp, "decided_on", "2025-03-01")
    gmp.fill("#reasons", "No longer necessary for public protection.")
    _submit(gmp, "Record decision", person_id)
    assert "Discharged" in gmp.get_by_test_id("legal-reviews").inner_text()

    # the removal that follows: no longer subject, and nothing falls due
    gmp.get_by_role("link", name="Record removal from the register").click()
    gmp.check("input[name=reason][value=review]")
    _date(gmp, "removed_on", "2025-03-01")
    _submit(gmp, "Record removal", person_id)
    assert "Removed 1 March 2025" in gmp.get_by_test_id("legal-removals").inner_text()
    assert _summary(gmp, "Status") == "No longer subject"
    assert _summary(gmp, "Next due") == "Nothing due"
    assert not [row for row in _duties(gmp) if row[3] != "Met"], _duties(gmp)
    assert Person.objects.get(pk=person_id).state.status == "expired"

    # the force that gave the record away now sees only the national index entry
    page.goto(person_url)
    assert page.get_by_test_id("limited-notice").is_visible()

    # every write is in the audit trail, against the registrant, by the officer who made it, in the order made; and
    # so is every view of the record (here the receiving force's)
    writes = [(e.action, e.actor.username if e.actor else "") for e in AuditEvent.objects.filter(
        object_id=person_id, action__in=[a for a, _ in WRITES]).order_by("seq")]
    assert writes == [(action, {"MPS": officer.username, "GMP": other_officer.username}[force])
                      for action, force in WRITES], writes
    assert AuditEvent.objects.filter(object_id=person_id, action="person.view", actor=other_officer).exists()
