"""A small register (MPS) with one registrant missing, and a partner extract in which they reappear."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

from tether.tracing import synthetic

LAWFUL_BASIS = "DPA 2018 s.35 and Part 3: law enforcement purposes; DWP data-sharing agreement"


def registrant_doc(make_doc: Any, row: dict[str, Any]) -> dict[str, Any]:
    """A registrant document (for ``make_doc``) from a synthetic person row."""
    return make_doc(
        date_of_birth=row["date_of_birth"].isoformat(), ni_number=row["ni_number"], pnc_id="",
        names=[{"kind": "birth", "given_names": row["given_names"], "family_name": row["family_name"],
                "valid_from": row["date_of_birth"].isoformat()}],
        addresses=[{"kind": "home", "line1": row["address_line_1"], "town": row["town"],
                    "postcode": row["postcode"], "valid_from": "2020-01-01"}],
    )


def _name(given: str, family: str, since: str = "1980-04-02") -> list[dict[str, str]]:
    return [{"kind": "birth", "given_names": given, "family_name": family, "valid_from": since}]


@pytest.fixture
def twice(officer: Any, make_doc: Any, frozen: Any) -> tuple[Any, Any, Any]:
    """One person entered twice (the second misspelt, without identifiers) and someone else (the duplicate scan's
    register: ``test_duplicate_scan``, ``test_jobs``)."""
    from tether.register.services import person_create

    a = person_create(officer, make_doc())
    b = person_create(officer, make_doc(names=_name("Allan", "Testpersonn"), ni_number="", pnc_id=""))
    other = person_create(officer, make_doc(names=_name("Zoe", "Quillfeather", "1991-11-12"),
                                            date_of_birth="1991-11-12", ni_number="", pnc_id=""))
    return a, b, other


@pytest.fixture
def traced(officer: Any, force_admin: Any, make_doc: Any, frozen: Any) -> dict[str, Any]:
    """Eight MPS registrants (the first missing, with an open case) and extract rows: the missing one moved,
    with a typo in the family name and day/month swapped in the date of birth, among 60 strangers."""
    return build_traced(officer, make_doc)


def build_traced(officer: Any, make_doc: Any) -> dict[str, Any]:
    from tether.casework.case_services import case_open
    from tether.register.services import person_create

    rows = synthetic.people(8, seed=21)
    rows[0].update(given_names="William", family_name="Hartley", date_of_birth=date(1979, 3, 7))
    people = [person_create(officer, registrant_doc(make_doc, r)) for r in rows]
    case = case_open(officer, people[0].pk)
    fake = synthetic._faker(5)
    moved = synthetic.perturb(rows[0], ("moved",), fake, random.Random(5))
    moved.update(record_id="DWP-0001", given_names="Bill", family_name="Hartly", date_of_birth=date(1979, 7, 3),
                 ni_number="", postcode="LS1 4AP", address_line_1="12 Canal Wharf", town="Leeds")
    strangers, _ = synthetic.extract(synthetic.people(1, seed=99), rows=60, planted=0, seed=22)
    extract_rows = [moved, *strangers]
    for r in extract_rows:
        r.setdefault("from_date", date(2025, 1, 10))
        if not r.get("from_date"):
            r["from_date"] = date(2025, 1, 10)
    moved["from_date"] = date(2025, 2, 1)
    return {"people": people, "case": case, "rows": extract_rows, "csv": synthetic.to_csv(extract_rows)}


@pytest.fixture
def loaded(traced: dict[str, Any], force_admin: Any) -> dict[str, Any]:
    from tether.core import clock
    from tether.tracing import extracts, services

    source = services.source_save(force_admin, name="DWP test extract", kind="dwp", lawful_basis=LAWFUL_BASIS,
                                  retention_days=30, dsa_reference="DSA-2025-001")
    parsed = extracts.read_extract(traced["csv"], "dwp.csv", clock.today())
    assert parsed.ok, parsed.errors[:3]
    extract = services.extract_load(force_admin, source, parsed, filename="dwp.csv")
    return {**traced, "source": source, "extract": extract}
