"""Pages that record the 2012 prescribed items of one registrant (``register.prescribed``): a passport or other
identity document, a bank account, a payment card or a relevant household they hold, and that they no longer hold
one. They work as every change page does (``change_pages``): writer roles, the full record, the version in the
form, every write through a service. The number typed is never shown back, logged or kept (only its last 4
characters and a keyed hash are stored)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from tether.register.constants import AccountKind, CardKind, DocumentKind, PrescribedItemKind
from tether.register.prescribed import item_on_record
from tether.register.prescribed_services import parse_prescribed, prescribed_end, prescribed_record
from tether.ui.pages import error_page

from .change_pages import change_page
from .forms_prescribed import DATE_FIELDS, ITEM_FIELDS, PrescribedEndForm, PrescribedForm

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

    def on_record(person: Any) -> dict[str, Any] | None:
        found = item_on_record(person, item_id)
        held.update(found or {})
        return found

    return change_page(
        request, person_id, doing="record prescribed information", form_class=PrescribedEndForm,
        template="register/prescribed/end.html", section="prescribed", row=on_record, row_name="held",
        write=lambda p, form, v: prescribed_end(request.user, p.pk, item_id, form.to_data(), expected_version=v),
        done=lambda row: f"The end of {held['what']} was recorded.",
        context=lambda p, form, result: {"title": held["title"], "valid_to": form.date_value("valid_to")},
    )
