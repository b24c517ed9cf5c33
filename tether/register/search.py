"""Register search: the list an officer pages through, and the national index for other forces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from tether.access.permissions import can_see_personal_data, full_access_by_role, is_national_admin, is_partner
from tether.audit.services import record
from tether.core import clock
from tether.core.errors import Forbidden
from tether.core.models import holds_on_q
from tether.register.constants import RegisterStatus
from tether.register.guards import FULL, LIMITED

from . import names as name_rules
from .models import Person, PersonName


@dataclass
class SearchTerms:
    name: str = ""
    force: str = ""  # a force code, "" = own force, "ALL" = national index
    status: str = ""  # a register status, or "overdue"
    reference: str = ""


def _base(user: Any, terms: SearchTerms) -> QuerySet[Person]:
    qs = Person.objects.select_related("owning_force", "state")
    force = terms.force.upper()
    if is_partner(user):  # partners see only the registrants assigned to them, whatever the filter
        qs = qs.filter(holds_on_q(clock.today(), "partner_assignments__"), partner_assignments__user=user).distinct()
    elif force == "ALL":
        pass
    elif force:
        qs = qs.filter(owning_force__code=force)
    elif user.force_id and not is_national_admin(user):
        qs = qs.filter(owning_force_id=user.force_id)
    if terms.reference:
        qs = qs.filter(reference__iexact=terms.reference.strip())
    key = name_rules.normalise(terms.name)
    if key:
        # every word must match the start of a word in some name the person has used (aliases included)
        for word in key.split():
            matching = PersonName.objects.filter(
                Q(search_key__startswith=word) | Q(search_key__contains=f" {word}"), person_id=OuterRef("pk")
            )
            qs = qs.filter(Exists(matching))
    if terms.status == "overdue":
        qs = qs.filter(state__next_due__lt=clock.today())
    elif terms.status:
        qs = qs.filter(state__status=terms.status)
    return qs.order_by("sort_name", "reference")


@dataclass
class Row:
    person: Person
    level: str
    overdue: bool

    @property
    def full(self) -> bool:
        return self.level == FULL


def search_people(user: Any, terms: SearchTerms, page: int = 1, per_page: int = 25, *, today: date | None = None
                  ) -> tuple[Page[Person], list[Row]]:
    """One page of the register for ``user``, each row marked full or limited. The search is audited."""
    if not can_see_personal_data(user):
        raise Forbidden("Your role cannot search the register.")
    today = today or clock.today()
    paginator = Paginator(_base(user, terms), per_page)
    page_obj = paginator.get_page(page)
    rows = []
    for p in page_obj.object_list:
        # partners only ever get their assigned registrants back (see _base); grants are not searched
        own = is_partner(user) or full_access_by_role(user, p.owning_force_id)
        state = getattr(p, "state", None)
        rows.append(Row(p, FULL if own else LIMITED, bool(state and state.next_due and state.next_due < today)))
    record(
        "person.search", user,
        detail={"terms": [k for k in ("name", "reference") if getattr(terms, k)], "force": terms.force,
                "status": terms.status, "page": page_obj.number, "results": paginator.count},
        personal={k: getattr(terms, k) for k in ("name", "reference") if getattr(terms, k)},
        force_code=user.force_code,
    )
    return page_obj, rows


@dataclass
class Caseload:
    scope: str  # the force name, or "all forces"
    registrants: int
    overdue: int
    missing: int
    wanted: int
    assigned_to_me: int


def caseload_counts(user: Any, today: date | None = None) -> Caseload:
    """Counts for the dashboard: no personal data, so nothing to audit."""
    today = today or clock.today()
    qs = Person.objects.all()
    if is_national_admin(user) or not user.force_id:
        scope = "all forces"
    else:
        qs = qs.filter(owning_force_id=user.force_id)
        scope = user.force.name
    figures = qs.aggregate(
        registrants=Count("pk"),
        overdue=Count("pk", filter=Q(state__next_due__lt=today)),
        missing=Count("pk", filter=Q(state__status=RegisterStatus.MISSING)),
        wanted=Count("pk", filter=Q(state__status=RegisterStatus.WANTED)),
        assigned_to_me=Count("pk", filter=Q(offender_manager=user)),
    )
    return Caseload(scope=scope, **figures)
