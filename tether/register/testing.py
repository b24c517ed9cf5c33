"""Registrant documents for tests (synthetic: never a real person)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tether.core import clock


def person_doc(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "date_of_birth": "1980-04-02",
        "sex": "male",
        "ni_number": "JK123456C",
        "names": [{"kind": "current", "given_names": "John", "family_name": "Smith"}],
        "addresses": [
            {"kind": "home", "line1": "1 High Street", "town": "Manchester", "postcode": "M1 1AA",
             "valid_from": (clock.today() - timedelta(days=400)).isoformat(), "child_under_18": True}
        ],
        "disposals": [
            {"date": (clock.today() - timedelta(days=500)).isoformat(), "offence": "Sexual assault",
             "offence_code": "SA01", "kind": "imprisonment", "months": 24}
        ],
    }
    doc.update(overrides)
    return doc


def named(given: str, family: str) -> list[dict[str, str]]:
    return [{"kind": "current", "given_names": given, "family_name": family}]


def mps_person_doc() -> dict[str, Any]:
    return person_doc(names=named("Mary", "Jones"), ni_number="CE123456D",
                      addresses=[{"kind": "home", "line1": "2 Low Road", "town": "London", "postcode": "SW1A 1AA",
                                  "valid_from": (clock.today() - timedelta(days=300)).isoformat()}])
