from __future__ import annotations

import io
import json

import pytest

from tether.audit.models import AuditEvent
from tether.register.jsonl import ImportFailed, export_jsonl, import_jsonl
from tether.register.models import Notification, Person, RegisterState
from tether.register.services import person_create
from tether.register.testing import LEGAL_RECORD as LEGAL

pytestmark = pytest.mark.django_db


def _lines(*docs):
    return [json.dumps(d) for d in docs]


def test_import_writes_every_registrant(make_doc, frozen):
    report = import_jsonl(_lines(make_doc(), make_doc(force="GMP")), actor_label="cli:test")
    assert report.imported == 2
    assert Person.objects.count() == 2 and RegisterState.objects.count() == 2
    assert AuditEvent.objects.filter(action="person.import").count() == 2
    assert AuditEvent.objects.filter(action="register.import", actor_label="cli:test").count() == 1


def test_one_bad_line_means_nothing_is_written_and_every_error_is_reported(make_doc, frozen):
    lines = [
        json.dumps(make_doc()),
        json.dumps(make_doc(ni_number="bad")),
        "{not json",
        json.dumps(make_doc(force="NOPE", date_of_birth="2099-01-01")),
        "",
        json.dumps(make_doc()),
    ]
    with pytest.raises(ImportFailed) as exc:
        import_jsonl(lines)
    reported = [(e.line, e.field) for e in exc.value.errors]
    assert (2, "ni_number") in reported
    assert (3, "") in reported
    assert (4, "force") in reported and (4, "date_of_birth") in reported
    assert all(line in (2, 3, 4) for line, _ in reported)
    assert Person.objects.count() == 0 and Notification.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_duplicate_ids_and_references_are_refused(make_doc, frozen):
    doc = make_doc(id="5f0c6b1e-7d1b-4c39-9d43-1f1d3f2d6a10", reference="TTH-000777")
    with pytest.raises(ImportFailed) as exc:
        import_jsonl(_lines(doc, doc))
    assert {(e.line, e.field) for e in exc.value.errors} == {(2, "id"), (2, "reference")}
    import_jsonl(_lines(doc))
    with pytest.raises(ImportFailed) as exc:
        import_jsonl(_lines(doc))
    assert {e.field for e in exc.value.errors} == {"id", "reference"}


def test_export_then_import_round_trips_exactly(officer, make_doc, frozen):
    names = [
        {"kind": "birth", "given_names": "Zoë", "family_name": "<b>O'Brien</b>", "valid_from": "1980-04-02",
         "valid_to": "2019-05-01"},
        {"kind": "current", "given_names": "Zoe", "family_name": "Smith", "valid_from": "2019-05-01"},
        {"kind": "alias", "given_names": "Z", "family_name": "Robert'); DROP TABLE people_person;--",
         "valid_from": "2021-01-01"},
    ]
    extra = {
        "names": names,
        "orders": [{"kind": "shpo", "start": "2021-01-01", "end": "2026-01-01"}],
        "cases": [{"kind": "missing", "opened": "2022-01-05", "closed": "2022-03-01", "believed_abroad": True,
                   "outcome": "located"}],
    }
    person_create(officer, make_doc(**extra))
    person_create(officer, make_doc(sex="female", ni_number=None, pnc_id=None))
    first = io.StringIO()
    assert export_jsonl(first) == 2
    # wipe and re-import into an empty register
    Person.objects.all().delete()
    import_jsonl(first.getvalue().splitlines())
    second = io.StringIO()
    export_jsonl(second)
    assert second.getvalue() == first.getvalue()
    row = json.loads(first.getvalue().splitlines()[0])
    assert row["names"][0]["family_name"] == "<b>O'Brien</b>"
    assert row["synthetic"] is True


CLOSED = {"kind": "missing", "opened": "2009-03-02", "closed": "2011-07-19", "believed_abroad": True,
          "warrant": None, "outcome": "returned", "pnc_reference": "24/000123X"}
WANTED = {"kind": "wanted", "opened": "2013-05-01", "closed": None, "believed_abroad": False,
          "warrant": "2013-06-10", "outcome": None, "pnc_reference": None}
ABROAD = {"kind": "missing", "opened": "2016-11-30", "closed": None, "believed_abroad": True,
          "warrant": None, "outcome": None, "pnc_reference": None}


