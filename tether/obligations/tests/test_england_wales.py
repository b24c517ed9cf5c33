"""England and Wales, one row a case from SOA 2003 Part 2 (dates chosen to sit on the boundaries)."""

from __future__ import annotations

from typing import Any

import pytest

from tether.obligations.types import Disposal, Event, Facts

from .factories import D, det, disp, ev, facts, note, of_kind, only, review, run, shpo

ADULT = "1980-01-01"
YOUTH = "2004-06-01"  # under 18 on any relevant date before 2022-06-01


# --- s.82 periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dob", "disposals", "start", "end"),
    [
        pytest.param(
            ADULT, (disp("2015-03-04", "imprisonment", 18),), "2015-03-04", "2025-03-03", id="10y-from-2015-03-04"
        ),
        pytest.param(
            ADULT, (disp("2015-03-04", "imprisonment", 29),), "2015-03-04", "2025-03-03", id="29-months-is-10y"
        ),
        pytest.param(ADULT, (disp("2015-03-04", "imprisonment", 30),), "2015-03-04", None, id="30-months-indefinite"),
        pytest.param(ADULT, (disp("2015-03-04", "imprisonment", 7),), "2015-03-04", "2025-03-03", id="7-months-is-10y"),
        pytest.param(ADULT, (disp("2015-03-04", "imprisonment", 6),), "2015-03-04", "2022-03-03", id="6-months-is-7y"),
        pytest.param(ADULT, (disp("2015-03-04", "life"),), "2015-03-04", None, id="life-indefinite"),
        pytest.param(ADULT, (disp("2015-03-04", "ipp"),), "2015-03-04", None, id="ipp-indefinite"),
        pytest.param(
            ADULT,
            (disp("2015-03-04", "hospital_order_restricted"),),
            "2015-03-04",
            None,
            id="restricted-hospital-order",
        ),
        pytest.param(
            ADULT, (disp("2015-03-04", "hospital_order"),), "2015-03-04", "2022-03-03", id="hospital-order-7y"
        ),
        pytest.param(ADULT, (disp("2020-01-10", "caution"),), "2020-01-10", "2022-01-09", id="caution-2y"),
        pytest.param(
            ADULT, (disp("2020-01-10", "conditional_discharge", 18),), "2020-01-10", "2021-07-09", id="cd-18-months"
        ),
        pytest.param(ADULT, (disp("2020-01-10", "other"),), "2020-01-10", "2025-01-09", id="other-5y"),
        pytest.param(ADULT, (disp("2016-02-29", "imprisonment", 12),), "2016-02-29", "2026-02-28", id="from-29-feb"),
        # under 18 on the relevant date: fixed periods halved (s.82(2))
        pytest.param(
            YOUTH, (disp("2020-01-10", "imprisonment", 6),), "2020-01-10", "2023-07-09", id="youth-7y-halved-3y6m"
        ),
        pytest.param(
            YOUTH, (disp("2020-01-10", "hospital_order"),), "2020-01-10", "2023-07-09", id="youth-hospital-3y6m"
        ),
        pytest.param(
            YOUTH, (disp("2020-01-10", "imprisonment", 12),), "2020-01-10", "2025-01-09", id="youth-10y-to-5y"
        ),
        pytest.param(YOUTH, (disp("2020-01-10", "other"),), "2020-01-10", "2022-07-09", id="youth-5y-to-2y6m"),
        pytest.param(YOUTH, (disp("2020-01-10", "caution"),), "2020-01-10", "2021-01-09", id="youth-caution-1y"),
        pytest.param(
            YOUTH, (disp("2020-01-10", "imprisonment", 30),), "2020-01-10", None, id="youth-indefinite-not-halved"
        ),
        pytest.param(
            YOUTH,
            (disp("2020-01-10", "conditional_discharge", 12),),
            "2020-01-10",
            "2021-01-09",
            id="youth-cd-not-halved",
        ),
        pytest.param(
            "2002-01-10", (disp("2020-01-10", "other"),), "2020-01-10", "2025-01-09", id="18th-birthday-is-adult"
        ),
        pytest.param(
            "2002-01-11", (disp("2020-01-10", "other"),), "2020-01-10", "2022-07-09", id="day-before-18-is-youth"
        ),
        pytest.param(
            "2004-02-29", (disp("2022-02-28", "other"),), "2022-02-28", "2027-02-27", id="leapling-adult-on-28-feb"
        ),
        # several disposals: the longest wins, spells merge when they overlap or touch
        pytest.param(
            ADULT,
            (disp("2020-01-10", "caution"), disp("2021-06-01", "imprisonment", 8)),
            "2020-01-10",
            "2031-05-31",
            id="several-longest-wins",
        ),
        pytest.param(
            ADULT,
            (disp("2020-01-10", "imprisonment", 12), disp("2021-06-01", "caution")),
            "2020-01-10",
            "2030-01-09",
            id="several-shorter-inside",
        ),
        pytest.param(
            ADULT,
            (disp("2020-01-10", "caution"), disp("2022-01-10", "caution")),
            "2020-01-10",
            "2024-01-09",
            id="several-adjacent-merge",
        ),
        pytest.param(
            ADULT,
            (disp("2005-01-10", "caution"), disp("2020-01-10", "other")),
            "2020-01-10",
            "2025-01-09",
            id="several-gap-latest-spell",
        ),
        pytest.param(
            ADULT,
            (disp("2020-01-10", "other"), disp("2021-01-10", "life")),
            "2020-01-10",
            None,
            id="several-indefinite-wins",
        ),
    ],
)
def test_notification_period(dob: str, disposals: tuple[Disposal, ...], start: str, end: str | None) -> None:
    reg = run(facts(dob=dob, disposals=disposals), "2024-06-01").registration
    assert reg.start == D(start)
    assert reg.end == (D(end) if end else None)
    assert reg.indefinite is (end is None)
    assert reg.end is None or reg.end >= reg.start


