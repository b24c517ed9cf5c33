"""The one shape of every page that changes one registrant (a notification, a name, an address, a trip, an order,
a prescribed item, a transfer, ...): writer roles only, the full record needed (limited access goes back to the
person page to record a reason), the record's version carried in the form so a stale form is a Conflict and never
a silent overwrite, every write through a service of ``tether.register``, then a message and back to the person
page's section. No domain rules here: a page says what it is (``change_page``'s keywords), not how it works.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from tether.access.permissions import is_worker
from tether.audit.services import record
from tether.core.errors import NotFound
from tether.ui.forms import PartsForm
from tether.ui.pages import error_page
from tether.ui.submit import Submitted, submit

from .guards import access_person_by_id


def person_to_change(request: HttpRequest, person_id: uuid.UUID, doing: str) -> Any:
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


def version_now(person: Any) -> int:
    """The record's version as stored now (after a Conflict)."""
    person.refresh_from_db(fields=["version"])
    return int(person.version)


def render_change(
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


def back_to(person: Any, section: str) -> HttpResponse:
    return redirect(reverse("register:person", kwargs={"person_id": person.pk}) + f"#{section}")


def change_page(
    request: HttpRequest, person_id: uuid.UUID, *, doing: str, form_class: Callable[..., Any], template: str,
    section: str, write: Callable[[Any, Any, int | None], Any], done: Callable[[Any], str],
    check: Callable[[Any], Any] | None = None, initial: Callable[[Any], Mapping[str, Any]] | None = None,
    row: Callable[[Any], Any] | None = None, row_name: str = "row",
    unchanged: Callable[[Any, Any], bool] | None = None, after: Callable[[Any], None] | None = None,
    context: Callable[[Any, Any, Submitted], Mapping[str, Any]] | None = None,
    form_kwargs: Mapping[str, Any] | None = None, **extra: Any,
) -> HttpResponse:
    """One change page: GET shows the form, POST writes through the service (every problem listed at once).

    ``doing``: what the user is doing, for the "record why" message; ``write(person, form, version)``: the service
    call, its result is ``done``'s (the success message) and ``after``'s (more messages); ``check(form)``: the
    service's own checks (writes nothing), run too while a value could not be read; ``initial(person)``: the form's
    first values (the version is added); ``row(person)``: what the page is about (None: 404), given to the template
    as ``row_name``; ``unchanged(person, form)``: a read form that would change nothing (no service call, no version
    bump, no audit event: shown again with ``unchanged``); ``context(person, form, result)``: the template's own
    values, beside ``extra`` (and ``section``, and ``action``: the page's own path)."""
    person = person_to_change(request, person_id, doing)
    if isinstance(person, HttpResponse):
        return person
    if row is not None:
        about = row(person)
        if about is None:
            return error_page(request, 404)
        extra = {**extra, row_name: about}
    result = Submitted()
    if request.method == "POST":
        form = form_class(request.POST, **(form_kwargs or {}))
        parsed = form.parse()
        if parsed and unchanged is not None and unchanged(person, form):
            extra = {**extra, "unchanged": True}
        else:
            result = submit(request, form, parsed, lambda version: write(person, form, version),
                            (lambda: check(form)) if check is not None else None,  # the service's checks, at once
                            lambda: version_now(person))
            if result.response is not None:
                return result.response
            if result.ok:
                messages.success(request, done(result.saved))
                if after is not None:
                    after(result.saved)
                return back_to(person, section)
    else:
        form = form_class(initial={**(initial(person) if initial else {}), "version": person.version},
                          **(form_kwargs or {}))
    return render_change(request, template, person, form, result, section=section, action=request.path, **extra,
                         **(context(person, form, result) if context else {}))
