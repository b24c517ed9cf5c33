"""Pages that record the legal record of a registrant: a conviction or other disposal, a period in custody or
hospital and its release, an order, an application for review with its decision and appeal, and removal from the
register. They work as every change page does (``change_pages``): writer roles, the full record, the version in
the form, every write through a service (``register.legal``); plus the person page's panel that lists them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tether.access.permissions import is_worker
from tether.core import clock

from . import extensions
from .change_pages import change_page
from .constants import AppealOutcome, DetentionBasis, RemovalReason, ReviewDecision
from .display import flagged_disposals
from .forms_legal import (
    DetentionForm,
    DisposalForm,
    OrderForm,
    OrderUpdateForm,
    ReleaseForm,
    RemovalForm,
    ReviewAppealForm,
    ReviewApplyForm,
    ReviewDecisionForm,
    SpecForm,
)
from .legal import (
    detention_record,
    detention_release,
    disposal_record,
    order_record,
    order_update,
    parse_detention,
    parse_disposal,
    parse_order,
    parse_order_update,
    parse_release,
    parse_removal_data,
    parse_review_appeal,
    parse_review_application,
    parse_review_decision,
    removal_record,
    review_appeal,
    review_apply,
    review_decide,
)
from .legal_documents import all_countries, order_name

TEMPLATE = "register/legal/form.html"


def _page(
    request: HttpRequest, person_id: uuid.UUID, *, form_class: type[SpecForm], doing: str, title: str, intro: str,
    button: str, write: Callable[[Any, dict[str, Any], int | None], Any], check: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], str], row: Callable[[Any], Any] | None = None, about_kind: str = "",
) -> HttpResponse:
    """A legal record page (``change_pages.change_page``): the form's fields laid out from its spec, the service
    given what the form read."""
    return change_page(
        request, person_id, doing=doing, form_class=form_class, template=TEMPLATE, section="legal-record",
        write=lambda p, form, v: write(p, form.to_data(), v),
        check=lambda form: check(form.to_data()),  # the service's own checks too, on the first submit
        done=done, row=row, row_name="about", after=_flags(request) if form_class is DisposalForm else None,
        context=lambda p, form, result: {"fields": form.layout(result.errors)},
        title=title, intro=intro, button=button, about_kind=about_kind,
    )


def _flags(request: HttpRequest) -> Callable[[Any], None]:
    def after(disposal: Any) -> None:
        saved = disposal.person
        for flag in flagged_disposals(saved.disposals.all(), saved.owning_force.jurisdiction,
                                      saved.date_of_birth):  # a flag for review, never a refusal
            messages.warning(request, flag["message"][0].upper() + flag["message"][1:] + ".")
    return after


def _detention(person_id: Any) -> Callable[[Any], Any]:
    return lambda person: person.detentions.filter(pk=person_id).first()


@require_http_methods(["GET", "HEAD", "POST"])
def disposal_record_view(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    return _page(
        request, person_id, form_class=DisposalForm, doing="record a conviction",
        title="Record a conviction, caution or finding", button="Record disposal",
        intro="A qualifying conviction, caution or finding. The Schedule 3 check flags an offence that may not "
              "qualify for review; it never refuses one.",
        write=lambda p, data, v: disposal_record(request.user, p.pk, data, expected_version=v),
        check=parse_disposal, done=lambda d: f"The {d.get_kind_display().lower()} on {d.date:%-d %B %Y} was recorded.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def detention_record_view(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    return _page(
        request, person_id, form_class=DetentionForm, doing="record a period in custody",
        title="Record a period in custody or in hospital", button="Record period",
        intro="Days in custody or in hospital are not counted in the 3-day windows (time outside the UK is a trip); "
              "a release starts a duty to notify.",
        write=lambda p, data, v: detention_record(request.user, p.pk, data, expected_version=v),
        check=parse_detention, done=lambda d: f"The period from {d.start:%-d %B %Y} was recorded.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def detention_release_view(request: HttpRequest, person_id: uuid.UUID, detention_id: int) -> HttpResponse:
    return _page(
        request, person_id, form_class=ReleaseForm, doing="record a release",
        title="Record a release", button="Record release", row=_detention(detention_id), about_kind="period",
        intro="The release ends the period. It is recorded once; the licence end may be added later.",
        write=lambda p, data, v: detention_release(request.user, p.pk, detention_id, data, expected_version=v),
        check=parse_release, done=lambda d: f"The release on {d.end:%-d %B %Y} was recorded." if d.end
        else "The licence end was recorded.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def order_record_view(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    return _page(
        request, person_id, form_class=OrderForm, doing="record an order",
        title="Record an order", button="Record order",
        intro="An SHPO keeps or makes them subject while in force; a notification order makes them subject for the "
              "period it states. A sexual risk order or a foreign travel prohibition changes no notification duty.",
        write=lambda p, data, v: order_record(request.user, p.pk, data, expected_version=v),
        check=parse_order, done=lambda o: f"The {o.get_kind_display().lower()} was recorded.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def order_update_view(request: HttpRequest, person_id: uuid.UUID, order_id: int) -> HttpResponse:
    return _page(
        request, person_id, form_class=OrderUpdateForm, doing="record the end of an order",
        title="Record the end of an order or passports surrendered", button="Record",
        row=lambda person: person.orders.filter(pk=order_id).first(), about_kind="order",
        intro="What is recorded is never overwritten: an end already recorded stays as it is.",
        write=lambda p, data, v: order_update(request.user, p.pk, order_id, data, expected_version=v),
        check=parse_order_update, done=lambda o: f"The {o.get_kind_display().lower()} was updated.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def review_apply_view(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    return _page(
        request, person_id, form_class=ReviewApplyForm, doing="record an application for review",
        title="Record an application for review", button="Record application",
        intro="An application in writing to end indefinite notification (Sexual Offences Act 2003 ss.91A to 91F).",
        write=lambda p, data, v: review_apply(request.user, p.pk, data, expected_version=v),
        check=parse_review_application,
        done=lambda r: f"The application was recorded. The decision is due by {r.decision_due:%-d %B %Y}.",
    )


def _review(review_id: Any) -> Callable[[Any], Any]:
    return lambda person: person.reviews.filter(pk=review_id).first()


@require_http_methods(["GET", "HEAD", "POST"])
def review_decide_view(request: HttpRequest, person_id: uuid.UUID, review_id: int) -> HttpResponse:
    return _page(
        request, person_id, form_class=ReviewDecisionForm, doing="record a review decision",
        title="Record the decision on a review", button="Record decision", row=_review(review_id), about_kind="review",
        intro="If discharged, the notification requirements end on the day of the decision.",
        write=lambda p, data, v: review_decide(request.user, p.pk, review_id, data, expected_version=v),
        check=parse_review_decision, done=lambda r: f"The decision ({r.decision}) was recorded.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def review_appeal_view(request: HttpRequest, person_id: uuid.UUID, review_id: int) -> HttpResponse:
    return _page(
        request, person_id, form_class=ReviewAppealForm, doing="record an appeal",
        title="Record an appeal against a review decision", button="Record appeal", row=_review(review_id),
        about_kind="review",
        intro="An appeal to a magistrates' court against a decision that the requirements continue.",
        write=lambda p, data, v: review_appeal(request.user, p.pk, review_id, data, expected_version=v),
        check=parse_review_appeal, done=lambda r: "The appeal was recorded.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def removal_record_view(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    return _page(
        request, person_id, form_class=RemovalForm, doing="record a removal",
        title="Record removal from the register", button="Record removal",
        intro="A removal must follow from the record: the notification period ended, or a review or an appeal "
              "discharged them that day.",
        write=lambda p, data, v: removal_record(request.user, p.pk, data, expected_version=v),
        check=parse_removal_data, done=lambda r: f"The removal on {r.removed_on:%-d %B %Y} was recorded.",
    )


# --- the person page's panel -------------------------------------------------------------------------------------


def legal_panel(user: Any, person: Any) -> extensions.PersonPanel:
    """Orders, periods with their basis and licence, reviews beside the rules engine's review eligibility, and
    removals; with the links that record them (writer roles)."""
    jurisdiction = person.owning_force.jurisdiction
    state = getattr(person, "state", None)
    today = clock.today()
    orders = [{"o": o, "name": order_name(o.kind, o.start, jurisdiction),
               "all_countries": all_countries(o.countries)} for o in person.orders.all()]
    reviews = [{"r": r, "decision": ReviewDecision(r.decision).label if r.decision else "",
                "appeal": AppealOutcome(r.appeal_outcome).label if r.appeal_outcome else "",
                "late": not r.decision and r.decision_due < today}
               for r in (person.reviews.all() if extensions.may_hold(person, "reviews") else ())]
    bases = dict(DetentionBasis.choices)
    detentions = [{"d": d, "basis": bases.get(d.basis, "")} for d in person.detentions.all()]
    removals = [{"r": r, "reason": RemovalReason(r.reason).label}
                for r in (person.removals.all() if extensions.may_hold(person, "removals") else ())]
    return extensions.PersonPanel(
        template="register/legal/_panel.html", anchor="legal-record", title="Legal record",
        context={"person": person, "can_record": is_worker(user), "orders": orders, "reviews": reviews,
                 "detentions": detentions, "removals": removals,
                 "review_eligible_from": state.review_eligible_from if state else None,
                 "indefinite": state.indefinite if state else False,
                 "subject": state.subject if state else False,
                 "links": _links(person)},
    )


def _links(person: Any) -> list[tuple[str, str]]:
    pid = {"person_id": person.pk}
    return [
        (reverse("register:disposal_record", kwargs=pid), "Record a conviction, caution or finding"),
        (reverse("register:detention_record", kwargs=pid), "Record a period in custody or in hospital"),
        (reverse("register:order_record", kwargs=pid), "Record an order"),
        (reverse("register:review_apply", kwargs=pid), "Record an application for review"),
        (reverse("register:removal_record", kwargs=pid), "Record removal from the register"),
    ]
