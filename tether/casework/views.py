"""Compliance pages: my tasks, the force's unit queue, a task (complete it, assign it), the force's overdue
obligations and missed deadlines, and the force's playbook.

Worker roles only (officers, supervisors, force and national administrators); the selectors check again and
audit every list. Every write goes through ``tether.casework.services``. No domain rules here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tether.access import permissions
from tether.access.permissions import is_worker
from tether.access.selectors import force_choices
from tether.casework import playbook as rules
from tether.casework.constants import Outcome
from tether.casework.lists import list_page
from tether.casework.selectors import (
    assignable_workers,
    force_overdue,
    my_tasks,
    playbook_view,
    queue_tasks,
    sla_breaches,
    task_view,
)
from tether.casework.services import playbook_preview, playbook_update, task_assign, task_complete
from tether.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tether.core.wording import mid_sentence
from tether.ui.forms import form_errors
from tether.ui.pages import error_page
from tether.ui.submit import submit

from .forms import OUTCOME_CHOICES, AssignForm, PlaybookForm, TaskCompleteForm

ACTION_LABELS = {rules.CLOSE: "the task is closed", rules.FOLLOW_UP: "a follow-up task: establish whereabouts",
                 rules.OPEN_CASE: "a missing case is opened (wanted with a warrant date)"}


# --- tasks -------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def tasks_mine(request: HttpRequest) -> HttpResponse:
    include_queue = request.GET.get("queue") == "yes"

    def read(user: Any, force: str | None, as_of: Any) -> list[dict[str, Any]]:
        return my_tasks(user, as_of, include_queue=include_queue)  # overdue first: the earliest due first

    return list_page(request, "compliance/my_tasks.html", "tasks", read, include_queue=include_queue)


@require_http_methods(["GET", "HEAD"])
def tasks_queue(request: HttpRequest) -> HttpResponse:
    if not permissions.can_assign_tasks(request.user):
        return error_page(request, 403, "Only supervisors and administrators work the unit queue.")

    def read(user: Any, force: str | None, as_of: Any) -> list[dict[str, Any]]:
        rows = queue_tasks(user, force, as_of)  # overdue first: the earliest due first
        workers: dict[str, list[tuple[int, str]]] = {}
        for row in rows:
            row["workers"] = workers.setdefault(row["force"], assignable_workers(row["force"]))
        return rows

    return list_page(request, "compliance/queue.html", "tasks", read)


def _task_context(task: dict[str, Any], form: TaskCompleteForm, **extra: Any) -> dict[str, Any]:
    outcomes = task["outcomes"]
    options = [(value, f"{label}: {ACTION_LABELS.get(outcomes[value]['action'], outcomes[value]['action'])}")
               for value, label in OUTCOME_CHOICES
               if not (value == "not_at_address" and task["kind"] == "establish_whereabouts")]
    return {"nav": "tasks", "task": task, "form": form, "outcome_options": options,
            "outcome_label": Outcome(task["outcome"]).label if task["outcome"] in Outcome.values else task["outcome"],
            "warrant_on": form.date_value("warrant_on"), "version": form["version"].value(),
            "errors": {}, "error_list": [], "conflict": "", **extra}


@require_http_methods(["GET", "HEAD", "POST"])
def task_page(request: HttpRequest, task_id: int) -> HttpResponse:
    user = request.user
    if not is_worker(user):
        return error_page(request, 404)
    try:
        task = task_view(user, task_id)
    except NotFound:
        return error_page(request, 404)
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    extra: dict[str, Any] = {
        "workers": assignable_workers(task["force"]) if permissions.can_assign_tasks(user) else [],
        "can_take": permissions.takes_unassigned_tasks(user) and not task["assignee_id"],
    }
    if request.method != "POST":
        form = TaskCompleteForm(initial={"version": task["version"]})
        return render(request, "compliance/task.html", _task_context(task, form, **extra))

    form = TaskCompleteForm(request.POST)
    parsed = form.parse()
    shown = {"task": task}

    def version_now() -> int:
        shown["task"] = task_view(user, task_id)
        return int(shown["task"]["version"])

    result = submit(request, form, parsed, lambda version: task_complete(
        user, task_id, form.cleaned_data["outcome"], form.cleaned_data.get("note") or "", data=form.to_data(),
        expected_version=version), fresh_version=version_now)
    if result.response is not None:
        return result.response
    if not result.ok:
        context = _task_context(shown["task"], form, errors=result.errors, error_list=result.error_list,
                                conflict=result.conflict, page_has_errors=True, **extra)
        return render(request, "compliance/task.html", context, status=result.status)
    outcome = form.cleaned_data["outcome"]
    label = dict(OUTCOME_CHOICES).get(outcome) or (Outcome(outcome).label if outcome in Outcome.values else "")
    messages.success(request, f"The task was completed: {mid_sentence(label)}.")
    return redirect("casework:task", task_id=task_id)


@require_POST
def task_assign_view(request: HttpRequest, task_id: int) -> HttpResponse:
    user = request.user
    if not is_worker(user):
        return error_page(request, 403, "Your role cannot work tasks.")
    form = AssignForm(request.POST)
    form.is_valid()
    back = reverse("casework:queue") if form.cleaned_data.get("back") == "queue" else reverse(
        "casework:task", kwargs={"task_id": task_id})
    assignee = form.assignee_id()
    if assignee is None and form.cleaned_data.get("back") == "queue":
        messages.error(request, "The task was not assigned: select the officer to assign it to.")
        return redirect(back)
    try:
        if assignee == "bad":
            raise ValidationFailed({"assignee": "must be an active officer of the task's force"})
        task = task_assign(user, task_id, assignee, expected_version=form.cleaned_data.get("version"))
    except ValidationFailed as exc:
        messages.error(request, f"The task was not assigned: the officer {next(iter(exc.errors.values()))[0]}.")
    except Conflict as exc:
        messages.error(request, f"The task was not assigned. {exc}")
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    except NotFound:
        return error_page(request, 404)
    else:
        who = str(task.assignee) if task.assignee else "the unit queue"
        messages.success(request, f"'{task.title}' is now with {who}.")
    return redirect(back)


# --- the force's lists -------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def overdue(request: HttpRequest) -> HttpResponse:
    def read(user: Any, force: str | None, as_of: Any) -> list[dict[str, Any]]:
        rows = force_overdue(user, force, as_of)
        return sorted(rows, key=lambda r: (-r["days_overdue"], r["reference"], r["kind"]))

    return list_page(request, "compliance/overdue.html", "overdue", read)


@require_http_methods(["GET", "HEAD"])
def sla(request: HttpRequest) -> HttpResponse:
    def read(user: Any, force: str | None, as_of: Any) -> list[dict[str, Any]]:
        rows = sla_breaches(user, force, as_of)
        return sorted(rows, key=lambda r: (-r["days_late"], r["due_on"], r["id"]))

    return list_page(request, "compliance/sla.html", "overdue", read)


# --- the playbook ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def playbook_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_worker(user):
        return error_page(request, 403, "Your role cannot see the playbook.")
    force = (request.GET.get("force") or request.POST.get("force") or "").strip().upper()
    national = permissions.is_national_admin(user)
    context: dict[str, Any] = {"nav": "overdue", "force_value": force, "national": national,
                               "force_options": force_choices(with_code=True), "errors": {}, "error_list": [],
                               "conflict": "", "can_edit": permissions.can_edit_playbook(user)}
    if national and not force:
        return render(request, "compliance/playbook.html", context)
    try:
        view = playbook_view(user, force or None)
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    except NotFound:
        return error_page(request, 404)
    status = 200
    if request.method == "POST" and request.POST.get("preview") == "yes":
        if not context["can_edit"]:
            return error_page(request, 403, "Only a force administrator can change the playbook.")
        form, status = _playbook_preview(request, view, context)
    elif request.method == "POST":
        if not context["can_edit"]:
            return error_page(request, 403, "Only a force administrator can change the playbook.")
        form = PlaybookForm(request.POST)
        parsed = form.parse()

        def check() -> None:
            # nothing is saved, but the playbook's own limits are checked too so every problem shows at once
            raise ValidationFailed(form.limit_errors(view["playbook"]))

        def version_now() -> int:
            nonlocal view
            view = playbook_view(user, view["force"])
            return int(view["version"])

        result = submit(request, form, parsed, lambda version: playbook_update(
            user, view["force"], form.changes(), reason=form.cleaned_data["reason"], expected_version=version,
            apply_to_open_tasks=bool(form.cleaned_data.get("apply_to_open_tasks"))),
            check, version_now)
        if result.response is not None:
            return result.response
        if result.ok:
            saved = result.saved
            messages.success(request, f"The playbook was saved as version {saved.version}.")
            url = reverse("casework:playbook")
            return redirect(f"{url}?force={saved.force_code}" if national else url)
        context.update(errors=result.errors, error_list=result.error_list, conflict=result.conflict,
                       page_has_errors=True)
        status = result.status
    else:
        form = PlaybookForm(initial=PlaybookForm.initial_for(view["playbook"], view["version"]))
    for h in view["history"]:
        for c in h["changes"]:
            c["label"] = PlaybookForm.label_for(c["setting"])
    not_at = view["playbook"]["outcomes"]["not_at_address"]
    settings = form.settings()
    for s in settings:
        s["error"] = context["errors"].get(s["name"], "")
        s["hint"] = f"From {s['lo']} to {s['hi']}"
    context.update(
        view=view, form=form, settings=settings, version=form["version"].value(),
        not_at_address_options=[(a, ACTION_LABELS[a]) for a in rules.ALLOWED_ACTIONS["not_at_address"]],
        not_at_address_action=form["not_at_address_action"].value() or not_at["action"],
        outcome_rows=[(rules.OUTCOME_LABELS[o], ACTION_LABELS.get(view["playbook"]["outcomes"][o]["action"], ""))
                      for o in rules.OUTCOMES],
    )
    context["apply_to_open_tasks"] = bool(form.is_bound and form.data.get("apply_to_open_tasks"))
    return render(request, "compliance/playbook.html", context, status=status)


def _playbook_preview(request: HttpRequest, view: dict[str, Any], context: dict[str, Any]) -> tuple[Any, int]:
    """The draft's effect, shown above the form (nothing is saved; the reason is not needed yet)."""
    form = PlaybookForm(request.POST)
    parsed = form.parse()
    form.parse_errors.pop("reason", None)
    try:
        if not parsed and form.parse_errors:
            raise ValidationFailed(form.limit_errors(view["playbook"]))
        preview = playbook_preview(request.user, view["force"], form.changes())
    except ValidationFailed as exc:
        errors, error_list = form_errors(form, exc.errors)
        context.update(errors=errors, error_list=error_list, page_has_errors=True)
        return form, 400
    for c in preview["changes"]:
        c["label"] = PlaybookForm.label_for(c["setting"])
    context["preview"] = preview
    return form, 200
