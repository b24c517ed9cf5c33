"""Lockout after repeated failed sign-ins (django-axes): by username, for the cool-off period, audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from tether.access.testing import PERSONA_PASSWORD as PASSWORD
from tether.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def attempt(client: Client, username: str, password: str) -> Any:
    return client.post("/sign-in/", {"username": username, "password": password})


def fail(client: Client, username: str, times: int) -> Any:
    response = None
    for _ in range(times):
        response = attempt(client, username, "wrong password!")
    return response


def test_locked_after_five_failures_even_with_the_right_password(client: Client, analyst: Any, frozen: Any) -> None:
    response = fail(client, analyst.username, 4)
    assert response.status_code == 200 and "Enter a correct username and password" in response.content.decode()
    response = fail(client, analyst.username, 1)  # the fifth
    html = response.content.decode()
    assert response.status_code == 429
    assert "Account locked for 30 minutes" in html and "After 5 sign-in attempts" in html
    assert 'href="/sign-in/"' in html and "<title>Error: Account locked" in html

    frozen.shift(timedelta(minutes=10))
    response = attempt(client, analyst.username, PASSWORD)
    assert response.status_code == 429 and "_auth_user_id" not in client.session

    # each try while locked restarts the cool-off: 29 minutes after the last one it is still locked
    frozen.shift(timedelta(minutes=29))
    assert attempt(client, analyst.username, PASSWORD).status_code == 429
    frozen.shift(timedelta(minutes=30, seconds=1))
    response = attempt(client, analyst.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(analyst.pk)


def test_lockout_is_audited_and_failed_sign_ins_still_are(client: Client, analyst: Any, frozen: Any) -> None:
    fail(client, analyst.username, 5)
    assert AuditEvent.objects.filter(action="auth.sign_in_failed").count() == 5
    locked = AuditEvent.objects.get(action="auth.locked_out")
    assert locked.detail["username"] == analyst.username and locked.object_id == str(analyst.pk)
    assert locked.force_code == "MPS" and "wrong" not in str(locked.detail)
    attempt(client, analyst.username, PASSWORD)
    assert AuditEvent.objects.filter(action="auth.locked_out").count() == 2
    assert not AuditEvent.objects.filter(action="auth.sign_in").exists()


def test_lockout_is_by_username(client: Client, analyst: Any, officer: Any, frozen: Any) -> None:
    fail(client, analyst.username, 5)
    other = Client()  # same address, another account
    response = attempt(other, officer.username, PASSWORD)
    assert response.status_code == 302
    # from another address the locked account is still locked
    elsewhere = Client(REMOTE_ADDR="10.9.8.7")
    assert attempt(elsewhere, analyst.username, PASSWORD).status_code == 429


def test_unknown_usernames_lock_the_same_way(client: Client, db: Any, frozen: Any) -> None:
    assert fail(client, "no.such.user", 5).status_code == 429


def test_a_successful_sign_in_clears_the_count(client: Client, analyst: Any, frozen: Any) -> None:
    fail(client, analyst.username, 4)
    assert attempt(client, analyst.username, PASSWORD).status_code == 302
    client.post("/sign-out/")
    assert fail(client, analyst.username, 4).status_code == 200
    assert attempt(client, analyst.username, PASSWORD).status_code == 302


def test_failures_older_than_the_cool_off_do_not_count(client: Client, analyst: Any, frozen: Any) -> None:
    fail(client, analyst.username, 4)
    frozen.shift(timedelta(minutes=31))
    assert fail(client, analyst.username, 4).status_code == 200
    assert attempt(client, analyst.username, PASSWORD).status_code == 302


def test_attempts_and_minutes_come_from_settings(client: Client, analyst: Any, settings: Any, frozen: Any) -> None:
    settings.TETHER_LOCKOUT_ATTEMPTS = 3
    settings.TETHER_LOCKOUT_MINUTES = 60
    assert fail(client, analyst.username, 2).status_code == 200
    response = fail(client, analyst.username, 1)
    assert response.status_code == 429 and "Account locked for 60 minutes" in response.content.decode()
    frozen.shift(timedelta(minutes=45))
    assert attempt(client, analyst.username, PASSWORD).status_code == 429


def test_stored_attempts_never_hold_the_password(client: Client, analyst: Any) -> None:
    from axes.models import AccessAttempt

    fail(client, analyst.username, 2)
    attempt_row = AccessAttempt.objects.get(username=analyst.username)
    assert attempt_row.failures_since_start == 2 and "wrong password" not in attempt_row.post_data
