"""The demo generator: deterministic, valid, synthetic and shaped like the national register.
Generator-only tests: no database."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from tether.demo.generator import expected_total, generate_documents
from tether.demo.geography import FORCES, FULL_SIZE, force_counts
from tether.obligations import evaluate
from tether.register.documents import parse_registrant
from tether.register.facts import facts_for

TODAY = date(2025, 6, 15)


@pytest.fixture(scope="module")
def docs_3000() -> list[dict]:
    return list(generate_documents(3000, 7, TODAY))


def test_same_seed_gives_identical_documents_and_another_seed_does_not():
    a = list(generate_documents(200, 11, TODAY))
    b = list(generate_documents(200, 11, TODAY))
    c = list(generate_documents(200, 12, TODAY))
    assert a == b
    assert a != c
    assert len({d["id"] for d in a}) == 200


def test_every_document_is_valid_and_synthetic(frozen, docs_3000):
    for raw in docs_3000:
        doc = parse_registrant(raw, known_forces=FORCES, today=TODAY)
        assert doc.synthetic is True
        assert raw["synthetic"] is True


def test_nothing_is_dated_in_the_future(docs_3000):
    today = TODAY.isoformat()
    for d in docs_3000:
        dates = [x["date"] for x in d["disposals"]]
        dates += [a["valid_from"] for a in d["addresses"]] + [n["valid_from"] for n in d["names"]]
        dates += [c["opened"] for c in d["cases"]] + [c["closed"] for c in d["cases"] if c["closed"]]
        dates += [x["start"] for x in d["detentions"]] + [x["end"] for x in d["detentions"] if x["end"]]
        assert all(x <= today for x in dates), d["id"]
        for n in d["notifications"]:
            assert n["received_at"].endswith("Z") and n["received_at"][:10] < today


@pytest.mark.parametrize("n", [45, 200, 1000])
def test_sizes_cover_every_force(n):
    counts = force_counts(n)
    assert sum(counts.values()) == n == expected_total(n)
    assert set(counts) == set(FORCES) and len(counts) == 45
    assert min(counts.values()) >= 1
    forces = Counter(d["force"] for d in generate_documents(n, 3, TODAY))
    assert forces == Counter(counts)


def test_full_size_keeps_the_published_figures():
    counts = force_counts(None)
    assert sum(counts.values()) == FULL_SIZE == expected_total(None)
    ew = sum(n for c, n in counts.items() if FORCES[c].country in ("england", "wales"))
    assert ew == 70_052
    assert counts["PSOS"] == 4_948
    assert counts["GMP"] == 4_407 and counts["WMP"] == 3_655  # published counts kept
    assert counts["MPS"] == max(counts.values())


def test_scaled_down_proportions_hold():
    counts = force_counts(7_700)  # a tenth
    assert abs(counts["PSOS"] - 495) <= 1 and abs(counts["GMP"] - 441) <= 1


def test_scotland_has_no_cautions_and_elsewhere_about_one_in_ten(docs_3000):
    kinds = Counter((d["force"] == "PSOS", x["kind"]) for d in docs_3000 for x in d["disposals"])
    assert kinds[(True, "caution")] == 0
    rest = sum(n for (scot, _), n in kinds.items() if not scot)
    assert 0.06 < kinds[(False, "caution")] / rest < 0.14


def test_people_look_like_the_register(docs_3000):
    n = len(docs_3000)
    assert 0.80 < sum(d["sex"] == "male" for d in docs_3000) / n < 0.90
    ages = [TODAY.year - int(d["date_of_birth"][:4]) for d in docs_3000]
    assert sum(25 <= a <= 70 for a in ages) / n > 0.7
    assert any(len(d["disposals"]) == 3 for d in docs_3000)
    months = [x["months"] for d in docs_3000 for x in d["disposals"] if x["kind"] == "imprisonment"]
    assert min(months) <= 6 and any(7 <= m < 30 for m in months) and max(months) >= 30
    assert 0.08 < sum(any(n["kind"] == "alias" for n in d["names"]) for d in docs_3000) / n < 0.22
    assert 0.005 < sum(any(a["kind"] == "nfa" for a in d["addresses"]) for d in docs_3000) / n < 0.04


def test_missing_rate_is_plausible_and_weighted_to_the_met(docs_3000):
    open_by_force = Counter(d["force"] for d in docs_3000 for c in d["cases"] if c["closed"] is None)
    rate = sum(open_by_force.values()) / len(docs_3000)
    assert 0.003 < rate < 0.012
    size = Counter(d["force"] for d in docs_3000)
    assert open_by_force["MPS"] / size["MPS"] > 2 * rate
    cases = [c for d in docs_3000 for c in d["cases"]]
    assert all(c["opened"] >= "2005-01-01" for c in cases)
    assert any(c["closed"] and c["outcome"] for c in cases)
    assert all(c["warrant"] for c in cases if c["kind"] == "wanted")


def test_no_notification_after_an_open_case_opened(docs_3000):
    for d in docs_3000:
        for c in d["cases"]:
            last = c["closed"] or "9999"  # a closed case: back in touch on or after the day it closed
            assert not any(c["opened"] <= n["received_at"][:10] < last for n in d["notifications"]), d["id"]


def test_most_people_are_subject_and_compliant(frozen, docs_3000):
    """With the rules engine: nearly everyone is on the register today; a small share is overdue."""
    subject = overdue = 0
    for raw in docs_3000:
        doc = parse_registrant(raw, known_forces=FORCES, today=TODAY)
        outcome = evaluate(facts_for(doc, FORCES[doc.force].jurisdiction), TODAY)
        subject += outcome.registration.subject
        overdue += any(o.status == "overdue" for o in outcome.obligations) and not raw["cases"]
    assert subject / len(docs_3000) > 0.97
    assert 0.001 < overdue / len(docs_3000) < 0.05


def test_each_trip_is_linked_to_its_travel_notification(frozen, docs_3000):
    """As the register links a trip to the travel notification that gave it: ``notified_on`` is the day of a
    travel notification naming the trip's departure and country, so the engine reads the trip's own notice."""
    trips = linked = 0
    for raw in docs_3000:
        travel = {(n["received_at"][:10], n["details"].get("departure"), n["details"].get("destination"))
                  for n in raw["notifications"] if n["kind"] == "travel"}
        for t in raw.get("trips", []):
            trips += 1
            if t["notified_on"] is not None:
                linked += 1
                assert (t["notified_on"], t["departure"], t["countries"][0]) in travel
                assert t["notified_on"] < t["departure"]
    assert trips > 20 and linked == trips  # every demo trip was notified beforehand
    facts = [facts_for(parse_registrant(raw, known_forces=FORCES, today=TODAY), FORCES[raw["force"]].jurisdiction)
             for raw in docs_3000 if raw.get("trips")]
    assert all(e.notified_on is not None for f in facts for e in f.events if e.kind == "departure")
