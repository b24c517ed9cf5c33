"""The pure visit and assessment rules: one row a case, boundary dates included."""

from __future__ import annotations

from datetime import date

import pytest

from tether.management import rules as r

D = date.fromisoformat
BASE = r.Facts(managed_from=D("2024-01-10"), risk_level=r.HIGH, last_seen_visit=D("2025-03-16"),
               last_arms=D("2024-01-15"), arms_next_review=D("2025-07-01"))


def facts(**kw: object) -> r.Facts:
    from dataclasses import replace

    return replace(BASE, **kw)  # type: ignore[arg-type]


VISIT_CASES = [
    # (name, facts changes, policy, as_of, expected due, expected status)
    ("high: 3 months after the last visit, due day itself", {}, r.FIXED, "2025-06-16", "2025-06-16", r.DUE),
    ("high: overdue the day after", {}, r.FIXED, "2025-06-17", "2025-06-16", r.OVERDUE),
    ("very high: monthly", {"risk_level": r.VERY_HIGH}, r.FIXED, "2025-04-16", "2025-04-16", r.DUE),
    ("very high: overdue next day", {"risk_level": r.VERY_HIGH}, r.FIXED, "2025-04-17", "2025-04-16", r.OVERDUE),
    ("medium: six months", {"risk_level": r.MEDIUM}, r.FIXED, "2025-06-16", "2025-09-16", r.DUE),
    ("low: annually", {"risk_level": r.LOW}, r.FIXED, "2025-06-16", "2026-03-16", r.DUE),
    ("month end: 31 Jan + 1 month = 28 Feb", {"risk_level": r.VERY_HIGH, "last_seen_visit": D("2025-01-31")},
     r.FIXED, "2025-02-28", "2025-02-28", r.DUE),
    ("no level: the low minimum", {"risk_level": None}, r.FIXED, "2025-06-16", "2026-03-16", r.DUE),
    ("no visit yet: from management start", {"last_seen_visit": None}, r.FIXED, "2025-06-16", "2024-04-10",
     r.OVERDUE),
    ("individual plan: the officer's interval", {"plan_months": 2}, r.INDIVIDUAL, "2025-06-16", "2025-05-16",
     r.OVERDUE),
    ("individual policy without a plan: the minimum", {}, r.INDIVIDUAL, "2025-06-16", "2025-06-16", r.DUE),
    ("fixed policy ignores a plan", {"plan_months": 2}, r.FIXED, "2025-06-16", "2025-06-16", r.DUE),
    ("reactive + intelligence: visit within 14 days", {"mode": r.REACTIVE, "mode_since": D("2024-06-01"),
     "intelligence_on": D("2025-06-02")}, r.FIXED, "2025-06-15", "2025-06-15", r.DUE),
    ("reactive + intelligence: overdue on day 15", {"mode": r.REACTIVE, "mode_since": D("2024-06-01"),
     "intelligence_on": D("2025-06-02")}, r.FIXED, "2025-06-16", "2025-06-15", r.OVERDUE),
]


@pytest.mark.parametrize(("name", "changes", "policy", "as_of", "due", "status"), VISIT_CASES,
                         ids=[c[0] for c in VISIT_CASES])
def test_home_visit_due(name: str, changes: dict, policy: str, as_of: str, due: str, status: str) -> None:
    out = r.evaluate(facts(**changes), D(as_of), r.Policy(kind=policy))
    visit = out.due(r.HOME_VISIT)
    assert visit is not None
    assert (visit.due, visit.status) == (D(due), status)
    assert visit.reason and "domain.md §8.3" in visit.citation


def test_reactive_without_intelligence_has_no_visit_and_says_why() -> None:
    out = r.evaluate(facts(mode=r.REACTIVE, mode_since=D("2024-06-01"), intelligence_on=D("2024-05-31")),
                     D("2025-06-16"))
    assert out.due(r.HOME_VISIT) is None
    assert any("Reactive management" in n for n in out.explanations)


