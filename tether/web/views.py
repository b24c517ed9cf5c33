"""Server-rendered pages. Views parse (forms), call a guard/selector to read or a service to write, and render.

Every protected read goes through ``access_person_by_id`` or ``search_people`` (both audited); every write
through a service in ``tether.register.services``. No domain rules here.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tether.access.constants import Role
from tether.access.guards import access_person_by_id, can_see_personal_data
from tether.access.two_factor import next_step_url
from tether.compliance.selectors import my_tasks
from tether.core import clock
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.core.pagination import pagination_links
from tether.obligations import Facts, FactsError, Outcome, evaluate, facts_to_dict, outcome_to_dict, parse_facts
from tether.people.constants import Sex
from tether.people.selectors import SearchTerms, caseload_counts, search_people
from tether.register.constants import DisposalKind, RegisterStatus
from tether.register.documents import parse_registrant
from tether.register.facts import facts_for
from tether.register.selectors import load_registrant_docs
from tether.register.services import forces_by_code, person_create

from .forms import (
    JURISDICTION_CHOICES,
    PersonCreateForm,
    ReasonForm,
    RulesForm,
    SearchForm,
    SignInForm,
    error_summary,
    rules_form_data,
    sentence,
)
from .helpers import error_page, force_choices, is_worker
from .submit import Submitted, submit

OBLIGATION_KINDS = {
    "initial": "Initial notification",
    "change": "Notify a change",
    "non_occurrence": "Notify an event did not happen",
    "periodic": "Periodic (annual) notification",
    "travel": "Notify travel abroad",
    "absence": "Notify an absence",
    "verification": "Verification",
}
OBLIGATION_STATUSES = {"met": ("Met", "govuk-tag--green"), "due": ("Due", "govuk-tag--yellow"),
                       "overdue": ("Overdue", "govuk-tag--red")}
# --- helpers -----------------------------------------------------------------------------------------------


def _picks_force(user: Any) -> bool:
    """National administrators choose the owning force of a new registrant; everyone else creates for their own."""
    return bool(user.role == Role.NATIONAL_ADMIN)


# --- signing in and out ------------------------------------------------------------------------------------


class SignInView(LoginView):
    """The password step. A role that sees personal data then gives a two-factor code (or enrols first)."""

    template_name = "web/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        return next_step_url(self.request, super().get_success_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page_has_errors"] = bool(context["form"].errors)
        return context


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("web:login")


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


# --- dashboard ---------------------------------------------------------------------------------------------


def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {"nav": "dashboard"}
    if can_see_personal_data(user) and user.role != Role.PARTNER:  # type: ignore[union-attr]
        context["caseload"] = caseload_counts(user)
        context["today"] = clock.today()
    if is_worker(user):
        tasks = my_tasks(user)  # overdue first: the earliest due first
        context["tasks"] = tasks[:5]
        context["task_count"] = len(tasks)
        context["tasks_overdue"] = sum(1 for t in tasks if t["past_deadline"])
    return render(request, "web/dashboard.html", context)


# --- the register ------------------------------------------------------------------------------------------


def _force_options(user: Any) -> list[tuple[str, str]]:
    if user.role == Role.NATIONAL_ADMIN or not user.force_id:
        return force_choices(("", "All forces"))
    return force_choices(("", f"Your force ({user.force.name})"), ("ALL", "All forces (national index)"))


@require_http_methods(["GET", "HEAD"])
def people(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = SearchForm(request.GET)
    form.is_valid()
    data = {k: form.cleaned_data.get(k) or "" for k in ("name", "reference", "force", "status")}
    terms = SearchTerms(name=data["name"], reference=data["reference"], force=data["force"].upper(),
                        status=data["status"])
    page = form.cleaned_data.get("page") or 1
    try:
        page_obj, rows = search_people(user, terms, page, per_page=settings.TETHER_PAGE_SIZE)
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    params = {k: v for k, v in data.items() if v}
    context = {
        "nav": "register",
        "form_data": data,
        "filtered": bool(params),
        "page_obj": page_obj,
        "rows": rows,
        "pagination": pagination_links(page_obj.number, page_obj.paginator.num_pages, params),
        "force_options": _force_options(user),
        "status_options": [("", "Any status"), ("overdue", "Overdue"), *RegisterStatus.choices],
        "today": clock.today(),
    }
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        return render(request, "web/people/_results.html", context)
    return render(request, "web/people/list.html", context)


def _obligation_rows(obligations: Iterable[Any]) -> list[dict[str, Any]]:
    """Stored obligations or the engine's: each with its label and status tag."""
    return [
        {
            "o": o,
            "kind": OBLIGATION_KINDS.get(o.kind, o.kind.replace("_", " ").capitalize()),
            "status": OBLIGATION_STATUSES.get(o.status, (o.status.capitalize(), "govuk-tag--grey")),
        }
        for o in obligations
    ]


