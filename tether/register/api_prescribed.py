"""API for the 2012 prescribed items (``register.prescribed``): record a passport or other identity document, a bank
account, a payment card or a relevant household, record that one is no longer held or was entered in error, and
list them. Token auth;
the same guards, services and audit as the web. A number is sent in full once and never answered back: the
register keeps its last 4 characters and a keyed hash."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema
from pydantic import StrictStr

from tether.access.api import Day, DetailOut, ErrorOut, In, Text, TokenAuth
from tether.register.api import AddressLine, OptionalLine, PersonId, Postcode, Town, Version
from tether.register.guards import access_person_by_id
from tether.register.prescribed import ERROR_REASON_MAX, MAX_ID, held_items
from tether.register.prescribed_services import prescribed_end, prescribed_entered_in_error, prescribed_record

router = Router(auth=TokenAuth(), tags=["people"])

Number = Annotated[StrictStr, Text(40, required=True)]
ItemId = Path(..., ge=1, le=MAX_ID)  # type: ignore[type-arg]
Institution = Annotated[str, Text(120, required=True)]


class _ItemIn(In):
    version: Version = None
    valid_from: Day = Field(description="The date they started to hold it (or to live or stay there)")
    valid_to: Day | None = Field(None, description="The date they stopped; null while they still hold it")


class IdentityDocumentIn(_ItemIn):
    """A passport or other identity document. Its number is kept as the last 4 characters and a keyed hash."""

    kind: Literal["passport", "identity_card", "other"] = "passport"
    country: Annotated[str, Text(2, required=True)] = Field(description="Issuing country, ISO 3166 code like GB")
    number: Number = Field(description="The document number, 5 to 20 letters and digits")
    issued_on: Day | None = None
    expires_on: Day | None = None


class BankAccountIn(_ItemIn):
    """A bank account (a personal one, or one of a business they run)."""

    kind: Literal["personal", "business"] = "personal"
    institution: Institution
    sort_code: Annotated[str, Text(8, required=True)] = Field(description="6 digits, like 12-34-56")
    number: Number = Field(description="The UK account number, 6 to 8 digits")


class PaymentCardIn(_ItemIn):
    """A debit, credit or other payment card: the number passes the Luhn check and is 12 to 19 digits."""

    kind: Literal["debit", "credit", "other"] = "debit"
    institution: Institution
    number: Number = Field(description="The long number on the card, 12 to 19 digits (spaces ignored)")
    issued_on: Day | None = Field(None, description="The card's valid from date")
    expires_on: Day | None = None


class PeriodIn(In):
    start: Day
    end: Day | None = None


class RelevantHouseholdIn(_ItemIn):
    """A household where a child under 18 lives or stays, where they live or stay for 12 hours or more."""

    line1: AddressLine
    line2: OptionalLine = ""
    town: Town = ""
    postcode: Postcode
    intended_periods: list[PeriodIn] = Field([], max_length=50, description="The periods they intend to stay")


class ItemEndIn(In):
    version: Version = None
    valid_to: Day = Field(description="The date they stopped holding it (or left the household)")


class ItemErrorIn(In):
    version: Version = None
    reason: Annotated[str, Text(ERROR_REASON_MAX, required=True, multiline=True)] = Field(
        description="Why it was entered in error (it never was: the item stays on the record, marked, and no longer "
                    "counts)")


class ItemSavedOut(Schema):
    id: int
    item: str
    person_version: int


class ItemOut(Schema):
    id: int
    item: str = Field(description="passport, bank_account, payment_card or relevant_household")
    kind: str
    country: str
    institution: str
    sort_code: str
    number_last4: str = Field(description="Never the full number")
    issued_on: date | None
    expires_on: date | None
    line1: str
    line2: str
    town: str
    postcode: str
    intended_periods: list[dict[str, Any]]
    valid_from: date
    valid_to: date | None
    created_at: datetime
    entered_in_error_on: date | None = Field(description="The day it was recorded as entered in error (null: it "
                                                         "stands); such an item no longer counts")
    error_reason: str


class ItemsOut(Schema):
    items: list[ItemOut] = Field(description="Held or once held, oldest first")


_RESPONSES = {201: ItemSavedOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut, 409: DetailOut}


def _record(request: HttpRequest, person_id: str, item: str, payload: _ItemIn) -> Any:
    data = payload.dict()
    version = data.pop("version", None)
    row = prescribed_record(request.user, person_id, item, data, expected_version=version)
    return 201, ItemSavedOut(id=row.pk, item=row.item, person_version=row.person.version)


@router.post("/people/{person_id}/identity-documents", response=_RESPONSES,
             summary="Record a passport or identity document")
def record_identity_document(request: HttpRequest, person_id: PersonId, payload: IdentityDocumentIn) -> Any:
    return _record(request, person_id, "passport", payload)


@router.post("/people/{person_id}/bank-accounts", response=_RESPONSES, summary="Record a bank account")
def record_bank_account(request: HttpRequest, person_id: PersonId, payload: BankAccountIn) -> Any:
    return _record(request, person_id, "bank_account", payload)


@router.post("/people/{person_id}/payment-cards", response=_RESPONSES, summary="Record a payment card")
def record_payment_card(request: HttpRequest, person_id: PersonId, payload: PaymentCardIn) -> Any:
    return _record(request, person_id, "payment_card", payload)


@router.post("/people/{person_id}/relevant-households", response=_RESPONSES, summary="Record a relevant household")
def record_relevant_household(request: HttpRequest, person_id: PersonId, payload: RelevantHouseholdIn) -> Any:
    return _record(request, person_id, "relevant_household", payload)


@router.post("/people/{person_id}/prescribed/{item_id}/end", response=_RESPONSES,
             summary="Record that a prescribed item is no longer held")
def end_item(request: HttpRequest, person_id: PersonId, payload: ItemEndIn, item_id: int = ItemId) -> Any:
    data = payload.dict()
    version = data.pop("version", None)
    row = prescribed_end(request.user, person_id, item_id, data, expected_version=version)
    return 201, ItemSavedOut(id=row.pk, item=row.item, person_version=row.person.version)


@router.post("/people/{person_id}/prescribed/{item_id}/entered-in-error", response=_RESPONSES,
             summary="Record that a prescribed item was entered in error")
def item_entered_in_error(request: HttpRequest, person_id: PersonId, payload: ItemErrorIn,
                          item_id: int = ItemId) -> Any:
    """Officers and supervisors (and administrators). The item stays on the record, marked with the day and the
    reason; the rules engine no longer sees it, so no change to notify arises from it."""
    data = payload.dict()
    version = data.pop("version", None)
    row = prescribed_entered_in_error(request.user, person_id, item_id, data, expected_version=version)
    return 201, ItemSavedOut(id=row.pk, item=row.item, person_version=row.person.version)


@router.get("/people/{person_id}/prescribed", response={200: ItemsOut, 403: DetailOut, 404: DetailOut},
            summary="List the prescribed items")
def list_items(request: HttpRequest, person_id: PersonId) -> Any:
    """Every item held or once held, oldest first: the last 4 characters of a number, never the number. Another
    force's registrant needs the full record opened first (``GET /people/{id}`` with a reason)."""
    access = access_person_by_id(request.user, person_id)
    if not access.full:
        return 403, DetailOut(detail="Open the full record (with a reason) to see its prescribed items.")
    return 200, ItemsOut(items=[ItemOut.model_validate(row) for row in held_items(access.person)])
