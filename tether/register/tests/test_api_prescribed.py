"""The API of the 2012 prescribed items (register.api_prescribed) and of what a notification carries."""

from __future__ import annotations

from typing import Any

import pytest

from tether.audit.models import AuditEvent
from tether.register.models import Person, PrescribedItem
from tether.register.services import person_create

pytestmark = pytest.mark.django_db

CARD = "4111111111111111"


@pytest.fixture
def person(officer: Any, make_doc: Any, frozen: Any) -> Person:
    return person_create(officer, make_doc())


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def test_record_list_and_end_a_card(officer: Any, person: Person, api_client: Any) -> None:
    api = api_client(officer)
    base = f"/api/v1/people/{person.pk}"
    saved = _post(api, f"{base}/payment-cards", {"institution": "Synthetic Bank", "number": CARD,
                                                 "valid_from": "2025-06-10", "version": 1})
    assert saved.status_code == 201, saved.content
    body = saved.json()
    assert body["item"] == "payment_card" and body["person_version"] == 2
    assert CARD not in saved.content.decode()

    listed = api.get(f"{base}/prescribed")
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [(i["item"], i["kind"], i["number_last4"], i["valid_to"]) for i in items] == [
        ("payment_card", "debit", "1111", None)]
    assert "number_hash" not in items[0] and CARD not in listed.content.decode()

    record = api.get(f"{base}").json()["record"]
    assert record["payment_cards"][0]["number_last4"] == "1111"  # the registrant document: last 4 and hash

    ended = _post(api, f"{base}/prescribed/{body['id']}/end", {"valid_to": "2025-06-15"})
    assert ended.status_code == 201 and ended.json()["person_version"] == 3
    again = _post(api, f"{base}/prescribed/{body['id']}/end", {"valid_to": "2025-06-15"})
    assert again.status_code == 400
    assert again.json()["errors"][0]["field"] == "valid_to"
    assert "nothing would change" in again.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("path", "body", "field", "rule"),
    [
        ("payment-cards", {"institution": "Bank", "number": "4111111111111112", "valid_from": "2025-06-10"},
         "number", "Luhn check"),
        ("bank-accounts", {"institution": "Bank", "sort_code": "12345", "number": "31926819",
                           "valid_from": "2025-06-10"}, "sort_code", "6 digits"),
        ("identity-documents", {"country": "G1", "number": "925665416", "valid_from": "2025-06-10"}, "country",
         "2-letter"),
        ("relevant-households", {"line1": "2 Synthetic Road", "postcode": "SW1A 2AA", "valid_from": "2025-06-17"},
         "valid_from", "future"),
        ("payment-cards", {"institution": "Bank", "number": CARD, "number_hash": "0" * 64,
                           "valid_from": "2025-06-10"}, "number_hash", ""),
        ("payment-cards", {"institution": "Bank", "number": CARD * 3, "valid_from": "2025-06-10"}, "number", ""),
        ("payment-cards", {"institution": "Bank", "number": int(CARD), "valid_from": "2025-06-10"}, "number", ""),
    ],
)
def test_bad_items_answer_400_naming_the_field_and_never_the_number(officer: Any, person: Person, api_client: Any,
                                                                    path: str, body: dict[str, Any], field: str,
                                                                    rule: str) -> None:
    response = _post(api_client(officer), f"/api/v1/people/{person.pk}/{path}", body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(e["field"].endswith(field) and rule in e["message"] for e in errors), errors
    assert not body.get("number") or CARD not in response.content.decode()
    assert not PrescribedItem.objects.exists()


def test_another_forces_officer_can_neither_list_nor_write(other_officer: Any, person: Person,
                                                           api_client: Any) -> None:
    api = api_client(other_officer)
    assert api.get(f"/api/v1/people/{person.pk}/prescribed").status_code == 403
    response = _post(api, f"/api/v1/people/{person.pk}/payment-cards",
                     {"institution": "Bank", "number": CARD, "valid_from": "2025-06-10"})
    assert response.status_code == 403
    assert not PrescribedItem.objects.exists()


def test_a_notification_with_its_change_and_details_given(officer: Any, person: Person, api_client: Any) -> None:
    response = _post(api_client(officer), f"/api/v1/people/{person.pk}/notifications", {
        "kind": "change", "received_at": "2025-06-16T09:00:00Z", "station": "Charing Cross Police Station",
        "change": "name", "changed_on": "2025-06-15",
        "given": {"names": [{"given_names": "Alan", "family_name": "Newname"}],
                  "home_address": {"line1": "1 Synthetic Street", "postcode": "SW1A 1AA"}, "ni_number": "AB123456C"},
    })
    assert response.status_code == 201, response.content
    note = person.notifications.order_by("-id").first()
    assert note.change == "name" and note.given["names"] == [{"given_names": "Alan", "family_name": "Newname"}]
    wrong = _post(api_client(officer), f"/api/v1/people/{person.pk}/notifications", {
        "kind": "periodic", "station": "Charing Cross Police Station", "change": "name", "changed_on": "2025-06-15"})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "change"
    assert AuditEvent.objects.filter(action="notification.record").count() == 1
