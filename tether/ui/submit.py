"""Submitting a form to a service: the one way every page turns ValidationFailed, Conflict, Forbidden and
NotFound into a response."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse

from tether.core.errors import Conflict, Forbidden, NotFound, ValidationFailed

from .forms import PartsForm, form_errors
from .pages import error_page


@dataclass
class Submitted:
    """What came of a submitted form."""

    ok: bool = False  # the service wrote
    saved: Any = None  # what the service returned
    errors: dict[str, str] = field(default_factory=dict)
    error_list: list[tuple[str, str]] = field(default_factory=list)
    conflict: str = ""
    status: int = 200
    response: HttpResponse | None = None  # an error page to send as it is


def submit(
    request: HttpRequest,
    form: PartsForm,
    parsed: bool,
    write: Callable[[int | None], Any],
    check: Callable[[], Any] | None = None,
    fresh_version: Callable[[], int] | None = None,
) -> Submitted:
    """Call ``write`` (the service) with the form's version; ``check`` (validation only, writes nothing; it may
    raise ValidationFailed) runs instead while a value could not be read, so every problem is listed at once.

    On a Conflict, ``fresh_version`` (when given) reads the record's version now: the form is given it so a
    deliberate resubmission of the same values can go through."""
    try:
        if not parsed:
            if check is not None:
                check()
            raise ValidationFailed({})
        return Submitted(ok=True, saved=write(form.cleaned_data.get("version")))
    except ValidationFailed as exc:
        errors, error_list = form_errors(form, exc.errors)
        return Submitted(errors=errors, error_list=error_list, status=400)
    except Conflict as exc:
        if fresh_version is not None:
            resubmit = request.POST.copy()
            resubmit["version"] = str(fresh_version())
            form.data = resubmit
        return Submitted(conflict=str(exc), status=409)
    except Forbidden as exc:
        return Submitted(response=error_page(request, 403, str(exc)))
    except NotFound:
        return Submitted(response=error_page(request, 404))
