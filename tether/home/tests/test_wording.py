"""Each role's home page says what that role does (issue: the auditor was promised statistics; the national
administrator's header repeated "national"; the dashboard called a national view "Your caseload")."""

from __future__ import annotations

import pytest
from django.test import Client
from typer.testing import CliRunner

from tether.access.testing import ensure_device, verified_login
from tether.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _home(user) -> str:
    client = Client()
    verified_login(client, user)
    return client.get("/").content.decode()


def test_the_auditor_is_pointed_at_the_audit_trail(auditor):
    page = _home(auditor)
    assert "will appear here" not in page
    assert 'data-testid="audit-links"' in page and "/audit/" in page


def test_the_national_administrator_sees_the_register_not_a_caseload(national_admin):
    page = _home(national_admin)
    assert "Your caseload" not in page and "The register across every force" in page
    assert page.count("national") <= 2  # the role's name once in the header, not three times


def test_an_officer_sees_their_caseload(officer):
    assert "Your caseload" in _home(officer)


def test_a_force_administrator_resets_two_factor_for_their_own_force(force_admin, officer, other_officer):
    from tether.cli import app

    ensure_device(officer)
    runner = CliRunner()
    ok = runner.invoke(app, ["otp-reset", officer.username, "--as", force_admin.username,
                             "--reason", "Phone lost on duty, reported to the service desk"])
    assert ok.exit_code == 0, ok.output
    assert AuditEvent.objects.filter(action="auth.otp_reset", object_id=str(officer.pk)).count() == 1
    other = runner.invoke(app, ["otp-reset", other_officer.username, "--as", force_admin.username,
                                "--reason", "Phone lost on duty, reported to the service desk"])
    assert other.exit_code == 2
    no_reason = runner.invoke(app, ["otp-reset", officer.username, "--as", force_admin.username, "--reason", "x"])
    assert no_reason.exit_code == 2
    assert AuditEvent.objects.filter(action="auth.otp_reset").count() == 1
