"""Trips (every version), stays and advance notices round-trip byte for byte through JSON Lines; a format 1 line's
abroad detentions still import (as trips)."""

from __future__ import annotations

import io
import json

import pytest

from tether.register.documents import FORMAT_VERSION
from tether.register.jsonl import ImportFailed, export_jsonl, import_jsonl
from tether.register.models import Person, Trip
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
