"""Pages for trips outside the UK (s.86), stays at other premises, the end of another regular address and advance
notices of a change (s.84(2)), and the force's "travelling now" list.

The change pages work as every change page does (``change_pages``): writer roles only, the full record needed, the
record's version carried in the form, every write through a service (``services_travel``). No domain rules here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tether.access.permissions import is_national_admin, is_worker
from tether.access.selectors import force_choices
from tether.core import clock
from tether.core.dates import as_of_error
from tether.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tether.core.pagination import page_error, page_number, pagination_links
from tether.ui.forms import ChangeForm
from tether.ui.pages import error_page
from tether.ui.submit import Submitted

from .change_pages import back_to, change_page, person_to_change
from .forms_travel import AdvanceNoticeForm, EndForm, StayForm, TripForm, TripReturnForm
from .selectors_travel import TRAVELLING_PER_PAGE, travelling_now
from .services_travel import (
    address_end,
    advance_notice_record,
    current_trip_rows,
    parse_advance_notice,
    parse_stay,
    parse_trip,
    stay_end,
    stay_record,
    trip_cancel,
    trip_record,
    trip_return_record,
)
from .travel import ADVANCE_CHANGES


def _received_initial() -> dict[str, Any]:
    now = clock.now().astimezone(clock.UK)
    return {"received_day": now.day, "received_month": now.month, "received_year": now.year,
            "received_time": now.strftime("%H:%M")}


def _date(form: ChangeForm, result: Submitted, name: str, label: str, hint: str) -> dict[str, Any]:
    return {"type": "date", "name": name, "label": label, "hint": hint, "value": form.date_value(name),
            "error": result.errors.get(name)}


def _field(form: ChangeForm, result: Submitted, name: str, label: str, hint: str = "", kind: str = "input",
           **extra: Any) -> dict[str, Any]:
    return {"type": kind, "name": name, "label": label, "hint": hint, "value": form[name].value(),
            "error": result.errors.get(name), **extra}


def _received_fields(form: ChangeForm, result: Submitted) -> list[dict[str, Any]]:
    return [
        _date(form, result, "received", "Date received", "The day they attended the police station"),
        _field(form, result, "received_time", "Time received", "24-hour clock, UK time, for example 14:05",
               classes="govuk-input--width-5"),
        _field(form, result, "station", "Police station"),
    ]


def _page(
    request: HttpRequest, person_id: uuid.UUID, doing: str, form_class: type[ChangeForm],
    write: Callable[[Any, ChangeForm, int | None], Any], initial: Callable[[Any], dict[str, Any]],
    fields: Callable[[ChangeForm, Submitted], list[dict[str, Any]]], done: Callable[[Any], str],
    check: Callable[[ChangeForm], Any] | None = None, **page: Any,
) -> HttpResponse:
    """A travel page (``change_pages.change_page``): the form's fields laid out by ``fields``."""
    return change_page(request, person_id, doing=doing, form_class=form_class, template="register/travel/form.html",
                       section="travel", write=write, done=done, check=check, initial=initial,
                       context=lambda p, form, result: {"fields": fields(form, result)}, **page)


