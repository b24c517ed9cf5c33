"""Trips (every version), stays and advance notices round-trip byte for byte through JSON Lines; a format 1 line's
abroad detentions still import (as trips)."""

from __future__ import annotations

import io
import json

import pytest

from tether.register.documents import FORMAT_VERSION
from tether.register.jsonl import ImportFailed, export_jsonl, import_jsonl
from tether.register.models import Notification, Person, Trip
from tether.register.services import person_create
from tether.register.services_travel import advance_notice_record, stay_record, trip_record, trip_return_record

pytestmark = pytest.mark.django_db

STATION = "Charing Cross Police Station"


def test_travel_stays_and_notices_round_trip_byte_identically(officer, make_doc, frozen):
    p = person_create(officer, make_doc())
    trip_record(officer, p.pk, {"departure": "2025-06-01", "countries": ["IE", "fr"], "arrival_points": "Dublin ⛴",
                                "accommodation": "Zoë's flat, \"upstairs\"", "return_date": "2025-06-05",
                                "station": STATION, "received_at": "2025-05-20T09:00:00Z"})
    trip_record(officer, p.pk, {"departure": "2025-06-01", "countries": ["IE"], "return_date": "2025-06-06",
                                "short_notice": True, "station": STATION, "received_at": "2025-05-21T09:00:00Z"},
                number=1)
    trip_return_record(officer, p.pk, 1, {"return_date": "2025-06-06", "return_point": "Holyhead",
                                          "notified_on": "2025-06-07"})
    trip_record(officer, p.pk, {"departure": "2025-06-18", "countries": ["ES"], "station": STATION})
    stay_record(officer, p.pk, {"line1": "4 Other Road", "town": "Leeds", "postcode": "LS1 1AA",
                                "start": "2025-05-01", "end": "2025-05-09"})
    stay_record(officer, p.pk, {"line1": "4 Other Road", "postcode": "LS1 1AA", "start": "2025-06-10"})
    advance_notice_record(officer, p.pk, {"change": "home_address", "expected_on": "2025-07-01",
                                          "station": STATION})
    first = io.StringIO()
    export_jsonl(first)
    row = json.loads(first.getvalue())
    assert row["format"] == FORMAT_VERSION == 2
    assert [t["number"] for t in row["trips"]] == [1, 1, 1, 2]
    assert row["trips"][2]["return_notified_on"] == "2025-06-07" and row["trips"][1]["short_notice"] is True
    assert row["trips"][0]["countries"] == ["IE", "FR"]
    assert row["stays"][1]["end"] is None and row["advance_notices"][0]["change"] == "home_address"
    obligations = sorted(p.obligations.values_list("kind", "trigger", "status"))
    Person.objects.all().delete()
    import_jsonl(first.getvalue().splitlines())
    second = io.StringIO()
    export_jsonl(second)
    assert second.getvalue() == first.getvalue()
    again = Person.objects.get()
    assert sorted(again.obligations.values_list("kind", "trigger", "status")) == obligations


def test_a_registrant_without_them_exports_no_such_keys(officer, make_doc, frozen):
    person_create(officer, make_doc())
    out = io.StringIO()
    export_jsonl(out)
    row = json.loads(out.getvalue())
    assert not {"trips", "stays", "advance_notices"} & set(row)


def test_format_1_lines_still_import(make_doc, frozen):
    old = make_doc(format=1, detentions=[{"kind": "custody", "start": "2020-03-04", "end": "2020-07-01"},
                                         {"kind": "abroad", "start": "2024-02-01", "end": None}])
    import_jsonl([json.dumps(old)])
    [t] = Trip.objects.all()
    assert t.departure.isoformat() == "2024-02-01" and t.return_date is None
    out = io.StringIO()
    export_jsonl(out)
    row = json.loads(out.getvalue())
    assert row["detentions"] == [{"kind": "custody", "start": "2020-03-04", "end": "2020-07-01"}]
    assert row["trips"][0]["departure"] == "2024-02-01"
    assert Person.objects.get().state.status == "abroad"