@pytest.mark.parametrize(
    ("as_of", "subject"),
    [
        pytest.param("2015-03-03", False, id="day-before-relevant-date"),
        pytest.param("2015-03-04", True, id="relevant-date"),
        pytest.param("2025-03-03", True, id="last-day"),
        pytest.param("2025-03-04", False, id="day-after-last-day"),
    ],
)
def test_subject_on_boundaries(as_of: str, subject: bool) -> None:
    out = run(facts(disposals=(disp("2015-03-04", "imprisonment", 18),)), as_of)
    assert out.registration.subject is subject


def test_halving_is_cited() -> None:
    reg = run(facts(dob=YOUTH, disposals=(disp("2020-01-10", "other"),)), "2021-01-01").registration
    assert "SOA 2003 s.82(2)" in reg.citations
    assert "SOA 2003 s.82(1)" in reg.citations


# --- SHPO (s.103G) --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("orders", "as_of", "end", "subject"),
    [
        pytest.param((shpo("2016-01-01", "2022-06-30"),), "2021-01-01", "2022-06-30", True, id="shpo-extends"),
        pytest.param((shpo("2016-01-01", "2022-06-30"),), "2022-06-30", "2022-06-30", True, id="shpo-last-day"),
        pytest.param((shpo("2016-01-01", "2022-06-30"),), "2022-07-01", "2022-06-30", False, id="shpo-ended"),
        pytest.param(
            (shpo("2016-01-01", "2019-01-01"),), "2019-06-01", "2020-03-03", True, id="shorter-shpo-no-effect"
        ),
        pytest.param((shpo("2016-01-01"),), "2040-01-01", None, True, id="shpo-until-further-order"),
    ],
)
def test_shpo_extension(orders: Any, as_of: str, end: str | None, subject: bool) -> None:
    f = facts(disposals=(disp("2015-03-04", "other"),), orders=orders)
    reg = run(f, as_of).registration
    assert reg.start == D("2015-03-04")
    assert reg.end == (D(end) if end else None)
    assert reg.subject is subject
    assert "SOA 2003 s.103G" in reg.citations


def test_shpo_on_person_no_longer_subject_makes_them_subject_with_initial_duty() -> None:
    f = facts(disposals=(disp("2005-03-04", "other"),), orders=(shpo("2020-06-01", "2025-05-31"),))
    out = run(f, "2020-06-10")
    assert out.registration.start == D("2020-06-01")
    assert out.registration.end == D("2025-05-31")
    init = only(out, "initial")
    assert init.due == D("2020-06-03")
    assert init.status == "overdue"
    assert "s.103G" in init.citation


