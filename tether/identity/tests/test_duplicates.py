"""Duplicates on entry (web form and API) and across the register (scan, review)."""

from __future__ import annotations

import json

import pytest

from tether.audit.models import AuditEvent
from tether.core.errors import Forbidden
from tether.identity.duplicates import scan
from tether.identity.services import decide_pair
from tether.register.models import Person
from tether.register.services import person_create

pytestmark = pytest.mark.django_db


def _payload(make_doc, **overrides):
    doc = make_doc(**overrides)
    for key in ("force", "synthetic", "notifications"):
        doc.pop(key, None)
    return doc


def test_api_create_answers_409_with_candidates_until_confirmed(officer, other_officer, make_doc, frozen,
                                                                 api_client):
    person_create(officer, make_doc())
    api = api_client(other_officer)  # another force: sees the national index entry only
    names = [{"kind": "birth", "given_names": "Alan", "family_name": "Testpersonn", "valid_from": "1980-04-02"}]
    doc = _payload(make_doc, names=names, ni_number="", pnc_id="", date_of_birth="1980-02-04")
    r = api.post("/api/v1/people", doc, content_type="application/json")
    assert r.status_code == 409, r.content
    body = r.json()
    assert body["candidates"][0]["reference"] is None and body["candidates"][0]["owning_force"]
    assert "DOB day/month swapped" in body["candidates"][0]["reasons"]
    assert Person.objects.count() == 1
    r = api.post("/api/v1/people", {**doc, "confirm_new_person": True, "reason": "short"},
                 content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "reason"
    r = api.post("/api/v1/people", {**doc, "confirm_new_person": True,
                                    "reason": "Different NI number and custody photograph"},
                 content_type="application/json")
    assert r.status_code == 201
    ev = AuditEvent.objects.get(action="person.duplicate_confirmed")
    assert ev.reason.startswith("Different NI") and ev.detail["candidates"]


def test_same_ni_number_is_a_duplicate_whatever_the_name(officer, make_doc, frozen, api_client):
    person_create(officer, make_doc())
    names = [{"kind": "birth", "given_names": "Zed", "family_name": "Other", "valid_from": "1990-01-01"}]
    r = api_client(officer).post("/api/v1/people", _payload(make_doc, names=names, date_of_birth="1990-01-01"),
                                 content_type="application/json")
    assert r.status_code == 409 and "NI number" in r.json()["candidates"][0]["reasons"]


def test_someone_new_is_saved_without_a_question(officer, make_doc, frozen, api_client):
    person_create(officer, make_doc())
    names = [{"kind": "birth", "given_names": "Zed", "family_name": "Other", "valid_from": "1990-01-01"}]
    r = api_client(officer).post("/api/v1/people", _payload(make_doc, names=names, date_of_birth="1990-01-01",
                                                            ni_number="", pnc_id=""),
                                 content_type="application/json")
    assert r.status_code == 201


def test_web_form_shows_candidates_then_saves_when_confirmed(other_officer_client, gmp_person):
    from tether.register.tests.test_pages import create_form

    before = Person.objects.count()
    same = {"given_names": "Jon", "family_name": "Smyth", "date_of_birth_day": "2", "date_of_birth_month": "4",
            "date_of_birth_year": "1980"}
    r = other_officer_client.post("/people/new/", create_form(**same))
    html = r.content.decode()
    assert r.status_code == 409 and 'data-testid="possible-duplicates"' in html and "Nothing has been saved" in html
    assert Person.objects.count() == before
    r = other_officer_client.post("/people/new/", create_form(**same, confirm_new_person="on",
                                                              duplicate_reason="Twin brother: different PNC ID"))
    assert r.status_code == 302 and Person.objects.count() == before + 1


def test_scan_finds_planted_pairs_and_forgets_rejected_ones(supervisor, officer, make_doc, frozen):
    a = person_create(officer, make_doc())
    names = [{"kind": "birth", "given_names": "Allan", "family_name": "Testpersonn", "valid_from": "1980-04-02"}]
    b = person_create(officer, make_doc(names=names, ni_number="", pnc_id=""))
    pairs = scan(supervisor)
    assert [{p["a"]["id"], p["b"]["id"]} for p in pairs] == [{str(a.pk), str(b.pk)}]
    assert pairs[0]["score"] >= 0.85 and pairs[0]["a"]["reference"]
    assert AuditEvent.objects.filter(action="identity.duplicates_scan").exists()
    decide_pair(supervisor, a.pk, b.pk, same=False, reason="Different fathers named on the birth records")
    assert scan(supervisor) == []


@pytest.mark.parametrize("persona", ["officer", "analyst", "partner"])
def test_scan_is_for_reviewers(request, persona):
    with pytest.raises(Forbidden):
        scan(request.getfixturevalue(persona))


def test_cli_search_and_duplicates(supervisor, officer, make_doc, frozen, capsys):
    from typer.testing import CliRunner

    from tether.cli import app

    person_create(officer, make_doc())
    runner = CliRunner()
    out = runner.invoke(app, ["search", "--name", "Alan Testpersen", "--json", "--as", "supervisor.mps"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["results"][0]["reference"] and body["results"][0]["score"] > 0.8
    out = runner.invoke(app, ["search", "--dob", "31/02/1999", "--as", "supervisor.mps"])
    assert out.exit_code == 2 and "dob" in out.output
    out = runner.invoke(app, ["duplicates", "--json", "--as", "supervisor.mps"])
    assert out.exit_code == 0 and json.loads(out.stdout) == {"pairs": []}
    out = runner.invoke(app, ["duplicates", "--format", "json", "--as", "supervisor.mps"])
    assert out.exit_code == 0 and json.loads(out.stdout) == {"pairs": []}
    assert runner.invoke(app, ["duplicates", "--format", "yaml", "--as", "supervisor.mps"]).exit_code == 2
    out = runner.invoke(app, ["duplicates", "--json", "--as", "officer.mps"])
    assert out.exit_code == 1
