"""A trip's own notification (``Event.notified_on`` on a departure) decides its travel duty (assumption 17): two
trips notified together before the first leaves are both met; without the field, the rule before holds (the first
travel notification after the previous departure)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from tether.obligations import contradictions, facts_to_dict, parse_facts
from tether.obligations.types import FactsError

from .factories import D, disp, ev, facts, note, of_kind, run

CONVICTED = (disp("2020-01-10", "imprisonment", 12),)
NOTIFIED = (note("initial", "2020-01-11"),)
FIRST, SECOND = "2025-08-01", "2025-08-20"  # due 25 July and 13 August (7 days before)


def _travel(events: Any, notes: Any, as_of: str = "2025-09-01", jurisdiction: Any = "england-wales",
            disposals: Any = CONVICTED) -> dict[str, tuple[str, str | None, bool]]:
    """Each travel duty by departure: (status, met on, met late)."""
    initial = (note("initial", disposals[0].date.isoformat()),) if jurisdiction == "us-sorna" else NOTIFIED
    f = facts(jurisdiction, disposals=disposals, notifications=(*initial, *notes), events=tuple(events))
    return {o.trigger.isoformat(): (o.status, o.met_on.isoformat() if o.met_on else None,
                                    o.met_on is not None and o.met_on > o.due)
            for o in of_kind(run(f, as_of), "travel")}


@pytest.mark.parametrize(
    ("events", "notes", "expected"),
    [
        pytest.param(
            (ev("departure", FIRST, "2025-08-05", notified_on=D("2025-07-20")),
             ev("departure", SECOND, "2025-08-25", notified_on=D("2025-07-20"))),
            (note("travel", "2025-07-20"),),
            {FIRST: ("met", "2025-07-20", False), SECOND: ("met", "2025-07-20", False)},
            id="two-trips-one-notification",
        ),
        pytest.param(
            (ev("departure", FIRST, "2025-08-05", notified_on=D("2025-07-20")),
             ev("departure", SECOND, "2025-08-25", notified_on=D("2025-07-20"))),
            (note("travel", "2025-07-20"), note("travel", "2025-07-20")),
            {FIRST: ("met", "2025-07-20", False), SECOND: ("met", "2025-07-20", False)},
            id="two-trips-two-notifications-same-day",
        ),
        pytest.param(
            (ev("departure", FIRST, "2025-08-05"), ev("departure", SECOND, "2025-08-25")),
            (note("travel", "2025-07-20"),),
            {FIRST: ("met", "2025-07-20", False), SECOND: ("overdue", None, False)},
            id="without-the-field-the-rule-before",
        ),
        pytest.param(
            (ev("departure", FIRST, "2025-08-05", notified_on=D("2025-07-28")),
             ev("departure", SECOND, "2025-08-25", notified_on=D("2025-07-28"))),
            (note("travel", "2025-07-28"),),
            {FIRST: ("met", "2025-07-28", True), SECOND: ("met", "2025-07-28", False)},
            id="together-late-for-the-first-in-time-for-the-second",
        ),
        pytest.param(
            (ev("departure", FIRST, "2025-08-05", notified_on=D("2025-07-20")),
             ev("departure", SECOND, "2025-08-25", notified_on=D("2025-08-16"))),
            (note("travel", "2025-07-20"), note("travel", "2025-08-16")),
            {FIRST: ("met", "2025-07-20", False), SECOND: ("met", "2025-08-16", True)},
            id="second-trip-notified-late",
        ),
        pytest.param(
            (ev("departure", FIRST, "2025-08-05", notified_on=D("2025-07-20")),
             ev("departure", SECOND, "2025-08-25", short_notice=True, notified_on=D("2025-08-19"))),
            (note("travel", "2025-07-20"), note("travel", "2025-08-19")),
            {FIRST: ("met", "2025-07-20", False), SECOND: ("met", "2025-08-19", False)},
            id="second-trip-short-notice-day-before",
        ),
        pytest.param(
            (ev("departure", FIRST, "2025-08-05", notified_on=D("2025-07-20")),
             ev("departure", SECOND, "2025-08-25", notified_on=D("2025-08-21"))),
            (note("travel", "2025-07-20"), note("travel", "2025-08-21")),
            {FIRST: ("met", "2025-07-20", False), SECOND: ("overdue", None, False)},
            id="notified-after-leaving-does-not-meet",
        ),
        pytest.param(
            (ev("departure", FIRST, "2025-08-05", notified_on=D("2025-07-20")),
             ev("departure", SECOND, "2025-08-25")),
            (note("travel", "2025-07-20"), note("travel", "2025-08-10")),
            {FIRST: ("met", "2025-07-20", False), SECOND: ("met", "2025-08-10", False)},
            id="mixed-the-one-without-the-field-keeps-the-rule-before",
        ),
    ],
)
def test_two_trips(events: Any, notes: Any, expected: Any) -> None:
    assert _travel(events, notes) == expected


def test_trip_notified_after_as_of_has_not_happened() -> None:
    events = (ev("departure", FIRST, notified_on=D("2025-07-20")),
              ev("departure", SECOND, notified_on=D("2025-08-12")))
    notes = (note("travel", "2025-07-20"), note("travel", "2025-08-12"))
    assert _travel(events, notes, as_of="2025-08-11")[SECOND] == ("due", None, False)
    assert _travel(events, notes, as_of="2025-08-12")[SECOND] == ("met", "2025-08-12", False)


def test_law_then_in_force_2004_regulations() -> None:
    # 2010: the 2004 Regulations (trips of 3 days or longer, 7 days' notice); both notified on 1 June
    events = (ev("departure", "2010-06-10", "2010-06-20", notified_on=D("2010-06-01")),
              ev("departure", "2010-07-01", "2010-07-10", notified_on=D("2010-06-01")))
    got = _travel(events, (note("travel", "2010-06-01"),), as_of="2010-08-01",
                  disposals=(disp("2009-01-10", "imprisonment", 12),))
    assert got == {"2010-06-10": ("met", "2010-06-01", False), "2010-07-01": ("met", "2010-06-01", False)}


def test_sorna_two_trips_notified_together() -> None:
    events = (ev("departure", "2025-09-01", notified_on=D("2025-08-01")),
              ev("departure", "2025-10-01", notified_on=D("2025-08-01")))
    got = _travel(events, (note("travel", "2025-08-01"),), as_of="2025-11-01", jurisdiction="us-sorna",
                  disposals=(disp("2015-01-05", tier=1),))
    assert got == {"2025-09-01": ("met", "2025-08-01", False), "2025-10-01": ("met", "2025-08-01", False)}


# --- the contract ----------------------------------------------------------------------------------------------

DOC: dict[str, Any] = {
    "as_of": "2025-09-01",
    "jurisdiction": "england-wales",
    "date_of_birth": "1980-01-01",
    "disposals": [{"date": "2020-01-10", "kind": "imprisonment", "months": 12}],
    "notifications": [{"kind": "initial", "date": "2020-01-11"}, {"kind": "travel", "date": "2025-07-20"}],
    "events": [
        {"kind": "departure", "start": FIRST, "end": "2025-08-05", "country": "FR", "notified_on": "2025-07-20"},
        {"kind": "departure", "start": SECOND, "end": "2025-08-25", "country": "ES", "notified_on": "2025-07-20"},
    ],
}


def test_notified_on_round_trips() -> None:
    f, as_of = parse_facts(DOC)
    assert [e.notified_on for e in f.events] == [D("2025-07-20"), D("2025-07-20")]
    out = facts_to_dict(f, as_of)
    assert out["events"][1]["notified_on"] == "2025-07-20"
    assert parse_facts(json.loads(json.dumps(out))) == (f, as_of)
    # left out when unset
    plain = replace(f, events=tuple(replace(e, notified_on=None) for e in f.events))
    assert all("notified_on" not in e for e in facts_to_dict(plain, as_of)["events"])


@pytest.mark.parametrize(
    ("event", "field", "message"),
    [
        pytest.param({"kind": "stay", "start": "2025-07-01", "notified_on": "2025-07-20"}, "events[0].notified_on",
                     "only for departure", id="not-a-departure"),
        pytest.param({"kind": "departure", "start": FIRST, "notified_on": "2025-07-21"}, "events[0].notified_on",
                     "not the date of any travel notification", id="no-travel-notification-that-day"),
        pytest.param({"kind": "departure", "start": FIRST, "notified_on": "2020-01-11"}, "events[0].notified_on",
                     "not the date of any travel notification", id="an-initial-notification-is-not-travel"),
        pytest.param({"kind": "departure", "start": FIRST, "notified_on": "2025-7-20"}, "events[0].notified_on",
                     "", id="bad-date"),
    ],
)
def test_notified_on_errors_name_the_field(event: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(FactsError) as err:
        parse_facts({**DOC, "events": [event]})
    assert err.value.field == field and message in err.value.message


def test_missing_notification_is_a_contradiction() -> None:
    f, _ = parse_facts(DOC)
    bad = replace(f, notifications=f.notifications[:1])
    assert [(e.field, e.rule) for e in contradictions(bad)] == [
        ("events[0].notified_on", "trip_notice_missing"), ("events[1].notified_on", "trip_notice_missing")]
