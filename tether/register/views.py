"""Server-rendered pages. Views parse (forms), call a guard/selector to read or a service to write, and render.

Every protected read goes through ``access_person_by_id`` (audited); every write through a service in
``tether.register.services``. No domain rules here. (The register search page belongs to ``tether.identity``.)
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tether.access.permissions import is_national_admin, is_worker
from tether.access.selectors import force_choices
from tether.audit.services import who_viewed
from tether.core import clock
from tether.core.errors import NotFound, ValidationFailed
from tether.ui.forms import sentence
from tether.ui.pages import error_page
from tether.ui.submit import Submitted, submit

from . import extensions
from .constants import DisposalKind, RegisterStatus, Sex
from .display import flagged_disposals, obligation_rows, schedule3_checks
from .documents import parse_registrant
from .forms import PersonCreateForm, ReasonForm
from .guards import access_person_by_id
from .selectors import note_rows_present, read_related
from .services import forces_by_code, person_create
from .timeline import notification_timeline

# the panels' tables that most records hold nothing in: one query tells which to read (``extensions.may_hold``)
PANEL_TABLES = ("trips", "stays", "advance_notices", "reviews", "removals", "transfers", "prescribed_items", "cases",
                "partner_assignments", "tracing_leads")
# what the page and its panels show of every record, and of those panel tables what a panel reads whole: each read
# in the model's order into the person's related caches (``selectors.read_related``), where the panels find them
PAGE_TABLES = ("names", "addresses", "disposals", "detentions", "orders", "obligations", "notifications")
PANEL_READ = ("prescribed_items", "reviews", "removals")


def _picks_force(user: Any) -> bool:
    """National administrators choose the owning force of a new registrant; everyone else creates for their own."""
    return is_national_admin(user)



def _person_context(user: Any, access: Any) -> dict[str, Any]:
    """Everything else the full record shows. Read from the person the guard returned (the read is audited).

    The rows the page and its panels both show (addresses, disposals, periods, orders) are read once, into the
    person's related caches, so ``person.orders.all()`` in a panel reads no more."""
    person = access.person
    present = note_rows_present(person, PANEL_TABLES)
    read_related(person, (*PAGE_TABLES, *(name for name in PANEL_READ if name in present)))
    disposals = list(person.disposals.all())
    notifications = list(reversed(person.notifications.all()))  # newest first: the model's order reversed
    return {
        "names": list(person.names.all()),
        "addresses": list(person.addresses.all()),
        "disposals": disposals,
        "disposal_checks": schedule3_checks(disposals, person.owning_force.jurisdiction, person.date_of_birth),
        "detentions": list(person.detentions.all()),
        "orders": list(person.orders.all()),
        "obligations": obligation_rows(person.obligations.all()),
        "notifications": notifications,
        "notification_timeline": notification_timeline(notifications),
        # what packages above the register show on the record (casework: its missing and wanted cases)
        "panels": [p for p in (panel(user, person) for panel in extensions.person_panels()) if p is not None],
    }


@require_http_methods(["GET", "HEAD", "POST"])
def person_detail(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    user = request.user
    reason_form = ReasonForm(request.POST if request.method == "POST" else None)
    reason_error = ""
    try:
        if request.method == "POST":
            reason_form.is_valid()
            reason = reason_form.cleaned_data.get("reason") or ""
            try:
                access = access_person_by_id(user, person_id, reason=reason)
            except ValidationFailed as exc:
                reason_error = sentence(None, next(iter(exc.errors.values()))[0])
                access = access_person_by_id(user, person_id)
            else:
                if access.grant is not None:
                    messages.success(request, "Your reason was recorded. You can see the full record.")
                return redirect("register:person", person_id=access.person.pk)
        else:
            access = access_person_by_id(user, person_id)
    except NotFound:
        return error_page(request, 404)

    person = access.person
    state = getattr(person, "state", None)
    context: dict[str, Any] = {
        "nav": "register",
        "person": person,
        "access": access,
        "state": state,
        "status_label": RegisterStatus(state.status).label if state and state.status in RegisterStatus.values else "",
        "reason_error": reason_error,
        "reason_value": reason_form.cleaned_data.get("reason", "") if reason_form.is_bound else "",
        "can_record": is_worker(user) and access.full,
        "today": clock.today(),
        "page_has_errors": bool(reason_error),
    }
    if access.full:
        context.update(_person_context(user, access))
        context["who_viewed"] = who_viewed(user, person)
        return render(request, "register/people/detail.html", context)
    return render(request, "register/people/limited.html", context, status=400 if reason_error else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def person_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_worker(user):
        return error_page(request, 403, "Your role cannot add registrants to the register.")
    if not _picks_force(user) and not user.force_id:  # type: ignore[union-attr]
        return error_page(request, 403, "Your account does not belong to a force, so you cannot add registrants.")
    form = PersonCreateForm(request.POST if request.method == "POST" else None)
    result = Submitted()
    candidates: list[extensions.PossibleDuplicate] = []
    if request.method == "POST":
        parsed = form.parse()
        doc = form.to_document()
        doc["force"] = form.cleaned_data.get("force") if _picks_force(user) else user.force.code  # type: ignore[union-attr]
        # Nothing is written while any value could not be read, but the domain rules still check the rest
        # (validation only: parse_registrant writes nothing) so every problem is listed at once.
        confirm = bool(form.cleaned_data.get("confirm_new_person"))
        reason = form.cleaned_data.get("duplicate_reason") or ""

        def save(version: int | None) -> Any:
            try:
                return person_create(user, doc, check_duplicates=True, confirm_new_person=confirm,
                                     reason=reason)
            except extensions.DuplicatesFound as exc:  # shown with the form: open one, or confirm and say why
                candidates.extend(exc.candidates)
                return None

        result = submit(request, form, parsed, save, lambda: parse_registrant(doc, known_forces=forces_by_code()))
        if result.response is not None:
            return result.response
        if result.ok and candidates:
            result.ok, result.status = False, 409
        elif result.ok:
            person = result.saved
            messages.success(request, f"{person.display_name} ({person.reference}) was added to the register.")
            for flag in flagged_disposals(person.disposals.all(), person.owning_force.jurisdiction,
                                          person.date_of_birth):  # a flag for review, never a refusal
                messages.warning(request, flag["message"][0].upper() + flag["message"][1:] + ".")
            return redirect("register:person", person_id=person.pk)
    context = {
        "nav": "create",
        "form": form,
        "errors": result.errors,
        "error_list": result.error_list,
        "page_has_errors": bool(result.error_list),
        "dob": form.date_value("date_of_birth"),
        "address_from": form.date_value("address_from"),
        "disposal_date": form.date_value("disposal_date"),
        "initial_date": form.date_value("initial_date"),
        "sex_options": Sex.choices,
        "disposal_options": [("", "Select a disposal"), *DisposalKind.choices],
        "picks_force": _picks_force(user),
        "force_options": force_choices(("", "Select a force")),
        "candidates": candidates,
    }
    return render(request, "register/people/create.html", context, status=result.status)


