"""The register's page tests sign in with ``client.force_login``: here that also passes two-factor sign-in."""

from __future__ import annotations

import pytest

from tether.access.testing import VerifiedClient


@pytest.fixture
def client() -> VerifiedClient:
    return VerifiedClient()
