"""Duplicates on import: each line is checked against the register (across forces); reported, or the file refused."""

from __future__ import annotations

import json

import pytest

from tether.audit.models import AuditEvent
from tether.register.jsonl import ImportFailed, import_jsonl
from tether.register.models import Person
from tether.register.services import person_create

pytestmark = pytest.mark.django_db


def _variant(make_doc):
    """The default test registrant entered again: the family name misspelt, the day and month of birth swapped."""
    names = [{"kind": "birth", "given_names": "Alan", "family_name": "Testpersonn", "valid_from": "1980-04-02"}]
    return make_doc(names=names, ni_number="", pnc_id="", date_of_birth="1980-02-04", force="GMP")


def _someone_new(make_doc):
    names = [{"kind": "birth", "given_names": "Zed", "family_name": "Other", "valid_from": "1990-01-01"}]
    return make_doc(names=names, ni_number="", pnc_id="", date_of_birth="1990-01-01")


def test_import_reports_each_line_that_may_be_someone_registered(officer, make_doc, frozen):
    existing = person_create(officer, make_doc())
    report = import_jsonl([json.dumps(_someone_new(make_doc)), json.dumps(_variant(make_doc))])
    assert report.imported == 2 and Person.objects.count() == 3
    assert [d.line for d in report.duplicates] == [2]
    message = str(report.duplicates[0])
    assert message.startswith(f"line 2: may be the same person as {existing.reference} (0.")
    assert "DOB day/month swapped" in message
    event = AuditEvent.objects.get(action="register.import")
    assert event.detail["likely_duplicate_lines"] == [2] and event.detail["duplicates"] == "report"


def test_refuse_writes_nothing_while_a_line_may_be_someone_registered(officer, make_doc, frozen):
    person_create(officer, make_doc())
    events = AuditEvent.objects.count()
    lines = [json.dumps(_someone_new(make_doc)), json.dumps(_variant(make_doc))]
    with pytest.raises(ImportFailed) as exc:
        import_jsonl(lines, duplicates="refuse")
    assert [e.line for e in exc.value.errors] == [2] and "may be the same person" in str(exc.value.errors[0])
    assert Person.objects.count() == 1 and AuditEvent.objects.count() == events
    report = import_jsonl(lines, duplicates="refuse", accepted=[2])  # line 2 confirmed as a new person
    assert report.imported == 2 and report.duplicates == []
    assert AuditEvent.objects.get(action="register.import").detail["accepted_lines"] == [2]


def test_the_same_identifiers_are_a_duplicate_whatever_the_name(officer, make_doc, frozen):
    person_create(officer, make_doc())
    names = [{"kind": "birth", "given_names": "Zed", "family_name": "Other", "valid_from": "1990-01-01"}]
    report = import_jsonl([json.dumps(make_doc(names=names, date_of_birth="1990-01-01", force="GMP"))])
    assert "NI number" in str(report.duplicates[0])


def test_cli_import_reports_or_refuses(officer, make_doc, frozen, tmp_path):
    from typer.testing import CliRunner

    from tether.cli import app

    existing = person_create(officer, make_doc())
    path = tmp_path / "people.jsonl"
    path.write_text(json.dumps(_someone_new(make_doc)) + "\n" + json.dumps(_variant(make_doc)) + "\n")
    runner = CliRunner()
    out = runner.invoke(app, ["import", str(path), "--duplicates", "refuse"])
    assert out.exit_code == 1 and "line 2: may be the same person as " + existing.reference in out.output
    assert "nothing was imported" in out.output and Person.objects.count() == 1
    out = runner.invoke(app, ["import", str(path), "--duplicates", "sometimes"])
    assert out.exit_code == 2 and Person.objects.count() == 1
    accept = tmp_path / "accept.txt"
    accept.write_text("# confirmed by the records manager\n2\n")
    out = runner.invoke(app, ["import", str(path), "--json", "--duplicates", "refuse",
                              "--accept-duplicates", str(accept)])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == {"imported": 2, "lines": 2, "flags": [], "duplicates": []}


def test_cli_import_reports_and_imports_by_default(officer, make_doc, frozen, tmp_path):
    from typer.testing import CliRunner

    from tether.cli import app

    person_create(officer, make_doc())
    path = tmp_path / "people.jsonl"
    path.write_text(json.dumps(_variant(make_doc)) + "\n")
    out = CliRunner().invoke(app, ["import", str(path), "--json"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.output)
    assert body["imported"] == 1 and body["duplicates"][0]["line"] == 1


def test_an_import_into_an_empty_register_asks_no_question_per_line(make_doc, frozen, monkeypatch):
    """A force's first import: nobody is registered, so no line can be someone already registered and the per-line
    search (a Django query per line: a 77,000-line file was still in it after half an hour) is not run."""
    from tether.register import extensions

    asked: list[object] = []
    monkeypatch.setattr(extensions, "find_duplicates", lambda actor, doc: asked.append(doc) or [])
    report = import_jsonl([json.dumps(_someone_new(make_doc)), json.dumps(_variant(make_doc))], duplicates="refuse")
    assert report.imported == 2 and report.duplicates == [] and asked == []
    import_jsonl([json.dumps(make_doc(names=[{"kind": "birth", "given_names": "Ann", "family_name": "Next",
                                              "valid_from": "1980-04-02"}], ni_number="", pnc_id=""))])
    assert len(asked) == 1  # with someone registered, each line is asked about again