ARMS_CASES = [
    ("initial: within 15 days of release, day 15", {"last_arms": None, "arms_next_review": None,
     "managed_from": D("2025-06-01")}, "2025-06-15", r.ARMS_INITIAL, "2025-06-15", r.DUE),
    ("initial: overdue on day 16", {"last_arms": None, "arms_next_review": None,
     "managed_from": D("2025-06-01")}, "2025-06-16", r.ARMS_INITIAL, "2025-06-15", r.OVERDUE),
    ("assessment before release does not count", {"last_arms": D("2025-05-01"), "managed_from": D("2025-06-01")},
     "2025-06-10", r.ARMS_INITIAL, "2025-06-15", r.DUE),
    ("review by the date set", {}, "2025-07-01", r.ARMS_REVIEW, "2025-07-01", r.DUE),
    ("review overdue the day after", {}, "2025-07-02", r.ARMS_REVIEW, "2025-07-01", r.OVERDUE),
    ("review default 12 months", {"arms_next_review": None}, "2025-06-16", r.ARMS_REVIEW, "2025-01-15", r.OVERDUE),
    ("reactive + intelligence brings the review forward", {"mode": r.REACTIVE, "mode_since": D("2024-06-01"),
     "intelligence_on": D("2025-06-02")}, "2025-06-16", r.ARMS_REVIEW, "2025-06-29", r.DUE),
]


@pytest.mark.parametrize(("name", "changes", "as_of", "kind", "due", "status"), ARMS_CASES,
                         ids=[c[0] for c in ARMS_CASES])
def test_assessment_due(name: str, changes: dict, as_of: str, kind: str, due: str, status: str) -> None:
    out = r.evaluate(facts(**changes), D(as_of))
    duty = out.due(kind)
    assert duty is not None, out
    assert (duty.due, duty.status) == (D(due), status)
    assert "domain.md §8.2" in duty.citation


def test_no_duties_in_custody_or_before_registration() -> None:
    assert r.evaluate(facts(in_custody=True), D("2025-06-16")).duties == ()
    assert r.evaluate(facts(managed_from=None), D("2025-06-16")).duties == ()


REACTIVE_CASES = [
    ("low for exactly 3 years", [(r.LOW, D("2022-06-16"), None)], None, True),
    ("one day short", [(r.LOW, D("2022-06-17"), None)], None, False),
    ("contiguous low spans count together", [(r.LOW, D("2021-01-01"), D("2023-01-01")),
                                             (r.LOW, D("2023-01-01"), None)], None, True),
    ("currently medium", [(r.LOW, D("2020-01-01"), D("2025-01-01")), (r.MEDIUM, D("2025-01-01"), None)], None,
     False),
    ("recent police notice", [(r.LOW, D("2020-01-01"), None)], D("2025-01-01"), False),
    ("notice over a year ago", [(r.LOW, D("2020-01-01"), None)], D("2024-06-15"), True),
    ("no level", [], None, False),
]


@pytest.mark.parametrize(("name", "spans", "notice", "eligible"), REACTIVE_CASES, ids=[c[0] for c in REACTIVE_CASES])
def test_reactive_eligibility(name: str, spans: list, notice: date | None, eligible: bool) -> None:
    ok, why = r.reactive_eligibility(spans, D("2025-06-16"), notice)
    assert ok is eligible
    assert why


def test_suggested_visits_vary_day_and_time() -> None:
    out = r.suggest_visit_times(D("2025-06-30"), D("2025-06-16"), previous=[(0, 0)])
    assert len(out) == 3
    assert len({d.weekday() for d, _, _ in out}) == 3
    assert len({part for _, _, part in out}) == 3
    assert all(d.weekday() != 0 and d.weekday() != 6 and d <= D("2025-06-30") for d, _, _ in out)


def test_weighted_caseload() -> None:
    assert r.weighted([r.VERY_HIGH, r.HIGH, r.MEDIUM, r.LOW, None]) == 3 + 2 + 1.5 + 1 + 1


