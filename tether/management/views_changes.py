"""The pages that record a registrant's management: a risk level (with its source and reason), an assessment (ARMS,
Risk Matrix 2000, OASys RoSH), MAPPA, the management mode (a supervisor's decision, with the reactive-management
rule checked), intelligence and the offender manager (a supervisor or administrator assigns).

Every page works the same way: the role question first (``tether.access.permissions``), the management picture
read through the guard (audited, whatever the status), a GOV.UK form, and the write through the service in
``tether.management.services``, whose field-named errors are shown all at once. A change that changes nothing
writes nothing, and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tether.access import permissions
from tether.access.models import Force
from tether.access.selectors import force_choices
from tether.core.errors import Forbidden, NotFound
from tether.ui.pages import error_page
from tether.ui.submit import Submitted, submit

from . import forms
from .facts import policy_for
from .selectors import manager_options, person_view, policy_versions
from .services import (
    assessment_record,
    intelligence_record,
    manager_assign,
    mappa_set,
    mode_set,
    policy_set,
    risk_level_set,
)


@dataclass(frozen=True)
class Page:
    """One change page: its fields, who may use it, the service that writes, and what it says."""

    key: str
    title: str
    intro: str
    fields: Sequence[forms.Field]
    allowed: Callable[[Any], bool]
    refusal: str
    write: Callable[[Any, Any, dict[str, Any]], Any]
    button: str
    done: str
    unchanged: str = "Nothing was changed: the record already says that."
    always_writes: bool = False  # an assessment is always a new record


PAGES = {
    "risk_level": Page(
        "risk_level", "Record the risk level",
        "The level holds from the date given until another is recorded; the earlier level stays in the history.",
        forms.RISK_LEVEL, permissions.can_assess_risk, "Your role cannot record risk.", risk_level_set,
        "Record the risk level", "The risk level was recorded.",
        "Nothing was changed: that is already the current risk level."),
    "assessment": Page(
        "assessment", "Record an assessment",
        "ARMS, or a Risk Matrix 2000 or OASys RoSH category as given (Tether does not score them). An ARMS "
        "assessment resets the assessment duty: its review falls due on the date you set.",
        forms.ASSESSMENT, permissions.can_assess_risk, "Your role cannot record risk assessments.",
        assessment_record, "Record the assessment", "The assessment was recorded.", always_writes=True),
    "mappa": Page(
        "mappa", "Record MAPPA management",
        "The MAPPA category and level, and the lead agency, from the date given.",
        forms.MAPPA, permissions.can_assess_risk, "Your role cannot record MAPPA management.", mappa_set,
        "Record MAPPA", "MAPPA management was recorded.", "Nothing was changed: that is already the current MAPPA."),
    "mode": Page(
        "mode", "Decide active or reactive management",
        "A supervisor's decision. Reactive management (no routine home visits) needs the registrant to have been "
        "assessed low risk for at least 3 years, with no recent police notice; new intelligence brings visits back.",
        forms.MODE, permissions.can_decide_management_mode,
        "Only a supervisor decides active or reactive management.", mode_set, "Record the decision",
        "The decision was recorded.", "Nothing was changed: that is already the current decision."),
    "intelligence": Page(
        "intelligence", "Record intelligence",
        "New intelligence or changed circumstances, with the date it was received. It stays on the record; under "
        "reactive management it brings back a home visit and a risk review.",
        forms.INTELLIGENCE, permissions.can_assess_risk, "Your role cannot record intelligence.",
        intelligence_record, "Record the intelligence", "The intelligence was recorded.", always_writes=True),
    "manager": Page(
        "manager", "Assign an offender manager",
        "Assign, reassign or hand over: the current assignment ends the day the new one starts. Choose the unit "
        "queue to end the assignment.",
        forms.MANAGER, permissions.can_assign_caseload,
        "Only supervisors and administrators assign offender managers.", manager_assign, "Assign",
        "The offender manager was assigned.", "Nothing was changed: they already have that offender manager."),
}


def _dry_run(write: Callable[[], Any]) -> None:
    """Run the service's checks on what could be read, and undo whatever it wrote (so every error shows at once)."""

    class _Undo(Exception):
        pass

    try:
        with transaction.atomic():
            write()
            raise _Undo
    except _Undo:
        pass


def _change(request: HttpRequest, person_id: Any, page: Page) -> HttpResponse:
    user: Any = request.user
    if not page.allowed(user):
        return error_page(request, 403, page.refusal)
    try:
        m = person_view(user, person_id, purpose=f"management.{page.key}")
    except NotFound:
        return error_page(request, 404)
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    person = m["person"]
    options = {"manager": manager_options(person)} if page.key == "manager" else {}
    form_class = forms.form_for(page.fields, options)
    result = Submitted()
    if request.method == "POST":
        form = form_class(request.POST)
        parsed = form.parse()
        data = form.to_data()
        result = submit(request, form, parsed, lambda _version: page.write(user, person.pk, data),
                        lambda: _dry_run(lambda: page.write(user, person.pk, data)))
        if result.response is not None:
            return result.response
        if result.ok:
            changed = page.always_writes or result.saved is not None
            (messages.success if changed else messages.info)(request, page.done if changed else page.unchanged)
            return redirect(reverse("management:person", kwargs={"person_id": person.pk}))
    else:
        form = form_class(initial=_initial(page, m))
    context = {"nav": "register", "m": m, "person": person, "page": page, "fields": form.values(result.errors),
               "errors": result.errors, "error_list": result.error_list,
               "page_has_errors": bool(result.error_list)}
    return render(request, "management/change.html", context, status=result.status)