# --- s.83 initial notification ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("detentions", "notifications", "as_of", "due", "status", "met_on"),
    [
        pytest.param((), (), "2025-03-06", "2025-03-06", "due", None, id="last-day-still-due"),
        pytest.param((), (), "2025-03-07", "2025-03-06", "overdue", None, id="day-after-overdue"),
        pytest.param(
            (), (note("initial", "2025-03-04"),), "2025-03-10", "2025-03-06", "met", "2025-03-04", id="same-day"
        ),
        pytest.param(
            (), (note("initial", "2025-03-06"),), "2025-03-10", "2025-03-06", "met", "2025-03-06", id="on-day-3"
        ),
        pytest.param(
            (), (note("initial", "2025-03-07"),), "2025-03-10", "2025-03-06", "met", "2025-03-07", id="met-late"
        ),
        pytest.param(
            (), (note("initial", "2025-03-07"),), "2025-03-06", "2025-03-06", "due", None, id="later-note-ignored-as-of"
        ),
        pytest.param(
            (), (note("change", "2025-03-05"),), "2025-03-10", "2025-03-06", "met", "2025-03-05", id="any-full"
        ),
        pytest.param((), (note("travel", "2025-03-05"),), "2025-03-10", "2025-03-06", "overdue", None, id="travel-no"),
        pytest.param(
            (det("custody", "2025-03-04", "2025-09-01"),),
            (),
            "2025-09-02",
            "2025-09-03",
            "due",
            None,
            id="custody-from-conviction-runs-from-release",
        ),
        pytest.param(
            (det("custody", "2025-03-05", "2025-03-10"),),
            (),
            "2025-03-11",
            "2025-03-11",
            "due",
            None,
            id="custody-spanning-the-deadline",
        ),
        pytest.param(
            (det("hospital", "2025-03-05", "2025-03-06"),),
            (),
            "2025-03-07",
            "2025-03-07",
            "due",
            None,
            id="one-night-in-hospital",
        ),
        pytest.param(
            (det("abroad", "2025-03-01", "2025-03-05"),),
            (),
            "2025-03-07",
            "2025-03-07",
            "due",
            None,
            id="abroad-on-relevant-date",
        ),
    ],
)
def test_initial_notification(
    detentions: Any, notifications: Any, as_of: str, due: str, status: str, met_on: str | None
) -> None:
    f = facts(disposals=(disp("2025-03-04", "imprisonment", 12),), detentions=detentions, notifications=notifications)
    o = only(run(f, as_of), "initial")
    assert o.trigger == D("2025-03-04")
    assert o.due == D(due)
    assert o.status == status
    assert o.met_on == (D(met_on) if met_on else None)
    assert o.citation == "SOA 2003 s.83(1)"


def test_initial_met_late_says_so() -> None:
    f = facts(disposals=(disp("2025-03-04", "other"),), notifications=(note("initial", "2025-03-09"),))
    o = only(run(f, "2025-04-01"), "initial")
    assert o.status == "met"
    assert o.met_on is not None and o.met_on > o.due
    assert "late" in o.explanation and "3 days after the deadline" in o.explanation


def test_initial_suspended_while_custody_open() -> None:
    f = facts(disposals=(disp("2025-03-04", "imprisonment", 40),), detentions=(det("custody", "2025-03-04"),))
    out = run(f, "2026-01-01")
    assert of_kind(out, "initial") == []
    assert out.registration.subject


def test_second_conviction_needs_no_new_initial_when_already_notified() -> None:
    f = facts(
        disposals=(disp("2020-01-10", "imprisonment", 12), disp("2022-05-05", "other")),
        notifications=(note("initial", "2020-01-11"),),
    )
    out = run(f, "2022-06-01")
    assert [o.trigger for o in of_kind(out, "initial")] == [D("2020-01-10")]


def test_second_conviction_before_any_notification_has_its_own_initial() -> None:
    f = facts(disposals=(disp("2020-01-10", "other"), disp("2020-02-01", "other")))
    out = run(f, "2020-03-01")
    assert [o.due for o in of_kind(out, "initial")] == [D("2020-01-12"), D("2020-02-03")]


# --- s.84 changes ---------------------------------------------------------------------------------

CONVICTED = (disp("2020-01-10", "imprisonment", 12),)
NOTIFIED = (note("initial", "2020-01-11"),)