def test_weighted_counts_is_weighted_of_each_registrant() -> None:
    """A caseload weighted from its counts per level is ``weighted`` of the registrants one by one, to the last bit:
    the default weights, halves and quarters, and weights that no binary fraction holds (added one at a time)."""
    import random
    from collections import Counter

    rng = random.Random(1500)
    levels = (r.VERY_HIGH, r.HIGH, r.MEDIUM, r.LOW, None)
    for weights in (None, {r.VERY_HIGH: 4.25, r.HIGH: 2.5, r.MEDIUM: 1.75, r.LOW: 0.5},
                    {r.VERY_HIGH: 3.3, r.HIGH: 2.2, r.MEDIUM: 1.1, r.LOW: 0.7}, {r.HIGH: 0.1}):
        for _ in range(300):
            counts = Counter({lvl: rng.choice((0, 1, 2, 7, 49, 50, 333)) for lvl in rng.sample(levels, 3)})
            assert r.weighted_counts(counts, weights) == r.weighted(list(counts.elements()), weights)
    assert r.weighted_counts(Counter({r.HIGH: 3}), {r.HIGH: 0.1}) == r.weighted([r.HIGH] * 3, {r.HIGH: 0.1})


def test_capacity_and_what_if() -> None:
    low = r.Facts(managed_from=D("2015-01-01"), risk_level=r.LOW, last_seen_visit=D("2024-07-01"),
                  last_arms=D("2025-01-01"), arms_next_review=D("2026-01-01"))
    high = r.Facts(managed_from=D("2015-01-01"), risk_level=r.HIGH, last_seen_visit=D("2025-05-01"),
                   last_arms=D("2025-01-01"), arms_next_review=D("2026-01-01"))
    demand = [r.Demand(f"L{i}", low, True) for i in range(10)] + [r.Demand(f"H{i}", high) for i in range(5)]
    kw = {"start": D("2025-06-16"), "months": 3, "officers": 1, "hours_per_officer_month": 10,
          "hours_per_visit": 3, "hours_per_assessment": 6}
    now = r.capacity(demand, policy=r.Policy(), **kw)
    assert now.visits == 15 and now.hours_required == 45 and now.hours_available == 30
    assert len(now.missed) == 5 and all(w.level == r.LOW for w in now.missed)  # highest risk done first
    alt = r.capacity(demand, policy=r.Policy(kind=r.REACTIVE_ELIGIBLE), **kw)
    assert alt.visits == 5 and not alt.missed


@pytest.mark.parametrize("kind", [r.FIXED, r.INDIVIDUAL, r.REACTIVE_ELIGIBLE])
def test_capacity_counted_gives_the_figures_of_planning_each_registrant(kind: str) -> None:
    """Counts of work per (risk level, due, kind) plan the same as one item per registrant, skips included (a
    6-hour assessment that no longer fits while 3-hour visits still do)."""
    people = []
    for i in range(60):
        level = (r.VERY_HIGH, r.HIGH, r.MEDIUM, r.LOW, None)[i % 5]
        people.append(r.Demand(f"P{i:02d}", r.Facts(
            managed_from=D("2020-01-01"), risk_level=level, plan_months=(2 if i % 7 == 0 else None),
            last_seen_visit=D("2025-01-01") if i % 3 else None,
            last_arms=D("2024-06-01") if i % 4 else None, arms_next_review=D("2025-07-01") if i % 8 else None),
            reactive_eligible=level == r.LOW))
    policy = r.Policy(kind=kind)
    for hours in (40, 100, 1000):
        kw = {"start": D("2025-06-16"), "months": 3, "officers": 1, "hours_per_officer_month": hours,
              "hours_per_visit": 3.0, "hours_per_assessment": 6.0}
        each = r.capacity(people, policy=policy, **kw)  # type: ignore[arg-type]
        end = r.add_months(D("2025-06-16"), 3) - r.timedelta(days=1)
        counted = r.capacity_counted(r.work_buckets(people, policy, D("2025-06-16"), end), policy=kind,
                                     **kw)  # type: ignore[arg-type]
        assert (counted.visits, counted.assessments, counted.hours_required, counted.hours_available,
                counted.done, counted.will_be_missed, counted.shortfall_hours) == (
            each.visits, each.assessments, each.hours_required, each.hours_available, each.done,
            each.will_be_missed, each.shortfall_hours)


