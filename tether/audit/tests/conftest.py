from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tether.access.testing import verified_login
from tether.register.services import person_create


def sign_in(client: Client, user: Any) -> Client:
    """Sign in past two-factor (the helper marks the session verified for roles that need a code)."""
    return verified_login(client, user)


def tamper(sql: str) -> None:
    """Tamper as someone with raw database access would: bypass the triggers (as test_chain does)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL session_replication_role = replica")
            cur.execute(sql)
            cur.execute("SET LOCAL session_replication_role = origin")
        else:
            cur.execute("DROP TRIGGER IF EXISTS audit_append_only")
            cur.execute(sql)


@pytest.fixture
def person(officer, make_doc, frozen):
    """A registrant of MPS (the officer's and supervisor's force)."""
    return person_create(officer, make_doc())
