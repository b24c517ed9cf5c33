"""The top floor's pages: the dashboard, the rules explorer and the health check."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tether.access.permissions import can_see_caseload, has_caseload, is_worker
from tether.casework.selectors import my_tasks
from tether.core import clock
from tether.core.errors import NotFound
from tether.identity.services import proposals_waiting_count
from tether.management.selectors import assigned_to
from tether.obligations import Facts, FactsError, Outcome, evaluate, facts_to_dict, outcome_to_dict, parse_facts
from tether.register.display import obligation_rows
from tether.register.facts import facts_for
from tether.register.guards import access_person_by_id
from tether.register.selectors import load_registrant_docs
from tether.register.transfer_selectors import waiting_count as transfers_waiting
from tether.ui.forms import error_summary
from tether.ui.pages import error_page

from .counts import dashboard_counts
from .forms import JURISDICTION_CHOICES, RulesForm, rules_form_data


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


# --- dashboard ---------------------------------------------------------------------------------------------


def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {"nav": "dashboard"}
    context["has_caseload"] = has_caseload(user)
    if can_see_caseload(user):
        context["caseload"] = dashboard_counts(user)  # stored per force until the register changes
        context["today"] = clock.today()
    if is_worker(user):
        tasks = my_tasks(user)  # overdue first: the earliest due first
        context["tasks"] = tasks[:5]
        context["task_count"] = len(tasks)
        context["tasks_overdue"] = sum(1 for t in tasks if t["past_deadline"])
        mine = assigned_to(user)  # the registrants the user is offender manager for, the next duty first
        context["my_registrants"] = mine[:5]
        context["my_registrant_count"] = len(mine)
        context["transfers_waiting"] = transfers_waiting(user)  # transfers from other forces to accept or refuse
    # merges across forces proposed by another force, waiting for this one's supervisors (one indexed count, live)
    context["proposals_waiting"] = proposals_waiting_count(user)
    return render(request, "home/dashboard.html", context)





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
        left_out = form.left_out
        form = RulesForm(form.keep_left_out(rules_form_data(facts_to_dict(run.facts, run.as_of))))
        form.left_out = left_out
    order = ["jurisdiction", "as_of", "date_of_birth", "date_of_death", *form.fields]
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
        "dod": form.date_value("date_of_death"),
        "jurisdiction_options": JURISDICTION_CHOICES,
        "sections": form.sections(run.errors),
        "orders_left_out": form.left_out,
        "outcome": outcome,
        "jurisdiction_label": dict(JURISDICTION_CHOICES).get(outcome.jurisdiction, "") if outcome else "",
        "obligations": obligation_rows(outcome.obligations if outcome else ()),
        "outcome_json": json.dumps(outcome_to_dict(outcome), indent=2, ensure_ascii=False) if outcome else "",
    }
    return render(request, "home/rules.html", context, status=400 if summary else 200)
