"""The demo's missing and wanted cases against missing-2018.csv: the cases open on 28 February 2018 per
force, in proportion to the published counts. Generator-only: no database."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date

import pytest

from tether.demo.generator import generate_documents
from tether.demo.geography import FORCES, MISSING_CSV, MISSING_OVERRIDES

TODAY = date(2025, 6, 16)
SNAPSHOT = "2018-02-28"
N = 20_000


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    return list(generate_documents(N, 2018, TODAY))


def _open_on(case: dict, day: str) -> bool:
    return case["opened"] <= day and (case["closed"] is None or case["closed"] > day)


def _published() -> dict[str, int]:
    with MISSING_CSV.open(encoding="utf-8") as fh:
        return {r["force_code"]: int(r["missing_count"]) for r in csv.DictReader(fh)}


def test_cases_open_on_the_snapshot_follow_the_published_counts(docs):
    published = _published()
    full = sum(f.full_size for f in FORCES.values())
    scale = N / full
    open_on = Counter(d["force"] for d in docs for c in d["cases"] if _open_on(c, SNAPSHOT))
    # national: ~0.7% of the register (the published counts plus the other forces' share)
    expected_total = 0.007 * N
    assert 0.75 * expected_total <= sum(open_on.values()) <= 1.25 * expected_total
    # the Met dominates, as in the file (227 of the forces that answered), then the West Midlands
    listed = sum(open_on[c] for c in published)
    assert 0.5 <= open_on["MPS"] / listed <= 0.8  # published: 227 / 353 = 0.64
    assert abs(open_on["MPS"] - published["MPS"] * scale) <= 0.3 * published["MPS"] * scale
    assert abs(open_on["WMP"] - published["WMP"] * scale) <= 0.5 * published["WMP"] * scale
    # the small forces together, within a loose band (small numbers)
    small = [c for c in published if c not in ("MPS", "WMP")]
    expected_small = sum(published[c] for c in small) * scale
    assert 0.5 * expected_small <= sum(open_on[c] for c in small) <= 1.6 * expected_small
    # forces with an override count (not in the file) follow it too
    assert open_on["GMP"] >= 0.5 * MISSING_OVERRIDES["GMP"] * scale


def test_cases_go_back_to_2005_with_some_open_over_a_decade(docs):
    cases = [c for d in docs for c in d["cases"]]
    assert all(c["opened"] >= "2005-01-01" for c in cases)
    assert min(c["opened"] for c in cases) < "2008-01-01"
    decade_ago = "2015-06-16"
    still_open_long = [c for c in cases if c["closed"] is None and c["opened"] <= decade_ago]
    assert len(still_open_long) >= 5
    # open on the snapshot and closed since, with an outcome
    closed_since = [c for c in cases if _open_on(c, SNAPSHOT) and c["closed"]]
    assert closed_since and all(c["outcome"] for c in closed_since)
    # opened since the snapshot and open today
    assert any(c["opened"] > SNAPSHOT and c["closed"] is None for c in cases)


def test_many_are_believed_abroad_and_wanted_cases_carry_warrants(docs):
    cases = [c for d in docs for c in d["cases"]]
    abroad = sum(c["believed_abroad"] for c in cases) / len(cases)
    assert 0.25 <= abroad <= 0.6
    for c in cases:
        if c["kind"] == "wanted":
            assert c["warrant"] and (c["closed"] is None or c["warrant"] < c["closed"])
        else:
            assert c["warrant"] is None
        assert (c["outcome"] is None) == (c["closed"] is None)
        if c["outcome"] == "returned":
            assert c["believed_abroad"]


def test_back_in_touch_after_a_case_closed(docs):
    for d in docs:
        for c in d["cases"]:
            if c["closed"] and c["closed"] < "2025-01-01":
                assert any(n["received_at"][:10] >= c["closed"] for n in d["notifications"]), d["id"]
