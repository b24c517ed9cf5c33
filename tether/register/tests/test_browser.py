"""One end-to-end run in headless Debian Chromium against pytest-django's live server.

Never runs ``playwright install``: it drives the system Chromium at /usr/bin/chromium and skips when that is
missing, unless TETHER_REQUIRE_BROWSER=1 (CI), when it fails instead. Set TETHER_SCREENSHOTS=<dir> to keep the
screenshots of each page.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tether.access.testing import PERSONA_PASSWORD as PASSWORD
from tether.access.testing import totp_code
from tether.access.two_factor import secret_text
from tether.core import clock
from tether.register.models import Notification

BRAND_DARK = "rgb(16, 48, 46)"  # $tether-brand-dark, the header background

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




@pytest.fixture
def shots(tmp_path: Path) -> Path:
    keep = os.environ.get("TETHER_SCREENSHOTS")
    path = Path(keep) if keep else tmp_path / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_officer_journey(browser: Any, live_server: Any, other_officer: Any, gmp_person: Any, mps_person: Any,
                         shots: Path) -> None:
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and ("/static/" in r.url or "favicon" in r.url) else None)

    # sign in
    page.goto(f"{base}/")
    assert "/sign-in/" in page.url
    page.screenshot(path=str(shots / "sign-in.png"), full_page=True)
    page.fill("#id_username", other_officer.username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")

    # first sign-in: set up two-factor sign-in; the QR code is inline SVG, the key is shown as text
    page.wait_for_url(f"{base}/sign-in/two-factor/setup/")
    assert page.get_by_test_id("otp-qr").locator("svg").count() == 1
    device = TOTPDevice.objects.get(user=other_officer, confirmed=False)
    assert page.get_by_test_id("otp-secret").inner_text().replace(" ", "") == secret_text(device).replace(" ", "")
    page.screenshot(path=str(shots / "two-factor-setup.png"), full_page=True)
    page.fill("#code", "000000" if totp_code(device) != "000000" else "111111")
    page.click("button:has-text('Confirm and continue')")
    page.locator(".govuk-error-summary").wait_for()
    assert "The code is not correct" in page.locator(".govuk-error-summary").inner_text()
    page.wait_for_timeout(1100)  # django-otp makes the next try wait a second after a wrong code
    page.fill("#code", totp_code(device))  # computed from the device's key, as the authenticator app would
    page.click("button:has-text('Confirm and continue')")
    page.wait_for_url(f"{base}/")
    assert page.get_by_test_id("user-name").inner_text() == "Olive Okafor"
    assert page.locator("[data-testid=count-registrants]").inner_text() == "1"

    # the stylesheet and the scripts loaded: our font and colours, not GOV.UK's
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "GDS Transport" not in font and "system-ui" in font
    assert page.evaluate("getComputedStyle(document.querySelector('.moj-header')).backgroundColor") == BRAND_DARK
    assert page.evaluate("getComputedStyle(document.querySelector('.govuk-button')).display") == "inline-block"
    page.wait_for_function("document.body.classList.contains('govuk-frontend-supported')")
    page.wait_for_function("typeof window.htmx !== 'undefined'")
    page.screenshot(path=str(shots / "dashboard.png"), full_page=True)

    # the register, filtered by htmx without a full page load
    page.click("nav[aria-label='Main navigation'] >> text=Register")
    page.wait_for_url(f"{base}/people/")
    assert page.locator("[data-testid=register-table] tbody tr").count() == 1
    page.fill("#name", "smith")
    with page.expect_response(lambda r: "name=smith" in r.url and r.request.headers.get("hx-request") == "true"):
        page.click("button:has-text('Search')")
    page.wait_for_url(re.compile(r".*/people/\?name=smith.*"))
    assert page.locator("h1").count() == 1
    assert page.locator("#register-results").count() == 1
    page.screenshot(path=str(shots / "register.png"), full_page=True)

    # a person, then record a notification
    page.click(f"a[href='/people/{gmp_person.pk}/']")
    page.wait_for_url(f"{base}/people/{gmp_person.pk}/")
    assert page.locator("h1").inner_text() == "SMITH, John"
    page.screenshot(path=str(shots / "person.png"), full_page=True)
    page.click("text=Record a notification")
    page.wait_for_url(f"{base}/people/{gmp_person.pk}/notifications/new/")
    page.check("input[name=kind][value=periodic]")
    page.fill("#station", "Bootle Street Police Station")
    page.fill("#details", "Annual notification in person; no changes")
    page.screenshot(path=str(shots / "notification.png"), full_page=True)
    page.click("button:has-text('Record notification')")
    page.wait_for_url(re.compile(rf".*/people/{gmp_person.pk}/#notifications"))
    timeline = page.get_by_test_id("timeline")
    assert "Bootle Street Police Station" in timeline.inner_text()
    assert "Annual notification in person; no changes" in timeline.inner_text()
    assert page.locator(".govuk-notification-banner--success").is_visible()
    assert Notification.objects.filter(person=gmp_person).count() == 1
    page.screenshot(path=str(shots / "person-after-notification.png"), full_page=True)

    # create a registrant with a bad postcode: the error summary links to the field and takes focus
    page.goto(f"{base}/people/new/")
    page.fill("#given_names", "Peter")
    page.fill("#family_name", "Parker")
    page.fill("#date_of_birth_day", "15")
    page.fill("#date_of_birth_month", "6")
    page.fill("#date_of_birth_year", "1975")
    page.check("input[name=sex][value=male]")
    page.fill("#address_line1", "10 Mill Lane")
    page.fill("#address_town", "Salford")
    page.fill("#address_postcode", "NOT A POSTCODE")
    moved = clock.today() - timedelta(days=100)
    page.fill("#address_from_day", str(moved.day))
    page.fill("#address_from_month", str(moved.month))
    page.fill("#address_from_year", str(moved.year))
    convicted = clock.today() - timedelta(days=200)
    page.fill("#disposal_date_day", str(convicted.day))
    page.fill("#disposal_date_month", str(convicted.month))
    page.fill("#disposal_date_year", str(convicted.year))
    page.fill("#disposal_offence", "Sexual assault")
    page.select_option("#disposal_kind", "imprisonment")
    page.fill("#disposal_months", "30")
    page.click("button:has-text('Add to the register')")
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter a real UK postcode" in summary.inner_text()
    assert page.title().startswith("Error: ")
    page.wait_for_function("document.activeElement && document.activeElement.classList.contains('govuk-error-summary')")
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.govuk-error-summary')).borderTopWidth"
    ) != "0px"
    page.screenshot(path=str(shots / "create-error.png"), full_page=True)
    summary.locator("a[href='#address_postcode']").click()
    assert page.evaluate("document.activeElement.id") == "address_postcode"

    # another force's registrant: the national index entry, then the full record after a reason
    page.goto(f"{base}/people/{mps_person.pk}/")
    assert page.get_by_test_id("limited-notice").is_visible()
    assert mps_person.reference not in page.content()
    page.screenshot(path=str(shots / "person-limited.png"), full_page=True)
    page.fill("#reason", "Intelligence report 2024/118 names this person")
    page.click("button:has-text('Open the full record')")
    page.locator(".govuk-notification-banner--success").wait_for()
    assert mps_person.reference in page.locator("h1 + p, .govuk-caption-l").first.inner_text()

    # the rules explorer: type in a disposal, see when the requirements end
    page.click("nav[aria-label='Main navigation'] >> text=Rules explorer")
    page.wait_for_url(f"{base}/rules/")
    page.fill("#date_of_birth_day", "17")
    page.fill("#date_of_birth_month", "5")
    page.fill("#date_of_birth_year", "1980")
    page.fill("#disposals_0_date", "2020-03-04")
    page.select_option("#disposals_0_kind", "imprisonment")
    page.fill("#disposals_0_months", "8")
    page.click("button:has-text('Work out the obligations')")
    page.get_by_test_id("outcome").wait_for()
    assert page.get_by_test_id("registration-end").inner_text() == "3 March 2030"
    assert page.locator("[data-testid=obligations] tbody tr").count() >= 1
    page.screenshot(path=str(shots / "rules.png"), full_page=True)

    # sign out is a POST form in the header
    page.click("button:has-text('Sign out')")
    page.wait_for_url(re.compile(r".*/sign-in/"))
    assert page.get_by_test_id("user-name").count() == 0

    # signing in again asks for a code from the device set up above (a code is good once, so the next one)
    page.fill("#id_username", other_officer.username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{base}/sign-in/two-factor/")
    page.screenshot(path=str(shots / "two-factor.png"), full_page=True)
    page.fill("#code", totp_code(TOTPDevice.objects.get(user=other_officer, confirmed=True), steps_ahead=1))
    page.click("button:has-text('Continue')")
    page.wait_for_url(f"{base}/")
    assert page.get_by_test_id("user-name").inner_text() == "Olive Okafor"

    assert not problems, problems
    context.close()
