"""The law on the register's write path: the rules engine's input contract on every write (web, API, import),
the date of death (validated, audited, ending the duties), and the Schedule 3 check as a flag (API, import)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from tether.audit.models import AuditEvent
from tether.core.errors import ValidationFailed
from tether.register.jsonl import ImportFailed, export_jsonl, import_jsonl
from tether.register.models import Person, PersonObligation, RegisterState
from tether.register.services import identity_update, notification_record, person_create

pytestmark = pytest.mark.django_db

NOTE = {"station": "Charing Cross Police Station", "officer": "PC 1"}


@pytest.fixture
def person(officer: Any, make_doc: Any, frozen: Any) -> Person:
    return person_create(officer, make_doc())


# --- the contract: facts that contradict each other are refused, naming the field and the rule ----------------


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        pytest.param({"notifications": [{"kind": "initial", "received_at": "2020-03-03T10:00:00Z", **NOTE}]},
                     "notifications[0].received_at", "a notification answers a disposal", id="notification-first"),
        pytest.param({"detentions": [{"kind": "custody", "start": "2020-03-04", "end": "2020-07-01"},
                                     {"kind": "custody", "start": "2020-06-01", "end": "2020-08-01"}]},
                     "detentions[1].start", "custody periods cannot overlap", id="custody-overlap"),
        pytest.param({"date_of_death": "2021-01-01"}, "notifications[1].received_at",
                     "nothing is dated after a person's death", id="notification-after-death"),
        pytest.param({"date_of_death": "2020-03-01", "notifications": [], "detentions": []}, "disposals[0].date",
                     "nothing is dated after a person's death", id="disposal-after-death"),
        pytest.param({"date_of_death": "1979-01-01"}, "date_of_death", "birth comes first", id="death-before-birth"),
        pytest.param({"date_of_death": "2030-01-01"}, "date_of_death", "future", id="death-in-the-future"),
    ],
)
def test_a_new_registrant_whose_facts_contradict_each_other_is_refused(officer: Any, make_doc: Any, frozen: Any,
                                                                        overrides: dict[str, Any], field: str,
                                                                        rule: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        person_create(officer, make_doc(**overrides))
    assert rule in " ".join(exc.value.errors[field])
    assert not Person.objects.exists()


def test_notifications_out_of_order_are_named_by_their_own_index(officer: Any, make_doc: Any, frozen: Any) -> None:
    notes = [{"kind": "periodic", "received_at": "2021-07-01T10:00:00Z", **NOTE},
             {"kind": "initial", "received_at": "2019-01-01T10:00:00Z", **NOTE}]
    with pytest.raises(ValidationFailed) as exc:
        person_create(officer, make_doc(notifications=notes))
    assert list(exc.value.errors) == ["notifications[1].received_at"]


def test_the_api_answers_a_contradiction_with_a_field_named_400(officer: Any, api_client: Any, make_doc: Any,
                                                               frozen: Any) -> None:
    doc = make_doc()
    payload = {k: doc[k] for k in ("date_of_birth", "sex", "names", "disposals")}
    payload["detentions"] = [{"kind": "custody", "start": "2020-03-04", "end": "2020-07-01"},
                             {"kind": "custody", "start": "2020-05-01"}]
    response = api_client(officer).post("/api/v1/people", payload, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0]["field"] == "detentions[1].start" and "cannot overlap" in errors[0]["message"]


def test_an_import_line_that_contradicts_itself_is_a_line_error_and_nothing_is_written(make_doc: Any,
                                                                                    frozen: Any) -> None:
    bad = make_doc(notifications=[{"kind": "initial", "received_at": "2019-01-01T10:00:00Z", **NOTE}])
    with pytest.raises(ImportFailed) as exc:
        import_jsonl([json.dumps(make_doc()), json.dumps(bad)])
    assert [(e.line, e.field) for e in exc.value.errors] == [(2, "notifications[0].received_at")]
    assert "line 2: notifications[0].received_at: is before any conviction" in str(exc.value.errors[0])
    assert not Person.objects.exists()


def test_a_change_that_makes_the_record_contradict_itself_is_refused_and_writes_nothing(officer: Any,
                                                                                       person: Person) -> None:
    with pytest.raises(ValidationFailed) as exc:
        notification_record(officer, person.pk, {"kind": "change", "received_at": "2019-05-01T10:00:00Z",
                                                 "station": "Charing Cross"})
    assert "a notification answers a disposal" in exc.value.errors["received_at"][0]
    person.refresh_from_db()
    assert person.version == 1 and person.notifications.count() == 2


# --- date of death --------------------------------------------------------------------------------------------


def test_recording_a_death_ends_the_duties_and_is_audited_with_personal_values_apart(officer: Any,
                                                                                     person: Person) -> None:
    assert PersonObligation.objects.filter(person=person, open=True).exists()  # periodic overdue since 2022
    identity_update(officer, person.pk, {"date_of_death": "2022-01-10"}, expected_version=1)
    person.refresh_from_db()
    state = RegisterState.objects.get(person=person)
    assert person.date_of_death.isoformat() == "2022-01-10"
    assert state.status == "deceased" and not state.subject and state.next_due is None
    assert state.registration_end.isoformat() == "2022-01-10" and state.changes_on is None
    assert not PersonObligation.objects.filter(person=person, open=True).exists()  # no overdue, no breach
    assert not PersonObligation.objects.filter(person=person, due__gte="2022-01-10").exists()
    event = AuditEvent.objects.get(action="person.identity_update")
    assert event.detail == {"changed": ["date_of_death"]}  # no personal value for auditors
    assert event.personal["before"] == {"date_of_death": None}
    assert str(event.personal["after"]["date_of_death"]).startswith("2022-01-10")


def test_a_death_dated_before_a_notification_is_refused_naming_the_notification(officer: Any, person: Person) -> None:
    with pytest.raises(ValidationFailed) as exc:
        identity_update(officer, person.pk, {"date_of_death": "2021-01-01"})
    message = exc.value.errors["date_of_death"][0]
    assert message.startswith("must not be before the notification on 1 July 2021")
    assert "nothing is dated after a person's death" in message
    person.refresh_from_db()
    assert person.date_of_death is None and person.version == 1


def test_nothing_may_be_recorded_after_death_and_a_death_recorded_in_error_can_be_cleared(officer: Any,
                                                                                         person: Person) -> None:
    identity_update(officer, person.pk, {"date_of_death": "2022-01-10"})
    with pytest.raises(ValidationFailed) as exc:
        notification_record(officer, person.pk, {"kind": "periodic", "received_at": "2023-01-01T10:00:00Z",
                                                 "station": "Charing Cross"})
    assert "after the date of death" in exc.value.errors["received_at"][0]
    with pytest.raises(ValidationFailed) as exc:
        identity_update(officer, person.pk, {"date_of_death": "1970-01-01"})
    assert "birth comes first" in exc.value.errors["date_of_death"][0]
    identity_update(officer, person.pk, {"date_of_death": None})
    assert RegisterState.objects.get(person=person).status != "deceased"


def test_the_date_of_death_round_trips_through_export_and_import(officer: Any, make_doc: Any, frozen: Any) -> None:
    import_jsonl([json.dumps(make_doc(date_of_death="2022-01-10")), json.dumps(make_doc())])
    first = io.StringIO()
    export_jsonl(first)
    rows = [json.loads(line) for line in first.getvalue().splitlines()]
    assert [r.get("date_of_death") for r in rows] == ["2022-01-10", None]
    assert "date_of_death" not in rows[1]  # a living registrant exports as before
    Person.objects.all().delete()
    import_jsonl(first.getvalue().splitlines())
    again = io.StringIO()
    export_jsonl(again)
    assert again.getvalue() == first.getvalue()


def test_the_identity_page_records_a_date_of_death_and_the_person_page_shows_it(officer: Any, person: Person,
                                                                                verified_client: Any) -> None:
    verified_client.force_login(officer)
    form = {"version": "1", "date_of_birth_day": "2", "date_of_birth_month": "4", "date_of_birth_year": "1980",
            "sex": "male", "ni_number": "AB123456C", "pnc_id": person.pnc_id,
            "date_of_death_day": "1", "date_of_death_month": "1", "date_of_death_year": "2021"}
    refused = verified_client.post(f"/people/{person.pk}/identity/", form)
    assert refused.status_code == 400
    assert "Date of death must not be before the notification on 1 July 2021" in refused.content.decode()
    form.update(date_of_death_year="2022", date_of_death_month="1", date_of_death_day="10")
    saved = verified_client.post(f"/people/{person.pk}/identity/", form)
    assert saved.status_code == 302
    page = verified_client.get(f"/people/{person.pk}/").content.decode()
    assert "10 January 2022" in page and "Died" in page


# --- Schedule 3: a flag for review, never a refusal ---------------------------------------------------------


def test_an_import_flags_a_disposal_for_review_and_imports_it(make_doc: Any, frozen: Any) -> None:
    doubtful = make_doc(disposals=[{"date": "2003-03-04", "offence": "Indecent assault on a woman (SOA 1956 s.14)",
                                    "kind": "other"}],
                        detentions=[], notifications=[], addresses=[])
    report = import_jsonl([json.dumps(make_doc()), json.dumps(doubtful)])
    assert report.imported == 2
    assert [(f.line, f.field) for f in report.flags] == [(2, "disposals[0]")]
    text = str(report.flags[0])
    assert text.startswith("line 2: disposal 1 (4 March 2003, Indecent assault on a woman (SOA 1956 s.14)) "
                           "flagged for review: ")
    assert "para 7" in text


def test_the_api_gives_each_disposals_schedule3_check(officer: Any, api_client: Any, make_doc: Any,
                                                     frozen: Any) -> None:
    person = person_create(officer, make_doc(disposals=[
        {"date": "2020-03-04", "offence": "Rape (SOA 2003 s.1)", "kind": "imprisonment", "months": 8},
        {"date": "2020-05-04", "offence": "Indecent assault on a woman (SOA 1956 s.14)", "kind": "other"},
    ]))
    body = api_client(officer).get(f"/api/v1/people/{person.pk}").json()
    checks = body["schedule3"]
    assert [c["disposal"] for c in checks] == [0, 1]
    assert checks[0]["status"] == "subject" and not checks[0]["flagged"]
    assert checks[1]["flagged"] and checks[1]["paragraph"] == "SOA 2003 Sch 3 para 7"


def test_the_api_records_and_clears_a_date_of_death(officer: Any, person: Person, api_client: Any) -> None:
    client = api_client(officer)
    url = f"/api/v1/people/{person.pk}/identity"
    refused = client.patch(url, {"date_of_death": "2021-01-01"}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "date_of_death"
    assert client.patch(url, {"date_of_death": "2022-01-10"}, content_type="application/json").status_code == 201
    body = client.get(f"/api/v1/people/{person.pk}").json()
    assert body["record"]["date_of_death"] == "2022-01-10" and body["state"]["status"] == "deceased"
    assert client.patch(url, {"date_of_death": None}, content_type="application/json").status_code == 201
    assert "date_of_death" not in client.get(f"/api/v1/people/{person.pk}").json()["record"]


def test_a_date_of_birth_after_the_date_of_death_is_refused(officer: Any, person: Person) -> None:
    identity_update(officer, person.pk, {"date_of_death": "2022-01-10"})
    with pytest.raises(ValidationFailed) as exc:
        identity_update(officer, person.pk, {"date_of_birth": "2022-02-01"})
    assert exc.value.errors == {"date_of_birth": ["must not be after the date of death (the rule: birth comes first)"]}


def test_a_contradiction_the_record_already_held_does_not_block_other_changes(officer: Any, person: Person) -> None:
    from datetime import date

    from tether.register.models import Detention
    from tether.register.services import name_record

    Detention.objects.create(person=person, kind="custody", start=date(2020, 5, 1), end=date(2020, 6, 1))  # old data
    name_record(officer, person.pk, {"kind": "alias", "given_names": "Al", "family_name": "Test",
                                     "valid_from": "2024-01-01"})
    person.refresh_from_db()
    assert person.version == 2


# --- releases: the rules engine derives them from the custody and hospital periods, once ------------------------


def test_a_release_reads_as_the_rules_engine_words_it_and_a_return_from_abroad_is_none(officer: Any, make_doc: Any,
                                                                                      frozen: Any) -> None:
    from tether.register.legal import detention_record, detention_release
    from tether.register.services_travel import trip_record

    person = person_create(officer, make_doc(detentions=[], notifications=[
        {"kind": "initial", "received_at": "2020-03-05T10:00:00Z", **NOTE}]))
    for kind, basis, start, end in (("custody", "remand", "2025-01-06", "2025-02-03"),
                                    ("hospital", "hospital_order", "2025-03-03", "2025-04-07")):
        period = detention_record(officer, person.pk, {"kind": kind, "basis": basis, "start": start})
        detention_release(officer, person.pk, period.pk, {"end": end})
    said = {str(o.trigger): o.explanation for o in PersonObligation.objects.filter(person=person, kind="change")}
    assert "release from custody on 3 February 2025" in said["2025-02-03"]
    assert "discharge from hospital on 7 April 2025" in said["2025-04-07"]

    abroad = person_create(officer, make_doc(disposals=[{"date": "2025-05-10", "offence": "Exposure (SOA 2003 s.66)",
                                                         "kind": "other"}], detentions=[], notifications=[]))
    trip_record(officer, abroad.pk, {"departure": "2025-05-01", "return_date": "2025-05-20", "countries": "FR",
                                     "received_at": "2025-05-11T10:00:00Z", "station": NOTE["station"]})
    notification_record(officer, abroad.pk, {"kind": "initial", "received_at": "2025-05-13T10:00:00Z", **NOTE})
    assert not PersonObligation.objects.filter(person=abroad, kind="change").exists()
