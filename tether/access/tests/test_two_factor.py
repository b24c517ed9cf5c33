"""Two-factor sign-in: enrolment, verification with real TOTP codes under a frozen clock, the gate, audit."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tether.access.testing import PERSONA_PASSWORD as PASSWORD
from tether.access.testing import ensure_device, totp_code, verified_login
from tether.access.two_factor import secret_text
from tether.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SETUP = "/sign-in/two-factor/setup/"
VERIFY = "/sign-in/two-factor/"


def sign_in(client: Client, user: Any, **extra: str) -> Any:
    return client.post("/sign-in/", {"username": user.username, "password": PASSWORD, **extra})


def actions(user: Any = None) -> list[str]:
    events = AuditEvent.objects.order_by("seq")
    if user is not None:
        events = events.filter(actor=user)
    return [e.action for e in events if e.action.startswith("auth.otp")]


def test_enrol_then_verify_with_real_codes(client: Client, officer: Any, frozen: Any) -> None:
    response = sign_in(client, officer)
    assert response.status_code == 302 and response["Location"] == SETUP
    # the setup page shows the secret as text and as an inline SVG QR code, and keeps the same key on reload
    html = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert secret_text(device) in html
    assert re.search(r'<svg[^>]*role="img"[^>]*>', html) and "<path" in html
    assert client.get(SETUP).content.decode().count(secret_text(device)) == 1
    assert TOTPDevice.objects.filter(user=officer).count() == 1

    response = client.post(SETUP, {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert client.get("/people/").status_code == 200
    assert actions(officer) == ["auth.otp_enrolled"]

    # the next sign-in asks for a code from that device; a code is good only once
    client.post("/sign-out/")
    response = sign_in(client, officer)
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert client.get("/").status_code == 302
    replay = client.post(VERIFY, {"code": totp_code(device)})
    assert replay.status_code == 200 and "The code is not correct" in replay.content.decode()
    frozen.shift(timedelta(seconds=30))
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert actions(officer) == ["auth.otp_enrolled", "auth.otp_failed", "auth.otp_verified"]


def test_wrong_code_is_rejected_with_an_error_summary_and_audited(client: Client, officer: Any, frozen: Any) -> None:
    device = ensure_device(officer)
    sign_in(client, officer)
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": wrong})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and 'href="#code"' in html and "The code is not correct" in html
    assert "<title>Error: Enter your security code" in html
    failed = AuditEvent.objects.get(action="auth.otp_failed")
    assert failed.actor == officer and failed.detail["reason"] == "wrong code" and right not in str(failed.detail)
    assert client.get("/people/").status_code == 302  # still not verified

    # django-otp throttles: straight after a wrong code even the right one must wait
    html = client.post(VERIFY, {"code": right}).content.decode()
    assert "too many wrong codes" in html
    assert AuditEvent.objects.filter(action="auth.otp_failed").last().detail["reason"] == "throttled"
    frozen.shift(timedelta(seconds=2))
    assert client.post(VERIFY, {"code": right})["Location"] == "/"


@pytest.mark.parametrize(("code", "message"), [("", "Enter the 6-digit code"), ("12ab56", "must be 6 digits"),
                                               ("1234567", "must be 6 digits")])
def test_malformed_codes_are_form_errors_not_failures(client: Client, officer: Any, code: str, message: str) -> None:
    device = ensure_device(officer)
    sign_in(client, officer)
    html = client.post(VERIFY, {"code": code}).content.decode()
    assert message in html and "govuk-error-summary" in html
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert not AuditEvent.objects.filter(action="auth.otp_failed").exists()


def test_spaces_in_a_code_are_ignored(client: Client, officer: Any, frozen: Any) -> None:
    device = ensure_device(officer)
    sign_in(client, officer)
    code = totp_code(device)
    assert client.post(VERIFY, {"code": f" {code[:3]} {code[3:]} "})["Location"] == "/"


@pytest.mark.parametrize("url", ["/", "/people/", "/people/new/", "/rules/"])
def test_password_alone_reaches_nothing_for_a_personal_data_role(client: Client, officer: Any, url: str) -> None:
    client.force_login(officer)  # password step done, no code given
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    ensure_device(officer)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    if url != "/":
        assert f"next={url.replace('/', '%2F')}" in response["Location"]


def test_unverified_user_may_still_sign_out_and_reach_open_paths(client: Client, officer: Any) -> None:
    client.force_login(officer)
    assert client.get("/health").status_code == 200
    assert client.get("/api/v1/people").status_code == 401  # the API needs a token, not a session
    assert client.get(SETUP).status_code == 200
    assert client.post("/sign-out/")["Location"] == "/sign-in/"
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("persona", ["analyst"])
def test_roles_without_personal_data_sign_in_with_a_password_only(client: Client, request: Any,
                                                                   persona: str) -> None:
    user = request.getfixturevalue(persona)
    response = sign_in(client, user)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get(VERIFY)["Location"] == "/"  # nothing to give
    assert not TOTPDevice.objects.filter(user=user).exists()


@pytest.mark.parametrize("persona", ["officer", "supervisor", "national_admin", "auditor"])
def test_every_personal_data_role_is_asked(client: Client, request: Any, persona: str) -> None:
    assert sign_in(client, request.getfixturevalue(persona))["Location"] == SETUP


def test_setting_off_means_password_only(client: Client, officer: Any, settings: Any) -> None:
    settings.TETHER_REQUIRE_2FA = False
    assert sign_in(client, officer)["Location"] == "/"
    assert client.get("/people/").status_code == 200


def test_a_confirmed_device_cannot_be_replaced_through_setup(client: Client, officer: Any) -> None:
    device = ensure_device(officer)
    client.force_login(officer)
    assert client.get(SETUP)["Location"] == VERIFY
    assert client.post(SETUP, {"code": "123456"})["Location"] == VERIFY
    assert list(TOTPDevice.objects.filter(user=officer)) == [device]


def test_two_factor_pages_need_the_password_step_first(client: Client, db: Any) -> None:
    assert client.get(VERIFY)["Location"] == "/sign-in/"
    assert client.get(SETUP)["Location"] == "/sign-in/"


def test_next_is_kept_through_the_code_step_and_only_if_local(client: Client, officer: Any, frozen: Any) -> None:
    device = ensure_device(officer)
    response = sign_in(client, officer, next="/people/?status=overdue")
    assert response["Location"] == VERIFY + "?next=%2Fpeople%2F%3Fstatus%3Doverdue"
    response = client.post(VERIFY, {"code": totp_code(device), "next": "/people/?status=overdue"})
    assert response["Location"] == "/people/?status=overdue"

    client.post("/sign-out/")
    frozen.shift(timedelta(seconds=30))
    sign_in(client, officer)
    response = client.post(VERIFY, {"code": totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_verifying_gives_a_new_session_id(client: Client, officer: Any, frozen: Any) -> None:
    device = ensure_device(officer)
    sign_in(client, officer)
    before = client.session.session_key
    client.post(VERIFY, {"code": totp_code(device)})
    assert client.session.session_key != before
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_another_users_device_does_not_verify_a_session(client: Client, officer: Any, supervisor: Any) -> None:
    client.force_login(officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = ensure_device(supervisor).persistent_id
    session.save()
    assert client.get("/people/").status_code == 302


def test_verified_login_helper(client: Client, officer: Any, analyst: Any) -> None:
    assert verified_login(client, officer).get("/people/").status_code == 200
    client.post("/sign-out/")
    assert verified_login(client, analyst).get("/").status_code == 200
    assert not TOTPDevice.objects.filter(user=analyst).exists()


def test_reset_removes_devices_ends_verification_and_is_audited(client: Client, officer: Any,
                                                                 national_admin: Any) -> None:
    from tether.access.two_factor import reset_two_factor

    verified_login(client, officer)
    assert client.get("/people/").status_code == 200
    assert reset_two_factor(officer, actor=national_admin, reason="Lost phone") == 1
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert client.get("/people/")["Location"].startswith(SETUP)  # enrol again
    event = AuditEvent.objects.get(action="auth.otp_reset")
    assert event.actor == national_admin and event.object_id == str(officer.pk) and event.reason == "Lost phone"
