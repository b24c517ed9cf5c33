"""The world the route walks run in: an MPS registrant with an open case and its tasks, and every persona."""

from __future__ import annotations

import pytest

from tether.access.constants import Role
from tether.access.models import Force, User
from tether.audit.models import AuditEvent
from tether.casework.case_services import case_open
from tether.casework.models import Task
from tether.register.legal import order_record, review_apply
from tether.register.services import person_create


@pytest.fixture
def world(officer, other_officer, supervisor, force_admin, national_admin, partner, analyst, auditor, make_doc,
          frozen):
    foi = User.objects.create_user("foi.mps", password=None, role=Role.FOI_OFFICER,
                                   force=Force.objects.get(code="MPS"))
    person = person_create(officer, make_doc())
    case = case_open(officer, person.pk)  # an open case and its tasks, for the case and task pages
    created = AuditEvent.objects.get(action="person.create", object_id=str(person.pk))  # MPS, no personal values
    person.walk_ids = {"case_id": case.pk, "task_id": Task.objects.filter(case=case).order_by("pk").first().pk,
                       "user_id": officer.pk, "seq": created.seq,
                       # the legal record's pages: a period in custody and an application for review
                       "detention_id": person.detentions.first().pk,
                       "order_id": order_record(officer, person.pk, {"kind": "sro", "start": "2025-01-01"}).pk,
                       "review_id": review_apply(officer, person.pk, {"applied_on": "2025-01-10"}).pk}
    users = {"officer": officer, "other_officer": other_officer, "supervisor": supervisor,
             "force_admin": force_admin, "national_admin": national_admin, "partner": partner,
             "analyst": analyst, "foi_officer": foi, "auditor": auditor}
    return person, users