@require_http_methods(["GET", "HEAD", "POST"])
def trip_create(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    return _trip_page(request, person_id, None)


@require_http_methods(["GET", "HEAD", "POST"])
def trip_update(request: HttpRequest, person_id: uuid.UUID, number: int) -> HttpResponse:
    return _trip_page(request, person_id, number)


def _trip_page(request: HttpRequest, person_id: uuid.UUID, number: int | None) -> HttpResponse:
    def initial(person: Any) -> dict[str, Any]:
        out = _received_initial()
        trip = current_trip_rows(person).get(number) if number is not None else None
        if trip is not None:  # new details start from the trip as it stands
            for name, day in (("departure", trip.departure), ("return_date", trip.return_date)):
                if day:
                    out.update({f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year})
            out.update(countries=", ".join(trip.country_list), arrival_points=trip.arrival_points,
                       accommodation=trip.accommodation, return_point=trip.return_point,
                       short_notice=trip.short_notice)
        return out

    def fields(form: ChangeForm, result: Submitted) -> list[dict[str, Any]]:
        return [
            _date(form, result, "departure", "Departure date", "The day they leave the UK. For example, 27 3 2025"),
            _field(form, result, "countries", "Countries",
                   "2-letter country codes in the order they will visit them, separated by commas, for example FR, ES",
                   classes="govuk-!-width-one-half"),
            _field(form, result, "arrival_points", "Points of arrival",
                   "The port, airport or station where they first arrive in each country"),
            _field(form, result, "accommodation", "Accommodation", "Where they will stay, at least the first night"),
            _date(form, result, "return_date", "Return date (optional)", "The day they come back to the UK, if known"),
            _field(form, result, "return_point", "Point of return (optional)",
                   "The port, airport or station where they arrive back in the UK"),
            _field(form, result, "short_notice", "The details were not known 7 days before departure",
                   "Then notice at least 12 hours before departure is enough", kind="checkbox"),
            *_received_fields(form, result),
        ]

    def write(person: Any, form: ChangeForm, version: int | None) -> Any:
        return trip_record(request.user, person.pk, form.to_data(), number=number,  # type: ignore[attr-defined]
                           expected_version=version)

    heading = "Record a notification of travel" if number is None else f"Record new details of trip {number}"
    return _page(request, person_id, "record travel", TripForm, write, initial, fields,
                 check=lambda form: parse_trip(form.to_data()),  # type: ignore[attr-defined]
                 done=lambda t: f"Trip {t.number}, leaving {t.departure:%d %B %Y}, was recorded.".replace(" 0", " "),
                 heading=heading, what="the trip", submit_label="Record travel",
                 intro="Nothing is overwritten: new details are a new version of the trip.")


@require_http_methods(["GET", "HEAD", "POST"])
def trip_return(request: HttpRequest, person_id: uuid.UUID, number: int) -> HttpResponse:
    def fields(form: ChangeForm, result: Submitted) -> list[dict[str, Any]]:
        return [
            _date(form, result, "return_date", "Return date", "The day they came back to the UK"),
            _field(form, result, "return_point", "Point of return (optional)",
                   "The port, airport or station where they arrived back"),
            _date(form, result, "notified_on", "Date they notified the return (optional)", "Leave blank for today"),
        ]

    def write(person: Any, form: ChangeForm, version: int | None) -> Any:
        return trip_return_record(request.user, person.pk, number, form.to_data(),  # type: ignore[attr-defined]
                                  expected_version=version)

    return _page(request, person_id, "record a return", TripReturnForm, write, lambda p: {}, fields,
                 lambda t: f"The return from trip {t.number} was recorded.",
                 heading=f"Record the return from trip {number}", what="the trip", submit_label="Record return")


@require_http_methods(["POST"])
def trip_cancel_view(request: HttpRequest, person_id: uuid.UUID, number: int) -> HttpResponse:
    person = person_to_change(request, person_id, "cancel a trip")
    if isinstance(person, HttpResponse):
        return person
    form = ChangeForm(request.POST)
    form.parse()
    try:
        trip_cancel(request.user, person.pk, number, expected_version=form.cleaned_data.get("version"))
    except ValidationFailed as exc:
        messages.error(request, next(iter(exc.errors.values()))[0].capitalize())
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    except NotFound:
        return error_page(request, 404)
    except Conflict as exc:  # the record changed since the page was read
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Trip {number} was recorded as cancelled.")
    return back_to(person, "travel")


@require_http_methods(["GET", "HEAD", "POST"])
def stay_create(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    def fields(form: ChangeForm, result: Submitted) -> list[dict[str, Any]]:
        return [
            _field(form, result, "line1", "Address line 1"),
            _field(form, result, "town", "Town or city (optional)", classes="govuk-!-width-two-thirds"),
            _field(form, result, "postcode", "Postcode", classes="govuk-input--width-10"),
            _date(form, result, "start", "First day stayed", "For example, 27 3 2025"),
            _date(form, result, "end", "Last day stayed (optional)", "Leave blank if they are still staying there"),
        ]

    def write(person: Any, form: ChangeForm, version: int | None) -> Any:
        return stay_record(request.user, person.pk, form.to_data(), expected_version=version)  # type: ignore[attr-defined]

    return _page(request, person_id, "record a stay", StayForm, write, lambda p: {}, fields,
                 check=lambda form: parse_stay(form.to_data()),  # type: ignore[attr-defined]
                 done=lambda s: f"The stay at {s.line1}, {s.postcode} was recorded.",
                 heading="Record a stay at other premises", what="the stay", submit_label="Record stay",
                 intro="A stay of 7 days, or stays adding up to 7 days in 12 months, at an address not yet notified "
                       "must be notified within 3 days.")


@require_http_methods(["GET", "HEAD", "POST"])
def stay_end_view(request: HttpRequest, person_id: uuid.UUID, stay_id: int) -> HttpResponse:
    def fields(form: ChangeForm, result: Submitted) -> list[dict[str, Any]]:
        return [_date(form, result, "end", "Last day stayed", "For example, 27 3 2025")]

    def write(person: Any, form: ChangeForm, version: int | None) -> Any:
        return stay_end(request.user, person.pk, stay_id, form.to_data(), expected_version=version)  # type: ignore[attr-defined]

    return _page(request, person_id, "end a stay", EndForm, write, lambda p: {}, fields,
                 lambda s: "The end of the stay was recorded.", heading="Record the end of a stay", what="the stay",
                 submit_label="Record end")


@require_http_methods(["GET", "HEAD", "POST"])
def address_end_view(request: HttpRequest, person_id: uuid.UUID, address_id: int) -> HttpResponse:
    def fields(form: ChangeForm, result: Submitted) -> list[dict[str, Any]]:
        return [_date(form, result, "end", "End date",
                      "The first day they no longer regularly live or stay there. For example, 27 3 2025")]

    def write(person: Any, form: ChangeForm, version: int | None) -> Any:
        return address_end(request.user, person.pk, address_id, form.to_data("valid_to"),  # type: ignore[attr-defined]
                           expected_version=version)

    return _page(request, person_id, "end an address", EndForm, write, lambda p: {}, fields,
                 lambda a: f"The address at {a.line1}, {a.postcode} was recorded as ended.",
                 heading="Record that another address ended", what="the address", submit_label="Record end")


@require_http_methods(["GET", "HEAD", "POST"])
def advance_notice_create(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    options = [(k, v[0].upper() + v[1:]) for k, v in ADVANCE_CHANGES.items()]

    def fields(form: ChangeForm, result: Submitted) -> list[dict[str, Any]]:
        return [
            _field(form, result, "change", "Which change did they give notice of?", kind="radios", options=options),
            _date(form, result, "expected_on", "Expected date", "The date they said it will happen"),
            *_received_fields(form, result),
        ]

    def write(person: Any, form: ChangeForm, version: int | None) -> Any:
        return advance_notice_record(request.user, person.pk, form.to_data(),  # type: ignore[attr-defined]
                                     expected_version=version)

    return _page(request, person_id, "record an advance notice", AdvanceNoticeForm, write,
                 lambda p: _received_initial(), fields,
                 check=lambda form: parse_advance_notice(form.to_data()),  # type: ignore[attr-defined]
                 done=lambda a: f"The advance notice for {a.expected_on:%d %B %Y} was recorded.".replace(" 0", " "),
                 heading="Record advance notice of a change", what="the advance notice",
                 submit_label="Record advance notice",
                 intro="If the change does not happen within 3 days of the expected date, they must tell the police "
                       "within 6 days of it.")


@require_http_methods(["GET", "HEAD"])
def travelling_now_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_worker(user):
        return error_page(request, 403, "Your role cannot see who is travelling.")
    as_of, error = as_of_error(request.GET.get("as_of"))
    force = (request.GET.get("force") or "").strip().upper()
    national = is_national_admin(user)
    context: dict[str, Any] = {
        "nav": "travel", "as_of_value": request.GET.get("as_of", ""), "as_of": as_of or clock.today(),
        "force_value": force, "national": national, "rows": [], "errors": {}, "error_list": [],
        "force_options": force_choices(("", "All forces"), with_code=True) if national else [],
    }
    if error:
        context.update(errors={"as_of": error}, error_list=[("#as_of", error)], page_has_errors=True)
        return render(request, "register/travel/travelling_now.html", context, status=400)
    if problem := page_error(request.GET.get("page", "")):
        context.update(problem)
        return render(request, "register/travel/travelling_now.html", context, status=400)
    try:
        found = travelling_now(user, as_of, force if national else None, page=page_number(request.GET.get("page", "")),
                               per_page=TRAVELLING_PER_PAGE)
        params = {"as_of": request.GET.get("as_of", ""), "force": force if national else ""}
        context.update(rows=found.rows, found=found, pagination=pagination_links(found.page, found.pages, params))
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    except NotFound as exc:
        context.update(errors={"force": str(exc)}, error_list=[("#force", str(exc))], page_has_errors=True)
        return render(request, "register/travel/travelling_now.html", context, status=400)
    return render(request, "register/travel/travelling_now.html", context)

