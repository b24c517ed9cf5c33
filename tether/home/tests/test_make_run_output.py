"""What `make run` prints: a line for each step (migrate --quiet, sweep --brief), then the demo logins last."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from tether.cli import app

pytestmark = pytest.mark.django_db


def test_sweep_brief_is_one_line_not_the_json_summary(mps_person: Any, frozen: Any) -> None:
    out = CliRunner().invoke(app, ["sweep", "--brief", "--as-of", "2025-06-30"])
    assert out.exit_code == 0, out.output
    lines = [line for line in out.output.splitlines() if line.strip()]
    assert len(lines[-1]) < 200 and lines[-1].startswith("Swept ") and "as at 30 June 2025" in lines[-1]
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[-1])


def test_migrate_quiet_prints_one_line_not_each_migration() -> None:
    out = CliRunner().invoke(app, ["migrate", "--quiet"])
    assert out.exit_code == 0, out.output
    assert len([line for line in out.output.splitlines() if line.strip()]) == 1
    assert "Applying" not in out.output


def test_logins_name_each_demo_account() -> None:
    out = CliRunner().invoke(app, ["logins"])
    assert out.exit_code == 0, out.output
    assert "officer.mps" in out.output
