"""The demo register carries force administration: partner access (one ended) and a playbook version."""

from __future__ import annotations

from datetime import date

import pytest

from tether.access.models import PartnerAssignment
from tether.casework.models import Playbook
from tether.demo.services import load_demo
from tether.demo.users import ensure_demo_users

pytestmark = pytest.mark.django_db


def test_the_demo_has_partner_access_and_a_playbook_history(frozen, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ensure_demo_users()
    summary = load_demo(200, seed=3, today=date(2025, 6, 15))
    assert summary["administration"] == {"partner_assignments": 4, "playbook_versions": 1}
    assert PartnerAssignment.objects.filter(valid_to__isnull=True).count() == 3
    assert PartnerAssignment.objects.filter(valid_to__isnull=False).count() == 1
    assert Playbook.objects.get(force__code="MPS").changes[0]["setting"] == "case.review_every_days"


def test_without_the_demo_accounts_nothing_is_administered(frozen):
    summary = load_demo(60, seed=4, today=date(2025, 6, 15))
    assert summary["administration"] == {"partner_assignments": 0, "playbook_versions": 0}
