"""The transfer pages: start one from the person page, the incoming list with accept and refuse (a reason is
required), the transfer on the person page, the dashboard's count."""

from __future__ import annotations

import pytest

from tether.access.constants import Role
from tether.access.forces import ensure_forces
from tether.access.models import Force, User
from tether.register.models import Transfer, TransferState
from tether.register.services import person_create
from tether.register.transfers import transfer_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(officer, make_doc, frozen):
    return person_create(officer, make_doc())


@pytest.fixture
def gmp_officer(db):
    ensure_forces()
    return User.objects.create_user("officer.gmp.p", password=None, role=Role.OFFICER,
                                    force=Force.objects.get(code="GMP"), last_name="Persona")


def test_start_from_the_person_page(client, officer, person):
    client.force_login(officer)
    page = client.get(f"/people/{person.pk}/")
    assert b"Transfers between forces" in page.content and b"Start a transfer to another force" in page.content
    form = client.get(f"/people/{person.pk}/transfer/")
    assert form.status_code == 200 and b"Greater Manchester" in form.content
    bad = client.post(f"/people/{person.pk}/transfer/", {"version": 1, "to_force": ""})
    assert bad.status_code == 400 and b"Select the force whose area they moved to" in bad.content
    assert b"Enter the date they moved" in bad.content
    future = client.post(f"/people/{person.pk}/transfer/", {"version": 1, "to_force": "GMP", "move_date_day": "1",
                                                            "move_date_month": "1", "move_date_year": "2030"})
    assert future.status_code == 400 and not Transfer.objects.exists()
    ok = client.post(f"/people/{person.pk}/transfer/", {"version": 1, "to_force": "GMP", "move_date_day": "10",
                                                        "move_date_month": "6", "move_date_year": "2025"})
    assert ok.status_code == 302 and ok["Location"].endswith("#transfers")
    assert Transfer.objects.get().state == TransferState.IN_TRANSIT
    page = client.get(f"/people/{person.pk}/")
    assert b"In transit" in page.content and b"Waiting for Greater Manchester Police" in page.content


def test_incoming_list_accept_and_refuse(client, officer, person, gmp_officer, make_doc):
    t = transfer_start(officer, person.pk, {"to_force": "GMP", "move_date": "2025-06-10"})
    client.force_login(gmp_officer)
    home = client.get("/")
    assert b"1 transfer from other forces is waiting" in home.content
    listed = client.get("/transfers/")
    assert listed.status_code == 200 and person.reference.encode() in listed.content
    assert b"Accept" in listed.content
    refuse = client.post(f"/transfers/{t.pk}/refuse/", {"reason": ""})
    assert refuse.status_code == 400 and b"Reason" in refuse.content
    assert Transfer.objects.get().state == TransferState.IN_TRANSIT
    accepted = client.post(f"/transfers/{t.pk}/accept/")
    assert accepted.status_code == 302
    assert Transfer.objects.get().state == TransferState.ACCEPTED
    again = client.post(f"/transfers/{t.pk}/accept/", follow=True)
    assert b"already accepted" in again.content

    other = person_create(officer, make_doc(ni_number="AB123457C", names=[
        {"kind": "birth", "given_names": "Bert", "family_name": "Otherperson", "valid_from": "1980-04-02"}]),
        confirm_new_person=True, reason="A different person altogether, for the test")
    t2 = transfer_start(officer, other.pk, {"to_force": "GMP", "move_date": "2025-06-10"})
    refused = client.post(f"/transfers/{t2.pk}/refuse/", {"reason": "No verified address in our area yet"})
    assert refused.status_code == 302
    assert Transfer.objects.get(pk=t2.pk).state == TransferState.REFUSED


def test_the_sending_force_cannot_accept_and_a_third_force_finds_nothing(client, officer, person, other_officer):
    t = transfer_start(officer, person.pk, {"to_force": "WYP", "move_date": "2025-06-10"})
    client.force_login(officer)
    assert client.post(f"/transfers/{t.pk}/accept/").status_code == 403
    assert client.get(f"/transfers/{t.pk}/refuse/").status_code == 403
    client.force_login(other_officer)
    assert client.post(f"/transfers/{t.pk}/accept/").status_code == 404
    assert client.get(f"/transfers/{t.pk}/refuse/").status_code == 404
    assert Transfer.objects.get().state == TransferState.IN_TRANSIT


def test_transfer_tasks_on_the_task_page(client, officer, person, gmp_officer, make_doc):
    from tether.casework.constants import TaskKind
    from tether.casework.models import Task
    from tether.register.transfers import transfer_refuse

    t = transfer_start(officer, person.pk, {"to_force": "GMP", "move_date": "2025-06-10"})
    client.force_login(gmp_officer)
    accept = Task.objects.get(kind=TaskKind.TRANSFER_ACCEPT)
    page = client.get(f"/tasks/{accept.pk}/")
    assert page.status_code == 200 and b"completes itself when the transfer is accepted" in page.content
    assert client.post(f"/tasks/{accept.pk}/", {"outcome": "transfer_resolved", "note": "x" * 12,
                                               "version": 1}).status_code == 400
    transfer_refuse(gmp_officer, t.pk, {"reason": "No verified address in our area yet"})
    escalated = Task.objects.get(kind=TaskKind.TRANSFER_ESCALATED, force__code="GMP")
    page = client.get(f"/tasks/{escalated.pk}/")
    assert page.status_code == 200 and b"Resolve the transfer" in page.content
    short = client.post(f"/tasks/{escalated.pk}/", {"outcome": "transfer_resolved", "note": "ok", "version": 1})
    assert short.status_code == 400
    done = client.post(f"/tasks/{escalated.pk}/", {"outcome": "transfer_resolved", "version": 1,
                                                   "note": "MPS keeps them until the new address is verified"})
    assert done.status_code == 302
    escalated.refresh_from_db()
    assert escalated.state == "done" and escalated.outcome == "transfer_resolved"


def test_an_id_too_large_is_not_found(client, gmp_officer, api_client):
    client.force_login(gmp_officer)
    huge = "9" * 30
    assert client.get(f"/transfers/{huge}/refuse/").status_code == 404
    assert client.post(f"/transfers/{huge}/accept/").status_code == 404
    assert client.post(f"/transfers/{huge}/refuse/", {"reason": "A long enough reason here"}).status_code == 404
    api = api_client(gmp_officer)
    assert api.post(f"/api/v1/transfers/{huge}/accept", {}, content_type="application/json").status_code in (400, 404)
