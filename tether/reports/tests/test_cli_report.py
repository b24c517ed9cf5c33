"""``tether report``: published figures as JSON, CSV, XLSX and ODS; the files hold the same numbers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from tether.audit.models import AuditEvent
from tether.casework.case_services import case_open
from tether.cli import app
from tether.conftest import per_module
from tether.register.services import person_create
from tether.reports import rollup
from tether.reports.models import ForceReturn

from .test_exporters import ods_rows

pytestmark = pytest.mark.django_db
runner = CliRunner()
MPS, GMP = "Metropolitan Police Service", "Greater Manchester Police"


def _build_cases() -> None:
    """8 open MPS cases (went missing 2019-2022) and 6 GMP ones (2023)."""
    from tether.conftest import national_admin_user, registrant_doc

    admin = national_admin_user()
    for i in range(8):
        p = person_create(admin, registrant_doc(force="MPS"))
        case_open(admin, p.pk, {"opened_on": f"{2019 + i % 4}-03-0{1 + i % 5}"})
    for i in range(6):
        p = person_create(admin, registrant_doc(force="GMP"))
        case_open(admin, p.pk, {"opened_on": f"2023-0{1 + i}-10"})


cases_built = per_module(_build_cases)


@pytest.fixture
def cases(cases_built: None, national_admin: Any, frozen: Any) -> None:
    """``_build_cases``, built once for the module."""


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["report", *args])
    return result.exit_code, result.stdout, result.stderr


def test_missing_as_json(cases, analyst, foi_national):
    code, out, _ = run("missing", "--as-of", "2025-06-16", "--threshold", "3", "--rounding", "1",
                       "--as", "foi.national")
    assert code == 0
    data = json.loads(out)
    cells = {(c["row"], c["col"]): c["text"] for c in data["cells"]}
    assert cells[(MPS, "Count")] == "8" and cells[(GMP, "Count")] == "6"
    assert data["total"]["value"] == 14 and data["policy"]["threshold"] == 3
    assert data["as_of"] == "2025-06-16" and data["rows"] == [GMP, MPS]  # held in Tether, not all 45
    ev = AuditEvent.objects.filter(action="report.run").order_by("-seq").first()
    assert ev.actor == foi_national and ev.detail["figure"] == "missing"


def test_the_standard_policy_rounds_and_hides(cases, foi_national):
    _, out, _ = run("missing", "--by", "force,year_missing", "--as", "foi.national")
    data = json.loads(out)
    cells = {(c["row"], c["col"]): c for c in data["cells"]}
    assert cells[(GMP, "2023")]["text"] == "5"  # 6 rounded to the nearest 5
    assert cells[(MPS, "2019")]["text"] == "<5" and cells[(MPS, "2019")]["value"] is None
    assert "raw" not in out and '"count"' not in out


def test_force_users_get_their_force(cases, analyst):
    code, out, _ = run("missing", "--threshold", "3", "--rounding", "1", "--as", "analyst.mps")
    assert code == 0 and json.loads(out)["rows"] == [MPS]
    code, _, err = run("missing", "--force", "GMP", "--as", "analyst.mps")
    assert code == 1 and "own force" in err


def test_csv_xlsx_and_ods_hold_the_same_numbers(cases, foi_national, tmp_path: Path):
    args = ("missing", "--by", "force", "--as-of", "2025-06-16", "--threshold", "3", "--rounding", "1",
            "--as", "foi.national")
    code, out, _ = run(*args, "--format", "csv")
    assert code == 0
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(out)) if r}
    assert rows[MPS][0] == "8" and rows[GMP][0] == "6" and rows["Total"][0] == "14"

    xlsx = tmp_path / "missing.xlsx"
    assert run(*args, "--format", "xlsx", "--out", str(xlsx))[0] == 0
    ws = load_workbook(xlsx).active
    sheet = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert sheet[MPS][0] == 8 and sheet[GMP][0] == 6 and sheet["Total"][0] == 14

    ods = tmp_path / "missing.ods"
    assert run(*args, "--format", "ods", "--out", str(ods))[0] == 0
    table = {r[0]: r[1:] for r in ods_rows(ods.read_bytes()) if r and r[0]}
    assert table[MPS][0] == "8" and table[GMP][0] == "6" and table["Total"][0] == "14"


def test_binary_formats_need_out(cases, foi_national):
    code, _, err = run("missing", "--format", "xlsx", "--as", "foi.national")
    assert code == 2 and "--out" in err


def test_registrants_cases_and_series(cases, foi_national):
    code, out, _ = run("registrants", "--by", "country", "--threshold", "3", "--rounding", "1",
                       "--as", "foi.national")
    assert code == 0
    assert {c["row"]: c["text"] for c in json.loads(out)["cells"]}["England and Wales"] == "14"
    code, out, _ = run("cases", "--period", "2023-01-01..2023-12-31", "--threshold", "3", "--rounding", "1",
                       "--as", "foi.national")
    data = json.loads(out)
    assert code == 0 and data["period"] == ["2023-01-01", "2023-12-31"]
    assert {(c["row"], c["col"]): c["text"] for c in data["cells"]}[(GMP, "Opened")] == "6"
    code, out, _ = run("series", "--as-of", "2025-06-16", "--threshold", "3", "--rounding", "1",
                       "--as", "foi.national")
    points = json.loads(out)["points"]
    assert code == 0 and len(points) == 24 and points[-1] == {"date": "2025-06-16", "text": "14", "value": 14,
                                                              "suppressed": ""}
    code, out, _ = run("series", "--format", "csv", "--as", "foi.national")
    lines = out.splitlines()  # the same layout as the statistics page's trend download
    assert code == 0 and lines[0].startswith("Open missing and wanted cases at each month end")
    assert "Month end,Count" in lines and lines[-1].startswith("Disclosure control,")


@pytest.mark.parametrize(("args", "message"), [
    (("missing", "--as-of", "16/06/2025"), "as_of: must be a real date written as YYYY-MM-DD"),
    (("missing", "--by", "name"), "by: one or two of"),
    (("cases", "--period", "2025-01-01"), "period: must be two dates"),
    (("missing", "--threshold", "2"), "threshold: must be between"),
    (("missing", "--format", "pdf"), "format: must be one of"),
])
def test_bad_options_name_the_field(cases, foi_national, args, message):
    code, _, err = run(*args, "--as", "foi.national")
    assert code == 2 and message in err


def test_the_account_is_required_and_must_have_a_report_role(cases, officer, monkeypatch):
    monkeypatch.delenv("TETHER_USER", raising=False)
    code, _, err = run("missing")
    assert code == 2 and "--as USERNAME" in err
    code, _, err = run("missing", "--as", "nobody")
    assert code == 1 and "No active account" in err
    code, _, err = run("missing", "--as", "officer.mps")
    assert code == 1 and "Only analysts" in err
    monkeypatch.setenv("TETHER_USER", "officer.mps")
    assert run("missing")[0] == 1


def test_rollup_import_and_report(cases, foi_national, tmp_path: Path):
    sample = Path(rollup.__file__).parent / "data" / "returns-2018.csv"
    code, _, err = run("rollup", "--import", str(sample), "--as", "foi.national")  # national, not an administrator
    assert code == 1 and "Only national administrators import force returns." in err
    assert not ForceReturn.objects.exists()
    code, out, _ = run("rollup", "--import", str(sample), "--as", "admin.national")
    assert code == 0 and json.loads(out)["imported"] == 21
    code, out, _ = run("rollup", "--as-of", "2025-06-16", "--as", "foi.national")
    data = json.loads(out)
    assert code == 0 and data["coverage"]["coverage"] == "16 of 45 forces answered"  # MPS, GMP + 14 returns
    assert data["coverage"]["from_tether"] == ["GMP", "MPS"]
    bad = tmp_path / "bad.csv"
    bad.write_text("force,as_at,year_missing,count\nMPS,2018-02,2017,x\nZZZ,2018-02,2017,1\n", encoding="utf-8")
    code, _, err = run("rollup", "--import", str(bad), "--as", "admin.national")
    assert code == 2 and "line 2.count" in err and "line 3.force" in err and "nothing was imported" in err