@pytest.mark.parametrize(
    ("events", "detentions", "notifications", "as_of", "expected"),
    [
        pytest.param(
            (ev("address_change", "2025-06-10"),),
            (),
            (note("change", "2025-06-12"),),
            "2025-06-20",
            [("change", "2025-06-10", "2025-06-12", "met")],
            id="address-change-met-on-day-3",
        ),
        pytest.param(
            (ev("name_change", "2025-06-10"),),
            (),
            (note("periodic", "2025-06-11"),),
            "2025-06-13",
            [("change", "2025-06-10", "2025-06-12", "overdue")],
            id="name-change-needs-a-change-notification",
        ),
        pytest.param(
            (ev("name_change", "2025-06-10"),),
            (det("custody", "2025-06-11", "2025-06-20"),),
            (),
            "2025-06-21",
            [("change", "2025-06-10", "2025-06-21", "due"), ("change", "2025-06-20", "2025-06-22", "due")],
            id="name-change-custody-spanning-deadline-plus-release",
        ),
        pytest.param(
            (ev("address_change", "2025-06-12", advance="2025-06-10"),),
            (),
            (note("change", "2025-06-01"),),
            "2025-06-30",
            [("change", "2025-06-12", "2025-06-14", "met")],
            id="advance-notice-event-2-days-after",
        ),
        pytest.param(
            (ev("address_change", "2025-06-08", advance="2025-06-10"),),
            (),
            (note("change", "2025-06-01"),),
            "2025-06-30",
            [("change", "2025-06-08", "2025-06-10", "met")],
            id="advance-notice-event-2-days-before",
        ),
        pytest.param(
            (ev("address_change", "2025-06-07", advance="2025-06-10"),),
            (),
            (note("change", "2025-06-01"),),
            "2025-06-30",
            [("change", "2025-06-07", "2025-06-09", "overdue")],
            id="advance-notice-event-3-days-before-does-not-count",
        ),
        pytest.param(
            (ev("address_change", "2025-06-13", advance="2025-06-10"),),
            (),
            (note("change", "2025-06-01"),),
            "2025-06-30",
            [
                ("change", "2025-06-13", "2025-06-15", "overdue"),
                ("non_occurrence", "2025-06-10", "2025-06-15", "overdue"),
            ],
            id="advance-notice-event-3-days-after-non-occurrence",
        ),
        pytest.param(
            (ev("address_change", "2025-06-13", advance="2025-06-10"),),
            (),
            (note("change", "2025-06-01"), note("change", "2025-06-14")),
            "2025-06-30",
            [("change", "2025-06-13", "2025-06-15", "met"), ("non_occurrence", "2025-06-10", "2025-06-15", "met")],
            id="advance-notice-late-event-both-met",
        ),
        pytest.param(
            (ev("address_change", "2025-07-20", advance="2025-06-10"),),
            (),
            (note("change", "2025-06-01"),),
            "2025-06-13",
            [("non_occurrence", "2025-06-10", "2025-06-15", "due")],
            id="advance-notice-event-not-yet-happened",
        ),
        pytest.param(
            (ev("address_change", "2025-07-20", advance="2025-06-10"),),
            (),
            (note("change", "2025-06-01"),),
            "2025-06-12",
            [],
            id="advance-notice-window-still-open",
        ),
        pytest.param(
            (ev("stay", "2025-05-01", "2025-05-07", address="B"),),
            (),
            (),
            "2025-05-08",
            [("change", "2025-05-07", "2025-05-09", "due")],
            id="stay-7-days",
        ),
        pytest.param(
            (ev("stay", "2025-05-01", "2025-05-06", address="B"),),
            (),
            (),
            "2025-05-20",
            [],
            id="stay-6-days-nothing",
        ),
        pytest.param(
            (ev("stay", "2025-01-10", "2025-01-12", address="B"), ev("stay", "2025-06-01", "2025-06-04", address="B")),
            (),
            (),
            "2025-06-05",
            [("change", "2025-06-04", "2025-06-06", "due")],
            id="stays-adding-up-to-7-in-12-months",
        ),
        pytest.param(
            (ev("stay", "2024-06-05", "2024-06-07", address="B"), ev("stay", "2025-06-01", "2025-06-04", address="B")),
            (),
            (),
            "2025-06-05",
            [("change", "2025-06-04", "2025-06-06", "due")],
            id="stays-12-month-boundary-inside",
        ),
        pytest.param(
            (ev("stay", "2024-06-04", "2024-06-06", address="B"), ev("stay", "2025-06-01", "2025-06-04", address="B")),
            (),
            (),
            "2025-06-05",
            [],
            id="stays-12-month-boundary-outside",
        ),
        pytest.param(
            (ev("stay", "2025-01-10", "2025-01-12", address="B"), ev("stay", "2025-06-01", "2025-06-04", address="C")),
            (),
            (),
            "2025-06-05",
            [],
            id="stays-at-different-addresses-do-not-add",
        ),
        pytest.param(
            (ev("stay", "2025-05-01", address="B"),),
            (),
            (),
            "2025-05-07",
            [("change", "2025-05-07", "2025-05-09", "due")],
            id="open-stay-counts-to-as-of",
        ),
        pytest.param(
            (),
            (det("custody", "2024-01-01", "2024-03-01"),),
            (),
            "2024-03-02",
            [("change", "2024-03-01", "2024-03-03", "due")],
            id="release-from-custody-derived",
        ),
        pytest.param(
            (ev("release", "2024-03-01"),),
            (det("custody", "2024-01-01", "2024-03-01"),),
            (),
            "2024-03-02",
            [("change", "2024-03-01", "2024-03-03", "due")],
            id="release-event-not-doubled",
        ),
        pytest.param(
            (),
            (det("abroad", "2024-01-01", "2024-03-01"),),
            (),
            "2024-03-02",
            [],
            id="return-from-abroad-is-not-a-change",
        ),
    ],
)
def test_changes(events: Any, detentions: Any, notifications: Any, as_of: str, expected: Any) -> None:
    f = facts(disposals=CONVICTED, events=events, detentions=detentions, notifications=NOTIFIED + notifications)
    out = run(f, as_of)
    got = [
        (o.kind, o.trigger.isoformat(), o.due.isoformat(), o.status)
        for o in out.obligations
        if o.kind in ("change", "non_occurrence")
    ]
    assert sorted(got) == sorted(expected)