@pytest.mark.parametrize("kind", [r.FIXED, r.INDIVIDUAL, r.REACTIVE_ELIGIBLE])
def test_first_missed_from_counts_is_the_plans_missed_list(kind: str) -> None:
    """``first_missed`` (from the counted plan's missed buckets and each bucket's members) lists the same work as the
    first items of ``capacity``'s ``missed``, in its order: buckets cut part way (by key), several kinds on one day,
    every level and none, and limits shorter and longer than the list."""
    import random

    rng = random.Random(150)
    days = [D("2024-03-31"), D("2025-01-31"), D("2025-06-16"), D("2025-06-20"), D("2025-07-31"), None]
    people = [r.Demand(f"P{i:03d}", r.Facts(
        managed_from=D("2020-01-01"), risk_level=rng.choice((r.VERY_HIGH, r.HIGH, r.MEDIUM, r.LOW, None)),
        plan_months=rng.choice((None, None, 2)), mode=rng.choice((r.ACTIVE, r.ACTIVE, r.REACTIVE)),
        last_seen_visit=rng.choice(days), last_arms=rng.choice([*days[:-1], D("2019-01-01")]),
        arms_next_review=rng.choice(days), intelligence_on=rng.choice(days)), reactive_eligible=rng.random() < 0.4)
        for i in range(150)]
    policy = r.Policy(kind=kind)
    start = D("2025-06-16")
    end = r.add_months(start, 3) - r.timedelta(days=1)
    members = r.bucket_keys(people, policy, start, end)
    assert {b: len(keys) for b, keys in members.items()} == r.work_buckets(people, policy, start, end)
    rng.shuffle(people)  # the plan's order is its own, not the input's
    seen_partial = False
    for hours in (10, 40, 100, 160, 1000):
        kw = {"start": start, "months": 3, "officers": 1, "hours_per_officer_month": hours,
              "hours_per_visit": 3.0, "hours_per_assessment": 6.0}
        each = r.capacity(people, policy=policy, **kw)  # type: ignore[arg-type]
        counted = r.capacity_counted(r.work_buckets(people, policy, start, end), policy=kind,
                                     **kw)  # type: ignore[arg-type]
        assert sum(m for _, m in counted.missed_buckets) == len(each.missed)
        seen_partial |= any(m < len(members[b]) for b, m in counted.missed_buckets)
        for limit in (1, 7, 50, 10_000):
            needed = r.missed_first_buckets(counted.missed_buckets, limit)
            got = r.first_missed(counted.missed_buckets, {b: members[b] for b in needed}, hours_per_visit=3.0,
                                 hours_per_assessment=6.0, limit=limit)
            assert got == list(each.missed[:limit])
    assert seen_partial


def test_dues_are_evaluates_duties_without_the_words() -> None:
    """``dues`` (what ``capacity`` plans from) gives the kind and last day of every duty ``evaluate`` gives, in its
    order, and ``_visit_interval`` the months of ``visit_months``, over many facts drawn with a fixed seed."""
    import random

    rng = random.Random(15)
    days = [D("2019-03-01"), D("2022-11-30"), D("2024-02-29"), D("2025-01-31"), D("2025-05-20"), D("2025-06-16"),
            D("2025-06-20"), None]
    kinds = (r.FIXED, r.INDIVIDUAL)
    checked = 0
    for _ in range(4000):
        facts = r.Facts(
            managed_from=rng.choice(days), in_custody=rng.random() < 0.1,
            risk_level=rng.choice((r.VERY_HIGH, r.HIGH, r.MEDIUM, r.LOW, None)),
            mode=rng.choice((r.ACTIVE, r.REACTIVE)), mode_since=rng.choice(days),
            plan_months=rng.choice((None, 1, 2, 5)), last_seen_visit=rng.choice(days), last_arms=rng.choice(days),
            arms_next_review=rng.choice(days), intelligence_on=rng.choice(days), in_scope=rng.random() < 0.9)
        policy = r.Policy(kind=rng.choice(kinds), arms_days=rng.choice((5, 15)),
                          arms_review_months=rng.choice((6, 12)))
        as_of = rng.choice([d for d in days if d])
        assert r.dues(facts, as_of, policy) == [(d.kind, d.due) for d in r.evaluate(facts, as_of, policy).duties]
        assert r._visit_interval(facts, policy) == r.visit_months(facts, policy)[0]
        checked += bool(r.dues(facts, as_of, policy))
    assert checked > 1000
