"""Pages that record the 2012 prescribed items of one registrant (``register.prescribed``): a passport or other
identity document, a bank account, a payment card or a relevant household they hold, and that they no longer hold
one. They work as every change page does (``views_changes``): writer roles, the full record, the version in the
form, every write through a service. The number typed is never shown back, logged or kept (only its last 4
characters and a keyed hash are stored)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from tether.register.constants import AccountKind, CardKind, DocumentKind, PrescribedItemKind
from tether.register.prescribed import ITEM_TITLES, item_on_record
from tether.register.prescribed_services import parse_prescribed, prescribed_end, prescribed_record
from tether.ui.pages import error_page
from tether.ui.submit import Submitted, submit

from .forms_prescribed import ITEM_FIELDS, PrescribedEndForm, PrescribedForm
from .views_changes import _back_to, _person_to_change, _render, _version_now

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
    person = _person_to_change(request, person_id, "record prescribed information")
    if isinstance(person, HttpResponse):
        return person
    result = Submitted()
    if request.method == "POST":
        form = PrescribedForm(request.POST, item=item)
        parsed = form.parse()
        result = submit(
            request, form, parsed,
            lambda version: prescribed_record(request.user, person.pk, item, form.to_data(),
                                              expected_version=version),
            lambda: parse_prescribed(item, form.to_data()),  # the service's checks too, on the first submit
            lambda: _version_now(person),
        )
        if result.response is not None:
            return result.response
        if result.ok:
            messages.success(request, f"{PrescribedItemKind(item).label} was recorded.")
            return _back_to(person, "prescribed")
    else:
        form = PrescribedForm(initial={"version": person.version}, item=item)
    number_label, number_hint = NUMBER_LABELS.get(item, ("", ""))
    return _render(request, "register/prescribed/record.html", person, form, result,
                   item=item, heading=HEADINGS[item], shown=ITEM_FIELDS[item], kind_options=KIND_OPTIONS.get(item),
                   number_label=number_label, number_hint=number_hint,
                   dates={name: form.date_value(name) for name in
                          ("issued_on", "expires_on", "valid_from", "valid_to", "intended_from", "intended_to")})


@require_http_methods(["GET", "HEAD", "POST"])
def prescribed_end_view(request: HttpRequest, person_id: uuid.UUID, item_id: int) -> HttpResponse:
    person = _person_to_change(request, person_id, "record prescribed information")
    if isinstance(person, HttpResponse):
        return person
    held = item_on_record(person, item_id)
    if held is None:
        return error_page(request, 404)
    result = Submitted()
    if request.method == "POST":
        form = PrescribedEndForm(request.POST)
        parsed = form.parse()
        result = submit(
            request, form, parsed,
            lambda version: prescribed_end(request.user, person.pk, item_id, form.to_data(),
                                           expected_version=version),
            None,
            lambda: _version_now(person),
        )
        if result.response is not None:
            return result.response
        if result.ok:
            messages.success(request, f"The end of {held['what']} was recorded.")
            return _back_to(person, "prescribed")
    else:
        form = PrescribedEndForm(initial={"version": person.version})
    return _render(request, "register/prescribed/end.html", person, form, result, held=held,
                   title=ITEM_TITLES[held["item"]], valid_to=form.date_value("valid_to"))
