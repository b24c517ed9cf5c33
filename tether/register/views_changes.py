"""Pages that change one registrant: a notification, a change of name or an alias, a move or another address,
and corrections to the identifying details.

Every one works as every change page does (``register.change_pages``): writer roles only, the full record needed,
the record's version carried in the form, every write through a service in ``tether.register.services``. No
domain rules here.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from tether.core import clock
from tether.register.constants import AddressKind, ChangeKind, NameKind, NotificationKind, Sex
from tether.register.documents import parse_address, parse_identity, parse_name
from tether.register.services import (
    address_record,
    identity_update,
    name_record,
    notification_record,
    parse_notification,
)

from .change_pages import change_page
from .forms import AddressChangeForm, IdentityForm, NameChangeForm, NotificationForm

NAME_KIND_OPTIONS = [
    (NameKind.CURRENT.value, "They now use a new name"),
    (NameKind.ALIAS.value, "An alias: another name they use or have used"),
]
ADDRESS_KIND_OPTIONS = [
    (AddressKind.HOME.value, "A move: this is their new home address"),
    (AddressKind.OTHER.value, "Another address where they regularly live or stay"),
    (AddressKind.NFA.value, "No fixed abode: a place where they can regularly be found"),
]


def _notification_initial() -> dict[str, Any]:
    now = clock.now().astimezone(clock.UK)
    return {"received_day": now.day, "received_month": now.month, "received_year": now.year,
            "received_time": now.strftime("%H:%M")}


@require_http_methods(["GET", "HEAD", "POST"])
def notification_create(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    return change_page(
        request, person_id, doing="record a notification", form_class=NotificationForm,
        template="register/notifications/create.html", section="notifications",
        write=lambda p, form, v: notification_record(request.user, p.pk, form.to_data(), expected_version=v),
        check=lambda form: parse_notification(form.to_data()),  # the service's checks too, on the first submit
        initial=lambda p: {**_notification_initial(), **NotificationForm.given_initial(p)},
        done=lambda n: "The notification was recorded.",
        context=lambda p, form, result: {
            "received": {p: form[f"received_{p}"].value() for p in ("day", "month", "year")},
            "changed_on": form.date_value("changed_on")},
        kind_options=NotificationKind.choices, change_options=ChangeKind.choices,
    )


def _name_done(name: Any) -> str:
    if name.kind == NameKind.CURRENT:
        return f"The change of name to {name.person.display_name} was recorded."
    return f"The alias {name.given_names} {name.family_name} was recorded."


@require_http_methods(["GET", "HEAD", "POST"])
def name_record_view(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    return change_page(
        request, person_id, doing="record a change of name", form_class=NameChangeForm,
        template="register/changes/name.html", section="names",
        write=lambda p, form, v: name_record(request.user, p.pk, form.to_data(), expected_version=v),
        check=lambda form: parse_name(form.to_data()), done=_name_done,
        context=lambda p, form, result: {"valid_from": form.date_value("valid_from")}, kind_options=NAME_KIND_OPTIONS,
    )


def _address_done(address: Any) -> str:
    what = {AddressKind.HOME: "The move to", AddressKind.NFA: "The no fixed abode location at"}.get(
        address.kind, "The address at"
    )
    return f"{what} {address.line1}, {address.postcode} was recorded."


@require_http_methods(["GET", "HEAD", "POST"])
def address_record_view(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    return change_page(
        request, person_id, doing="record an address", form_class=AddressChangeForm,
        template="register/changes/address.html", section="addresses",
        write=lambda p, form, v: address_record(request.user, p.pk, form.to_data(), expected_version=v),
        check=lambda form: parse_address(form.to_data()), done=_address_done,
        context=lambda p, form, result: {"valid_from": form.date_value("valid_from")},
        kind_options=ADDRESS_KIND_OPTIONS,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def identity_update_view(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    changes: dict[str, Any] = {}  # what the form changes, read once (the message names them)

    def unchanged(person: Any, form: IdentityForm) -> bool:
        # nothing to send: the service is not called, no version bump, no audit event
        changes.update(form.changes(person))
        return not changes

    def done(person: Any) -> str:
        names = [IdentityForm.NAMES[k] for k in IdentityForm.ORDER if k in changes]
        return f"The {_listed(names)} {'was' if len(names) == 1 else 'were'} corrected."

    return change_page(
        request, person_id, doing="correct their details", form_class=IdentityForm,
        template="register/changes/identity.html", section="summary", unchanged=unchanged,
        write=lambda p, form, v: identity_update(request.user, p.pk, changes, expected_version=v),
        check=lambda form: parse_identity(form.to_data()), done=done, initial=IdentityForm.initial_for,
        context=lambda p, form, result: {"dob": form.date_value("date_of_birth"),
                                      "died": form.date_value("date_of_death")},
        sex_options=Sex.choices,
    )


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
