"""The demo register's legal record: every document still parses, and the register has something to show on each
legal screen (an SRO or notification order, a travel prohibition with passports surrendered, a review decided, a
licence end, removals from the register), the same for the same seed. The removals are worked out with the rules
engine, so the register never refuses one."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from tether.demo.generator import generate_documents
from tether.demo.identity_noise import with_identity_noise
from tether.demo.legal import may_have_ended, removals, with_legal_record
from tether.obligations import Disposal, Facts, Order, Review, evaluate
from tether.register.documents import parse_registrant
from tether.register.facts import facts_for
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
        facts = facts_for(doc, known[doc.force].jurisdiction)
        if may_have_ended(raw, TODAY):
            raw["removals"] = removals(facts, raw.get("reviews", []), TODAY)
            doc = parse_registrant(raw, known_forces=known, today=TODAY)  # the register accepts each removal
        else:  # the cheap test never hides a removal the engine would find
            assert evaluate(facts, TODAY).registration.subject or raw.get("date_of_death")
        discharged = [r for r in doc.reviews if r.decision == "discharged"]
        seen["discharged, removed that day"] += sum(1 for r in discharged for x in doc.removals
                                                    if x.reason == "review" and x.removed_on == r.decided_on)
        seen["discharged, removed when the period ended"] += bool(discharged) and any(
            x.reason == "period_ended" for x in doc.removals)
        seen.update(f"removed: {x.reason}" for x in doc.removals)
        seen.update(o.kind for o in doc.orders)
        seen.update(f"review {r.decision or 'waiting'}" for r in doc.reviews)
        seen["surrendered"] += sum(1 for o in doc.orders if o.extras.passports_surrendered_on)
        seen["licence end"] += sum(1 for d in doc.detentions if d.licence_end)
    for what in ("sro", "notification_order", "ftp", "surrendered", "licence end", "review refused",
                 "review discharged", "discharged, removed that day"):
        assert seen[what] > 0, (what, seen)
    assert _docs(300, 5) == _docs(300, 5)  # deterministic for a seed


def _indefinite(**extra) -> Facts:
    """Imprisonment for 4 years in 2001 (indefinite), notified on release."""
    from tether.obligations import Notification

    return Facts(jurisdiction="england-wales", date_of_birth=date(1960, 1, 1),
                 disposals=(Disposal(date(2001, 1, 20), "imprisonment", months=48), *extra.pop("disposals", ())),
                 notifications=(Notification("initial", date(2003, 1, 20)),), **extra)


def _reviewed(decided: str) -> list[dict]:
    return [{"applied_on": "2019-12-01", "decision": "discharged", "decided_on": decided}]


def test_a_discharge_that_ends_the_registration_is_removed_that_day():
    facts = _indefinite(review=Review(date(2020, 1, 6), "discharged"))
    assert removals(facts, _reviewed("2020-01-06"), TODAY) == [
        {"reason": "review", "removed_on": "2020-01-06", "note": "Notice of the determination handed over in person."}]


def test_a_discharge_while_a_later_sentence_keeps_them_subject_is_removed_when_that_period_ends():
    # the default demo's case: discharged in 2020, but a 4-month sentence in 2014 keeps them subject for 7 years
    facts = _indefinite(review=Review(date(2020, 1, 6), "discharged"),
                        disposals=(Disposal(date(2014, 4, 29), "imprisonment", months=4),))
    assert evaluate(facts, date(2020, 1, 6)).registration.subject
    found = removals(facts, _reviewed("2020-01-06"), TODAY)
    assert [(r["reason"], r["removed_on"]) for r in found] == [("period_ended", "2021-04-29")]
    assert not evaluate(facts, date(2021, 4, 29)).registration.subject
    assert evaluate(facts, date(2021, 4, 28)).registration.subject
    assert removals(facts, _reviewed("2020-01-06"), date(2021, 4, 28)) == []  # that day has not come yet


def test_no_removal_while_subject_or_before_the_day_after_the_period():
    assert removals(_indefinite(), [], TODAY) == []
    caution = Facts(jurisdiction="england-wales", date_of_birth=date(1980, 1, 1),
                    disposals=(Disposal(date(2020, 3, 1), "caution"),))
    end = evaluate(caution, TODAY).registration.end
    assert end is not None and end < TODAY
    day = (end + timedelta(days=1)).isoformat()
    assert removals(caution, [], TODAY) == [{"reason": "period_ended", "removed_on": day, "note": "The notification "
                                             "period ended: removed at the periodic check of the register."}]
    assert removals(caution, [], end) == []
    kept = Facts(jurisdiction="england-wales", date_of_birth=date(1980, 1, 1),
                 disposals=(Disposal(date(2020, 3, 1), "caution"),), orders=(Order("shpo", date(2020, 3, 1)),))
    assert removals(kept, [], TODAY) == [] and not may_have_ended(
        {"disposals": [{"kind": "caution"}], "orders": [{"kind": "shpo", "start": "2020-03-01", "end": None}]}, TODAY)
