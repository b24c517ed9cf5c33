"""The write path of the 2012 prescribed items (``register.prescribed``): record an item a registrant holds, and
record that they no longer hold it. Each through ``services._changing``: guard, row lock, version check, the
change, re-evaluation of the law (an item begun or ended after registration is a ``prescribed_change``) and the
audit event, in one transaction. The audit event names the item and its dates; the personal part holds the last 4
characters of a number at most, never the number. An item entered in error is marked so, with the reason, and keeps its
row: the rules engine no longer sees it (no prescribed-change duty from it)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from tether.access.permissions import can_correct_register_entry
from tether.core import clock
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.core.fields import Fields

from .constants import PrescribedItemKind
from .documents import UNCHANGED
from .models import PrescribedItem
from .prescribed import ERROR_REASON_MAX, MAX_ID, PrescribedDoc, doc_from_row, parse_item, row_from_doc
from .services import _changing

FIRST_FIELD = {"passport": "number", "bank_account": "number", "payment_card": "number",
               "relevant_household": "line1"}


def parse_prescribed(item: Any, data: Any, *, today: date | None = None) -> PrescribedDoc:
    """One new item of kind ``item`` as typed on the web or sent to the API (the full number, never a hash):
    every problem at once (``ValidationFailed``); writes nothing."""
    if item not in PrescribedItemKind.values:
        raise ValidationFailed({"item": f"must be one of: {', '.join(PrescribedItemKind.values)}"})
    if not isinstance(data, dict):
        raise ValidationFailed({"": "must be a JSON object"})
    c = Fields()
    doc = parse_item(c, data, "", str(item), today or clock.today(), hashed_allowed=False)
    c.raise_if_any()
    return doc


def _within_life(person: Any, field: str, day: date) -> None:
    if day < person.date_of_birth:
        raise ValidationFailed({field: "must not be before the date of birth"})
    if person.date_of_death is not None and day > person.date_of_death:
        raise ValidationFailed({field: "must not be after the date of death (the rule: nothing is dated after a "
                                       "person's death)"})


def _personal(doc: PrescribedDoc) -> dict[str, Any]:
    """What the audit's personal part keeps of an item: the last 4 characters or the postcode, nothing more."""
    if doc.item == PrescribedItemKind.RELEVANT_HOUSEHOLD:
        return {"postcode": doc.postcode}
    return {"number_last4": doc.number_last4}


def prescribed_record(
    actor: Any, person_id: uuid.UUID | str, item: str, data: dict[str, Any], *, expected_version: int | None = None
) -> PrescribedItem:
    """Record a passport or other identity document, bank account, payment card or relevant household the person
    holds (or held: ``valid_to``). The same item already held is refused (nothing would change)."""
    doc = parse_prescribed(item, data)
    with _changing(actor, person_id, expected_version, "person.prescribed_record") as change:
        person = change.person
        _within_life(person, "valid_from", doc.valid_from)
        held = PrescribedItem.objects.filter(person=person, item=doc.item, valid_to__isnull=True,
                                             entered_in_error_on__isnull=True)
        if any(doc_from_row(row).same_as(doc) for row in held):
            raise ValidationFailed({FIRST_FIELD[doc.item]: f"{UNCHANGED} (this item is already held)"})
        row = row_from_doc(person.pk, doc, clock.now())
        row.save()
        row.person = person
        change.field = "valid_from"
        change.detail = {"item": doc.item, "prescribed_item_id": row.pk, "valid_from": doc.valid_from,
                         "valid_to": doc.valid_to}
        change.personal = {"after": _personal(doc)}
    return row


def prescribed_end(
    actor: Any, person_id: uuid.UUID | str, item_id: Any, data: dict[str, Any], *,
    expected_version: int | None = None,
) -> PrescribedItem:
    """Record that the person no longer holds an item (no longer at a relevant household) from ``valid_to``. The
    item keeps its row and its history; an item already ended is refused (nothing would change)."""
    c = Fields()
    if not isinstance(data, dict):
        raise ValidationFailed({"": "must be a JSON object"})
    ended = c.day(data, "valid_to", "valid_to", today=clock.today())
    c.raise_if_any()
    assert ended is not None
    with _changing(actor, person_id, expected_version, "person.prescribed_end") as change:
        person = change.person
        row = _item(person, item_id)
        if row.entered_in_error_on is not None:
            raise ValidationFailed({"valid_to": "cannot be recorded: this item was entered in error"})
        if row.valid_to is not None:
            raise ValidationFailed({"valid_to": f"{UNCHANGED} (this item already ended on "
                                                f"{row.valid_to.isoformat()})"})
        if ended < row.valid_from:
            raise ValidationFailed({"valid_to": f"must not be before the date it was held from "
                                                f"({row.valid_from.isoformat()})"})
        _within_life(person, "valid_to", ended)
        row.valid_to = ended
        row.save(update_fields=["valid_to"])
        row.person = person
        change.field = "valid_to"
        change.detail = {"item": row.item, "prescribed_item_id": row.pk, "valid_to": ended}
        change.personal = {"after": _personal(doc_from_row(row))}
    return row


def _item(person: Any, item_id: Any) -> PrescribedItem:
    """One of the person's items, locked (NotFound: not theirs, or no such item)."""
    try:
        pk = int(item_id)
        if not 0 < pk <= MAX_ID:
            raise ValueError(pk)
        return PrescribedItem.objects.select_for_update().get(person=person, pk=pk)
    except (PrescribedItem.DoesNotExist, TypeError, ValueError):
        raise NotFound("No such prescribed item on this record.") from None


def parse_entered_in_error(data: Any) -> str:
    """The reason an item was entered in error (required, one text rule): every problem at once."""
    if not isinstance(data, dict):
        raise ValidationFailed({"": "must be a JSON object"})
    c = Fields()
    reason = c.text(data, "reason", "reason", max_len=ERROR_REASON_MAX, multiline=True)
    c.raise_if_any()
    return reason


def prescribed_entered_in_error(
    actor: Any, person_id: uuid.UUID | str, item_id: Any, data: dict[str, Any], *,
    expected_version: int | None = None,
) -> PrescribedItem:
    """Record that an item was entered in error (it never was), with the reason: officers and supervisors (and
    administrators). The row stays, marked; the rules engine no longer sees it, so no prescribed-change duty arises
    from it. An item already marked is refused (nothing would change)."""
    if not can_correct_register_entry(actor):
        raise Forbidden("Your role cannot correct the register.")
    reason = parse_entered_in_error(data)
    with _changing(actor, person_id, expected_version, "person.prescribed_entered_in_error") as change:
        person = change.person
        row = _item(person, item_id)
        if row.entered_in_error_on is not None:
            raise ValidationFailed({"reason": f"{UNCHANGED} (this item was already recorded as entered in error on "
                                              f"{row.entered_in_error_on.isoformat()})"})
        row.entered_in_error_on = clock.today()
        row.error_reason = reason
        row.save(update_fields=["entered_in_error_on", "error_reason"])
        row.person = person
        change.field = "reason"
        change.detail = {"item": row.item, "prescribed_item_id": row.pk, "entered_in_error_on": row.entered_in_error_on}
        change.personal = {"before": _personal(doc_from_row(row)), "after": {"error_reason": reason}}
    return row
