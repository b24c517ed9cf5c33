"""Disclosure control cell by cell, plus Hypothesis properties: nothing hidden can be recovered."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tether.reports.disclosure import (
    HIDDEN_TEXT,
    MARGIN,
    PRIMARY,
    SECONDARY,
    STANDARD,
    Cell,
    Policy,
    PublishedTable,
    cell_bounds,
    publish,
    publish_series,
    rate,
    recoverable_cells,
)
from tether.reports.tables import COUNT, Series, Table

from .factories import grid, oneway

EXACT = Policy(name="Exact", threshold=5, rounding=1)
T8 = Policy(name="Eight", threshold=8, rounding=5)
NO_SECONDARY = Policy(secondary=False)
NATIONAL = Policy(name="National", exact_national_totals=True)


def texts(pt: PublishedTable) -> dict[str, Any]:
    """The table as shown: rows of cell texts with the row total last, then the column totals and grand total."""
    return {
        "rows": [[pt.cells[(r, c)].text for c in pt.cols] + [pt.row_totals[r].text] for r in pt.rows],
        "totals": [pt.col_totals[c].text for c in pt.cols] + [pt.total.text],
    }


# --- the policy ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        pytest.param({"threshold": 2}, "threshold", id="threshold-2-would-show-1-as-<2"),
        pytest.param({"threshold": "5"}, "threshold", id="threshold-text"),
        pytest.param({"threshold": True}, "threshold", id="threshold-bool"),
        pytest.param({"rounding": 0}, "rounding", id="rounding-0"),
        pytest.param({"rounding": 10}, "rounding", id="rounding-above-threshold"),
        pytest.param({"threshold": 7, "rounding": 5}, "rounding", id="7-rounds-down-to-5"),
        pytest.param({"threshold": 6, "rounding": 5}, "rounding", id="6-rounds-down-to-5"),
        pytest.param({"name": ""}, "name", id="empty-name"),
        pytest.param({"secondary": "yes"}, "secondary", id="secondary-not-bool"),
        pytest.param({"exact_national_totals": 1}, "exact_national_totals", id="exact-not-bool"),
        pytest.param({"colour": "red"}, "colour", id="unknown-field"),
    ],
)
def test_bad_policy_names_the_field(fields: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=f"^{field}:"):
        Policy.from_dict(fields)


@pytest.mark.parametrize("policy", [STANDARD, EXACT, T8, NATIONAL, Policy(threshold=10, rounding=5),
                                    Policy(threshold=8, rounding=1), Policy(threshold=3, rounding=3)])
def test_policy_round_trips_through_its_dict(policy: Policy) -> None:
    assert Policy.from_dict(json.loads(json.dumps(policy.to_dict()))) == policy


def test_policy_describes_itself_in_plain_english() -> None:
    text = STANDARD.describe()
    assert 'Counts of 1 to 4 are shown as "<5"' in text
    assert "rounded to the nearest 5" in text
    assert "[c]" in text
    assert "calculated from the unrounded figures" in text
    assert "nearest" not in EXACT.describe()
    assert "Counts of 1 to 7" in T8.describe()
    assert "national grand total is shown exactly" in NATIONAL.describe()


# --- one count at a time --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "policy", "text", "value", "suppressed"),
    [
        (0, STANDARD, "0", 0, ""),
        (1, STANDARD, "<5", None, PRIMARY),
        (4, STANDARD, "<5", None, PRIMARY),
        (5, STANDARD, "5", 5, ""),
        (7, STANDARD, "5", 5, ""),
        (8, STANDARD, "10", 10, ""),  # 7.5 and up rounds up
        (12, STANDARD, "10", 10, ""),
        (13, STANDARD, "15", 15, ""),
        (1002, STANDARD, "1000", 1000, ""),
        (1003, STANDARD, "1005", 1005, ""),
        (0, T8, "0", 0, ""),
        (1, T8, "<8", None, PRIMARY),
        (7, T8, "<8", None, PRIMARY),
        (8, T8, "10", 10, ""),
        (4, EXACT, "<5", None, PRIMARY),
        (5, EXACT, "5", 5, ""),
        (13, EXACT, "13", 13, ""),
        (7, Policy(threshold=8, rounding=1), "<8", None, PRIMARY),
        (8, Policy(threshold=8, rounding=1), "8", 8, ""),
    ],
)
def test_one_count(count: int, policy: Policy, text: str, value: int | None, suppressed: str) -> None:
    pt = publish(oneway([count]), policy)
    assert pt.cells[("R1", COUNT)] == Cell(text, value, suppressed)


# --- whole tables -------------------------------------------------------------------------------------------


def test_totals_come_from_unrounded_counts() -> None:
    pt = publish(grid([[12, 12, 12], [3, 3, 3]]), NO_SECONDARY)
    assert texts(pt) == {
        "rows": [["10", "10", "10", "35"], ["<5", "<5", "<5", "10"]],  # 36 -> 35 (not 30); 9 -> 10
        "totals": ["15", "15", "15", "45"],
    }


def test_totals_below_the_threshold_are_suppressed() -> None:
    pt = publish(grid([[1, 2], [0, 0]]), NO_SECONDARY)
    assert texts(pt) == {"rows": [["<5", "<5", "<5"], ["0", "0", "0"]], "totals": ["<5", "<5", "<5"]}
    assert pt.row_totals["R2"] == Cell("0", 0)


def test_a_national_total_is_exact_only_when_the_policy_says_so() -> None:
    national = oneway([12, 13, 31], national=True)
    assert publish(national, NATIONAL).total == Cell("56", 56)
    assert publish(national, NATIONAL).total_exact
    assert publish(national, STANDARD).total == Cell("55", 55)
    assert publish(oneway([12, 13, 31]), NATIONAL).total == Cell("55", 55)  # not a national table
    assert publish(oneway([1, 2], national=True), NATIONAL).total.text == "<5"  # still suppressed below 5


def test_true_zeros_are_shown_and_never_hidden() -> None:
    pt = publish(grid([[3, 0, 10], [0, 0, 0]]), EXACT)
    assert texts(pt) == {
        "rows": [["<5", "0", "[c]", "13"], ["0", "0", "0", "0"]],
        "totals": ["<5", "0", "[c]", "13"],
    }


def test_secondary_suppression_along_rows_and_columns() -> None:
    table = grid([[3, 10], [12, 7], [20, 40]])
    assert texts(publish(table, EXACT)) == {
        "rows": [["<5", "[c]", "13"], ["[c]", "[c]", "19"], ["20", "40", "60"]],
        "totals": ["35", "57", "92"],
    }
    cells = publish(table, EXACT).cells
    assert cells[("R1", "C2")] == Cell(HIDDEN_TEXT, None, SECONDARY)
    assert cells[("R1", "C1")].suppressed == PRIMARY


def test_secondary_suppression_reaches_the_margins() -> None:
    assert texts(publish(oneway([3, 10, 20]), EXACT)) == {
        "rows": [["<5", "<5"], ["[c]", "[c]"], ["20", "20"]],
        "totals": ["33", "33"],
    }
    assert texts(publish(grid([[3, 10, 20]]), EXACT)) == {
        "rows": [["<5", "[c]", "20", "33"]],
        "totals": ["<5", "[c]", "20", "33"],
    }


def test_rounding_can_be_enough_protection_on_its_own() -> None:
    # "<5" is 1..4 and the row total 15 is 13..17 once rounded: the hidden cell is not pinned, nothing more hides.
    pt = publish(grid([[3, 10], [12, 7], [20, 40]]))
    assert texts(pt) == {
        "rows": [["<5", "10", "15"], ["10", "5", "20"], ["20", "40", "60"]],
        "totals": ["35", "55", "90"],
    }


def test_hidden_small_cells_under_a_small_total_are_protected() -> None:
    # Four "<5" under a "<5" total would each be exactly 1; the total is hidden as [c] instead.
    pt = publish(oneway([1, 1, 1, 1]), EXACT)
    assert [pt.cells[(r, COUNT)].text for r in pt.rows] == ["<5"] * 4
    assert pt.col_totals[COUNT].text == HIDDEN_TEXT
    assert pt.total.text == HIDDEN_TEXT
    assert recoverable_cells(pt) == set()


def test_threshold_eight_hides_one_to_seven() -> None:
    pt = publish(grid([[7, 8, 30], [1, 22, 40]]), T8)
    shown = texts(pt)
    assert shown["rows"][0][:1] == ["<8"] and shown["rows"][1][:1] == ["<8"]
    assert pt.cells[("R1", "C2")].text in {"10", HIDDEN_TEXT}
    assert recoverable_cells(pt) == set()


def test_without_secondary_a_hidden_cell_can_be_recovered() -> None:
    pt = publish(grid([[3, 10], [12, 7]]), Policy(rounding=1, secondary=False))
    assert recoverable_cells(pt) == {("R1", "C1")}
    assert cell_bounds(pt)[("R1", "C1")] == (3, 3)
    assert recoverable_cells(publish(grid([[3, 10], [12, 7]]), EXACT)) == set()


def test_bad_tables_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 0"):
        publish(oneway([-1]))
    with pytest.raises(ValueError, match="outside"):
        publish(Table("t", "r", "c", ("a",), (COUNT,), {("b", COUNT): 1}, date(2025, 1, 1)))
    with pytest.raises(ValueError, match="unique"):
        publish(Table("t", "r", "c", ("a", "a"), (COUNT,), {}, date(2025, 1, 1)))


def test_to_dict_is_json_and_carries_the_policy() -> None:
    d = publish(grid([[3, 10], [12, 7]], notes=("Open cases.",))).to_dict()
    json.dumps(d)
    assert d["policy"] == STANDARD.to_dict()
    assert d["policy_description"] == STANDARD.describe()
    assert d["as_of"] == "2025-03-31"
    assert d["notes"] == ["Open cases."]
    assert {"row": "R1", "col": "C1", "text": "<5", "value": None, "suppressed": "primary"} in d["cells"]


def test_series_and_rates() -> None:
    series = Series("Open missing cases", ((date(2025, 1, 31), 0), (date(2025, 2, 28), 3), (date(2025, 3, 31), 12)))
    assert publish_series(series) == (
        (date(2025, 1, 31), Cell("0", 0)),
        (date(2025, 2, 28), Cell("<5", None, PRIMARY)),
        (date(2025, 3, 31), Cell("10", 10)),
    )
    assert rate(Cell("10", 10), 400) == "2.5"
    assert rate(Cell("10", 10), 400, per=1000) == "25.0"
    assert rate(Cell("<5", None, PRIMARY), 400) == "[c]"
    assert rate(Cell("[c]", None, SECONDARY), 400) == "[c]"
    assert rate(Cell("10", 10), 0) == ""


# --- properties -----------------------------------------------------------------------------------------------

PROPERTY = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
POLICIES = [STANDARD, EXACT, T8, NATIONAL, Policy(threshold=8, rounding=1), Policy(threshold=3, rounding=1),
            Policy(threshold=10, rounding=5, exact_national_totals=True), Policy(threshold=5, rounding=2)]
COUNTS = st.one_of(st.just(0), st.integers(1, 9), st.integers(0, 60))


@st.composite
def tables(draw: st.DrawFn, max_rows: int = 4, max_cols: int = 4, counts: st.SearchStrategy[int] = COUNTS) -> Table:
    n_rows = draw(st.integers(1, max_rows))
    n_cols = draw(st.integers(1, max_cols))
    rows = [[draw(counts) for _ in range(n_cols)] for _ in range(n_rows)]
    return grid(rows, national=draw(st.booleans()))


def entries(pt: PublishedTable) -> Iterator[tuple[tuple[str, str], Cell]]:
    yield from pt.cells.items()
    yield from (((r, MARGIN), c) for r, c in pt.row_totals.items())
    yield from (((MARGIN, c), cell) for c, cell in pt.col_totals.items())
    yield (MARGIN, MARGIN), pt.total


def raw_values(table: Table) -> dict[tuple[str, str], int]:
    raw = {(r, c): table.count(r, c) for r in table.rows for c in table.cols}
    raw.update({(r, MARGIN): table.row_total(r) for r in table.rows})
    raw.update({(MARGIN, c): table.col_total(c) for c in table.cols})
    raw[(MARGIN, MARGIN)] = table.total()
    return raw


def shows(cell: Cell, value: int, *, margin: bool, policy: Policy, exact: bool) -> bool:
    """Could a figure of ``value`` be shown as ``cell``? Written from the rules, independently of the module."""
    t, r = policy.threshold, policy.rounding
    if cell.text == "0":
        return value == 0
    if cell.text == f"<{t}":
        return 1 <= value <= t - 1
    if cell.text == HIDDEN_TEXT:
        return value >= (1 if margin else t)
    shown = int(cell.text)
    return value >= t and (value == shown if exact else math.floor(value / r + 0.5) * r == shown)


@PROPERTY
@given(st.sampled_from(POLICIES), tables())
def test_no_hidden_figure_is_pinned_by_the_bounds(policy: Policy, table: Table) -> None:
    pt = publish(table, policy)
    assert recoverable_cells(pt) == set()
    raw = raw_values(table)
    for key, (lo, hi) in cell_bounds(pt).items():
        assert lo <= raw[key] <= hi, key  # the bounds are sound: the true count is always inside


@settings(PROPERTY, max_examples=150)
@given(st.sampled_from(POLICIES), tables(max_rows=2, max_cols=3, counts=st.integers(0, 14)))
def test_brute_force_every_hidden_figure_takes_two_values(policy: Policy, table: Table) -> None:
    """Enumerate every raw table consistent with what is published; each hidden figure must vary."""
    pt = publish(table, policy)
    cap = 3 * max(14, policy.threshold)
    bounds = cell_bounds(pt)  # only ever narrows the search, so it can only make this test stricter
    inner = list(pt.cells)
    choices = []
    for key in inner:
        lo, hi = bounds[key]
        values = [v for v in range(lo, min(hi, cap) + 1)
                  if shows(pt.cells[key], v, margin=False, policy=policy, exact=False)]
        choices.append(values)
    assert math.prod(len(c) for c in choices) <= 2_000_000
    seen: dict[tuple[str, str], set[int]] = {k: set() for k, cell in entries(pt) if cell.hidden}
    raw = raw_values(table)
    found_true = False
    for combo in itertools.product(*choices):
        values = dict(zip(inner, combo, strict=True))
        values.update({(r, MARGIN): sum(values[(r, c)] for c in pt.cols) for r in pt.rows})
        values.update({(MARGIN, c): sum(values[(r, c)] for r in pt.rows) for c in pt.cols})
        values[(MARGIN, MARGIN)] = sum(values[(r, MARGIN)] for r in pt.rows)
        if not all(shows(cell, values[k], margin=MARGIN in k, policy=policy,
                         exact=pt.total_exact and k == (MARGIN, MARGIN)) for k, cell in entries(pt)):
            continue
        found_true = found_true or all(values[k] == raw[k] for k in values)
        for key, vals in seen.items():
            vals.add(values[key])
    assert found_true, "the real table must be among those consistent with what is published"
    for key, vals in seen.items():
        assert len(vals) >= 2, (key, vals, texts(pt))


@PROPERTY
@given(st.sampled_from(POLICIES), tables())
def test_nothing_published_is_a_small_count(policy: Policy, table: Table) -> None:
    pt = publish(table, policy)
    for _key, cell in entries(pt):
        if cell.value is None:
            assert cell.suppressed in {PRIMARY, SECONDARY}
            assert cell.text == (HIDDEN_TEXT if cell.suppressed == SECONDARY else f"<{policy.threshold}")
        else:
            assert cell.value == 0 or cell.value >= policy.threshold
            assert cell.text == str(cell.value)
            assert not cell.suppressed


def _numbers(obj: object) -> Iterator[int]:
    if isinstance(obj, bool):
        return
    if isinstance(obj, int):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _numbers(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from _numbers(v)


@PROPERTY
@given(st.sampled_from(POLICIES), tables())
def test_to_dict_holds_no_raw_counts(policy: Policy, table: Table) -> None:
    pt = publish(table, policy)
    d = pt.to_dict()
    json.dumps(d)
    published = {k: v for k, v in d.items() if k not in {"policy", "policy_description"}}
    raw = raw_values(table)
    for n in _numbers(published):
        assert n == 0 or n >= policy.threshold  # never a count in 1..threshold-1
        # a number is either a rounded figure or the exact national total
        assert n % policy.rounding == 0 or (pt.total_exact and n == raw[(MARGIN, MARGIN)])
    listed = [*d["cells"], *d["row_totals"], *d["col_totals"], d["total"]]  # type: ignore[misc]
    hidden_raw = {raw[k] for k, cell in entries(pt) if cell.hidden}
    for item in listed:
        if item["suppressed"]:
            assert item["value"] is None and item["text"] in {HIDDEN_TEXT, f"<{policy.threshold}"}
        assert str(item["text"]) in {HIDDEN_TEXT, f"<{policy.threshold}", str(item["value"])}
    if policy.rounding == 1:
        return
    visible = {n for n in _numbers(published)}
    # with rounding, a hidden count shows up only if it happens to be a multiple of the rounding base
    assert all(v % policy.rounding == 0 for v in hidden_raw & visible)
