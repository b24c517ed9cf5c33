"""One registrant from conviction to removal through the API alone: every fact is an API write, and the duties
follow from what was recorded (a qualifying stay, a trip abroad, an advance notice of a change that did not
happen), the record moves to another force that accepts it, and a successful review ends the registration.
Every write is audited."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tether.audit.models import AuditEvent
from tether.register.models import Ownership, Person

pytestmark = pytest.mark.django_db

STATION = "Holborn Police Station"


def _post(api: Any, url: str, body: dict[str, Any]) -> Any:
    r = api.post(url, json.dumps(body), content_type="application/json")
    assert r.status_code in (200, 201), (url, r.status_code, r.content)
    return r.json()


def _duties(api: Any, base: str) -> list[dict[str, Any]]:
    return list(api.get(base).json()["obligations"])


def _of(duties: list[dict[str, Any]], kind: str, since: str) -> list[dict[str, Any]]:
    return [d for d in duties if d["kind"] == kind and d["trigger"] >= since]


def _notify(api: Any, base: str, kind: str, at: str, **extra: Any) -> None:
    _post(api, f"{base}/notifications", {"kind": kind, "received_at": f"{at}T10:00:00Z", "station": STATION,
                                         **extra})


def test_conviction_to_removal_through_the_api(officer, other_officer, make_doc, frozen, api_client):
    mps, gmp = api_client(officer), api_client(other_officer)
    doc = make_doc(
        disposals=[{"date": "2005-03-04", "offence": "Rape (SOA 2003 s.1)", "offence_code": "SOA 2003 s.1",
                    "kind": "life"}],
        addresses=[{"kind": "home", "line1": "12 Acacia Avenue", "postcode": "SW1A 1AA", "valid_from": "2000-01-01"}],
    )
    body = {k: doc[k] for k in ("date_of_birth", "sex", "names", "addresses", "disposals")}
    person_id = _post(mps, "/api/v1/people", body)["index"]["id"]
    base = f"/api/v1/people/{person_id}"

    # sentence served, released, notified
    period = _post(mps, f"{base}/detentions", {"kind": "custody", "basis": "sentence", "start": "2005-03-04"})
    _post(mps, f"{base}/detentions/{period['id']}/release", {"end": "2006-09-01", "licence_end": "2016-09-01"})
    _notify(mps, base, "initial", "2006-09-02")

    assert [d["status"] for d in _of(_duties(mps, base), "initial", "2005-03-04")] == ["met"]

    # a qualifying stay (9 days at another address): a change to notify, then notified
    _post(mps, f"{base}/stays", {"line1": "4 Seaview Road", "postcode": "BN1 1AA", "start": "2024-05-01",
                                 "end": "2024-05-09"})

    def stays() -> list[dict[str, Any]]:
        return [d for d in _of(_duties(mps, base), "change", "2024-05-01")
                if d["trigger"] < "2024-06-01" and "stay at" in d["explanation"]]

    stay = stays()
    assert stay and stay[0]["status"] == "overdue", stay
    _notify(mps, base, "change", "2024-05-09", change="stay", changed_on="2024-05-07")
    assert [d["status"] for d in stays()] == ["met"]
    # the first notification since 13 August 2012 also gives the prescribed items for the first time (met by it)
    first = [d for d in _duties(mps, base) if d["citation"] == "SOA 2003 s.83(5)(h); SI 2012/1876"]
    assert [(d["trigger"], d["status"]) for d in first] == [("2024-05-09", "met")]

    # a trip abroad, notified before departure: the trip is recorded with the travel notification that gave it
    _post(mps, f"{base}/trips", {"departure": "2024-07-10", "countries": ["FR"], "return_date": "2024-07-17",
                                 "received_at": "2024-07-01T10:00:00Z", "station": STATION})
    travel = _of(_duties(mps, base), "travel", "2024-07-01")
    assert travel and all(d["status"] == "met" for d in travel), travel

    # an advance notice of a change of name that never happens: the non-occurrence duty appears
    _post(mps, f"{base}/advance-notices", {"change": "name", "expected_on": "2024-09-20", "station": STATION,
                                           "received_at": "2024-09-02T10:00:00Z"})
    missed = _of(_duties(mps, base), "non_occurrence", "2024-09-20")
    assert missed and missed[0]["status"] == "overdue", missed

    # a move to Greater Manchester: notified, transferred, accepted by the receiving force
    _post(mps, f"{base}/addresses", {"kind": "home", "line1": "1 Piccadilly", "postcode": "M1 1AE",
                                     "valid_from": "2024-10-01"})
    _notify(mps, base, "change", "2024-10-02", change="home_address", changed_on="2024-10-01")
    transfer = _post(mps, f"{base}/transfers", {"to_force": "GMP", "move_date": "2024-10-01"})
    _post(gmp, f"/api/v1/transfers/{transfer['id']}/accept", {})
    person = Person.objects.get(pk=person_id)
    assert person.owning_force.code == "GMP"
    spans = list(Ownership.objects.filter(person=person).order_by("valid_from").values_list(
        "force__code", "valid_from", "valid_to"))
    assert [s[0] for s in spans] == ["MPS", "GMP"] and spans[0][2] == spans[1][1]  # no gap, no overlap

    # a successful review by the force that now manages them, and the removal that follows from it
    assert gmp.get(f"{base}/legal").json()["review_eligible_from"] == "2021-09-02"
    review = _post(gmp, f"{base}/reviews", {"applied_on": "2025-01-10"})
    _post(gmp, f"{base}/reviews/{review['id']}/decision", {"decision": "discharged", "decided_on": "2025-03-01",
                                                          "reasons": "No longer necessary for public protection."})
    _post(gmp, f"{base}/removals", {"reason": "review", "removed_on": "2025-03-01"})
    state = gmp.get(base).json()["state"]
    assert state["subject"] is False and state["status"] == "expired"
    assert not [d for d in _duties(gmp, base) if d["status"] != "met" and d["due"] >= "2025-03-01"]

    # every write is in the audit trail, against the registrant
    writes = AuditEvent.objects.filter(object_id=str(person_id)).exclude(action__startswith="person.read")
    actions = set(writes.values_list("action", flat=True))
    assert {"person.create", "notification.record", "detention.record"} <= actions, sorted(actions)
    assert writes.count() >= 17, sorted(writes.values_list("action", flat=True))
