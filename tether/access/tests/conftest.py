"""The world the route walks run in: an MPS registrant with an open case and its tasks, and every persona."""

from __future__ import annotations

import pytest

from tether.access.constants import Role
from tether.access.models import Force, User
from tether.audit.models import AuditEvent
from tether.casework.case_services import case_open
from tether.casework.models import Task
from tether.register.legal import order_record, review_apply
from tether.register.prescribed_services import prescribed_record
from tether.register.services import address_record, person_create
from tether.register.services_travel import stay_record, trip_record
from tether.register.transfers import transfer_start


@pytest.fixture
def world(officer, other_officer, supervisor, force_admin, national_admin, partner, analyst, auditor, make_doc,
          frozen):
    foi = User.objects.create_user("foi.mps", password=None, role=Role.FOI_OFFICER,
                                   force=Force.objects.get(code="MPS"))
    person = person_create(officer, make_doc())
    case = case_open(officer, person.pk)  # an open case and its tasks, for the case and task pages
    created = AuditEvent.objects.get(action="person.create", object_id=str(person.pk))  # MPS, no personal values
    # in transit to West Yorkshire (no persona's force), for the transfer pages
    transfer = transfer_start(officer, person.pk, {"to_force": "WYP", "move_date": "2025-06-10"})
    person.refresh_from_db()
    person.walk_ids = {"case_id": case.pk, "task_id": Task.objects.filter(case=case).order_by("pk").first().pk,
                       "user_id": officer.pk, "seq": created.seq, "transfer_id": transfer.pk}
    # a trip, a stay and another regular address, for their pages
    trip = trip_record(officer, person.pk, {"departure": "2025-07-01", "countries": ["FR"], "station": "Walk station"})
    stay = stay_record(officer, person.pk, {"line1": "4 Other Road", "postcode": "SW1A 2AA", "start": "2025-06-14"})
    other = address_record(officer, person.pk, {"kind": "other", "line1": "9 Weekend Lane", "postcode": "M1 1AE",
                                                "valid_from": "2025-01-01"})
    person.walk_ids.update(number=trip.number, stay_id=stay.pk, address_id=other.pk)
    passport = prescribed_record(officer, person.pk, "passport",  # for the pages of a prescribed item
                                 {"country": "GB", "number": "123456789", "valid_from": "2020-01-01"})
    person.walk_ids.update(item_id=passport.pk, item="passport")
    # the legal record's pages: a period in custody and an application for review
    person.walk_ids.update(
        detention_id=person.detentions.first().pk,
        order_id=order_record(officer, person.pk, {"kind": "sro", "start": "2025-01-01"}).pk,
        review_id=review_apply(officer, person.pk, {"applied_on": "2025-01-10"}).pk)
    users = {"officer": officer, "other_officer": other_officer, "supervisor": supervisor,
             "force_admin": force_admin, "national_admin": national_admin, "partner": partner,
             "analyst": analyst, "foi_officer": foi, "auditor": auditor}
    return person, users
