"""``tether user``: invite, list, role, deactivate, reactivate, unlock and tokens, as the --as administrator."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tether.access.models import ApiToken, User
from tether.access.services import token_create
from tether.audit.models import AuditEvent
from tether.cli import app

pytestmark = pytest.mark.django_db


def _run(*args: str):
    return CliRunner().invoke(app, ["user", *args])


def test_invite_prints_the_link_once(force_admin, frozen):
    done = _run("invite", "jo.bloggs", "--first-name", "Jo", "--last-name", "Bloggs", "--role", "officer",
                "--as", force_admin.username)
    assert done.exit_code == 0, done.output
    body = json.loads(done.stdout)
    assert "/sign-in/invitation/" in body["link"] and User.objects.get(username="jo.bloggs").force.code == "MPS"
    refused = _run("invite", "jo.bloggs", "--first-name", "Jo", "--last-name", "Bloggs", "--role", "auditor",
                   "--as", force_admin.username)
    assert refused.exit_code == 2 and "username:" in refused.output and "role:" in refused.output


def test_role_deactivate_reactivate_and_list(force_admin, officer):
    assert _run("role", officer.username, "--role", "supervisor", "--as", force_admin.username).exit_code == 0
    assert _run("deactivate", officer.username, "--reason", "Left", "--as", force_admin.username).exit_code == 0
    again = _run("deactivate", officer.username, "--as", force_admin.username)
    assert again.exit_code == 2 and "Nothing would change" in again.output
    listing = json.loads(_run("list", "--json", "--as", force_admin.username).stdout)
    assert {"username": officer.username, "status": "deactivated"}.items() <= next(
        r for r in listing if r["username"] == officer.username).items()
    assert _run("reactivate", officer.username, "--as", force_admin.username).exit_code == 0
    assert User.objects.get(pk=officer.pk).is_active


def test_tokens_listed_and_revoked(force_admin, officer):
    raw, token = token_create(officer.username, name="nightly")
    listed = _run("tokens", officer.username, "--json", "--as", force_admin.username)
    assert listed.exit_code == 0 and raw not in listed.output and token.prefix in listed.output
    revoked = _run("tokens", officer.username, "--revoke", str(token.pk), "--json", "--as", force_admin.username)
    assert json.loads(revoked.stdout)[0]["state"] == "revoked"
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEvent.objects.filter(action="token.revoke").count() == 1


def test_unlock_and_the_as_account(client, force_admin, officer, other_officer, frozen):
    for _ in range(5):
        client.post("/sign-in/", {"username": officer.username, "password": "wrong password!"})
    assert _run("unlock", officer.username, "--as", force_admin.username).exit_code == 0
    assert _run("unlock", officer.username, "--as", force_admin.username).exit_code == 2
    assert _run("unlock", other_officer.username, "--as", force_admin.username).exit_code == 1  # not theirs
    assert _run("unlock", officer.username).exit_code == 2  # no --as
    assert _run("unlock", officer.username, "--as", officer.username).exit_code == 1  # not an administrator