def test_cases_round_trip_byte_identically_with_their_state_history(make_doc, frozen):
    from tether.casework.models import Case, CaseState

    docs = [make_doc(cases=[CLOSED, WANTED]), make_doc(force="GMP", cases=[ABROAD])]
    import_jsonl(_lines(*docs))
    first = io.StringIO()
    export_jsonl(first)
    rows = [json.loads(line) for line in first.getvalue().splitlines()]
    assert sorted((c for r in rows for c in r["cases"]), key=lambda c: c["opened"]) == [CLOSED, WANTED, ABROAD]

    # the state history is derived on import: missing then wanted from the warrant, closed with its outcome
    wanted = Case.objects.get(kind="wanted")
    assert list(wanted.states.order_by("valid_from").values_list("state", "valid_from", "valid_to", "event")) == [
        ("missing", wanted.opened_on, wanted.warrant_on, "open_missing"),
        ("wanted", wanted.warrant_on, None, "warrant"),
    ]
    closed = Case.objects.get(closed_on__isnull=False)
    assert list(closed.states.order_by("valid_from").values_list("state", "believed_abroad", "outcome")) == [
        ("missing", True, ""), ("closed", True, "returned")]
    assert closed.pnc_reference == "24/000123X"
    assert CaseState.objects.filter(case__believed_abroad=True, case__closed_on__isnull=True,
                                    valid_to__isnull=True, believed_abroad=True).count() == 1
    # the register status follows the open case
    assert set(RegisterState.objects.values_list("status", flat=True)) == {"wanted", "missing"}

    Person.objects.all().delete()
    import_jsonl(first.getvalue().splitlines())
    second = io.StringIO()
    export_jsonl(second)
    assert second.getvalue() == first.getvalue()
    assert CaseState.objects.count() == 5


@pytest.mark.parametrize(("case", "field", "words"), [
    ({**CLOSED, "closed": "2009-01-01"}, "cases[0].closed", "before the case opened"),
    ({**WANTED, "outcome": "located"}, "cases[0].outcome", "only a closed case"),
    ({**ABROAD, "kind": "absent"}, "cases[0].kind", "must be one of"),
    ({**WANTED, "warrant": "2031-01-01"}, "cases[0].warrant", "future"),
    ({**CLOSED, "outcome": None}, "cases[0].outcome", "needs an outcome"),
    ({**ABROAD, "warrant": "2017-01-01"}, "cases[0].warrant", "only a wanted case"),
    ({**CLOSED, "believed_abroad": False}, "cases[0].outcome", "believed abroad"),
    ({**ABROAD, "opened": "2040-01-01"}, "cases[0].opened", "future"),
])
def test_bad_case_fields_are_refused_with_the_line_and_field(make_doc, frozen, case, field, words):
    with pytest.raises(ImportFailed) as exc:
        import_jsonl(_lines(make_doc(), make_doc(cases=[case])))
    assert [(e.line, e.field) for e in exc.value.errors] == [(2, field)]
    assert words in exc.value.errors[0].message
    assert Person.objects.count() == 0


def test_overlapping_cases_are_refused(make_doc, frozen):
    with pytest.raises(ImportFailed) as exc:
        import_jsonl(_lines(make_doc(cases=[WANTED, ABROAD])))
    assert [(e.line, e.field) for e in exc.value.errors] == [(1, "cases[1].opened")]




def test_the_legal_record_round_trips_byte_identically(officer, make_doc, frozen):
    person_create(officer, make_doc(**LEGAL))
    person_create(officer, make_doc(sex="female", ni_number=None, pnc_id=None))  # without any: keys left out
    first = io.StringIO()
    export_jsonl(first)
    rows = [json.loads(line) for line in first.getvalue().splitlines()]
    assert rows[0]["orders"][0]["surrender_station"] == "Bow Police Station"
    assert rows[0]["reviews"][0]["reasons"] == "Risk remains.\nSee MAPPA minutes."
    assert "reviews" not in rows[1] and "removals" not in rows[1] and "court" not in rows[1]["disposals"][0]
    assert "basis" not in rows[1]["detentions"][0] and rows[1]["format"] == 2
    Person.objects.all().delete()
    import_jsonl(first.getvalue().splitlines())
    second = io.StringIO()
    export_jsonl(second)
    assert second.getvalue() == first.getvalue()
    state = Person.objects.get(reference=rows[0]["reference"]).state
    assert not state.subject and state.status == "expired"  # the appeal allowed discharged them


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"removals": [{"reason": "period_ended", "removed_on": "2022-06-01"}]}, "removals[0].reason",
     "discharged that day"),
    ({"removals": [{"reason": "review", "removed_on": "2021-06-01"}]}, "removals[0].removed_on", "still subject"),
    ({"reviews": [{"applied_on": "2022-01-10", "decision": "refused"}], "removals": []}, "reviews[0].decided_on",
     "is required with the decision"),
    ({"detentions": [{"kind": "abroad", "start": "2010-01-04", "basis": "sentence"}]}, "detentions[0].basis",
     "outside the UK"),
    ({"orders": [{"kind": "ftp", "start": "2012-01-01", "end": "2018-01-01", "countries": "all"}]}, "orders[0].end",
     "not more than 5 years"),
])
def test_bad_legal_facts_are_refused_with_the_line_and_field(make_doc, frozen, change, field, words):
    line = json.dumps(make_doc(**{**LEGAL, **change}))
    with pytest.raises(ImportFailed) as exc:
        import_jsonl([line])
    found = {e.field: e.message for e in exc.value.errors}
    assert field in found and words in found[field], found
