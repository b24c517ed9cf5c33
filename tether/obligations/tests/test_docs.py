"""docs/rules.md stays true: its worked examples are what the code prints, and its JSON Schemas name
exactly the fields the contract reads and writes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tether.obligations import contract, outcome_to_dict, parse_facts, run_cli

DOC = Path(__file__).resolve().parents[3] / "docs" / "rules.md"
_BLOCK = re.compile(r"<!-- example-(input|output) (\d+)(?: status=(\d+))? -->\n```json\n(.*?)\n```", re.S)


def _doc() -> str:
    if not DOC.exists():
        pytest.skip("docs/rules.md not present")
    return DOC.read_text(encoding="utf-8")


def _examples() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for kind, number, status, body in _BLOCK.findall(_doc()):
        entry = found.setdefault(number, {})
        entry[kind] = body
        if status:
            entry["status"] = int(status)
    return found


def _schemas() -> list[dict[str, Any]]:
    blocks = re.findall(r"```json\n(\{\n  \"\$schema\".*?)\n```", _doc(), re.S)
    return [json.loads(b) for b in blocks]


def test_at_least_three_worked_examples() -> None:
    assert len(_examples()) >= 3


def test_worked_examples_match_the_code() -> None:
    for number, ex in _examples().items():
        status, out = run_cli(ex["input"])
        assert status == ex["status"], number
        assert out == ex["output"], f"example {number} is stale: regenerate docs/rules.md"


def test_input_schema_names_the_contract_fields() -> None:
    schema = _schemas()[0]
    assert set(schema["properties"]) == contract._TOP
    defs = schema["$defs"]
    assert set(defs["disposal"]["properties"]) == contract._DISPOSAL
    assert set(defs["order"]["properties"]) == contract._ORDER
    assert set(defs["detention"]["properties"]) == contract._DETENTION
    assert set(defs["notification"]["properties"]) == contract._NOTIFICATION
    assert set(defs["event"]["properties"]) == contract._EVENT
    assert set(defs["review"]["properties"]) == contract._REVIEW


def test_output_schema_names_the_output_fields() -> None:
    schema = _schemas()[1]
    first = _examples()["1"]
    facts, as_of = parse_facts(json.loads(first["input"]))
    from tether.obligations import evaluate

    data = outcome_to_dict(evaluate(facts, as_of))
    assert set(schema["properties"]) == set(data)
    assert set(schema["properties"]["registration"]["properties"]) == set(data["registration"])
    assert set(schema["$defs"]["obligation"]["properties"]) == set(data["obligations"][0])


def test_not_modelled_names_no_historic_regime_nor_the_prescribed_items() -> None:
    """Issue 16 is done when the engine's "Not modelled" list no longer names historic regimes or the prescribed
    items: the 1997 Act and its transition, the transitional provisions, the 2012 items are all modelled."""
    text = _doc()
    section = text[text.index("## Not modelled"):]
    for gone in ("1 September 1997", "1997 Act", "transitional", "reg 3", "prescribed items", "13 August 2012"):
        assert gone not in section, gone