def test_release_before_first_notification_is_covered_by_initial() -> None:
    f = facts(
        disposals=(disp("2025-03-04", "imprisonment", 12),), detentions=(det("custody", "2025-03-04", "2025-09-01"),)
    )
    out = run(f, "2025-09-02")
    assert of_kind(out, "change") == []
    assert only(out, "initial").due == D("2025-09-03")


def test_advance_notice_explained() -> None:
    f = facts(
        disposals=CONVICTED,
        notifications=(*NOTIFIED, note("change", "2025-06-01")),
        events=(ev("address_change", "2025-06-11", advance="2025-06-10"),),
    )
    o = only(run(f, "2025-06-30"), "change")
    assert o.met_on == D("2025-06-01")
    assert "in advance" in o.explanation


# --- s.85 periodic --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notifications", "detentions", "as_of", "trigger", "due", "status"),
    [
        pytest.param(
            (note("periodic", "2024-05-10"),), (), "2025-05-10", "2024-05-10", "2025-05-10", "due", id="on-anniversary"
        ),
        pytest.param(
            (note("periodic", "2024-05-10"),), (), "2025-05-11", "2024-05-10", "2025-05-10", "overdue", id="day-after"
        ),
        pytest.param(
            (note("change", "2024-02-29"),), (), "2024-06-01", "2024-02-29", "2025-02-28", "due", id="29-feb-to-28-feb"
        ),
        pytest.param(
            (note("periodic", "2023-02-28"),),
            (),
            "2023-06-01",
            "2023-02-28",
            "2024-02-28",
            "due",
            id="28-feb-in-leap-year",
        ),
        pytest.param(
            (note("change", "2025-05-10", nfa=True),),
            (),
            "2025-05-12",
            "2025-05-10",
            "2025-05-17",
            "due",
            id="nfa-weekly",
        ),
        pytest.param(
            (note("change", "2025-05-10", nfa=True), note("periodic", "2025-05-17", nfa=True)),
            (),
            "2025-05-25",
            "2025-05-17",
            "2025-05-24",
            "overdue",
            id="nfa-weekly-overdue",
        ),
        pytest.param(
            (note("change", "2025-05-10", nfa=True), note("change", "2025-05-14")),
            (),
            "2025-05-20",
            "2025-05-14",
            "2026-05-14",
            "due",
            id="nfa-then-fixed-address-annual-again",
        ),
        pytest.param(
            (note("periodic", "2024-05-10"), note("travel", "2024-08-01"), note("prescribed", "2024-09-01")),
            (),
            "2024-10-01",
            "2024-05-10",
            "2025-05-10",
            "due",
            id="travel-and-prescribed-do-not-reset",
        ),
        pytest.param(
            (note("periodic", "2024-05-10"), note("change", "2024-09-01")),
            (),
            "2024-10-01",
            "2024-09-01",
            "2025-09-01",
            "due",
            id="change-resets",
        ),
        pytest.param(
            (note("periodic", "2024-05-10"),),
            (det("custody", "2025-04-01", "2025-06-01"),),
            "2025-06-02",
            "2024-05-10",
            "2025-06-03",
            "due",
            id="custody-spanning-due-defers-to-3-days-after-release",
        ),
        pytest.param(
            (note("periodic", "2024-05-10"),),
            (det("abroad", "2025-05-01", "2025-05-20"),),
            "2025-05-21",
            "2024-05-10",
            "2025-05-22",
            "due",
            id="abroad-on-due-date-defers",
        ),
        pytest.param(
            (note("periodic", "2024-05-10"),),
            (det("custody", "2025-04-01", "2025-05-10"),),
            "2025-05-10",
            "2024-05-10",
            "2025-05-10",
            "due",
            id="released-on-the-due-date-no-deferral",
        ),
        pytest.param(
            (note("periodic", "2024-05-10"),),
            (det("custody", "2025-04-01", "2025-05-09"),),
            "2025-05-10",
            "2024-05-10",
            "2025-05-10",
            "due",
            id="released-before-due-date-no-deferral",
        ),
    ],
)
def test_periodic(notifications: Any, detentions: Any, as_of: str, trigger: str, due: str, status: str) -> None:
    f = facts(disposals=(disp("2020-01-10", "life"),), notifications=notifications, detentions=detentions)
    o = only(run(f, as_of), "periodic")
    assert (o.trigger, o.due, o.status, o.met_on) == (D(trigger), D(due), status, None)


