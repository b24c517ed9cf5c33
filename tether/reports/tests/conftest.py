"""A small register with a known history, built with the real services on a frozen clock (2025-06-16).

Registrants (registration periods from the rules engine, checked in ``test_the_world_is_as_described``):

- ``mps_a``  MPS, 8 months' imprisonment 2020-03-04: subject 2020-03-04 .. 2030-03-03.
- ``mps_b``  MPS, a caution 2023-01-10: subject 2023-01-10 .. 2025-01-09.
- ``gmp_c``  GMP, as ``mps_a``.
- ``moved``  as ``mps_a``, owned by MPS until 2024-01-01, then by GMP (a transfer).
- ``scot``   Police Scotland, as ``mps_a`` (offence: rape).

Cases (all opened and worked by the national admin):

- case 1 (``mps_a``, MPS): missing 2015-05-01, warrant 2016-02-01 (wanted), still open.
- case 2 (``mps_b``, MPS): missing 2024-03-01, believed abroad 2024-06-01, closed (returned) 2025-01-15.
- case 3 (``gmp_c``, GMP): missing 2022-07-01, closed (located) 2023-01-01, reopened 2024-11-20, open.
- case 4 (``scot``, PSOS): opened wanted and believed abroad 2010-01-05, still open.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from tether.access.constants import Role
from tether.access.models import Force, User
from tether.casework.case_services import case_close, case_open, case_reopen, case_transition
from tether.conftest import per_module
from tether.register.services import person_create

CAUTION = [{"date": "2023-01-10", "offence": "Exposure (SOA 2003 s.66)", "offence_code": "SCH3-33",
            "kind": "caution"}]
RAPE = [{"date": "2020-03-04", "offence": "Rape (Sexual Offences (Scotland) Act 2009 s.1)",
         "offence_code": "SCH3-36A", "kind": "imprisonment", "months": 8}]


def build_world() -> dict[str, Any]:
    """The register above (the national admin persona works every case)."""
    from tether.conftest import national_admin_user, registrant_doc

    a = national_admin_user()

    def make(force: str, **kw: Any) -> Any:
        return person_create(a, registrant_doc(force=force, **kw))

    people = {
        "mps_a": make("MPS"),
        "mps_b": make("MPS", disposals=CAUTION, detentions=[], notifications=[
            {"kind": "initial", "received_at": "2023-01-11T10:00:00Z", "station": "Charing Cross Police Station"}]),
        "gmp_c": make("GMP"),
        "moved": make("GMP", ownership=[{"force": "MPS", "valid_from": "2020-03-04", "valid_to": "2024-01-01"},
                                        {"force": "GMP", "valid_from": "2024-01-01"}]),
        "scot": make("PSOS", disposals=RAPE),
    }
    c1 = case_open(a, people["mps_a"].pk, {"opened_on": "2015-05-01"})
    case_transition(a, c1.pk, "warrant", {"on": "2016-02-01", "warrant_on": "2016-02-01"})
    c2 = case_open(a, people["mps_b"].pk, {"opened_on": "2024-03-01"})
    case_transition(a, c2.pk, "abroad", {"on": "2024-06-01"})
    case_close(a, c2.pk, "returned", {"on": "2025-01-15"})
    c3 = case_open(a, people["gmp_c"].pk, {"opened_on": "2022-07-01"})
    case_close(a, c3.pk, "located", {"on": "2023-01-01"})
    case_reopen(a, c3.pk, "Failed to notify again after release", {"on": "2024-11-20"})
    c4 = case_open(a, people["scot"].pk, {"opened_on": "2010-01-05", "warrant_on": "2010-01-05",
                                          "believed_abroad": True})
    return {"people": people, "cases": {1: c1, 2: c2, 3: c3, 4: c4}}


world_built = per_module(build_world)


@pytest.fixture
def world(world_built: dict[str, Any], national_admin: User, frozen: Any) -> dict[str, Any]:
    """The register, built once for the module (``per_module``; a module whose tests commit builds it afresh for
    each: ``test_browser_statistics``)."""
    return copy.deepcopy(world_built)


@pytest.fixture
def world_afresh(national_admin: User, frozen: Any) -> dict[str, Any]:
    """The register built for the test alone: a module with tests that need another register (or that commit)
    names it as its ``world``."""
    return build_world()


@pytest.fixture
def foi_national(national_admin) -> User:
    return User.objects.create_user("foi.national", password=None, role=Role.FOI_OFFICER, force=None)


@pytest.fixture
def analyst_gmp(national_admin) -> User:
    return User.objects.create_user("analyst.gmp", password=None, role=Role.ANALYST,
                                    force=Force.objects.get(code="GMP"))


D = {
    "before": date(2014, 12, 31),
    "2016": date(2016, 6, 30),
    "2022": date(2022, 12, 31),
    "2024": date(2024, 6, 30),
    "today": date(2025, 6, 16),
}
