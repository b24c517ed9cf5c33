"""Demo accounts' two-factor devices: fixed published keys, usable by the demo, refused in production."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tether.access.demo_otp import DemoOnly, current_code, demo_key, demo_secret, demo_totp_device
from tether.access.testing import PERSONA_PASSWORD as PASSWORD
from tether.access.testing import ensure_device
from tether.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_key_is_fixed_and_documented() -> None:
    # the README lists these; changing the formula breaks every demo authenticator app set up from it
    assert demo_key("officer.mps") == "ed63767f05f45f3d2dd78075377ab41ab9ac0183"
    assert demo_secret("officer.mps") == "5VRXM7YF6RPT2LOXQB2TO6VUDK42YAMD"
    assert demo_secret("officer.gmp") == "G2AYA6W6TX3WBLUDCIQHKGZ3GPAHPBSZ"


def test_demo_device_signs_the_demo_user_in(client: Client, officer: Any, frozen: Any) -> None:
    device = demo_totp_device(officer)
    assert device is not None and device.confirmed and device.key == demo_key("officer.mps")
    assert demo_totp_device(officer) == device  # idempotent
    assert AuditEvent.objects.filter(action="auth.otp_enrolled").count() == 1

    code = current_code(officer)
    assert code == f"{TOTP(bytes.fromhex(demo_key('officer.mps'))).token():06d}"
    client.post("/sign-in/", {"username": "officer.mps", "password": PASSWORD})
    assert client.post("/sign-in/two-factor/", {"code": code})["Location"] == "/"
    frozen.shift(timedelta(seconds=30))
    assert current_code(officer) != code


def test_password_only_roles_get_no_device(analyst: Any, auditor: Any) -> None:
    assert demo_totp_device(analyst) is None
    assert not TOTPDevice.objects.filter(user=analyst).exists()
    assert demo_totp_device(auditor) is not None  # auditors read search terms and reasons: two-factor too


def test_a_real_device_is_left_alone_and_its_code_never_printed(officer: Any) -> None:
    own = ensure_device(officer)
    assert demo_totp_device(officer) is None
    assert list(TOTPDevice.objects.filter(user=officer)) == [own]
    with pytest.raises(DemoOnly):
        current_code(officer)


def test_refused_in_production(officer: Any, settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(DemoOnly):
        demo_totp_device(officer)
    with pytest.raises(DemoOnly):
        current_code(officer)


def test_current_code_by_username(officer: Any) -> None:
    from tether.access.demo_otp import current_code_for

    demo_totp_device(officer)
    assert current_code_for("officer.mps") == current_code(officer)
    with pytest.raises(DemoOnly, match="no user"):
        current_code_for("nobody")
