"""A small seeded register for the identity tests: variant-spelled names, aliases, identifiers, two forces."""

from __future__ import annotations

from typing import Any

import pytest

from tether.access.testing import VerifiedClient
from tether.register.identifiers import pnc_check_letter
from tether.register.services import person_create

PNC = "2001/0123456" + pnc_check_letter("2001", "0123456")

PEOPLE = [
    # key, given, family, date of birth, extra
    ("addams", "Mary", "Addams", "1965-06-27", {"ni_number": "AB123456C", "pnc_id": PNC}),
    ("smith", "John", "Smith", "1970-01-15", {}),
    ("johnson", "Peter", "Johnson", "1975-03-04", {}),
    ("khan", "Mohammed", "Khan", "1985-05-05", {}),
    ("kozlowski", "Paweł", "Kozłowski", "1990-02-11", {}),
    ("brown", "William", "Brown", "1972-08-19", {"aliases": [("Bill", "Green")]}),
    ("obrien", "Sean", "O'Brien", "1968-12-01", {}),
    ("nordic", "Søren", "Ørsted-Dæhlie", "1979-09-09", {}),
]


def _doc(make_doc: Any, given: str, family: str, dob: str, extra: dict[str, Any], index: int) -> dict[str, Any]:
    names = [{"kind": "birth", "given_names": given, "family_name": family, "valid_from": dob}]
    for g, f in extra.get("aliases", []):
        names.append({"kind": "alias", "given_names": g, "family_name": f, "valid_from": "2019-01-01"})
    doc = make_doc(names=names, date_of_birth=dob, ni_number=extra.get("ni_number", ""),
                   pnc_id=extra.get("pnc_id", ""))
    doc["addresses"][0]["postcode"] = "SW1A 1AA" if index == 0 else "M1 1AA"
    return doc


@pytest.fixture
def register(officer: Any, make_doc: Any, frozen: Any) -> dict[str, Any]:
    """The seeded people of MPS, by key."""
    return {key: person_create(officer, _doc(make_doc, g, f, dob, extra, i))
            for i, (key, g, f, dob, extra) in enumerate(PEOPLE)}


MERGE_REASON = "Fingerprints on both custody records agree"


@pytest.fixture
def pair(officer: Any, make_doc: Any, frozen: Any) -> tuple[Any, Any]:
    """Two records of one person in MPS (the second with the name misspelt and no identifiers)."""
    a = person_create(officer, make_doc())
    names = [{"kind": "birth", "given_names": "Alun", "family_name": "Testpersen", "valid_from": "1980-04-02"}]
    b = person_create(officer, make_doc(names=names, ni_number="", pnc_id=""))
    return a, b


@pytest.fixture
def client() -> VerifiedClient:
    return VerifiedClient()
