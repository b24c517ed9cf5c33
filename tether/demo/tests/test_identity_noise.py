"""The demo register's identity noise: aliases spelt another way and planted near-duplicates, deterministic."""

from __future__ import annotations

from datetime import date

from tether.demo.generator import generate_documents
from tether.demo.identity_noise import DUPLICATE_EVERY, with_identity_noise


def _docs(seed: int) -> list[dict]:
    return list(with_identity_noise(generate_documents(300, seed, date(2025, 6, 16)), seed))


def test_noise_is_deterministic_and_keeps_the_count():
    docs = _docs(5)
    assert docs == _docs(5)
    assert len(docs) == 300 and len({d["id"] for d in docs}) == 300


def test_aliases_and_planted_duplicates():
    docs = _docs(5)
    assert sum(1 for d in docs if any(n["kind"] == "alias" for n in d["names"])) >= 300 // 23 - 1
    planted = docs[DUPLICATE_EVERY - 1]
    earlier = docs[DUPLICATE_EVERY - 41 : DUPLICATE_EVERY - 1]
    assert any(e["date_of_birth"][:4] == planted["date_of_birth"][:4] for e in earlier)
