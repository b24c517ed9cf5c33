"""The sign-in backend reads the signed-in user with their force, and still refuses a deactivated account."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tether.access.backends import UserBackend


@pytest.mark.django_db
def test_the_user_comes_with_their_force_in_one_statement(officer: Any) -> None:
    with CaptureQueriesContext(connection) as ctx:
        user = UserBackend().get_user(officer.pk)
        assert user is not None and user.label.endswith("MPS)")
    assert len(ctx.captured_queries) == 1


@pytest.mark.django_db
def test_a_deactivated_or_missing_account_is_no_user(officer: Any) -> None:
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert UserBackend().get_user(officer.pk) is None
    assert UserBackend().get_user(10**9) is None


@pytest.mark.django_db
def test_signing_in_records_the_backend(client: Any, officer: Any) -> None:
    client.force_login(officer)
    assert client.session["_auth_user_backend"] == "tether.access.backends.UserBackend"
