"""Pages that record the 2012 prescribed items of one registrant (``register.prescribed``): a passport or other
identity document, a bank account, a payment card or a relevant household they hold, that they no longer hold one,
and that one was entered in error. They work as every change page does (``change_pages``): writer roles, the full
record, the version in the form, every write through a service. The number typed is never shown back, logged or
kept (only its last 4 characters and a keyed hash are stored)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from tether.register.constants import AccountKind, CardKind, DocumentKind, PrescribedItemKind
from tether.register.prescribed import item_on_record
from tether.register.prescribed_services import (
    parse_entered_in_error,
    parse_prescribed,
    prescribed_end,
    prescribed_entered_in_error,
    prescribed_record,
)
from tether.ui.pages import error_page

from .change_pages import change_page
from .forms_prescribed import DATE_FIELDS, ITEM_FIELDS, PrescribedEndForm, PrescribedErrorForm, PrescribedForm

KIND_OPTIONS = {
    PrescribedItemKind.PASSPORT.value: DocumentKind.choices,
    PrescribedItemKind.BANK_ACCOUNT.value: AccountKind.choices,
    PrescribedItemKind.PAYMENT_CARD.value: CardKind.choices,
}
HEADINGS = {
    PrescribedItemKind.PASSPORT.value: "Record a passport or identity document",
    PrescribedItemKind.BANK_ACCOUNT.value: "Record a bank account",
    PrescribedItemKind.PAYMENT_CARD.value: "Record a debit or credit card",
    PrescribedItemKind.RELEVANT_HOUSEHOLD.value: "Record a relevant household",
}
NUMBER_LABELS = {
    PrescribedItemKind.PASSPORT.value: ("Document number", "Only the last 4 characters are kept, with a keyed hash "
                                                           "of the number"),
    PrescribedItemKind.BANK_ACCOUNT.value: ("Account number", "8 digits. Only the last 4 are kept, with a keyed hash "
                                                              "of the sort code and number"),
    PrescribedItemKind.PAYMENT_CARD.value: ("Card number", "The long number on the front of the card. Only the last "
                                                           "4 digits are kept, with a keyed hash of the number"),
}


@sensitive_post_parameters("number")
@require_http_methods(["GET", "HEAD", "POST"])
def prescribed_record_view(request: HttpRequest, person_id: uuid.UUID, item: str) -> HttpResponse:
    if item not in PrescribedItemKind.values:
        return error_page(request, 404)
    number_label, number_hint = NUMBER_LABELS.get(item, ("", ""))
    return change_page(
        request, person_id, doing="record prescribed information", form_class=PrescribedForm,
        form_kwargs={"item": item}, template="register/prescribed/record.html", section="prescribed",
        write=lambda p, form, v: prescribed_record(request.user, p.pk, item, form.to_data(), expected_version=v),
        check=lambda form: parse_prescribed(item, form.to_data()),  # the service's checks too, on the first submit
        done=lambda row: f"{PrescribedItemKind(item).label} was recorded.",
        context=lambda p, form, result: {"dates": {name: form.date_value(name) for name in DATE_FIELDS}},
        item=item, heading=HEADINGS[item], shown=ITEM_FIELDS[item], kind_options=KIND_OPTIONS.get(item),
        number_label=number_label, number_hint=number_hint,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def prescribed_end_view(request: HttpRequest, person_id: uuid.UUID, item_id: int) -> HttpResponse:
    held: dict[str, Any] = {}  # the item as the page shows it, read once (the message names it)
    return change_page(
        request, person_id, doing="record prescribed information", form_class=PrescribedEndForm,
        template="register/prescribed/end.html", section="prescribed", row=_on_record(item_id, held),
        row_name="held",
        write=lambda p, form, v: prescribed_end(request.user, p.pk, item_id, form.to_data(), expected_version=v),
        done=lambda row: f"The end of {held['what']} was recorded.",
        context=lambda p, form, result: {"title": held["title"], "valid_to": form.date_value("valid_to")},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def prescribed_error_view(request: HttpRequest, person_id: uuid.UUID, item_id: int) -> HttpResponse:
    held: dict[str, Any] = {}
    return change_page(
        request, person_id, doing="correct prescribed information", form_class=PrescribedErrorForm,
        template="register/prescribed/error.html", section="prescribed", row=_on_record(item_id, held),
        row_name="held",
        write=lambda p, form, v: prescribed_entered_in_error(request.user, p.pk, item_id, form.to_data(),
                                                             expected_version=v),
        check=lambda form: parse_entered_in_error(form.to_data()),
        done=lambda row: f"{held['what'][0].upper()}{held['what'][1:]} was recorded as entered in error.",
        context=lambda p, form, result: {"title": held["title"]},
    )


def _on_record(item_id: int, held: dict[str, Any]) -> Callable[[Any], dict[str, Any] | None]:
    """The item as the page shows it (None: not this person's), kept in ``held`` for the message."""
    def on_record(person: Any) -> dict[str, Any] | None:
        found = item_on_record(person, item_id)
        held.update(found or {})
        return found
    return on_record
