"""Two-factor sign-in: a TOTP code (RFC 6238, any authenticator app) for every role that sees personal data.

The password step signs the user in; until they also give a code in this session (``is_verified``), the
``TwoFactorRequiredMiddleware`` lets them reach only the two-factor pages and sign-out. A user without a
confirmed device enrols first: they are shown the secret (as text and as a QR code) and confirm it with a
code. Devices are django-otp ``TOTPDevice`` rows; enrolment, each verified code and each wrong code are
written to the audit trail. Wrong codes are throttled by django-otp (after n wrong codes the next try must
wait 2^(n-1) seconds).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tether.core import clock

from .events import record
from .permissions import needs_two_factor
from .signals import client_detail

DEVICE_NAME = "Authenticator app"
CODE_RE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    error: str = ""  # for the error summary when not ok


def requires_two_factor(user: Any) -> bool:
    """Whether this user must give a code: the setting is on and their role sees personal data."""
    return bool(
        settings.TETHER_REQUIRE_2FA and user is not None and user.is_authenticated and needs_two_factor(user)
    )


def is_verified(request: HttpRequest) -> bool:
    """A code was accepted in this session (OTPMiddleware sets ``user.is_verified``)."""
    user: Any = request.user
    check = getattr(user, "is_verified", None)
    if callable(check):
        return bool(check())
    # just signed in (request.user was replaced by login()): read the session as OTPMiddleware would
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    return bool(device is not None and device.confirmed and device.user_id == user.pk)


def two_factor_pending(request: HttpRequest) -> bool:
    """Signed in with a password but still owes a code."""
    return requires_two_factor(request.user) and not is_verified(request)


def confirmed_device(user: Any) -> TOTPDevice | None:
    """The user's first confirmed TOTP device, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def device_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the device shows at the current (possibly frozen) time, as an authenticator app would;
    ``steps_ahead`` for a later step."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{totp.token():0{device.digits}d}"


def base32_secret(key: bytes) -> str:
    """A key in base32 without padding, as an authenticator app asks for it."""
    return base64.b32encode(key).decode().rstrip("=")


def pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed device shown to an enrolling user: one per user, kept across page loads."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def next_step_url(request: HttpRequest, next_url: str = "") -> str:
    """Where a signed-in user goes next: ``next_url`` itself, or the code page (enrolment if no device yet)."""
    if not two_factor_pending(request):
        return next_url or reverse(settings.LOGIN_REDIRECT_URL)
    name = "access:two_factor" if confirmed_device(request.user) else "access:two_factor_setup"
    url = reverse(name)
    if next_url and next_url != "/":
        url += "?" + urlencode({"next": next_url})
    return url


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret an authenticator app asks for, in groups of four for typing."""
    raw = base32_secret(device.bin_key)
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (no script, no inline style: CSP-clean)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=4)
    root = image.get_image()
    root.set("width", "200")
    root.set("height", "200")
    root.set("role", "img")
    root.set("aria-label", "QR code for your authenticator app")
    root.set("class", "tether-qr")
    root.set("focusable", "false")
    return ET.tostring(root, encoding="unicode")


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "")


def _form_error(code: str) -> str:
    if not code:
        return "Enter the 6-digit code from your authenticator app"
    if not CODE_RE.match(code):
        return "The code must be 6 digits, like 123456"
    return ""


def _throttled(device: TOTPDevice) -> str:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return ""
    until = (data or {}).get("locked_until")
    wait = max(1, int((until - clock.now()).total_seconds()) + 1) if until else 60
    return f"You have entered too many wrong codes. Wait {wait} seconds, then enter a new code"


def _audit(action: str, request: HttpRequest, device: TOTPDevice | None, **detail: Any) -> None:
    user: Any = request.user
    record(
        action, user, object_type="otp_device", object_id=str(device.pk) if device else "",
        force_code=user.force_code, detail={**client_detail(request), **detail},
    )


def _accept(request: HttpRequest, device: TOTPDevice) -> None:
    request.session.cycle_key()  # a new session id now that the session is fully trusted
    otp_login(request, device)


def _check(request: HttpRequest, device: TOTPDevice, raw: str, *, enrolling: bool) -> CodeCheck:
    code = _normalise(raw)
    error = _form_error(code)
    if error:
        return CodeCheck(False, error)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        error = _throttled(device)
        if error:
            _audit("auth.otp_failed", request, device, reason="throttled", enrolling=enrolling)
            return CodeCheck(False, error)
        if device.verify_token(code):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                _audit("auth.otp_enrolled", request, device)
            else:
                _audit("auth.otp_verified", request, device)
            ok = True
        else:
            _audit("auth.otp_failed", request, device, reason="wrong code", enrolling=enrolling)
            ok = False
    if not ok:
        return CodeCheck(False, "The code is not correct. Enter the code your authenticator app shows now")
    _accept(request, device)
    return CodeCheck(True)


def confirm_enrolment(request: HttpRequest, device: TOTPDevice, code: str) -> CodeCheck:
    """Confirm a pending device with a code from it; on success the session is verified."""
    if device.confirmed or device.user_id != request.user.pk:
        raise ValueError("Only the user's own pending device can be confirmed.")
    return _check(request, device, code, enrolling=True)


def verify(request: HttpRequest, code: str) -> CodeCheck:
    """Check a code against the user's confirmed device; on success the session is verified."""
    device = confirmed_device(request.user)
    if device is None:
        raise ValueError("The user has no confirmed two-factor device.")
    return _check(request, device, code, enrolling=False)


def reset_two_factor(user: Any, *, actor: Any = None, actor_label: str = "", reason: str = "") -> int:
    """Remove all of a user's TOTP devices (lost phone): they enrol again at their next sign-in, and any
    session verified with an old device stops being verified. Returns how many devices went; audited."""
    with transaction.atomic():
        count: int = TOTPDevice.objects.filter(user=user).delete()[0]
        record("auth.otp_reset", actor, actor_label=actor_label, object_type="user", object_id=str(user.pk),
               force_code=user.force_code, reason=reason,
               detail={"username": user.get_username(), "devices": count})
    return count
