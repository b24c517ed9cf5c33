"""The legal record of an existing registrant (register.legal): each write validated by field and rule, a no-op
refused with nothing written, contradictions refused, audited without personal values outside ``personal``, and the
law's outcome following from each recorded fact."""

from __future__ import annotations

from datetime import date

import pytest

from tether.audit.models import AuditEvent
from tether.core.errors import ValidationFailed
from tether.register.display import schedule3_checks
from tether.register.legal import (
    detention_record,
    detention_release,
    disposal_record,
    order_record,
    removal_record,
    review_appeal,
    review_apply,
    review_decide,
)
from tether.register.models import Person
from tether.register.services import person_create

pytestmark = pytest.mark.django_db

NOTE = "Charing Cross Police Station"


@pytest.fixture
def person(officer, make_doc, frozen):
    return person_create(officer, make_doc())


@pytest.fixture
def indefinite(officer, make_doc, frozen):
    """Imprisoned 36 months in 2005 (indefinite), released 2006, notified since: eligible for review from 2021."""
    return person_create(officer, make_doc(
        disposals=[{"date": "2005-03-04", "offence": "Rape (SOA 2003 s.1)", "kind": "imprisonment", "months": 36}],
        detentions=[{"kind": "custody", "start": "2005-03-04", "end": "2006-09-01"}],
        notifications=[{"kind": "initial", "received_at": "2006-09-02T10:00:00Z", "station": NOTE},
                       {"kind": "periodic", "received_at": "2024-09-01T10:00:00Z", "station": NOTE}],
    ))


@pytest.fixture
def expired(officer, make_doc, frozen):
    """A fine in 2015 (5 years): no longer subject in 2025."""
    return person_create(officer, make_doc(
        disposals=[{"date": "2015-03-04", "offence": "Exposure (SOA 2003 s.66)", "kind": "other"}],
        detentions=[],
        notifications=[{"kind": "initial", "received_at": "2015-03-05T10:00:00Z", "station": NOTE}],
    ))


