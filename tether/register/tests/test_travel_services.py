"""Trips, stays, the end of another address, advance notices and no fixed abode: recorded through the one write path,
and the rules engine's duties follow from what was recorded (no patched facts)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from tether.audit.models import AuditEvent
from tether.core.errors import Conflict, Forbidden, ValidationFailed
from tether.obligations import evaluate
from tether.register.facts import facts_from, history_from_doc
from tether.register.models import Notification, Trip
from tether.register.selectors import load_histories, load_registrant_docs
from tether.register.services import address_record, notification_record, person_create
from tether.register.services_travel import (
    address_end,
    advance_notice_record,
    stay_end,
    stay_record,
    trip_cancel,
    trip_record,
    trip_return_record,
)

pytestmark = pytest.mark.django_db

STATION = "Charing Cross Police Station"


@pytest.fixture
def person(officer, make_doc, frozen):
    return person_create(officer, make_doc())


def _obligations(person, kind):
    return list(person.obligations.filter(kind=kind).order_by("trigger"))


def trip(**over):
    return {"departure": "2025-07-01", "countries": ["FR", "es"], "arrival_points": "Paris CDG",
            "accommodation": "Hotel (synthetic), Paris", "return_date": "2025-07-08", "station": STATION,
            "received_at": "2025-06-16T10:00:00Z", **over}


# --- trips --------------------------------------------------------------------------------------------------------


def test_a_travel_notification_records_the_trip_and_meets_the_travel_duty(officer, person):
    t = trip_record(officer, person.pk, trip(), expected_version=1)
    assert (t.number, t.countries, t.return_date.isoformat()) == (1, "FR ES", "2025-07-08")
    note = Notification.objects.get(pk=t.notification_id)
    assert note.kind == "travel" and note.station == STATION
    [duty] = _obligations(person, "travel")
    assert duty.trigger == date(2025, 7, 1) and duty.due == date(2025, 6, 24) and duty.status == "met"
    ev = AuditEvent.objects.get(action="trip.record")
    assert ev.detail == {"trip": 1, "trip_version_id": t.pk, "notification_id": note.pk, "kind": "travel"}
    assert "FR" not in str(ev.detail) and ev.personal["after"]["countries"] == ["FR", "ES"]


def test_the_engine_sees_the_trip_as_a_departure_and_time_abroad(officer, person):
    trip_record(officer, person.pk, trip(short_notice=True))
    facts = facts_from(load_histories([person.pk])[person.pk])
    [dep] = [e for e in facts.events if e.kind == "departure"]
    assert (dep.start, dep.end, dep.country, dep.short_notice) == (date(2025, 7, 1), date(2025, 7, 8), "FR", True)
    assert any(d.kind == "abroad" and d.start == date(2025, 7, 1) for d in facts.detentions)


def test_a_trip_with_no_notice_gives_an_overdue_travel_duty(officer, person, frozen):
    frozen.move_to("2025-08-01T10:00:00Z")
    t = trip_record(officer, person.pk, trip(departure="2025-07-10", return_date="2025-07-20",
                                             received_at="2025-07-25T10:00:00Z"))
    [duty] = _obligations(person, "travel")
    assert duty.open and duty.status == "overdue"  # the notice came after they left
    trip_return_record(officer, person.pk, t.number, {"return_date": "2025-07-20", "notified_on": "2025-07-25"})
    latest = Trip.objects.filter(person=person, number=1).order_by("-id").first()
    assert latest.return_notified_on == date(2025, 7, 25)
    assert Trip.objects.filter(person=person).count() == 2  # a new version, nothing overwritten


def test_new_details_are_a_new_version_and_cancelling_removes_the_departure(officer, person):
    trip_record(officer, person.pk, trip())
    trip_record(officer, person.pk, trip(countries="DE", received_at="2025-06-16T10:30:00Z"), number=1)
    versions = list(Trip.objects.filter(person=person, number=1).order_by("id").values_list("countries", flat=True))
    assert versions == ["FR ES", "DE"]
    trip_cancel(officer, person.pk, 1)
    assert not any(e.kind == "departure" for e in facts_from(load_histories([person.pk])[person.pk]).events)
    assert not _obligations(person, "travel")


def test_trip_validation_names_the_field_and_the_rule(officer, person):
    with pytest.raises(ValidationFailed) as exc:
        trip_record(officer, person.pk, trip(countries=["GB", "ZZ"], return_date="2025-06-30", station=""))
    errors = exc.value.errors
    assert "the rule: a trip goes outside the UK" in " ".join(errors["countries"])
    assert "'ZZ': it is not an ISO 3166 country code" in " ".join(errors["countries"])
    assert "the rule: a trip returns after it leaves" in errors["return_date"][0]
    assert "station" in errors
    trip_record(officer, person.pk, trip())
    with pytest.raises(ValidationFailed) as exc:
        trip_record(officer, person.pk, trip(departure="2025-07-05", countries=["IT"]))
    assert "overlaps trip 1" in exc.value.errors["departure"][0]


def test_a_write_that_changes_nothing_writes_nothing(officer, person):
    trip_record(officer, person.pk, trip())
    before = (AuditEvent.objects.count(), Trip.objects.count(), Notification.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        trip_record(officer, person.pk, trip())
    assert "nothing would change" in exc.value.errors["departure"][0]
    with pytest.raises(ValidationFailed):
        trip_record(officer, person.pk, trip(), number=1)
    with pytest.raises(ValidationFailed):
        stay_end(officer, person.pk, 999, {"end": "2025-06-01"})
    assert (AuditEvent.objects.count(), Trip.objects.count(), Notification.objects.count()) == before
    person.refresh_from_db()
    assert person.version == 2


def test_only_writers_and_current_versions(officer, analyst, person):
    with pytest.raises(Forbidden):
        trip_record(analyst, person.pk, trip())
    with pytest.raises(Conflict):
        trip_record(officer, person.pk, trip(), expected_version=7)


def test_format_1_abroad_detention_is_read_as_a_trip(officer, make_doc, frozen):
    doc = make_doc(detentions=[{"kind": "custody", "start": "2020-03-04", "end": "2020-07-01"},
                               {"kind": "abroad", "start": "2023-05-01", "end": "2023-05-09"}])
    p = person_create(officer, doc)
    assert not p.detentions.filter(kind="abroad").exists()
    [t] = Trip.objects.filter(person=p)
    assert (t.number, t.departure, t.return_date, t.countries) == (1, date(2023, 5, 1), date(2023, 5, 9), "")
    assert p.obligations.filter(kind="travel", trigger="2023-05-01").exists()


# --- stays and another regular address ----------------------------------------------------------------------------


def test_a_stay_reaching_7_days_gives_a_change_duty_met_by_a_change_notification(officer, person):
    stay_record(officer, person.pk, {"line1": "4 Other Road", "postcode": "sw1a 2aa", "start": "2025-06-01",
                                     "end": "2025-06-09"})
    [duty] = [o for o in _obligations(person, "change") if "stay" in o.explanation]
    assert duty.trigger == date(2025, 6, 7) and duty.due == date(2025, 6, 9) and duty.status == "overdue"
    assert "4 other road, SW1A 2AA" in duty.explanation
    notification_record(officer, person.pk, {"kind": "change", "station": STATION,
                                             "received_at": "2025-06-16T09:00:00Z"})
    [duty] = [o for o in _obligations(person, "change") if "stay" in o.explanation]
    assert duty.met_on == date(2025, 6, 16)


def test_a_stay_still_open_is_ended_once(officer, person):
    stay = stay_record(officer, person.pk, {"line1": "4 Other Road", "postcode": "SW1A 2AA", "start": "2025-06-14"})
    assert not [o for o in _obligations(person, "change") if "stay" in o.explanation]  # 3 days so far
    with pytest.raises(ValidationFailed) as exc:
        stay_end(officer, person.pk, stay.pk, {"end": "2025-06-13"})
    assert "the rule: a stay ends on or after it starts" in exc.value.errors["end"][0]
    stay_end(officer, person.pk, stay.pk, {"end": "2025-06-15"})
    with pytest.raises(ValidationFailed) as exc:
        stay_end(officer, person.pk, stay.pk, {"end": "2025-06-15"})
    assert "nothing would change" in exc.value.errors["end"][0]


def test_another_regular_address_ends_as_a_recorded_change(officer, person):
    other = address_record(officer, person.pk, {"kind": "other", "line1": "9 Weekend Lane", "postcode": "M1 1AE",
                                                "valid_from": "2025-01-01"})
    home = person.addresses.get(kind="home")
    with pytest.raises(ValidationFailed) as exc:
        address_end(officer, person.pk, home.pk, {"valid_to": "2025-06-01"})
    assert "ends with a move" in exc.value.errors["address"][0]
    with pytest.raises(ValidationFailed) as exc:
        address_end(officer, person.pk, other.pk, {"valid_to": "2025-01-01"})
    assert "the rule: an address ends after it starts" in exc.value.errors["valid_to"][0]
    address_end(officer, person.pk, other.pk, {"valid_to": "2025-06-01"})
    other.refresh_from_db()
    assert other.valid_to == date(2025, 6, 1)
    ev = AuditEvent.objects.get(action="person.address_end")
    assert "M1" not in str(ev.detail)


# --- advance notices ----------------------------------------------------------------------------------------------


def test_an_advance_notice_that_does_not_happen_gives_the_non_occurrence_duty(officer, person, frozen):
    advance_notice_record(officer, person.pk, {"change": "home_address", "expected_on": "2025-06-20",
                                               "station": STATION})
    assert not _obligations(person, "non_occurrence")
    assert person.state.changes_on <= date(2025, 6, 23)  # the sweep looks again by the end of the 3-day window
    frozen.move_to("2025-06-24T10:00:00Z")
    from tether.register.outcomes import rematerialise

    rematerialise([person.pk])
    [duty] = _obligations(person, "non_occurrence")
    assert duty.trigger == date(2025, 6, 20) and duty.due == date(2025, 6, 25) and duty.open


def test_an_advance_notice_that_happens_counts_as_the_change_notification(officer, person, frozen):
    advance_notice_record(officer, person.pk, {"change": "home_address", "expected_on": "2025-06-20",
                                               "station": STATION})
    frozen.move_to("2025-06-22T10:00:00Z")
    address_record(officer, person.pk, {"kind": "home", "line1": "2 New Road", "postcode": "M1 1AE",
                                        "valid_from": "2025-06-21"})
    [duty] = [o for o in _obligations(person, "change") if o.trigger == date(2025, 6, 21)]
    assert duty.status == "met" and "notified in advance" in duty.explanation
    assert not _obligations(person, "non_occurrence")


def test_advance_notice_validation(officer, person):
    with pytest.raises(ValidationFailed) as exc:
        advance_notice_record(officer, person.pk, {"change": "travel", "expected_on": "2025-06-01", "station": ""})
    errors = exc.value.errors
    assert "change" in errors and "station" in errors
    with pytest.raises(ValidationFailed) as exc:
        advance_notice_record(officer, person.pk, {"change": "name", "expected_on": "2025-06-01", "station": STATION})
    assert "the rule: an advance notice is given before the change" in exc.value.errors["expected_on"][0]


# --- no fixed abode -----------------------------------------------------------------------------------------------


def test_recording_no_fixed_abode_makes_the_periodic_duty_weekly(officer, person):
    with pytest.raises(ValidationFailed) as exc:
        notification_record(officer, person.pk, {"kind": "change", "station": STATION, "no_fixed_abode": True})
    assert "record where they can regularly be found first" in exc.value.errors["no_fixed_abode"][0]
    address_record(officer, person.pk, {"kind": "nfa", "line1": "Doorway by the library", "postcode": "SW1A 2AA",
                                        "valid_from": "2025-06-15"})
    note = notification_record(officer, person.pk, {"kind": "change", "station": STATION,
                                                    "received_at": "2025-06-16T09:00:00Z"})
    assert note.no_fixed_abode  # from the record, though not ticked
    [duty] = _obligations(person, "periodic")
    assert duty.due == date(2025, 6, 23) and "no fixed abode" in duty.explanation


def test_a_departure_in_future_is_not_abroad_until_it_starts(officer, person, frozen):
    trip_record(officer, person.pk, trip())
    person.state.refresh_from_db()
    assert person.state.status == "active"
    with time_machine.travel("2025-07-02T10:00:00Z", tick=False):
        from tether.register.outcomes import rematerialise

        rematerialise([person.pk])
    person.state.refresh_from_db()
    assert person.state.status == "abroad"


def test_the_migration_moves_abroad_periods_to_trips_and_back(officer, person):
    import importlib

    from django.apps import apps

    from tether.register.models import Detention

    migration = importlib.import_module("tether.register.migrations.0005_travel_stays_notices")
    Detention.objects.create(person=person, kind="abroad", start=date(2023, 5, 1), end=date(2023, 5, 9))
    Detention.objects.create(person=person, kind="abroad", start=date(2024, 1, 2), end=None)
    migration.abroad_to_trips(apps, None)
    assert not Detention.objects.filter(kind="abroad").exists()
    trips = list(Trip.objects.filter(person=person).order_by("number")
                 .values_list("number", "departure", "return_date"))
    assert trips == [(1, date(2023, 5, 1), date(2023, 5, 9)), (2, date(2024, 1, 2), None)]
    migration.trips_to_abroad(apps, None)
    assert Detention.objects.filter(kind="abroad").count() == 2


def test_two_trips_notified_together_are_each_met(officer, person, frozen):
    # both given at one attendance on 16 June, before the first leaves on 1 July (the second leaves on 20 July)
    first = trip_record(officer, person.pk, trip())
    second = trip_record(officer, person.pk, trip(departure="2025-07-20", return_date="2025-07-25", countries=["ES"],
                                                  received_at="2025-06-16T10:05:00Z"))
    assert first.notification_id != second.notification_id
    assert Notification.objects.filter(person=person, kind="travel").count() == 2
    duties = _obligations(person, "travel")
    assert [(d.trigger, d.status, d.met_on) for d in duties] == [
        (date(2025, 7, 1), "met", date(2025, 6, 16)), (date(2025, 7, 20), "met", date(2025, 6, 16))]
    # the engine reads each trip's own notification, the same from the rows and from the document
    history = load_histories([person.pk])[person.pk]
    assert history == history_from_doc(load_registrant_docs([person.pk])[person.pk], history.jurisdiction)
    facts = facts_from(history)
    assert [e.notified_on for e in facts.events if e.kind == "departure"] == [date(2025, 6, 16)] * 2
    # once both have left, neither is in breach (before, the second showed overdue from 14 July)
    later = evaluate(facts, date(2025, 8, 1))
    assert [(o.trigger, o.status) for o in later.obligations if o.kind == "travel"] == [
        (date(2025, 7, 1), "met"), (date(2025, 7, 20), "met")]


def test_a_trip_keeps_the_day_it_was_first_notified(officer, person, frozen):
    trip_record(officer, person.pk, trip())
    trip_record(officer, person.pk, trip(departure="2025-07-20", return_date="2025-07-25", countries=["ES"],
                                         received_at="2025-06-16T10:05:00Z"))
    frozen.move_to("2025-06-20T10:00:00Z")
    # new details for trip 2 (a later notification), then trip 1 is cancelled: trip 2 still counts its first notice
    trip_record(officer, person.pk, trip(departure="2025-07-20", return_date="2025-07-26", countries=["ES"],
                                         received_at="2025-06-20T09:00:00Z"), number=2)
    trip_cancel(officer, person.pk, 1)
    [dep] = [e for e in facts_from(load_histories([person.pk])[person.pk]).events if e.kind == "departure"]
    assert (dep.start, dep.end, dep.notified_on) == (date(2025, 7, 20), date(2025, 7, 26), date(2025, 6, 16))
    # the same details again (at another attendance) still change nothing
    with pytest.raises(ValidationFailed):
        trip_record(officer, person.pk, trip(departure="2025-07-20", return_date="2025-07-26", countries=["ES"],
                                             received_at="2025-06-20T10:00:00Z"), number=2)
    [duty] = _obligations(person, "travel")
    assert (duty.trigger, duty.status, duty.met_on) == (date(2025, 7, 20), "met", date(2025, 6, 16))
