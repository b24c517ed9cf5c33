"""``Outcome.changes_on``: the day the outcome next changes, for the cases that matter to the daily sweep.

Each row: the facts, an as-of date, the expected ``changes_on``, and what is different on that day (so the
date is not merely early). ``test_properties`` checks on generated facts that nothing changes before it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from tether.obligations.types import Facts, Outcome

from .factories import D, det, disp, ev, facts, normalised, note, of_kind, run

Check = Callable[[Outcome], bool]

PERIODIC = facts(disposals=(disp("2024-01-10"),), notifications=(note("initial", "2024-01-11"),))
NON_OCCURRENCE = facts(
    disposals=(disp("2024-01-10"),),
    notifications=(note("initial", "2024-01-11"), note("change", "2024-05-25")),
    # notified for 1 June; the move has not happened (recorded later, on 1 July)
    events=(ev("address_change", "2024-07-01", advance="2024-06-01"),),
)
ABSENCE = facts(
    "northern-ireland",
    disposals=(disp("2024-01-10"),),
    notifications=(note("initial", "2024-01-11"),),
    events=(ev("stay", "2024-03-01", address="A"),),
)
STAY = facts(
    disposals=(disp("2024-01-10"),),
    notifications=(note("initial", "2024-01-11"),),
    events=(ev("stay", "2024-03-01", address="A"),),
)
ENDS = facts(
    disposals=(disp("2023-03-01", "caution"),),
    notifications=(note("initial", "2023-03-02"), note("periodic", "2024-03-01")),
)
SORNA_HELD = facts(
    "us-sorna",
    disposals=(disp("2020-01-01", tier=1),),
    notifications=(note("initial", "2020-01-02"),),
    detentions=(det("custody", "2021-01-01"),),
)
SORNA_HELD_AGAIN = facts(
    "us-sorna",
    disposals=(disp("2000-01-01", tier=1),),
    notifications=(note("initial", "2000-01-01"),),
    # released on 3 January and back in custody the same day, with no end: one open span from 1 January
    detentions=(det("custody", "2000-01-01", "2000-01-03"), det("custody", "2000-01-03")),
)
RELEASE = facts(
    disposals=(disp("2024-01-10"),),
    notifications=(note("initial", "2024-01-11"),),
    detentions=(det("custody", "2024-03-01", "2024-09-01"),),
)

CASES: list[tuple[str, Facts, str, str | None, Check]] = [
    # periodic notification due on 11 January 2025: overdue from the 12th, nothing changes before
    ("periodic due next year", PERIODIC, "2024-06-01", "2025-01-12",
     lambda o: of_kind(o, "periodic")[0].status == "overdue"),
    ("periodic: due on the day itself", PERIODIC, "2025-01-11", "2025-01-12",
     lambda o: of_kind(o, "periodic")[0].status == "overdue"),
    # the advance notification itself, not yet made on 20 May, is a fact dated ahead (it restarts s.85)
    ("a notification still to come", NON_OCCURRENCE, "2024-05-20", "2024-05-25",
     lambda o: of_kind(o, "periodic")[0].trigger == D("2024-05-25")),
    # the 3 days beginning with 1 June end on 3 June: the non-occurrence duty exists from 4 June
    ("non-occurrence window", NON_OCCURRENCE, "2024-06-01", "2024-06-04",
     lambda o: len(of_kind(o, "non_occurrence")) == 1 and of_kind(o, "non_occurrence")[0].due == D("2024-06-06")),
    ("non-occurrence: then overdue", NON_OCCURRENCE, "2024-06-04", "2024-06-07",
     lambda o: of_kind(o, "non_occurrence")[0].status == "overdue"),
    # NI s.85A: a stay from 1 March is an absence of more than 3 days on 4 March
    ("absence reaching its threshold", ABSENCE, "2024-03-01", "2024-03-04",
     lambda o: len(of_kind(o, "absence")) == 1),
    # s.84(6): 7 days at one address on 7 March
    ("stay reaching 7 days", STAY, "2024-03-02", "2024-03-07",
     lambda o: len(of_kind(o, "change")) == 1),
    # a caution's 2 years end on 28 February 2025: not subject from 1 March
    ("registration end", ENDS, "2025-01-01", "2025-03-01", lambda o: not o.registration.subject),
    # release on a recorded date: the s.84(1)(c) duty starts that day
    ("release on a recorded date", RELEASE, "2024-06-01", "2024-09-01",
     lambda o: len(of_kind(o, "change")) == 1),
    # SORNA: an open custody pushes the end of a tier I period one day further every day
    ("SORNA open custody", SORNA_HELD, "2021-06-01", "2021-06-02",
     lambda o: o.registration.end == run(SORNA_HELD, "2021-06-01").registration.end + timedelta(days=1)),  # type: ignore[operator]
    ("SORNA open custody joined to an earlier one", SORNA_HELD_AGAIN, "2000-01-01", "2000-01-02",
     lambda o: o.registration.end == run(SORNA_HELD_AGAIN, "2000-01-01").registration.end + timedelta(days=1)),  # type: ignore[operator]
    # ended, nothing pending, no later fact: never changes again
    ("ended and nothing pending", ENDS, "2026-01-01", None, lambda o: True),
]


@pytest.mark.parametrize(("label", "f", "as_of", "expected", "then"), CASES, ids=[c[0] for c in CASES])
def test_changes_on(label: str, f: Facts, as_of: str, expected: str | None, then: Check) -> None:
    outcome = run(f, as_of)
    assert outcome.changes_on == (D(expected) if expected else None), label
    if expected is None:
        return
    before = run(f, (D(expected) - timedelta(days=1)).isoformat())
    assert normalised(before) == normalised(outcome)  # nothing changes up to the day before
    changed = run(f, expected)
    assert then(changed), label
