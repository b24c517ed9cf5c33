"""The national roll-up: Tether's forces as at the date plus imported returns, with partial coverage."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tether.audit.models import AuditEvent
from tether.core.errors import Forbidden, ValidationFailed
from tether.reports import rollup
from tether.reports.models import ForceReturn

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world_afresh: Any) -> Any:
    """The register built for each test: most tests here import returns into an empty one."""
    return world_afresh

SAMPLE = (Path(rollup.__file__).parent / "data" / "returns-2018.csv").read_text(encoding="utf-8")
MPS, GMP, PSOS = "Metropolitan Police Service", "Greater Manchester Police", "Police Scotland"


def test_the_sample_returns_import(national_admin, frozen):
    result = rollup.import_returns(national_admin, SAMPLE, source="Press survey of forces, February 2018")
    assert result.rows == 21 and len(result.forces) == 15
    assert result.as_at == (date(2018, 1, 31), date(2018, 2, 28), date(2018, 3, 31))
    assert ForceReturn.objects.count() == 21
    mps = {r.year_missing: r.count for r in ForceReturn.objects.filter(force__code="MPS")}
    assert mps == {2018: 11, 2017: 79, 2016: 38, None: 99} and sum(mps.values()) == 227
    ev = AuditEvent.objects.get(action="report.returns_import")
    assert ev.actor == national_admin and ev.detail["rows"] == 21 and ev.detail["total"] == 353


def test_a_bad_file_imports_nothing_and_names_every_bad_line(national_admin, frozen):
    text = ("force,as_at,year_missing,count\n"
            "MPS,2018-02-28,2017,79\n"
            "XXX,2018-02-28,2017,3\n"
            "GMP,2018-13,2017,3\n"
            "GMP,2018-02-28,1890,3\n"
            "GMP,2018-02-28,2017,-2\n"
            "GMP,2030-01-01,2017,2\n"
            "MPS,2018-02-28,2017,1\n"
            "MPS,2018-02-28\n")
    with pytest.raises(ValidationFailed) as exc:
        rollup.import_returns(national_admin, text, source="test")
    assert set(exc.value.errors) == {"line 3.force", "line 4.as_at", "line 5.year_missing", "line 6.count",
                                     "line 7.as_at", "line 8.year_missing", "line 9.line"}
    assert "repeats line 2" in exc.value.errors["line 8.year_missing"][0]
    assert ForceReturn.objects.count() == 0
    assert not AuditEvent.objects.filter(action="report.returns_import").exists()


@pytest.mark.parametrize(("text", "field"), [
    ("code,date,year,n\nMPS,2018-02,2017,1\n", "header"),
    ("force,as_at,year_missing,count\n", "file"),
    ("", "header"),
])
def test_header_and_empty_files(national_admin, frozen, text, field):
    with pytest.raises(ValidationFailed) as exc:
        rollup.import_returns(national_admin, text, source="test")
    assert field in exc.value.errors


def test_a_source_is_required(national_admin, frozen):
    with pytest.raises(ValidationFailed) as exc:
        rollup.import_returns(national_admin, SAMPLE, source=" ")
    assert "source" in exc.value.errors


def test_returns_are_append_only(national_admin, frozen):
    rollup.import_returns(national_admin, SAMPLE, source="s")
    with pytest.raises(RuntimeError):
        ForceReturn.objects.update(count=0)
    with pytest.raises(RuntimeError):
        ForceReturn.objects.all().delete()
    r = ForceReturn.objects.first()
    r.count = 0
    with pytest.raises(RuntimeError):
        r.save()


def test_rollup_from_returns_only_with_partial_coverage(world, national_admin, frozen):
    rollup.import_returns(national_admin, SAMPLE, source="Press survey, February 2018")
    r = rollup.national_rollup(national_admin, date(2018, 2, 28))
    # nobody's register in Tether began by then; DER and LEI answered as at 31 March: not yet
    assert r.from_tether == () and len(r.from_returns) == 13 and r.coverage == "13 of 45 forces answered"
    assert r.returns_as_at == (date(2018, 1, 31), date(2018, 2, 28))
    t = r.table
    assert t.national and t.cols == ("2006", *(str(y) for y in range(2007, 2019)), rollup.NOT_STATED)
    assert t.count(MPS, "2017") == 79 and t.count(MPS, rollup.NOT_STATED) == 99
    assert t.count("West Midlands Police", "2006") == 1
    assert t.total() == 353 - 7 - 1  # the survey's 353, less DER and LEI
    assert "13 of 45 forces answered" in t.notes[0]
    assert any("range from 31 January 2018 to 28 February 2018" in n for n in t.notes)
    assert MPS in t.rows and GMP not in t.rows  # only answering forces are rows: a blank is not a zero


def test_rollup_prefers_tether_for_the_forces_it_holds(world, national_admin, frozen):
    rollup.import_returns(national_admin, SAMPLE, source="Press survey, February 2018")
    r = rollup.national_rollup(national_admin, date(2025, 6, 16))
    assert r.from_tether == ("GMP", "MPS", "PSOS")  # in force-name order
    assert len(r.from_returns) == 14 and "MPS" not in r.from_returns
    assert r.coverage == "17 of 45 forces answered" and len(r.not_answered) == 28
    t = r.table
    assert t.count(MPS, "2015") == 1 and t.count(MPS, rollup.NOT_STATED) == 0  # Tether's figure, not 2018's
    assert t.count(GMP, "2024") == 1 and t.count(PSOS, "2010") == 1
    assert t.count("Derbyshire Constabulary", rollup.NOT_STATED) == 7
    assert r.returns_as_at == (date(2018, 1, 31), date(2018, 3, 31))


def test_the_latest_return_wins(national_admin, frozen):
    rollup.import_returns(national_admin, "force,as_at,year_missing,count\nLAN,2018-02,2017,12\n", source="a")
    frozen.move_to(datetime(2025, 6, 17, 9, tzinfo=UTC))
    rollup.import_returns(national_admin, "force,as_at,year_missing,count\nLAN,2018-02,2017,10\n"
                          "LAN,2018-02,2016,1\n", source="corrected")
    rollup.import_returns(national_admin, "force,as_at,year_missing,count\nLAN,2019-02,2018,4\n", source="2019")
    lan = "Lancashire Constabulary"
    t = rollup.national_rollup(national_admin, date(2018, 12, 31)).table
    assert (t.count(lan, "2017"), t.count(lan, "2016")) == (10, 1)
    t = rollup.national_rollup(national_admin, date(2019, 3, 1)).table
    assert (t.count(lan, "2017"), t.count(lan, "2018")) == (0, 4)


def test_only_national_users(world, national_admin, analyst, officer, supervisor, foi_national, frozen):
    for who in (analyst, officer, supervisor):
        with pytest.raises(Forbidden):
            rollup.national_rollup(who, date(2025, 6, 16))
        with pytest.raises(Forbidden):
            rollup.import_returns(who, SAMPLE, source="s")
    assert rollup.national_rollup(foi_national, date(2025, 6, 16)).answered == 3
    with pytest.raises(Forbidden, match="Only national administrators import force returns"):
        rollup.import_returns(foi_national, SAMPLE, source="s")  # national, but not an administrator
    ev = AuditEvent.objects.filter(action="report.run").order_by("-seq").first()
    assert ev.actor == foi_national and ev.detail["figure"] == "rollup"