def test_periodic_suspended_while_custody_open() -> None:
    f = facts(
        disposals=(disp("2020-01-10", "life"),),
        notifications=(note("periodic", "2024-05-10"),),
        detentions=(det("custody", "2025-04-01"),),
    )
    assert of_kind(run(f, "2025-06-01"), "periodic") == []


def test_no_periodic_after_registration_ends() -> None:
    f = facts(disposals=(disp("2020-01-10", "other"),), notifications=(note("periodic", "2024-05-10"),))
    out = run(f, "2025-06-01")
    assert out.registration.end == D("2025-01-09")
    assert of_kind(out, "periodic") == []
    assert out.next_due is None


def test_nfa_citation() -> None:
    f = facts(disposals=(disp("2020-01-10", "life"),), notifications=(note("initial", "2020-01-10", nfa=True),))
    assert "SI 2012/1876" in only(run(f, "2020-01-12"), "periodic").citation


# --- travel ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "notifications", "as_of", "due", "status", "met_on"),
    [
        pytest.param(
            ev("departure", "2025-08-20"), (), "2025-08-13", "2025-08-13", "due", None, id="7-days-before-due"
        ),
        pytest.param(ev("departure", "2025-08-20"), (), "2025-08-14", "2025-08-13", "overdue", None, id="6-days-late"),
        pytest.param(
            ev("departure", "2025-08-20"),
            (note("travel", "2025-08-13"),),
            "2025-08-25",
            "2025-08-13",
            "met",
            "2025-08-13",
            id="notice-7-days-ahead",
        ),
        pytest.param(
            ev("departure", "2025-08-20"),
            (note("travel", "2025-08-15"),),
            "2025-08-25",
            "2025-08-13",
            "met",
            "2025-08-15",
            id="notice-5-days-ahead-late",
        ),
        pytest.param(
            ev("departure", "2025-08-20", short_notice=True),
            (note("travel", "2025-08-19"),),
            "2025-08-25",
            "2025-08-19",
            "met",
            "2025-08-19",
            id="12-hour-rule-day-before",
        ),
        pytest.param(
            ev("departure", "2025-08-20"),
            (note("travel", "2025-08-21"),),
            "2025-08-25",
            "2025-08-13",
            "overdue",
            None,
            id="notice-after-departure-does-not-count",
        ),
        pytest.param(
            ev("departure", "2025-08-20", "2025-08-21", country="IE"),
            (),
            "2025-08-14",
            "2025-08-13",
            "overdue",
            None,
            id="ew-irish-short-trip-still-notifiable",
        ),
    ],
)
def test_travel(event: Event, notifications: Any, as_of: str, due: str, status: str, met_on: str | None) -> None:
    f = facts(disposals=CONVICTED, events=(event,), notifications=NOTIFIED + notifications)
    o = only(run(f, as_of), "travel")
    assert (o.due, o.status, o.met_on) == (D(due), status, D(met_on) if met_on else None)


