from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tether.access.constants import Role
from tether.access.forces import ensure_forces
from tether.access.models import Force, User
from tether.access.testing import VerifiedClient, verified_login
from tether.register.services import person_create

PASSWORD = "correct horse battery staple"


@pytest.fixture
def client() -> VerifiedClient:
    """pytest-django's ``client``, but ``force_login`` also passes two-factor sign-in (TETHER_REQUIRE_2FA).

    Tests of the sign-in journey itself use an unverified ``django.test.Client()`` (see test_sign_in.py)."""
    return VerifiedClient()


@pytest.fixture
def gmp(db: Any) -> Force:
    ensure_forces()
    return Force.objects.get(code="GMP")


@pytest.fixture
def mps(db: Any) -> Force:
    ensure_forces()
    return Force.objects.get(code="MPS")


def make_user(username: str, role: str, force: Force | None, **extra: Any) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, force=force,
        first_name=extra.pop("first_name", username.split("_")[0].capitalize()),
        last_name=extra.pop("last_name", "Tester"), **extra,
    )


@pytest.fixture
def officer(gmp: Force) -> User:
    """An offender manager in Greater Manchester Police."""
    return make_user("olive_gmp", Role.OFFICER, gmp, first_name="Olive", last_name="Okafor")


@pytest.fixture
def mps_officer(mps: Force) -> User:
    return make_user("mark_mps", Role.OFFICER, mps, first_name="Mark", last_name="Mendes")


@pytest.fixture
def analyst(gmp: Force) -> User:
    return make_user("ann_analyst", Role.ANALYST, gmp)


@pytest.fixture
def auditor(db: Any) -> User:
    return make_user("aud_auditor", Role.AUDITOR, None)


@pytest.fixture
def national_admin(db: Any) -> User:
    return make_user("nat_admin", Role.NATIONAL_ADMIN, None)


def person_doc(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "date_of_birth": "1980-04-02",
        "sex": "male",
        "ni_number": "JK123456C",
        "names": [{"kind": "current", "given_names": "John", "family_name": "Smith"}],
        "addresses": [
            {"kind": "home", "line1": "1 High Street", "town": "Manchester", "postcode": "M1 1AA",
             "valid_from": (date.today() - timedelta(days=400)).isoformat(), "child_under_18": True}
        ],
        "disposals": [
            {"date": (date.today() - timedelta(days=500)).isoformat(), "offence": "Sexual assault",
             "offence_code": "SA01", "kind": "imprisonment", "months": 24}
        ],
    }
    doc.update(overrides)
    return doc


def named(given: str, family: str) -> list[dict[str, str]]:
    return [{"kind": "current", "given_names": given, "family_name": family}]


@pytest.fixture
def gmp_person(officer: User) -> Any:
    return person_create(officer, person_doc(names=named("John", "Smith")))


@pytest.fixture
def mps_person(mps_officer: User) -> Any:
    return person_create(
        mps_officer,
        person_doc(names=named("Mary", "Jones"), ni_number="CE123456D",
                   addresses=[{"kind": "home", "line1": "2 Low Road", "town": "London", "postcode": "SW1A 1AA",
                               "valid_from": (date.today() - timedelta(days=300)).isoformat()}]),
    )


@pytest.fixture
def officer_client(client: Any, officer: User) -> Any:
    return verified_login(client, officer)
