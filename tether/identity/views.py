"""Identity's pages: the register search (``/people/``), likely duplicates and merging two records.

Reads go through ``search_people``, ``duplicates.scan`` and the register's guard (all audited); writes through
``services``. No matching rules here."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tether.access.permissions import (
    can_approve_merge,
    can_decline_merge,
    can_merge_records,
    can_propose_merge,
    can_review_duplicates,
    is_national_admin,
)
from tether.access.selectors import force_choices
from tether.core import clock
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.core.pagination import page_number, page_problem, pagination_links
from tether.register.constants import RegisterStatus
from tether.register.guards import access_person_by_id
from tether.ui.forms import sentence
from tether.ui.pages import error_page

from .duplicates import scan
from .models import Merge
from .search import SearchTerms, search_people
from .services import (
    approve_merge,
    decide_pair,
    decline_merge,
    merge_people,
    open_proposal_for,
    proposal_pair,
    proposals_for,
    propose_merge,
    unmerge,
)

FIELDS = ("name", "dob", "postcode", "reference", "ni", "pnc", "force", "status")
LABELS = {"name": "Name", "dob": "Date of birth", "postcode": "Postcode", "reference": "Reference",
          "ni": "NI number", "pnc": "PNC ID", "force": "Force", "status": "Status", "page": "Page",
          "reason": "Reason", "merged": "Record to merge", "names": "Name", "proposal": "Proposal"}


def _force_options(user: Any) -> list[tuple[str, str]]:
    if is_national_admin(user) or not user.force_id:
        return force_choices(("", "All forces"))
    return force_choices(("", f"Your force ({user.force.name})"), ("ALL", "All forces (national index)"))


def _errors(exc: ValidationFailed) -> tuple[dict[str, str], list[tuple[str, str]]]:
    errors = {k: sentence(LABELS.get(k, k), v[0]) for k, v in exc.errors.items()}
    return errors, [(f"#{k}", msg) for k, msg in errors.items()]


def _link(rows: list[Any]) -> None:
    """Each row's person page: the URL reversed once, then each id put in (a reverse per row costs more than the
    row's other cells together)."""
    blank = uuid.UUID(int=0)
    pattern = reverse("register:person", kwargs={"person_id": blank})
    for row in rows:
        row.url = pattern.replace(str(blank), str(row.person.pk))


@require_http_methods(["GET", "HEAD"])
def people(request: HttpRequest) -> HttpResponse:
    user = request.user
    data = {k: request.GET.get(k, "") for k in FIELDS}
    terms = SearchTerms(**{k: v for k, v in data.items()})
    params = {k: v for k, v in data.items() if v}
    context: dict[str, Any] = {
        "nav": "register",
        "form_data": data,
        "filtered": bool(params),
        "force_options": _force_options(user) if user.is_authenticated else [],
        "status_options": [("", "Any status"), ("overdue", "Overdue"), *RegisterStatus.choices],
        "today": clock.today(),
        "errors": {},
        "error_list": [],
        "can_review": can_review_duplicates(user),
    }
    raw_page = request.GET.get("page", "")
    try:
        if message := page_problem(raw_page):  # as on every paged list: a page that is not a page is refused
            raise ValidationFailed({"page": message})
        page_obj, rows = search_people(user, terms, page_number(raw_page), per_page=settings.TETHER_PAGE_SIZE)
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    except ValidationFailed as exc:
        context["errors"], context["error_list"] = _errors(exc)
        context["page_has_errors"] = True
        return render(request, "identity/people/list.html", context, status=400)
    _link(rows)
    context.update({
        "page_obj": page_obj,
        "rows": rows,
        "ranked": any(r.score is not None for r in rows),
        "pagination": pagination_links(page_obj.number, page_obj.paginator.num_pages, params),
    })
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        return render(request, "identity/people/_results.html", context)
    return render(request, "identity/people/list.html", context)


