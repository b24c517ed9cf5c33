"""Import and export at the edges: bad bytes and absurd nesting are line-numbered errors (nothing written), and
whatever the API accepts exports and re-imports byte for byte."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tether.register.jsonl import ImportFailed, decode_lines, export_jsonl, import_jsonl
from tether.register.models import Person

pytestmark = pytest.mark.django_db


def _lines(make_doc: Any, n: int = 2) -> list[bytes]:
    out = []
    for i in range(n):
        doc = make_doc(reference=f"TTH-9000{i:02d}", ni_number=f"AB12345{i}C")
        out.append(json.dumps(doc).encode())
    return out


def test_a_line_that_is_not_utf8_is_named_and_nothing_is_written(make_doc, frozen, tmp_path):
    from typer.testing import CliRunner

    from tether.cli import app

    good = _lines(make_doc)
    data = good[0] + b"\n" + b'{"force": "MPS", "bad": "\xff\xfe"}' + b"\n" + good[1] + b"\n"
    lines, errors = decode_lines(data)
    assert [str(e) for e in errors] == ["line 2: is not UTF-8 text (byte 26 of the line)"]
    assert len(lines) == 3
    file = tmp_path / "bad.jsonl"
    file.write_bytes(data)
    result = CliRunner().invoke(app, ["import", str(file), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"][0] == {"line": 2, "field": "",
                                                      "message": "is not UTF-8 text (byte 26 of the line)"}
    assert Person.objects.count() == 0


def test_a_line_nested_200000_levels_is_an_error_not_a_crash(make_doc, frozen):
    good = _lines(make_doc, 1)[0].decode()
    with pytest.raises(ImportFailed) as caught:
        import_jsonl([good, "[" * 200_000 + "]" * 200_000, good.replace("TTH-900000", "TTH-900001")])
    assert [e.line for e in caught.value.errors] == [2]
    assert "nests more than" in caught.value.errors[0].message
    assert Person.objects.count() == 0


def test_line_endings_and_the_final_newline():
    assert decode_lines(b"a\r\nb\n")[0] == ["a", "b"]
    assert decode_lines(b"a\nb")[0] == ["a", "b"]
    assert decode_lines(b"")[0] == []


def test_export_escapes_characters_that_line_readers_split_on(officer, make_doc, frozen):
    from tether.register.services import person_create

    person = person_create(officer, make_doc())
    # a value stored before the text rule refused separators still exports as one line
    Person.objects.filter(pk=person.pk).update(display_name="Alan\u2028Testperson")
    out = io.StringIO()
    export_jsonl(out)
    assert len(out.getvalue().splitlines()) == 1


# Printable text from the whole of Unicode: what a person's name or a station may hold.
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(given_names=TEXT, family_name=TEXT, station=TEXT, line1=TEXT)
def test_whatever_the_api_accepts_exports_and_reimports_byte_identically(
    api_client, officer, make_doc, frozen, given_names, family_name, station, line1
):
    Person.objects.all().delete()
    doc = make_doc()
    doc["names"][0].update(given_names=given_names, family_name=family_name)
    doc["addresses"][0]["line1"] = line1
    doc["notifications"][0]["station"] = station
    response = api_client(officer).post("/api/v1/people", doc, content_type="application/json")
    if response.status_code != 201:
        assert response.status_code == 400  # refused with the field named, never a server error
        return
    first = io.StringIO()
    export_jsonl(first)
    Person.objects.all().delete()
    import_jsonl(first.getvalue().split("\n")[:-1])
    second = io.StringIO()
    export_jsonl(second)
    assert second.getvalue() == first.getvalue()
