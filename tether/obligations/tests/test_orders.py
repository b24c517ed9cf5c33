"""Orders by kind (rules 2026.12.3): an SHPO keeps or makes a person subject and bars a review; a notification order
(s.97) makes a person subject for the period it states, with an initial notification from the day it is made, and
does not bar a review."""

from __future__ import annotations

from datetime import date

import pytest

from tether.obligations import RULES_VERSION
from tether.obligations.types import Order

from .factories import D, disp, facts, note, only, run, shpo

FINED_2015 = (disp("2015-03-04", "other"),)  # 5 years: ended 3 March 2020
LIFE_2005 = (disp("2005-03-04", "life"),)


def notification_order(start: str, end: str | None = None) -> Order:
    return Order(kind="notification_order", start=D(start), end=D(end) if end else None)


def test_the_rules_version_changed_with_the_order_kinds():
    assert tuple(int(part) for part in RULES_VERSION.split(".")) >= (2026, 12, 3)


@pytest.mark.parametrize(("order", "as_of", "subject", "end"), [
    (notification_order("2025-06-02", "2030-06-01"), "2025-06-16", True, date(2030, 6, 1)),
    (notification_order("2025-06-02", "2030-06-01"), "2030-06-02", False, date(2030, 6, 1)),
    (notification_order("2025-06-02"), "2040-01-01", True, None),
    (notification_order("2025-07-01", "2030-06-30"), "2025-06-16", False, date(2020, 3, 3)),  # not made yet
])
def test_a_notification_order_makes_a_person_subject_for_its_period(order, as_of, subject, end):
    reg = run(facts(disposals=FINED_2015, orders=(order,)), as_of).registration
    assert (reg.subject, reg.end) == (subject, end)


def test_a_notification_order_starts_an_initial_notification_cited_s97():
    out = run(facts(disposals=FINED_2015, orders=(notification_order("2025-06-02", "2030-06-01"),),
                    notifications=(note("initial", "2015-03-05"),)), "2025-06-16")
    initial = [o for o in out.obligations if o.kind == "initial" and o.trigger == date(2025, 6, 2)]
    assert len(initial) == 1 and initial[0].due == date(2025, 6, 4) and initial[0].status == "overdue"
    assert initial[0].citation == "SOA 2003 s.83(1); SOA 2003 s.97"
    assert "notification order" in initial[0].explanation
    assert "SOA 2003 s.97" in out.registration.citations


@pytest.mark.parametrize(("orders", "eligible"), [
    ((), date(2021, 9, 2)),
    ((shpo("2024-01-01"),), None),  # s.91A: not while an SHPO is in force
    ((shpo("2020-01-01", "2024-12-31"),), date(2021, 9, 2)),  # ended before as_of
    ((notification_order("2024-01-01"),), date(2021, 9, 2)),  # a notification order does not bar a review
])
def test_only_an_shpo_bars_a_review(orders, eligible):
    out = run(facts(disposals=LIFE_2005, orders=orders, notifications=(note("initial", "2006-09-02"),)),
              "2025-06-16")
    assert out.registration.review_eligible_from == eligible


def test_an_shpo_still_reads_as_before():
    out = run(facts(disposals=FINED_2015, orders=(shpo("2025-06-02", "2030-06-01"),)), "2025-06-16")
    assert out.registration.subject and "SOA 2003 s.103G" in out.registration.citations
    assert only(out, "initial").citation == "SOA 2003 s.83(1); s.103G"