def _errors(call, *args, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as exc:
        call(*args, **kwargs)
    return exc.value.errors


def _state(person):
    return Person.objects.get(pk=person.pk).state


def _writes_nothing(person, call, *args, **kwargs) -> dict[str, list[str]]:
    version, events = Person.objects.get(pk=person.pk).version, AuditEvent.objects.count()
    errors = _errors(call, *args, **kwargs)
    assert Person.objects.get(pk=person.pk).version == version
    assert AuditEvent.objects.count() == events
    return errors


# --- disposals ---------------------------------------------------------------------------------------------------


def test_a_disposal_of_30_months_makes_the_registration_indefinite_and_is_audited(officer, person):
    assert not _state(person).indefinite
    disposal_record(officer, person.pk, {"date": "2024-01-10", "offence": "Rape (SOA 2003 s.1)",
                                         "offence_code": "SOA03-1", "court": "Snaresbrook Crown Court",
                                         "kind": "imprisonment", "months": 36}, expected_version=1)
    state = _state(person)
    assert state.indefinite and state.subject
    row = person.disposals.get(date=date(2024, 1, 10))
    assert row.court == "Snaresbrook Crown Court" and row.age_at_date == 43
    ev = AuditEvent.objects.get(action="disposal.record")
    assert ev.personal["after"]["offence"] == "Rape (SOA 2003 s.1)"
    assert "Rape" not in str(ev.detail) and "Snaresbrook" not in str(ev.detail)


def test_a_disposal_names_each_field_and_rule(officer, person):
    errors = _writes_nothing(person, disposal_record, officer, person.pk,
                             {"date": "2030-01-01", "offence": "", "kind": "imprisonment"})
    assert errors["date"] == ["must not be in the future"]
    assert errors["offence"] == ["is required"]
    assert errors["months"] == ["is required for imprisonment"]
    errors = _writes_nothing(person, disposal_record, officer, person.pk,
                             {"date": "1985-01-01", "offence": "X", "kind": "caution"})
    assert "age of criminal responsibility" in errors["date"][0]


def test_the_same_disposal_again_writes_nothing(officer, person):
    data = {"date": "2024-01-10", "offence": "Voyeurism (SOA 2003 s.67)", "kind": "other"}
    disposal_record(officer, person.pk, data)
    errors = _writes_nothing(person, disposal_record, officer, person.pk, data)
    assert "nothing would change" in errors["offence"][0]


def test_a_disposal_schedule3_does_not_qualify_is_flagged_for_review_not_refused(officer, person):
    disposal_record(officer, person.pk, {"date": "2024-01-10", "offence": "Exposure (SOA 2003 s.66)",
                                         "kind": "other", "months": 6})
    person.refresh_from_db()
    checks = schedule3_checks(person.disposals.all(), "england-wales", person.date_of_birth)
    assert checks[-1]["flagged"] and checks[-1]["check"].status in ("review", "not_subject")


# --- custody and hospital ----------------------------------------------------------------------------------------


def test_custody_on_remand_then_release_with_licence(officer, person):
    detention_record(officer, person.pk, {"kind": "custody", "basis": "remand", "start": "2025-05-01"})
    assert _state(person).status == "in_custody"
    row = person.detentions.get(start=date(2025, 5, 1))
    detention_release(officer, person.pk, row.pk, {"end": "2025-06-10", "licence_end": "2026-06-09"})
    row.refresh_from_db()
    assert (row.end, row.licence_end) == (date(2025, 6, 10), date(2026, 6, 9))
    state = _state(person)
    assert state.status == "active"
    assert person.obligations.filter(kind="change", trigger="2025-06-10").exists()  # notify the release (s.84)
    ev = AuditEvent.objects.get(action="detention.release")
    assert ev.detail["licence_end"] == "2026-06-09"


def test_overlapping_custody_is_refused_naming_the_rule(officer, person):
    errors = _writes_nothing(person, detention_record, officer, person.pk,
                             {"kind": "custody", "basis": "sentence", "start": "2020-05-01", "end": "2020-09-01"})
    assert any("custody periods cannot overlap" in m for m in errors["start"])


@pytest.mark.parametrize(("data", "field", "words"), [
    ({"kind": "custody", "start": "2025-01-01"}, "basis", "is required"),
    ({"kind": "hospital", "basis": "remand", "start": "2025-01-01"}, "basis", "must be one of"),
    ({"kind": "abroad", "start": "2025-01-01"}, "kind", "record time outside the UK as a trip"),
    ({"kind": "custody", "basis": "sentence", "start": "2025-01-01", "licence_end": "2026-01-01"}, "licence_end",
     "a licence follows a release"),
    ({"kind": "custody", "basis": "sentence", "start": "2025-01-01", "end": "2025-02-01",
      "licence_end": "2025-01-15"}, "licence_end", "must not be before the release"),
    ({"kind": "custody", "basis": "sentence", "start": "2025-03-01", "end": "2025-02-01"}, "end",
     "must not be before the start"),
])
def test_a_period_names_each_field_and_rule(officer, person, data, field, words):
    errors = _writes_nothing(person, detention_record, officer, person.pk, data)
    assert words in errors[field][0]


def test_a_release_is_recorded_once(officer, person):
    detention_record(officer, person.pk, {"kind": "hospital", "basis": "transfer", "start": "2025-05-01"})
    row = person.detentions.get(start=date(2025, 5, 1))
    detention_release(officer, person.pk, row.pk, {"end": "2025-06-01"})
    assert "nothing would change" in _writes_nothing(person, detention_release, officer, person.pk, row.pk,
                                                     {"end": "2025-06-01"})["end"][0]
    assert "nothing is overwritten" in _writes_nothing(person, detention_release, officer, person.pk, row.pk,
                                                       {"end": "2025-06-02"})["end"][0]
    assert "licence_end" in _writes_nothing(person, detention_release, officer, person.pk, row.pk,
                                            {"licence_end": "2026-01-01"})  # a licence follows custody only
    assert "detention_id" in _writes_nothing(person, detention_release, officer, person.pk, 99999,
                                             {"end": "2025-06-01"})


# --- orders ------------------------------------------------------------------------------------------------------


def test_a_notification_order_makes_a_person_subject_again(officer, expired):
    assert not _state(expired).subject
    order_record(officer, expired.pk, {"kind": "notification_order", "start": "2025-06-02", "end": "2030-06-01",
                                       "court": "Westminster Magistrates' Court"})
    state = _state(expired)
    assert state.subject and state.registration_end == date(2030, 6, 1)
    initial = expired.obligations.get(kind="initial", trigger="2025-06-02")
    assert "s.97" in initial.citation and "notification order" in initial.explanation


def test_an_sro_and_a_travel_prohibition_change_no_duty(officer, expired):
    before = _state(expired)
    order_record(officer, expired.pk, {"kind": "sro", "start": "2025-06-02", "end": "2027-06-01"})
    order_record(officer, expired.pk, {"kind": "ftp", "start": "2025-06-02", "end": "2030-06-01", "countries": "all",
                                       "passports_surrendered_on": "2025-06-03",
                                       "surrender_station": "Charing Cross Police Station"})
    after = _state(expired)
    assert (after.subject, after.registration_end, after.next_due) == (before.subject, before.registration_end,
                                                                       before.next_due)
    ftp = expired.orders.get(kind="ftp")
    assert ftp.passports_surrendered_on == date(2025, 6, 3)
    ev = AuditEvent.objects.filter(action="order.record").last()
    assert "Charing Cross" not in str(ev.detail) and ev.personal["after"]["surrender_station"]


@pytest.mark.parametrize(("data", "field", "words"), [
    ({"kind": "ftp", "start": "2025-01-01", "countries": "all"}, "end", "not more than 5 years"),
    ({"kind": "ftp", "start": "2025-01-01", "end": "2030-01-01", "countries": "all"}, "end",
     "no later than 31 December 2029"),
    ({"kind": "ftp", "start": "2025-01-01", "end": "2026-01-01"}, "countries", "is required"),
    ({"kind": "ftp", "start": "2025-01-01", "end": "2026-01-01", "countries": "all",
      "passports_surrendered_on": "2025-01-02"}, "surrender_station", "is required"),
    ({"kind": "ftp", "start": "2025-01-01", "end": "2026-01-01", "countries": "all",
      "passports_surrendered_on": "2024-12-30", "surrender_station": "X"}, "passports_surrendered_on",
     "before the prohibition starts"),
    ({"kind": "shpo", "start": "2025-01-01", "countries": "all"}, "countries", "only for a foreign travel"),
    ({"kind": "sopo", "start": "2025-01-01"}, "kind", "must be one of"),
])
def test_an_order_names_each_field_and_rule(officer, person, data, field, words):
    errors = _writes_nothing(person, order_record, officer, person.pk, data)
    assert words in errors[field][0]


def test_an_shpo_bars_a_review(officer, indefinite):
    assert _state(indefinite).review_eligible_from == date(2021, 9, 2)
    order_record(officer, indefinite.pk, {"kind": "shpo", "start": "2025-01-01"})
    assert _state(indefinite).review_eligible_from is None


# --- review and removal ------------------------------------------------------------------------------------------


def test_a_review_discharged_ends_the_registration_and_the_removal_follows(officer, indefinite):
    review = review_apply(officer, indefinite.pk, {"applied_on": "2025-01-10"})
    assert review.decision_due == date(2025, 2, 21)  # 6 weeks by default
    assert _state(indefinite).subject
    errors = _writes_nothing(indefinite, removal_record, officer, indefinite.pk,
                             {"reason": "review", "removed_on": "2025-03-01"})
    assert "still subject" in errors["removed_on"][0]
    review_decide(officer, indefinite.pk, review.pk, {"decision": "discharged", "decided_on": "2025-03-01",
                                                      "reasons": "Low risk; no further offending since 2005."})
    state = _state(indefinite)
    assert not state.subject and state.status == "expired" and state.registration_end == date(2025, 2, 28)
    errors = _writes_nothing(indefinite, removal_record, officer, indefinite.pk,
                             {"reason": "period_ended", "removed_on": "2025-03-01"})
    assert "discharged that day" in errors["reason"][0]
    removal_record(officer, indefinite.pk, {"reason": "review", "removed_on": "2025-03-01", "note": "Letter sent"})
    ev = AuditEvent.objects.get(action="review.decide")
    assert "Low risk" not in str(ev.detail) and ev.personal["after"]["reasons"].startswith("Low risk")
    assert "nothing would change" in _writes_nothing(
        indefinite, removal_record, officer, indefinite.pk, {"reason": "review", "removed_on": "2025-03-01"}
    )["removed_on"][0]


def test_a_refusal_sets_the_further_date_and_an_appeal_allowed_discharges(officer, indefinite):
    review = review_apply(officer, indefinite.pk, {"applied_on": "2024-01-10", "decision_due": "2024-03-01"})
    review_decide(officer, indefinite.pk, review.pk, {"decision": "refused", "decided_on": "2024-02-20",
                                                      "reasons": "Risk remains.", "further_date": "2030-02-21"})
    assert _state(indefinite).review_eligible_from == date(2030, 2, 21)
    assert _state(indefinite).subject
    review_appeal(officer, indefinite.pk, review.pk, {"appeal_lodged_on": "2024-03-05"})
    review_appeal(officer, indefinite.pk, review.pk, {"appeal_lodged_on": "2024-03-05", "appeal_outcome": "allowed",
                                                      "appeal_decided_on": "2024-06-01"})
    state = _state(indefinite)
    assert not state.subject and state.registration_end == date(2024, 5, 31)
    removal_record(officer, indefinite.pk, {"reason": "appeal", "removed_on": "2024-06-01"})


@pytest.mark.parametrize(("data", "field", "words"), [
    ({"decision": "discharged", "decided_on": "2024-12-01", "reasons": "x"}, "decided_on",
     "before the application was received"),
    ({"decision": "discharged", "decided_on": "2025-03-01"}, "reasons", "is required"),
    ({"decision": "discharged", "decided_on": "2025-03-01", "reasons": "x", "further_date": "2030-01-01"},
     "further_date", "only when the requirements continue"),
    ({"decision": "refused", "decided_on": "2025-03-01", "reasons": "x", "further_date": "2025-02-01"},
     "further_date", "must be after the decision"),
    ({"decision": "maybe", "decided_on": "2025-03-01", "reasons": "x"}, "decision", "must be one of"),
])
def test_a_decision_names_each_field_and_rule(officer, indefinite, data, field, words):
    review = review_apply(officer, indefinite.pk, {"applied_on": "2025-01-10"})
    errors = _writes_nothing(indefinite, review_decide, officer, indefinite.pk, review.pk, data)
    assert words in errors[field][0]


def test_one_application_at_a_time_and_appeals_only_against_a_refusal(officer, indefinite):
    review = review_apply(officer, indefinite.pk, {"applied_on": "2025-01-10"})
    errors = _writes_nothing(indefinite, review_apply, officer, indefinite.pk, {"applied_on": "2025-02-10"})
    assert "one application at a time" in errors["applied_on"][0]
    assert "is recorded only with the decision" in _writes_nothing(
        indefinite, review_appeal, officer, indefinite.pk, review.pk, {"appeal_lodged_on": "2025-02-01"}
    )["appeal_lodged_on"][0]
    review_decide(officer, indefinite.pk, review.pk, {"decision": "discharged", "decided_on": "2025-03-01",
                                                      "reasons": "x"})
    assert "only against a refusal" in _writes_nothing(
        indefinite, review_appeal, officer, indefinite.pk, review.pk, {"appeal_lodged_on": "2025-03-05"}
    )["appeal_lodged_on"][0]
    assert "nothing is overwritten" in _writes_nothing(
        indefinite, review_decide, officer, indefinite.pk, review.pk,
        {"decision": "refused", "decided_on": "2025-03-01", "reasons": "x"})["decision"][0]


def test_removal_at_the_end_of_the_period(officer, expired):
    errors = _writes_nothing(expired, removal_record, officer, expired.pk,
                             {"reason": "period_ended", "removed_on": "2021-01-01"})
    assert "the day after 3 March 2020" in errors["removed_on"][0]
    removal_record(officer, expired.pk, {"reason": "period_ended", "removed_on": "2020-03-04"})
    assert _state(expired).status == "expired"
    assert "must be one of" in _writes_nothing(expired, removal_record, officer, expired.pk,
                                               {"reason": "bored", "removed_on": "2020-03-04"})["reason"][0]


def test_an_order_is_ended_once_and_passports_are_recorded_once(officer, indefinite):
    from tether.register.legal import order_update

    shpo = order_record(officer, indefinite.pk, {"kind": "shpo", "start": "2024-01-01"})
    assert _state(indefinite).review_eligible_from is None
    order_update(officer, indefinite.pk, shpo.pk, {"end": "2025-05-31"})  # discharged: a review is open again
    assert _state(indefinite).review_eligible_from == date(2021, 9, 2)
    assert "nothing is overwritten" in _writes_nothing(indefinite, order_update, officer, indefinite.pk, shpo.pk,
                                                       {"end": "2025-06-01"})["end"][0]
    assert "only for a foreign travel" in _writes_nothing(
        indefinite, order_update, officer, indefinite.pk, shpo.pk,
        {"passports_surrendered_on": "2025-06-01", "surrender_station": "Bow"})["passports_surrendered_on"][0]
    ftp = order_record(officer, indefinite.pk, {"kind": "ftp", "start": "2025-06-01", "end": "2027-05-31",
                                                "countries": "all"})
    assert "surrender_station" in _writes_nothing(indefinite, order_update, officer, indefinite.pk, ftp.pk,
                                                  {"passports_surrendered_on": "2025-06-02"})
    order_update(officer, indefinite.pk, ftp.pk, {"passports_surrendered_on": "2025-06-02",
                                                  "surrender_station": "Bow Police Station"})
    assert "nothing would change" in _writes_nothing(
        indefinite, order_update, officer, indefinite.pk, ftp.pk,
        {"passports_surrendered_on": "2025-06-02"})["passports_surrendered_on"][0]
    ev = AuditEvent.objects.filter(action="order.update").last()
    assert "Bow" not in str(ev.detail) and ev.personal["after"]["surrender_station"] == "Bow Police Station"
