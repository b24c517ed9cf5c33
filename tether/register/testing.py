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


# a whole legal record: a life sentence served in custody and hospital, a foreign travel order and a sexual risk
# order, a notification, a review refused then allowed on appeal, and the removal that followed
LEGAL_RECORD: dict[str, Any] = {
    "disposals": [
        {"date": "2005-03-04", "offence": "Rape (SOA 2003 s.1)", "offence_code": "SOA03-1", "kind": "life",
         "court": "Snaresbrook Crown Court"},
    ],
    "detentions": [
        {"kind": "custody", "start": "2005-03-04", "end": "2006-09-01", "basis": "sentence",
         "licence_end": "2016-09-01"},
        {"kind": "hospital", "start": "2010-01-04", "end": "2010-02-01", "basis": "transfer"},
    ],
    "orders": [
        {"kind": "ftp", "start": "2012-01-01", "end": "2016-12-31", "court": "Thames Magistrates' Court",
         "countries": "all", "passports_surrendered_on": "2012-01-02", "surrender_station": "Bow Police Station"},
        {"kind": "sro", "start": "2016-01-01", "end": "2018-01-01"},
    ],
    "notifications": [
        {"kind": "initial", "received_at": "2006-09-02T10:00:00Z", "station": "Bow Police Station", "officer": ""},
    ],
    "reviews": [
        {"applied_on": "2022-01-10", "decision_due": "2022-02-21", "decision": "refused", "decided_on": "2022-02-20",
         "reasons": "Risk remains.\nSee MAPPA minutes.", "further_date": "2030-02-21",
         "appeal_lodged_on": "2022-03-01", "appeal_outcome": "allowed", "appeal_decided_on": "2022-06-01"},
    ],
    "removals": [{"reason": "appeal", "removed_on": "2022-06-01", "note": "Court order received"}],
}
