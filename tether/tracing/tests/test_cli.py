"""``tether trace load|run|purge`` end to end."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tether.cli import app
from tether.tracing.models import Extract, Lead

from .conftest import LAWFUL_BASIS

pytestmark = pytest.mark.django_db(transaction=True)


def _load(tmp_path, data, user="admin.mps", extra=()):
    path = tmp_path / "extract.csv"
    path.write_bytes(data)
    return CliRunner().invoke(app, ["trace", "load", str(path), "--source", "DWP", "--kind", "dwp",
                                    "--lawful-basis", LAWFUL_BASIS, "--retain-days", "30", "--as", user, *extra])


def test_load_run_purge(traced, force_admin, officer, tmp_path):
    loaded = _load(tmp_path, traced["csv"])
    assert loaded.exit_code == 0, loaded.output
    assert json.loads(loaded.stdout)["rows"] == len(traced["rows"])
    ran = CliRunner().invoke(app, ["trace", "run", "--source", "DWP", "--scope", "missing", "--as", "officer.mps",
                                   "--format", "json"])
    assert ran.exit_code == 0, ran.output
    out = json.loads(ran.stdout)
    assert out["leads"][0]["reference"] == traced["people"][0].reference
    assert out["leads"][0]["record_id"] == "DWP-0001" and out["leads"][0]["explanation"]
    assert Lead.objects.count() == out["run"]["leads"]
    purged = CliRunner().invoke(app, ["trace", "purge", "--as-of", "2025-07-16"])
    assert purged.exit_code == 0 and json.loads(purged.stdout)["extracts_purged"] == 1


def test_a_bad_file_names_every_bad_line_and_stores_nothing(traced, force_admin, tmp_path):
    lines = traced["csv"].decode().splitlines()
    header, first, second = lines[0], lines[1].split(","), lines[2].split(",")
    first[3] = "1979-13-40"  # date_of_birth
    second[2] = ""  # family_name
    data = "\n".join([header, ",".join(first), ",".join(second), *lines[3:]]).encode()
    result = _load(tmp_path, data)
    assert result.exit_code == 2
    assert "line 2.date_of_birth" in result.stderr and "line 3.family_name" in result.stderr
    assert "nothing was loaded" in result.stderr and not Extract.objects.exists()


def test_a_column_mapping_reads_other_headers(traced, force_admin, tmp_path):
    data = traced["csv"].replace(b"family_name", b"surname", 1).replace(b"given_names", b"forenames", 1)
    assert _load(tmp_path, data).exit_code == 2
    result = _load(tmp_path, data, extra=("--map", "surname=family_name,forenames=given_names"))
    assert result.exit_code == 0, result.output


def test_parquet_too(traced, force_admin, tmp_path):
    import csv
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = list(csv.DictReader(io.StringIO(traced["csv"].decode())))
    path = tmp_path / "extract.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    result = CliRunner().invoke(app, ["trace", "load", str(path), "--source", "DWP", "--kind", "dwp",
                                      "--lawful-basis", LAWFUL_BASIS, "--retain-days", "30", "--as", "admin.mps"])
    assert result.exit_code == 0, result.output


def test_officers_cannot_load(traced, officer, tmp_path):
    assert _load(tmp_path, traced["csv"], user="officer.mps").exit_code == 1


@pytest.mark.parametrize("command", [["trace", "run", "--source", "DWP"], ["trace", "train", "--source", "DWP"],
                                     ["trace", "stats"]])
def test_an_unknown_format_is_refused_before_any_work(command):
    """--format takes json or text: anything else is refused naming the option (it fell back to text before)."""
    result = CliRunner().invoke(app, [*command, "--format", "xml", "--as", "officer.mps"])
    assert result.exit_code == 2
    assert "--format" in result.output and "must be json or text" in result.output


@pytest.mark.parametrize("value", ["DWP\x07", "DW\u2028P", "w " * 1000, "A" * 100_000])
@pytest.mark.parametrize("command", [["trace", "run"], ["trace", "train"]])
def test_a_hostile_source_name_is_refused_naming_the_field(command, value, force_admin):
    """--source goes through the one text rule (as on the page and the API): refused naming it, not echoed back."""
    result = CliRunner().invoke(app, [*command, "--source", value, "--as", "admin.mps"])
    assert result.exit_code == 2, result.output
    assert "source" in result.output and "No partner source" not in result.output
    assert len(result.output) < 2000
