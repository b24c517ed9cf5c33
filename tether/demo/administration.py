"""Force administration in the demo register: the demo partner user (``partner.mps``) assigned to a few MPS
registrants (one assignment already ended), and a second version of the MPS playbook, so the partner access and
playbook history pages have something real to show. Needs the demo accounts (``ensure_demo_users``); without
them it does nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tether.access.models import User
from tether.core.errors import ValidationFailed
from tether.register.models import Person

ASSIGNED = 4  # the first MPS registrants by reference; the last of them ended


def populate(seed: int, today: date) -> dict[str, Any]:
    from tether.casework.services import playbook_update
    from tether.register.partners import partner_assign, partner_end

    admin = User.objects.filter(username="admin.mps", is_active=True).select_related("force").first()
    partner = User.objects.filter(username="partner.mps", is_active=True).first()
    if admin is None or partner is None:
        return {"partner_assignments": 0, "playbook_versions": 0}
    people = list(Person.objects.filter(owning_force__code="MPS").order_by("reference").values_list("pk", flat=True)
                  [:ASSIGNED])
    made = 0
    for i, person_id in enumerate(people):
        try:
            assignment = partner_assign(admin, partner, person_id, valid_from=today - timedelta(days=60 - 10 * i))
        except ValidationFailed:
            continue  # already assigned (a second demo load)
        made += 1
        if i == len(people) - 1:
            partner_end(admin, assignment.pk, valid_to=today - timedelta(days=5))
    versions = 0
    try:
        playbook_update(admin, "MPS", {"case": {"review_every_days": 21}},
                        reason="Demo: three-weekly case reviews agreed with the head of the unit.")
        versions = 1
    except ValidationFailed:
        pass  # already changed
    return {"partner_assignments": made, "playbook_versions": versions}
