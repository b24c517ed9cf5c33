"""Two-factor devices for the demo accounts, with published keys: synthetic demo data only.

Each demo account that needs two-factor sign-in gets a confirmed TOTP device whose key is fixed and public:

    key (hex) = first 40 hex digits of SHA-256("tether-demo-totp:" + username)

so anyone can add it to an authenticator app (the base32 form is printed by ``demo_secret``) or print the
current code with ``current_code`` (the ``tether otp-code USERNAME`` command). A published key protects
nothing: these functions refuse to run when TETHER_PRODUCTION=1, and ``current_code`` only reads demo devices.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .events import record
from .permissions import needs_two_factor
from .two_factor import base32_secret, device_code

DEMO_DEVICE_NAME = "Demo authenticator (published key)"
KEY_LABEL = "tether-demo-totp:"


class DemoOnly(RuntimeError):
    """A demo two-factor key was asked for where it must not exist."""


def _refuse_in_production() -> None:
    if getattr(settings, "PRODUCTION", False):
        raise DemoOnly("Demo two-factor keys are published; they are never created or read with TETHER_PRODUCTION=1.")


def demo_key(username: str) -> str:
    """The published hex key of a demo account's device (20 bytes)."""
    return hashlib.sha256(f"{KEY_LABEL}{username}".encode()).hexdigest()[:40]


def demo_secret(username: str) -> str:
    """The same key in base32, as an authenticator app asks for it."""
    return base32_secret(bytes.fromhex(demo_key(username)))


def demo_totp_device(user: Any) -> TOTPDevice | None:
    """Give a demo account its confirmed device with the published key (idempotent).

    Returns None for roles that sign in with a password only. Leaves alone an account that already has a
    confirmed device of its own (one enrolled through the web page)."""
    _refuse_in_production()
    if not needs_two_factor(user):
        return None
    key = demo_key(user.get_username())
    with transaction.atomic():
        existing = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")
        for device in existing:
            if device.name == DEMO_DEVICE_NAME and device.key == key:
                return device
        if existing.exists():
            return None
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()  # a half-finished enrolment
        device = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=key, confirmed=True)
        record("auth.otp_enrolled", None, object_type="otp_device", object_id=str(device.pk),
               force_code=user.force_code,
               detail={"username": user.get_username(), "demo": True, "published_key": True})
    return device


def current_code(user: Any) -> str:
    """The code a demo account's device shows now (6 digits). Raises DemoOnly for any other account."""
    _refuse_in_production()
    device = TOTPDevice.objects.filter(user=user, confirmed=True, name=DEMO_DEVICE_NAME,
                                       key=demo_key(user.get_username())).first()
    if device is None:
        raise DemoOnly(f"{user.get_username()} has no demo two-factor device.")
    return device_code(device)


def current_code_for(username: str) -> str:
    """``current_code`` by username, for the ``tether otp-code USERNAME`` command. Raises DemoOnly."""
    from .models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise DemoOnly(f"There is no user {username}.")
    return current_code(user)
