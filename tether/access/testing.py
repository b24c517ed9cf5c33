"""Test helpers for signing in past two-factor: for tests only (no view or service imports this).

``verified_login(client, user)`` force-logs-in and, for a role that needs two-factor sign-in, marks the
session as having given a code (giving the user a confirmed TOTP device if they have none).
``VerifiedClient`` is a test client whose ``force_login`` does the same, so existing tests keep working.
``totp_code(device)`` computes the code a device shows now, as an authenticator app would.
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from .permissions import needs_two_factor
from .two_factor import confirmed_device, device_code

TEST_DEVICE_NAME = "Test authenticator"


PERSONA_PASSWORD = "correct-horse-battery"  # noqa: S105  (the test personas' password, never a real account's)


def ensure_device(user: Any) -> TOTPDevice:
    """The user's confirmed TOTP device, created (with a random key) if they have none."""
    return confirmed_device(user) or TOTPDevice.objects.create(user=user, name=TEST_DEVICE_NAME, confirmed=True)


totp_code = device_code  # the code the device shows now; ``steps_ahead`` for a later step


def mark_verified(client: Client, user: Any) -> None:
    """Mark the client's (already signed-in) session as two-factor verified, if the role needs it."""
    if not needs_two_factor(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = ensure_device(user).persistent_id
    session.save()


def verified_login(client: Client, user: Any) -> Client:
    """``client.force_login(user)`` plus a verified two-factor session; returns the client."""
    Client.force_login(client, user)
    mark_verified(client, user)
    return client


class VerifiedClient(Client):
    """A test client whose ``force_login`` also verifies two-factor (for tests not about sign-in)."""

    def force_login(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)
        mark_verified(self, user)