def test_travel_notice_belongs_to_its_own_trip() -> None:
    f = facts(
        disposals=CONVICTED,
        events=(ev("departure", "2025-03-01"), ev("departure", "2025-08-20")),
        notifications=(*NOTIFIED, note("travel", "2025-02-20")),
    )
    got = {o.trigger: o.status for o in of_kind(run(f, "2025-09-01"), "travel")}
    assert got == {D("2025-03-01"): "met", D("2025-08-20"): "overdue"}


# --- s.91A-91C review of indefinite notification ----------------------------------------------------


@pytest.mark.parametrize(
    ("dob", "orders", "rev", "as_of", "expected"),
    [
        pytest.param(ADULT, (), None, "2020-01-01", "2031-01-05", id="adult-15-years-from-first-notification"),
        pytest.param("1999-01-01", (), None, "2020-01-01", "2024-01-05", id="youth-8-years"),
        pytest.param(ADULT, (shpo("2018-01-01"),), None, "2020-01-01", None, id="blocked-by-shpo-in-force"),
        pytest.param(ADULT, (shpo("2018-01-01", "2019-12-31"),), None, "2020-01-01", "2031-01-05", id="shpo-ended"),
        pytest.param(
            ADULT,
            (),
            review("2031-06-01", "refused"),
            "2032-01-01",
            "2039-06-01",
            id="refused-8-years-after-determination",
        ),
        pytest.param(
            ADULT,
            (),
            review("2031-06-01", "refused", further="2046-06-01"),
            "2032-01-01",
            "2046-06-01",
            id="refused-with-later-date-set",
        ),
        pytest.param(
            ADULT, (), review("2031-06-01", "refused"), "2031-05-31", "2031-01-05", id="review-after-as-of-ignored"
        ),
    ],
)
def test_review_eligibility(dob: str, orders: Any, rev: Any, as_of: str, expected: str | None) -> None:
    f = facts(
        dob=dob,
        disposals=(disp("2015-03-04", "imprisonment", 36),),
        detentions=(det("custody", "2015-03-04", "2016-01-03"),),
        notifications=(note("initial", "2016-01-05"),),
        orders=orders,
        review=rev,
    )
    reg = run(f, as_of).registration
    assert reg.review_eligible_from == (D(expected) if expected else None)
    assert "SOA 2003 ss.91A-91C" in reg.citations


def test_review_needs_indefinite_period() -> None:
    f = facts(disposals=(disp("2015-03-04", "imprisonment", 12),), notifications=(note("initial", "2015-03-05"),))
    assert run(f, "2020-01-01").registration.review_eligible_from is None


def test_discharged_on_review_ends_registration() -> None:
    f = facts(
        disposals=(disp("2010-03-04", "life"),),
        notifications=(note("initial", "2010-03-05"), note("periodic", "2025-03-01")),
        review=review("2025-06-01", "discharged"),
    )
    out = run(f, "2025-07-01")
    assert out.registration.end == D("2025-05-31")
    assert not out.registration.indefinite
    assert not out.registration.subject
    assert of_kind(out, "periodic") == []


def test_full_outcome_is_deterministic() -> None:
    f: Facts = facts(
        disposals=CONVICTED,
        notifications=(*NOTIFIED, note("periodic", "2021-01-11")),
        events=(ev("departure", "2021-05-01"),),
    )
    assert run(f, "2021-06-01") == run(f, "2021-06-01")


def test_later_notification_ending_on_release_day_gets_no_extension() -> None:
    """s.85(4) extends only a period that would end while detained: an anniversary falling in custody
    moves to 3 days after release, but one falling on the release day itself does not move."""
    custody = (det("custody", "2025-04-01", "2025-06-01"),)
    earlier = facts(
        disposals=(disp("2020-01-10", "life"),), notifications=(note("periodic", "2024-05-10"),), detentions=custody
    )
    later = facts(
        disposals=(disp("2020-01-10", "life"),),
        notifications=(note("periodic", "2024-05-10"), note("change", "2024-06-01")),
        detentions=custody,
    )
    assert only(run(earlier, "2025-06-02"), "periodic").due == D("2025-06-03")
    assert only(run(later, "2025-06-02"), "periodic").due == D("2025-06-01")