def _person_context(access: Any) -> dict[str, Any]:
    """Everything else the full record shows. Read from the person the guard returned (the read is audited)."""
    person = access.person
    notifications = list(person.notifications.select_related("officer").order_by("-received_at", "-id"))
    cases = list(person.cases.select_related("force").order_by("-opened_on", "-id"))
    return {
        "names": list(person.names.all()),
        "addresses": list(person.addresses.all()),
        "disposals": list(person.disposals.all()),
        "detentions": list(person.detentions.all()),
        "orders": list(person.orders.all()),
        "obligations": _obligation_rows(person.obligations.all()),
        "notifications": notifications,
        "open_cases": [c for c in cases if c.closed_on is None],
        "closed_cases": [c for c in cases if c.closed_on is not None],
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
                return redirect("web:person", person_id=access.person.pk)
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
        context.update(_person_context(access))
        return render(request, "web/people/detail.html", context)
    return render(request, "web/people/limited.html", context, status=400 if reason_error else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def person_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_worker(user):
        return error_page(request, 403, "Your role cannot add registrants to the register.")
    if not _picks_force(user) and not user.force_id:  # type: ignore[union-attr]
        return error_page(request, 403, "Your account does not belong to a force, so you cannot add registrants.")
    form = PersonCreateForm(request.POST if request.method == "POST" else None)
    result = Submitted()
    if request.method == "POST":
        parsed = form.parse()
        doc = form.to_document()
        doc["force"] = form.cleaned_data.get("force") if _picks_force(user) else user.force.code  # type: ignore[union-attr]
        # Nothing is written while any value could not be read, but the domain rules still check the rest
        # (validation only: parse_registrant writes nothing) so every problem is listed at once.
        result = submit(request, form, parsed, lambda version: person_create(user, doc),
                        lambda: parse_registrant(doc, known_forces=forces_by_code()))
        if result.response is not None:
            return result.response
        if result.ok:
            person = result.saved
            messages.success(request, f"{person.display_name} ({person.reference}) was added to the register.")
            return redirect("web:person", person_id=person.pk)
    context = {
        "nav": "create",
        "form": form,
        "errors": result.errors,
        "error_list": result.error_list,
        "page_has_errors": bool(result.error_list),
        "dob": form.date_value("date_of_birth"),
        "address_from": form.date_value("address_from"),
        "disposal_date": form.date_value("disposal_date"),
        "sex_options": Sex.choices,
        "disposal_options": [("", "Select a disposal"), *DisposalKind.choices],
        "picks_force": _picks_force(user),
        "force_options": force_choices(("", "Select a force")),
    }
    return render(request, "web/people/create.html", context, status=result.status)


# --- the rules explorer ------------------------------------------------------------------------------------


@dataclass
class RulesRun:
    """One run of the engine from the explorer's form: the outcome, or the errors that stopped it."""

    source: str = "fields"  # or "json"
    facts: Facts | None = None
    as_of: date | None = None
    outcome: Outcome | None = None
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)


def _run_rules(form: RulesForm) -> RulesRun:
    """Parse the form (fields or pasted JSON), check the facts against the engine's contract and evaluate them."""
    form.parse()
    run = RulesRun(source="json" if form.uses_json() else "fields")
    if run.source == "json":
        try:
            data = form.json_document()
        except json.JSONDecodeError as exc:
            run.errors["facts_json"] = f"The JSON is not valid: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            return run
    else:
        run.errors.update(form.parse_errors)
        if run.errors:
            return run
        data = form.document()
    try:
        facts, as_of = parse_facts(data)
        outcome = evaluate(facts, as_of)
    except FactsError as exc:
        if run.source == "json":
            where = "The JSON" if exc.field == "$" else f"In the JSON, {exc.field}"
            run.errors["facts_json"] = f"{where} {exc.message}"
        else:
            name, message = form.explain(exc.field, exc.message)
            if name is None:
                run.general.append(message)
            else:
                run.errors[name] = message
        return run
    run.facts, run.as_of, run.outcome = facts, as_of, outcome
    return run


def _prefill_from_person(request: HttpRequest, person_id: str) -> dict[str, str] | None:
    """Form data holding a registrant's facts as at today; None when the user may not see the full record."""
    try:
        access = access_person_by_id(request.user, person_id, purpose="rules")
    except NotFound:
        return None
    if not access.full:
        return None
    person = access.person
    doc = load_registrant_docs([person.pk])[person.pk]
    facts = facts_for(doc, person.owning_force.jurisdiction)
    return rules_form_data(facts_to_dict(facts, clock.today()))


def _default_jurisdiction(user: Any) -> str:
    force = getattr(user, "force", None)
    return force.jurisdiction if force is not None else "england-wales"


@require_http_methods(["GET", "HEAD", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    """The rules explorer: type in (or bring over from a record) the facts about a person, see what the law
    requires of them. Nothing is saved; the page shows no names or identifiers."""
    from_record = False
    if request.method == "POST":
        form = RulesForm(request.POST)
    elif request.GET.get("person"):
        data = _prefill_from_person(request, request.GET["person"])
        if data is None:
            return error_page(request, 404)
        form, from_record = RulesForm(data), True
    else:
        today = clock.today()
        form = RulesForm({"jurisdiction": _default_jurisdiction(request.user), "as_of_day": str(today.day),
                          "as_of_month": str(today.month), "as_of_year": str(today.year)})
    run = _run_rules(form) if request.method == "POST" or from_record else RulesRun()
    if run.outcome is not None and run.facts is not None and run.as_of is not None:
        # show back what the engine read: empty rows dropped, the JSON box in step with the fields
        form = RulesForm(rules_form_data(facts_to_dict(run.facts, run.as_of)))
    order = ["jurisdiction", "as_of", "date_of_birth", *form.fields]
    summary = error_summary(run.errors, order, form.ANCHORS) + [("", m) for m in run.general]
    outcome = run.outcome
    context = {
        "nav": "rules",
        "form": form,
        "errors": run.errors,
        "error_list": summary,
        "page_has_errors": bool(summary),
        "source": run.source,
        "from_record": from_record,
        "as_of": form.date_value("as_of"),
        "dob": form.date_value("date_of_birth"),
        "jurisdiction_options": JURISDICTION_CHOICES,
        "sections": form.sections(run.errors),
        "outcome": outcome,
        "jurisdiction_label": dict(JURISDICTION_CHOICES).get(outcome.jurisdiction, "") if outcome else "",
        "obligations": _obligation_rows(outcome.obligations if outcome else ()),
        "outcome_json": json.dumps(outcome_to_dict(outcome), indent=2, ensure_ascii=False) if outcome else "",
    }
    return render(request, "web/rules.html", context, status=400 if summary else 200)
