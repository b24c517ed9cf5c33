"""The demo register's legal record: every document still parses, and the register has something to show on each
legal screen (an SRO or notification order, a travel prohibition with passports surrendered, a review decided, a
licence end), the same for the same seed."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from tether.demo.generator import generate_documents
from tether.demo.identity_noise import with_identity_noise
from tether.demo.legal import with_legal_record
from tether.register.documents import parse_registrant
from tether.register.services import forces_by_code

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 15)


def _docs(n: int, seed: int) -> list[dict]:
    return list(with_legal_record(with_identity_noise(generate_documents(n, seed, TODAY), seed), seed, TODAY))


def test_the_demo_carries_the_legal_record_and_every_document_parses(frozen):
    docs = _docs(2500, 5)
    seen: Counter[str] = Counter()
    known = forces_by_code()
    for raw in docs:
        doc = parse_registrant(raw, known_forces=known, today=TODAY)
        seen.update(o.kind for o in doc.orders)
        seen.update(f"review {r.decision or 'waiting'}" for r in doc.reviews)
        seen["surrendered"] += sum(1 for o in doc.orders if o.extras.passports_surrendered_on)
        seen["licence end"] += sum(1 for d in doc.detentions if d.licence_end)
        seen["removed"] += len(doc.removals)
    for what in ("sro", "notification_order", "ftp", "surrendered", "licence end", "review refused"):
        assert seen[what] > 0, (what, seen)
    assert seen["removed"] == 0  # a discharge ends the registration through the review (tether/demo/legal.py)
    assert _docs(300, 5) == docs[:0] + _docs(300, 5)  # deterministic for a seed