def _initial(page: Page, m: dict[str, Any]) -> dict[str, Any]:
    """What the form starts with: the current values, so a supervisor changes only what changes."""
    if page.key == "risk_level" and m["level"]:
        return {"level": m["level"].level}
    if page.key == "mappa" and m["mappa"]:
        return {"category": m["mappa"].category, "level": m["mappa"].level, "lead_agency": m["mappa"].lead_agency}
    if page.key == "mode":
        return {"mode": m["mode"].mode if m["mode"] else "active",
                "plan_months": m["mode"].plan_months if m["mode"] and m["mode"].plan_months else ""}
    if page.key == "manager" and m["manager"]:
        return {"manager": m["manager"].username}
    return {}


@require_http_methods(["GET", "HEAD", "POST"])
def risk_level(request: HttpRequest, person_id: Any) -> HttpResponse:
    return _change(request, person_id, PAGES["risk_level"])


@require_http_methods(["GET", "HEAD", "POST"])
def assessment(request: HttpRequest, person_id: Any) -> HttpResponse:
    return _change(request, person_id, PAGES["assessment"])


@require_http_methods(["GET", "HEAD", "POST"])
def mappa(request: HttpRequest, person_id: Any) -> HttpResponse:
    return _change(request, person_id, PAGES["mappa"])


@require_http_methods(["GET", "HEAD", "POST"])
def mode(request: HttpRequest, person_id: Any) -> HttpResponse:
    return _change(request, person_id, PAGES["mode"])


@require_http_methods(["GET", "HEAD", "POST"])
def intelligence(request: HttpRequest, person_id: Any) -> HttpResponse:
    return _change(request, person_id, PAGES["intelligence"])


@require_http_methods(["GET", "HEAD", "POST"])
def manager(request: HttpRequest, person_id: Any) -> HttpResponse:
    return _change(request, person_id, PAGES["manager"])


# --- a force's visit policy ------------------------------------------------------------------------------------


def _policy_initial(force: Force) -> dict[str, Any]:
    p = policy_for(force)
    return {"kind": p.rules.kind, "arms_days": p.rules.arms_days, "arms_review_months": p.rules.arms_review_months,
            "benchmark": p.benchmark, **{f: f"{p.weights[level]:g}" for f, level in forms.WEIGHT_FIELDS.items()},
            "hours_per_visit": f"{p.hours_per_visit:g}", "hours_per_assessment": f"{p.hours_per_assessment:g}",
            "officer_hours_per_month": f"{p.officer_hours_per_month:g}"}


@require_http_methods(["GET", "HEAD", "POST"])
def policy(request: HttpRequest) -> HttpResponse:
    """A force's visit policy (fixed minimums or individual plan), ARMS timings, caseload benchmark, risk weights and
    capacity settings, with its earlier versions. Force administrators their own force; national administrators
    any force (``?force=CODE``). Saving stores a new version (``services.policy_set``); the same values write
    nothing."""
    user: Any = request.user
    if not permissions.can_set_visit_policy(user):
        return error_page(request, 403, "Only a force administrator sets the visit policy.")
    national = permissions.is_national_admin(user)
    code = (request.GET.get("force") or "").strip().upper()[:10] if national else ""
    force = Force.objects.filter(code=code).first() if national else user.force
    context: dict[str, Any] = {"nav": "management", "national": national, "force": force, "force_value": code,
                               "can_set_policy": True,
                               "force_options": force_choices(("", "Choose a force"), with_code=True),
                               "errors": {}, "error_list": []}
    if force is None:
        if national and code:
            context.update(errors={"force": "Select a force from the list"},
                           error_list=[("#force", "Select a force from the list")], page_has_errors=True)
            return render(request, "management/policy.html", context, status=400)
        if not national:
            return error_page(request, 403, "Your account has no force.")
        return render(request, "management/policy.html", context)
    form_class = type("PolicyForm", (forms.form_for(forms.POLICY),),
                      {"FIELD_FOR_PATH": {**{f.name: f.name for f in forms.POLICY},
                                          **{level: f for f, level in forms.WEIGHT_FIELDS.items()}}})
    result = Submitted()
    if request.method == "POST":
        form = form_class(request.POST)
        parsed = form.parse()
        data = form.to_data()
        data["weights"] = {level: data.pop(f) for f, level in forms.WEIGHT_FIELDS.items()}
        result = submit(request, form, parsed, lambda _version: policy_set(user, force.code, data),
                        lambda: _dry_run(lambda: policy_set(user, force.code, data)))
        if result.response is not None:
            return result.response
        if result.ok:
            if result.saved is None:
                messages.info(request, "Nothing was changed: that is already the force's policy.")
            else:
                messages.success(request, "The visit policy was saved as a new version.")
            target = reverse("management:policy")
            return redirect(f"{target}?force={force.code}" if national else target)
    else:
        form = form_class(initial=_policy_initial(force))
    context.update(fields=form.values(result.errors), errors=result.errors, error_list=result.error_list,
                   page_has_errors=bool(result.error_list), versions=policy_versions(force))
    return render(request, "management/policy.html", context, status=result.status)
