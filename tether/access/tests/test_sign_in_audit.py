from __future__ import annotations

import pytest

from tether.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_sign_in_sign_out_and_failure_are_audited(client, officer):
    client.post("/sign-in/", {"username": "officer.mps", "password": "wrong password!"})
    failed = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert "officer.mps" in failed.actor_label
    assert "wrong" not in str(failed.detail)
    client.post("/sign-in/", {"username": "officer.mps", "password": "correct-horse-battery"})
    assert AuditEvent.objects.filter(action="auth.sign_in", actor=officer).count() == 1
    client.post("/sign-out/")
    assert AuditEvent.objects.filter(action="auth.sign_out", actor=officer).count() == 1