@require_http_methods(["GET", "HEAD"])
def duplicates(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_review_duplicates(user):
        return error_page(request, 403, "Your role cannot review duplicate records.")
    try:
        pairs = scan(user, request.GET.get("force", "")[:8] or None, limit=100)
    except (Forbidden, ValidationFailed) as exc:
        return error_page(request, 403, str(exc) if isinstance(exc, Forbidden) else "Choose a force code.")
    return render(request, "identity/duplicates.html", {"nav": "register", "pairs": pairs})


@require_http_methods(["GET", "HEAD", "POST"])
def merge(request: HttpRequest) -> HttpResponse:
    """Merge two records: GET shows both side by side; POST merges (or records "different people"). Across forces a
    supervisor proposes the merge, and a supervisor of the other force approves or declines it here."""
    user = request.user
    if not can_review_duplicates(user):
        return error_page(request, 403, "Your role cannot merge records.")
    source = request.POST if request.method == "POST" else request.GET
    survivor_id, merged_id = source.get("survivor", "")[:64], source.get("merged", "")[:64]
    if source.get("proposal"):
        survivor_id, merged_id = proposal_pair(user, source.get("proposal", "")[:12])
        if not survivor_id:
            return error_page(request, 404)
    reason = request.POST.get("reason", "")
    errors: dict[str, str] = {}
    error_list: list[tuple[str, str]] = []
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "different":
                decide_pair(user, survivor_id, merged_id, same=False, reason=reason)
                messages.success(request, "Recorded: these are different people. The pair will not be shown again.")
                return redirect("identity:duplicates")
            if decision == "propose":
                propose_merge(user, survivor_id, merged_id, reason=reason)
                messages.success(request, "The merge is proposed: a supervisor of the other force approves it.")
                return redirect("identity:proposals")
            if decision == "decline":
                done_p = decline_merge(user, request.POST.get("proposal", "")[:12], reason=reason)
                messages.success(request, f"The proposed merge was {done_p.status}.")
                return redirect("identity:proposals")
            if decision == "approve":
                done = approve_merge(user, request.POST.get("proposal", "")[:12], reason=reason)
            else:
                done = merge_people(user, survivor_id, merged_id, reason=reason)
        except ValidationFailed as exc:
            errors, error_list = _errors(exc)
        except Forbidden as exc:
            return error_page(request, 403, str(exc))
        except NotFound:
            return error_page(request, 404)
        else:
            messages.success(request, f"{done.merged.reference} was merged into {done.survivor.reference}.")
            return redirect("register:person", person_id=done.survivor_id)
    try:
        sides = [access_person_by_id(user, pk) for pk in (survivor_id, merged_id)]
    except NotFound:
        return error_page(request, 404)
    forces = [s.person.owning_force_id for s in sides]
    proposal = open_proposal_for(*[s.person.pk for s in sides])
    context = {"nav": "register", "sides": sides, "survivor_id": survivor_id, "merged_id": merged_id,
               "reason": reason, "errors": errors,
               "reason_error": errors.get("reason") or errors.get("merged") or errors.get("proposal", ""),
               "error_list": error_list, "page_has_errors": bool(errors),
               "all_full": all(s.full for s in sides), "proposal": proposal,
               "can_merge": can_merge_records(user, *forces),
               "can_propose": (proposal is None or proposal.stale) and can_propose_merge(user, *forces),
               "can_approve": proposal is not None and not proposal.stale and can_approve_merge(
                   user, proposal.proposer_force_id, proposal.other_force_id),
               "can_decline": proposal is not None and can_decline_merge(
                   user, proposal.proposer_force_id, proposal.other_force_id),
               "withdraws": proposal is not None and proposal.proposer_force_id == getattr(user, "force_id", None)}
    return render(request, "identity/merge.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "HEAD"])
def proposals(request: HttpRequest) -> HttpResponse:
    """Merges across forces waiting for the user's force, and those their force proposed."""
    user = request.user
    if not can_review_duplicates(user):
        return error_page(request, 403, "Your role cannot merge records.")
    return render(request, "identity/proposals.html", {"nav": "register", **proposals_for(user)})


@require_http_methods(["POST"])
def unmerge_view(request: HttpRequest, merge_id: int) -> HttpResponse:
    user = request.user
    try:
        done = unmerge(user, merge_id, reason=request.POST.get("reason", ""))
    except ValidationFailed as exc:
        messages.error(request, "; ".join(_errors(exc)[0].values()))
        survivor_id = Merge.objects.filter(pk=merge_id).values_list("survivor_id", flat=True).first()
        return redirect("register:person", person_id=survivor_id) if survivor_id else redirect("identity:people")
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    except NotFound:
        return error_page(request, 404)
    messages.success(request, f"The merge was undone: {done.merged.reference} is a record of its own again.")
    return redirect("register:person", person_id=done.survivor_id)
