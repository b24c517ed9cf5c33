"""Forces, users and their roles, API tokens, and time-limited out-of-force access grants."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models

from tether.core.models import Interval

from .constants import JURISDICTION_BY_COUNTRY, Country, Role


class Force(models.Model):
    """One of the 45 UK territorial police forces. Its country decides which law applies."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=120)
    country = models.CharField(max_length=20, choices=Country.choices)
    published_rso_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def jurisdiction(self) -> str:
        return JURISDICTION_BY_COUNTRY[Country(self.country)]


class User(AbstractUser):
    """A person who signs in. Every user has one role; most belong to one force."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OFFICER)
    force = models.ForeignKey(Force, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    collar_number = models.CharField(max_length=20, blank=True)
    rank = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def force_code(self) -> str:
        """The code of the user's force, or "" for a national user."""
        return self.force.code if self.force_id else ""  # type: ignore[union-attr]

    @property
    def label(self) -> str:
        force = self.force_code or "national"
        return f"{self.get_full_name() or self.username} ({self.get_role_display()}, {force})"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    role = models.CharField(
        max_length=20, choices=Role.choices, default="",
        help_text="The role it was issued for; it stops working if that changes.",
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    hash_token = staticmethod(_hash_token)

    @staticmethod
    def generate() -> str:
        return "tth_" + secrets.token_urlsafe(32)


class AccessGrant(models.Model):
    """Time-limited access to another force's full record, opened by a recorded reason."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_grants", db_index=False)
    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="access_grants")
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "person", "expires_at"])]


class PartnerAssignment(Interval):
    """A partner-agency user (e.g. probation) assigned to one registrant: the only records they may see."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="partner_assignments", db_index=False)
    person = models.ForeignKey("register.Person", on_delete=models.CASCADE, related_name="partner_assignments")
    assigned_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["user", "person"])]


class Invitation(models.Model):
    """A one-time link that lets an invited user set their password (then set up two-factor sign-in). Only the
    SHA-256 hash of the link's token is stored; the link works once, until ``expires_at``."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations", db_index=False)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True, help_text="A newer link replaced it.")

    hash_token = staticmethod(_hash_token)

    class Meta:
        indexes = [models.Index(fields=["user", "used_at"])]

    @staticmethod
    def generate() -> str:
        return secrets.token_urlsafe(32)
