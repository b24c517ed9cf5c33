"""Partner assignments: the partner-agency users of the force (``/partners/``) and one partner's registrants
(``/partners/<id>/``), where a supervisor or force administrator assigns a registrant by reference and ends an
assignment. Every write goes through ``tether.register.partners`` (audited); the read of a partner's registrants is
audited too."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tether.access.permissions import is_national_admin
from tether.access.selectors import force_choices
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.ui.forms import DateParts, sentence
from tether.ui.pages import error_page

from . import partners

LABELS = {"person": "Registrant", "reference": "Registrant's reference", "valid_from": "Date the access starts",
          "partner": "Partner", "assignment": "Assignment", "valid_to": "Date the access ends"}
OWN_REGISTRANT = "Enter the reference of one of your force's registrants, like TTH-000123"
START = DateParts("valid_from", LABELS["valid_from"])


def _errors(exc: ValidationFailed) -> dict[str, str]:
    out = {}
    for field, problems in exc.errors.items():
        name = "reference" if field == "person" else field
        out[name] = sentence(LABELS.get(field), problems[0])
    return out


@require_http_methods(["GET", "HEAD"])
def partners_page(request: HttpRequest) -> HttpResponse:
    force_code = (request.GET.get("force") or "").strip()[:8]
    try:
        rows = partners.partner_users(request.user, force_code or None)
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    except NotFound as exc:
        return error_page(request, 404, str(exc))
    national = is_national_admin(request.user)
    return render(request, "register/partners/list.html", {
        "nav": "partners", "partners": rows, "national": national, "force_value": force_code.upper(),
        "force_options": force_choices(("", "Every force"), with_code=True) if national else [],
    })


@require_http_methods(["GET", "HEAD", "POST"])
def partner_page(request: HttpRequest, user_id: int) -> HttpResponse:
    """One partner's registrants; POST assigns one more (by reference, from a date: today when left blank)."""
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("reference", "valid_from_day", "valid_from_month",
                                                        "valid_from_year")}
        try:
            partner = partners.partner_for(request.user, user_id)
            start, problem = START.parse(values)
            if problem:
                raise ValidationFailed({"valid_from": problem})
            person_id = partners.person_by_reference(values["reference"])
            if person_id is None:
                raise ValidationFailed({"person": OWN_REGISTRANT if values["reference"].strip()
                                        else "Enter the registrant's reference, like TTH-000123"})
            try:
                assignment = partners.partner_assign(request.user, partner, person_id, valid_from=start)
            except Forbidden:  # another force's registrant: not one the actor may name here
                raise ValidationFailed({"person": OWN_REGISTRANT}) from None
        except Forbidden as exc:
            return error_page(request, 403, str(exc))
        except NotFound as exc:
            if "registrant" in str(exc):
                errors = {"reference": OWN_REGISTRANT}
            else:
                return error_page(request, 404)
        except ValidationFailed as exc:
            errors = _errors(exc)
        else:
            messages.success(request, f"{partner.get_full_name() or partner.username} can now see "
                                      f"{assignment.person.reference}.")
            return redirect("register:partner", user_id=user_id)
    return _render(request, user_id, errors, values)


def _render(request: HttpRequest, user_id: int, errors: dict[str, str], values: dict[str, str]) -> HttpResponse:
    try:
        partner, rows = partners.partner_assignments(request.user, user_id)
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    except NotFound:
        return error_page(request, 404)
    anchors = {"valid_from": "#valid_from_day"}
    order = ("reference", "valid_from", "assignment", "valid_to", "partner")
    error_list = [(anchors.get(f, f"#{f}"), errors[f]) for f in order if f in errors]
    return render(request, "register/partners/partner.html", {
        "nav": "partners", "partner": partner, "current": [r for r in rows if r["open"]],
        "ended": [r for r in rows if not r["open"]], "errors": errors, "error_list": error_list,
        "page_has_errors": bool(errors), "values": values,
    }, status=400 if errors else 200)


@require_POST
def partner_end_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """End one assignment (``assignment``) today."""
    try:
        partners.partner_for(request.user, user_id)
        assignment = partners.partner_end(request.user, request.POST.get("assignment", ""))
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    except NotFound:
        return error_page(request, 404)
    except ValidationFailed as exc:
        return _render(request, user_id, _errors(exc), {})
    messages.success(request, f"Access to {assignment.person.reference} ends today.")
    return redirect("register:partner", user_id=user_id)


