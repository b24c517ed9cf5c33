"""The sign-in journey on the web: password, then two-factor for personal-data roles; idle timeout; CSP."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tether.access.testing import PERSONA_PASSWORD as PASSWORD
from tether.access.testing import VerifiedClient, ensure_device, totp_code, verified_login


@pytest.fixture
def client() -> VerifiedClient:
    """``force_login`` passes two-factor sign-in here; the sign-in journeys use an unverified ``Client()``."""
    return VerifiedClient()

pytestmark = pytest.mark.django_db

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy(response: Any) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def assert_no_inline_code(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert not re.search(r"<style\b|\sstyle=", html)


@pytest.fixture
def browser_client() -> Client:
    """A plain client: nothing is verified unless the journey does it."""
    return Client()


def test_officer_enrols_then_reaches_the_register(browser_client: Client, other_officer: Any, frozen: Any) -> None:
    c = browser_client
    response = c.post("/sign-in/", {"username": other_officer.username, "password": PASSWORD})
    assert response["Location"] == "/sign-in/two-factor/setup/"
    assert c.get("/sign-in/")["Location"] == "/sign-in/two-factor/setup/"  # already past the password step
    page = c.get("/sign-in/two-factor/setup/")
    assert page.context["two_factor_pending"] is True
    html = page.content.decode()
    assert "Set up two-factor sign-in" in html and 'autocomplete="one-time-code"' in html
    assert_no_inline_code(html)
    device = TOTPDevice.objects.get(user=other_officer)
    assert c.post("/sign-in/two-factor/setup/", {"code": totp_code(device)})["Location"] == "/"
    page = c.get("/people/")
    assert page.status_code == 200 and page.context["two_factor_pending"] is False


def test_code_page_for_an_enrolled_officer(browser_client: Client, other_officer: Any, frozen: Any) -> None:
    device = ensure_device(other_officer)
    c = browser_client
    c.post("/sign-in/", {"username": other_officer.username, "password": PASSWORD})
    page = c.get("/sign-in/two-factor/")
    html = page.content.decode()
    assert "Enter your security code" in html and other_officer.username in html
    assert_no_inline_code(html)
    response = c.post("/sign-in/two-factor/", {"code": "000000" if totp_code(device) != "000000" else "111111"})
    assert "There is a problem" in response.content.decode() and response.status_code == 200
    frozen.shift(timedelta(seconds=5))
    assert c.post("/sign-in/two-factor/", {"code": totp_code(device)})["Location"] == "/"


def test_analyst_signs_in_with_a_password_only(browser_client: Client, analyst: Any) -> None:
    response = browser_client.post("/sign-in/", {"username": analyst.username, "password": PASSWORD})
    assert response["Location"] == "/"
    assert browser_client.get("/").status_code == 200


def test_force_login_alone_does_not_pass_two_factor(browser_client: Client, other_officer: Any) -> None:
    browser_client.force_login(other_officer)
    assert browser_client.get("/people/")["Location"].startswith("/sign-in/two-factor/setup/")
    assert verified_login(browser_client, other_officer).get("/people/").status_code == 200


def test_the_web_tests_client_fixture_is_verified(client: Any, other_officer: Any) -> None:
    client.force_login(other_officer)
    assert client.get("/people/").status_code == 200


# --- idle timeout ------------------------------------------------------------------------------------------------


def test_session_ends_after_fifteen_idle_minutes(client: Any, other_officer: Any, frozen: Any) -> None:
    verified_login(client, other_officer)
    assert client.get("/").status_code == 200
    frozen.shift(timedelta(minutes=14, seconds=59))
    assert client.get("/").status_code == 200  # a request restarts the fifteen minutes
    frozen.shift(timedelta(minutes=14, seconds=59))
    assert client.get("/people/").status_code == 200
    frozen.shift(timedelta(minutes=15, seconds=1))
    response = client.get("/people/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")


def test_an_unchanged_session_is_written_only_when_its_deadline_moves(client: Any, other_officer: Any,
                                                                      frozen: Any) -> None:
    """Within a minute of its last write a request leaves the stored session alone; the deadline is never later
    than fifteen minutes after the last request."""
    from django.contrib.sessions.models import Session

    verified_login(client, other_officer)
    assert client.get("/").status_code == 200
    key = client.cookies["sessionid"].value
    written = Session.objects.get(pk=key).expire_date
    frozen.shift(timedelta(seconds=50))
    assert client.get("/people/").status_code == 200
    assert Session.objects.get(pk=key).expire_date == written  # not written again
    frozen.shift(timedelta(seconds=20))  # 70 s after the write: the deadline moves by more than a minute
    assert client.get("/").status_code == 200
    assert Session.objects.get(pk=key).expire_date == written + timedelta(seconds=70)
    frozen.shift(timedelta(minutes=15, seconds=1))
    assert client.get("/people/").status_code == 302


def test_idle_timeout_follows_the_setting(client: Any, analyst: Any, settings: Any, frozen: Any) -> None:
    settings.SESSION_COOKIE_AGE = 5 * 60
    client.force_login(analyst)
    assert client.get("/").status_code == 200
    frozen.shift(timedelta(minutes=5, seconds=1))
    assert client.get("/").status_code == 302


# --- Content-Security-Policy ----------------------------------------------------------------------------------


def test_strict_csp_on_every_kind_of_page(browser_client: Client, other_officer: Any, analyst: Any,
                                          gmp_person: Any, frozen: Any) -> None:
    c = browser_client
    pages = [c.get("/sign-in/"), c.post("/sign-in/", {"username": other_officer.username, "password": "wrong"})]
    c.post("/sign-in/", {"username": other_officer.username, "password": PASSWORD})
    pages.append(c.get("/sign-in/two-factor/setup/"))
    verified_login(c, other_officer)
    pages += [c.get("/"), c.get("/people/"), c.get(f"/people/{gmp_person.pk}/"), c.get("/rules/")]
    for response in pages:
        assert policy(response) == CSP, response.request["PATH_INFO"]
    assert policy(c.get("/sign-in/two-factor/")) == CSP  # a redirect carries it too
    for _ in range(5):
        locked = Client().post("/sign-in/", {"username": analyst.username, "password": "wrong"})
    assert locked.status_code == 429 and policy(locked) == CSP
    assert_no_inline_code(locked.content.decode())


def test_other_security_headers(browser_client: Client) -> None:
    response = browser_client.get("/sign-in/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response  # production only (TETHER_PRODUCTION=1), over HTTPS
    assert "Cache-Control" in browser_client.get("/sign-in/two-factor/")  # never cached
