"""Demo sign-ins: one account per role, clearly marked as demo accounts (first name "Demo").

For a demo or a local trial only: they share one published password. Never create them on a
production database.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.db import transaction

from tether.access.constants import Role
from tether.access.demo_otp import demo_totp_device
from tether.access.models import Force, User
from tether.audit.services import PendingEvent, record_many

DEMO_PASSWORD = "tether-demo-2026"  # noqa: S105 - published on purpose: demo accounts only
DEMO_FIRST_NAME = "Demo"

# (username, role, force code or None for national roles, collar number)
DEMO_USERS: tuple[tuple[str, Role, str | None, str], ...] = (
    ("officer.mps", Role.OFFICER, "MPS", "PC 4101"),
    ("supervisor.mps", Role.SUPERVISOR, "MPS", "PS 2207"),
    ("analyst.mps", Role.ANALYST, "MPS", ""),
    ("foi.mps", Role.FOI_OFFICER, "MPS", ""),
    ("admin.mps", Role.FORCE_ADMIN, "MPS", ""),
    ("partner.mps", Role.PARTNER, "MPS", ""),
    ("officer.gmp", Role.OFFICER, "GMP", "PC 7302"),
    ("admin.national", Role.NATIONAL_ADMIN, None, ""),
    ("auditor", Role.AUDITOR, None, ""),
)


def ensure_demo_users() -> list[tuple[str, str, str]]:
    """Create the demo accounts that do not exist yet; return (username, password, role label) rows.

    Existing accounts are left exactly as they are (their password may have been changed since)."""
    password_validation.validate_password(DEMO_PASSWORD)
    forces = {f.code: f for f in Force.objects.filter(code__in={c for _, _, c, _ in DEMO_USERS if c})}
    rows = []
    with transaction.atomic():
        events = []
        for username, role, code, collar in DEMO_USERS:
            label = f"{Role(role).label}, {code}" if code else Role(role).label
            rows.append((username, DEMO_PASSWORD, label))
            existing = User.objects.filter(username=username).first()
            if existing is not None:
                demo_totp_device(existing)  # idempotent: the published demo key
                continue
            user = User.objects.create_user(
                username=username, password=DEMO_PASSWORD, first_name=DEMO_FIRST_NAME,
                last_name=f"{Role(role).label} ({code or 'national'})", role=role,
                force=forces[code] if code else None, collar_number=collar,
            )
            demo_totp_device(user)
            events.append(PendingEvent(
                action="user.create", actor=None, object_type="user", object_id=str(user.pk),
                force_code=code or "", detail={"username": username, "role": str(role), "demo": True},
            ))
        if events:
            record_many(events)
    return rows
