"""Pages that change one registrant: a notification, a change of name or an alias, a move or another address,
and corrections to the identifying details.

Every one (and the notification page) works the same way: writer roles only, the full record needed
(limited access goes back to the person page to record a reason), the record's version carried in the form so a
stale form is a Conflict and never a silent overwrite, and every write through a service in
``tether.register.services``. No domain rules here.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tether.access.permissions import is_worker
from tether.audit.services import record
from tether.core import clock
from tether.core.errors import NotFound
from tether.register.constants import AddressKind, ChangeKind, NameKind, NotificationKind, Sex
from tether.register.documents import parse_address, parse_identity, parse_name
from tether.register.guards import access_person_by_id
from tether.register.services import (
    address_record,
    identity_update,
    name_record,
    notification_record,
    parse_notification,
)
from tether.ui.forms import PartsForm
from tether.ui.pages import error_page
from tether.ui.submit import Submitted, submit

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


# --- the shape every change page shares --------------------------------------------------------------------


def _person_to_change(request: HttpRequest, person_id: uuid.UUID, doing: str) -> Any:
    """The person, or the response to send instead: 403 for roles that cannot write, 404, or back to the person
    page (to record a reason) when the user has only the limited index entry."""
    user = request.user
    if not is_worker(user):
        return error_page(request, 403, "Your role cannot change the register.")
    try:
        access = access_person_by_id(user, person_id, audit=request.method != "POST")
    except NotFound:
        return error_page(request, 404)
    if not access.full:
        messages.info(request, f"Record why you need the full record before you {doing}.")
        return redirect("register:person", person_id=access.person.pk)
    return access.person


def _version_now(person: Any) -> int:
    """The record's version as stored now (after a Conflict)."""
    person.refresh_from_db(fields=["version"])
    return int(person.version)


def _render(
    request: HttpRequest, template: str, person: Any, form: PartsForm, result: Submitted, **extra: Any
) -> HttpResponse:
    if request.method == "POST":
        # a refused change shows the record again: that is a read like any other (the GET was audited by the guard,
        # a POST that writes by its service), whatever the status
        record("person.view", request.user, object_type="person", object_id=str(person.pk),
               force_code=person.owning_force.code,
               detail={"level": "full", "reference": person.reference, "page": template, "status": result.status})
    context = {
        "nav": "register",
        "person": person,
        "form": form,
        "errors": result.errors,
        "error_list": result.error_list,
        "conflict": result.conflict,
        "page_has_errors": bool(result.error_list or result.conflict),
        "version": form["version"].value(),
        **extra,
    }
    return render(request, template, context, status=result.status)


def _back_to(person: Any, section: str) -> HttpResponse:
    return redirect(reverse("register:person", kwargs={"person_id": person.pk}) + f"#{section}")


# --- the pages ---------------------------------------------------------------------------------------------


def _notification_initial() -> dict[str, Any]:
    now = clock.now().astimezone(clock.UK)
    return {"received_day": now.day, "received_month": now.month, "received_year": now.year,
            "received_time": now.strftime("%H:%M")}


@require_http_methods(["GET", "HEAD", "POST"])
def notification_create(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person_to_change(request, person_id, "record a notification")
    if isinstance(person, HttpResponse):
        return person
    result = Submitted()
    if request.method == "POST":
        form = NotificationForm(request.POST)
        parsed = form.parse()
        result = submit(
            request, form, parsed,
            lambda version: notification_record(request.user, person.pk, form.to_data(), expected_version=version),
            lambda: parse_notification(form.to_data()),  # the service's checks too, on the first submit
            lambda: _version_now(person),
        )
        if result.response is not None:
            return result.response
        if result.ok:
            messages.success(request, "The notification was recorded.")
            return _back_to(person, "notifications")
    else:
        form = NotificationForm(initial={**_notification_initial(), **NotificationForm.given_initial(person),
                                         "version": person.version})
    received = {p: form[f"received_{p}"].value() for p in ("day", "month", "year")}
    return _render(request, "register/notifications/create.html", person, form, result,
                   received=received, kind_options=NotificationKind.choices, change_options=ChangeKind.choices,
                   changed_on=form.date_value("changed_on"))


@require_http_methods(["GET", "HEAD", "POST"])
def name_record_view(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person_to_change(request, person_id, "record a change of name")
    if isinstance(person, HttpResponse):
        return person
    result = Submitted()
    if request.method == "POST":
        form = NameChangeForm(request.POST)
        parsed = form.parse()
        result = submit(
            request, form, parsed,
            lambda version: name_record(request.user, person.pk, form.to_data(), expected_version=version),
            lambda: parse_name(form.to_data()),
            lambda: _version_now(person),
        )
        if result.response is not None:
            return result.response
        if result.ok:
            name = result.saved
            if name.kind == NameKind.CURRENT:
                messages.success(request, f"The change of name to {name.person.display_name} was recorded.")
            else:
                messages.success(request, f"The alias {name.given_names} {name.family_name} was recorded.")
            return _back_to(person, "names")
    else:
        form = NameChangeForm(initial={"version": person.version})
    return _render(request, "register/changes/name.html", person, form, result,
                   kind_options=NAME_KIND_OPTIONS, valid_from=form.date_value("valid_from"))


@require_http_methods(["GET", "HEAD", "POST"])
def address_record_view(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person_to_change(request, person_id, "record an address")
    if isinstance(person, HttpResponse):
        return person
    result = Submitted()
    if request.method == "POST":
        form = AddressChangeForm(request.POST)
        parsed = form.parse()
        result = submit(
            request, form, parsed,
            lambda version: address_record(request.user, person.pk, form.to_data(), expected_version=version),
            lambda: parse_address(form.to_data()),
            lambda: _version_now(person),
        )
        if result.response is not None:
            return result.response
        if result.ok:
            address = result.saved
            what = {AddressKind.HOME: "The move to", AddressKind.NFA: "The no fixed abode location at"}.get(
                address.kind, "The address at"
            )
            messages.success(request, f"{what} {address.line1}, {address.postcode} was recorded.")
            return _back_to(person, "addresses")
    else:
        form = AddressChangeForm(initial={"version": person.version})
    return _render(request, "register/changes/address.html", person, form, result,
                   kind_options=ADDRESS_KIND_OPTIONS, valid_from=form.date_value("valid_from"))


@require_http_methods(["GET", "HEAD", "POST"])
def identity_update_view(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = _person_to_change(request, person_id, "correct their details")
    if isinstance(person, HttpResponse):
        return person
    result = Submitted()
    unchanged = False
    if request.method == "POST":
        form = IdentityForm(request.POST)
        parsed = form.parse()
        changes = form.changes(person) if parsed else {}
        if parsed and not changes:
            unchanged = True  # nothing to send: the service is not called, no version bump, no audit event
        else:
            result = submit(
                request, form, parsed,
                lambda version: identity_update(request.user, person.pk, changes, expected_version=version),
                lambda: parse_identity(form.to_data()),
                lambda: _version_now(person),
            )
            if result.response is not None:
                return result.response
            if result.ok:
                names = [IdentityForm.NAMES[k] for k in IdentityForm.ORDER if k in changes]
                messages.success(request, f"The {_listed(names)} {'was' if len(names) == 1 else 'were'} corrected.")
                return _back_to(person, "summary")
    else:
        form = IdentityForm(initial=IdentityForm.initial_for(person))
    return _render(request, "register/changes/identity.html", person, form, result,
                   unchanged=unchanged, sex_options=Sex.choices, dob=form.date_value("date_of_birth"),
                   died=form.date_value("date_of_death"))


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
