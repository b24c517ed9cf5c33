from __future__ import annotations

from typing import Any

import pytest

PASSWORD = "correct-horse-battery"  # the personas' password (tether/conftest.py)


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    # sign-in tests check many passwords; Argon2 itself is configured in settings (test_settings.py)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
