"""Merging two records of one person: history intact, audited, obligations re-evaluated, reversible."""

from __future__ import annotations

import pytest

from tether.audit.models import AuditEvent
from tether.core.errors import Forbidden, ValidationFailed
from tether.identity.models import Merge
from tether.identity.services import merge_people, unmerge
from tether.register.models import Notification, Ownership, Person, PersonName, PersonObligation, RegisterState
from tether.register.services import person_create

from .conftest import MERGE_REASON

pytestmark = pytest.mark.django_db

REASON = MERGE_REASON


def test_merge_moves_everything_and_keeps_a_pointer(supervisor, pair):
    a, b = pair
    notes_before = Notification.objects.filter(person__in=[a, b]).count()
    merge = merge_people(supervisor, a.pk, b.pk, reason=REASON)
    assert Notification.objects.filter(person=a).count() == notes_before
    assert not Notification.objects.filter(person=b).exists()
    kinds = set(PersonName.objects.filter(person=a).values_list("family_name", "kind"))
    assert kinds == {("Testperson", "birth"), ("Testpersen", "alias")}
    assert Person.objects.filter(pk=b.pk).exists()  # the pointer stays
    assert Ownership.objects.get(person=b).valid_to is not None  # no longer counted from the merge on
    assert merge.before["merged"]["names"][0]["family_name"] == "Testpersen"
    # obligations re-evaluated: the survivor's from the whole history, none left open on the pointer
    assert RegisterState.objects.get(person=a).subject
    assert not PersonObligation.objects.filter(person=b, open=True).exists()
    ev = AuditEvent.objects.get(action="person.merge")
    assert ev.object_id == str(a.pk) and ev.detail["merged"] == str(b.pk) and ev.reason == REASON
    assert ev.personal["before"]["survivor"]["names"][0]["family_name"] == "Testperson"
    assert "Testperson" not in str(ev.detail)
    assert AuditEvent.objects.filter(action="person.merged_into", object_id=str(b.pk)).exists()


def test_unmerge_restores_both(supervisor, pair):
    a, b = pair
    names = {p.pk: list(PersonName.objects.filter(person=p).values_list("pk", "kind")) for p in (a, b)}
    notes = {p.pk: set(Notification.objects.filter(person=p).values_list("pk", flat=True)) for p in (a, b)}
    merge = merge_people(supervisor, a.pk, b.pk, reason=REASON)
    unmerge(supervisor, merge.pk, reason="Different people after all: DNA disagrees")
    for p in (a, b):
        assert list(PersonName.objects.filter(person=p).values_list("pk", "kind")) == names[p.pk]
        assert set(Notification.objects.filter(person=p).values_list("pk", flat=True)) == notes[p.pk]
    assert Ownership.objects.get(person=b).valid_to is None
    assert Merge.objects.get().undone_at is not None
    assert AuditEvent.objects.filter(action="person.unmerge").exists()
    with pytest.raises(Exception, match="already undone"):
        unmerge(supervisor, merge.pk, reason="Different people after all: DNA disagrees")


def test_cases_move_with_the_person(supervisor, officer, pair):
    from tether.casework.case_services import case_open
    from tether.casework.models import Case

    a, b = pair
    case = case_open(officer, b.pk)
    merge_people(supervisor, a.pk, b.pk, reason=REASON)
    assert Case.objects.get(pk=case.pk).person_id == a.pk


@pytest.mark.parametrize("persona", ["officer", "analyst", "partner", "auditor"])
def test_only_supervisors_and_administrators_merge(request, persona, pair):
    a, b = pair
    with pytest.raises(Exception) as exc:
        merge_people(request.getfixturevalue(persona), a.pk, b.pk, reason=REASON)
    assert exc.type.__name__ in ("Forbidden", "NotFound")
    assert not Merge.objects.exists()


def test_across_forces_needs_a_national_administrator(supervisor, national_admin, other_officer, pair, make_doc):
    a, _ = pair
    gmp = person_create(other_officer, make_doc(force="GMP"))
    with pytest.raises(Forbidden):
        merge_people(supervisor, a.pk, gmp.pk, reason=REASON)
    merge_people(national_admin, a.pk, gmp.pk, reason=REASON)


def test_bad_merges_are_refused(supervisor, pair):
    a, b = pair
    with pytest.raises(ValidationFailed) as exc:
        merge_people(supervisor, a.pk, b.pk, reason="same")
    assert set(exc.value.errors) == {"reason"}
    with pytest.raises(ValidationFailed):
        merge_people(supervisor, a.pk, a.pk, reason=REASON)
    merge_people(supervisor, a.pk, b.pk, reason=REASON)
    with pytest.raises(ValidationFailed):
        merge_people(supervisor, a.pk, b.pk, reason=REASON)


def test_merge_through_the_api_and_the_page(supervisor, pair, api_client, client):
    a, b = pair
    api = api_client(supervisor)
    r = api.post("/api/v1/people/merge", {"survivor": str(a.pk), "merged": str(b.pk), "reason": "x"},
                 content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "reason"
    client.force_login(supervisor)
    page = client.get("/people/merge/", {"survivor": a.pk, "merged": b.pk})
    assert page.status_code == 200 and b"Merge the records" in page.content
    r = client.post("/people/merge/", {"survivor": a.pk, "merged": b.pk, "reason": REASON, "decision": "same"})
    assert r.status_code == 302 and r["Location"] == f"/people/{a.pk}/"
    html = client.get(f"/people/{a.pk}/").content.decode()
    assert "was merged into this record" in html and "Undo the merge" in html
    merge = Merge.objects.get()
    r = api.post(f"/api/v1/people/merges/{merge.pk}/undo", {"reason": "Different people after all"},
                 content_type="application/json")
    assert r.status_code == 201 and r.json()["undone"] is True