def test_bad_trip_fields_are_refused_with_the_line_and_field(make_doc, frozen):
    doc = make_doc(trips=[{"number": 1, "departure": "2025-06-01", "countries": ["GB"], "return_date": "2025-05-01"}],
                   stays=[{"line1": "x", "postcode": "LS1 1AA", "start": "2025-06-01", "end": "2025-05-01"}],
                   advance_notices=[{"change": "travel", "expected_on": "2025-01-01",
                                     "given_at": "2025-02-01T10:00:00Z"}])
    with pytest.raises(ImportFailed) as exc:
        import_jsonl([json.dumps(doc)])
    fields = {e.field for e in exc.value.errors}
    assert {"trips[0].countries", "trips[0].return_date", "stays[0].end", "advance_notices[0].change",
            "advance_notices[0].expected_on"} <= fields


def _two_trips_one_notification(make_doc, **trip_over):
    notes = [*make_doc()["notifications"],
             {"kind": "travel", "received_at": "2025-06-10T09:00:00Z", "station": STATION, "officer": "PC 1234"}]
    trips = [{"number": 1, "departure": "2025-07-01", "countries": ["FR"], "return_date": "2025-07-05",
              "notified_on": "2025-06-10"},
             {"number": 2, "departure": "2025-07-20", "countries": ["ES"], "notified_on": "2025-06-10", **trip_over}]
    return make_doc(notifications=notes, trips=trips)


def test_two_trips_given_with_one_travel_notification_round_trip(make_doc, frozen):
    import_jsonl([json.dumps(_two_trips_one_notification(make_doc))])
    p = Person.objects.get()
    note = Notification.objects.get(person=p, kind="travel")
    assert list(Trip.objects.order_by("number").values_list("number", "notification_id")) == [(1, note.pk),
                                                                                            (2, note.pk)]
    duties = [(o.trigger.isoformat(), o.status, o.met_on.isoformat()) for o in p.obligations.filter(kind="travel")
              .order_by("trigger")]
    assert duties == [("2025-07-01", "met", "2025-06-10"), ("2025-07-20", "met", "2025-06-10")]
    first = io.StringIO()
    export_jsonl(first)
    row = json.loads(first.getvalue())
    assert [t["notified_on"] for t in row["trips"]] == ["2025-06-10", "2025-06-10"]
    Person.objects.all().delete()
    import_jsonl(first.getvalue().splitlines())
    second = io.StringIO()
    export_jsonl(second)
    assert second.getvalue() == first.getvalue()
    again = Person.objects.get()
    assert [(o.trigger.isoformat(), o.status, o.met_on.isoformat()) for o in again.obligations.filter(kind="travel")
            .order_by("trigger")] == duties


def test_a_trip_notified_on_a_day_without_a_travel_notification_is_refused(make_doc, frozen):
    doc = _two_trips_one_notification(make_doc, notified_on="2025-06-11")
    with pytest.raises(ImportFailed) as exc:
        import_jsonl([json.dumps(doc)])
    [err] = [e for e in exc.value.errors if e.field == "trips[1].notified_on"]
    assert "travel notification" in err.message
    assert not Person.objects.exists()


def test_a_trip_without_notified_on_imports_unlinked_and_keeps_the_rule_before(make_doc, frozen):
    doc = _two_trips_one_notification(make_doc)
    for t in doc["trips"]:
        del t["notified_on"]
    import_jsonl([json.dumps(doc)])
    assert not Trip.objects.filter(notification__isnull=False).exists()
    p = Person.objects.get()
    # the notice is read as the first trip's; the second has none yet (due by 13 July)
    assert list(p.obligations.filter(kind="travel").order_by("trigger").values_list("status", flat=True)) == [
        "met", "due"]
