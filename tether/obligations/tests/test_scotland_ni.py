"""Scotland and Northern Ireland differences (domain.md §12)."""

from __future__ import annotations

from typing import Any

import pytest

from .factories import D, det, disp, ev, facts, note, of_kind, only, review, run, shpo

# --- Scotland -------------------------------------------------------------------------------------


def test_scotland_caution_does_not_register() -> None:
    f = facts("scotland", disposals=(disp("2025-01-10", "caution"),), notifications=(note("initial", "2025-01-11"),))
    out = run(f, "2025-02-01")
    reg = out.registration
    assert (reg.start, reg.end, reg.subject, reg.indefinite) == (None, None, False, False)
    assert out.obligations == ()
    assert "SOA 2003 s.80(1)(d)" in reg.citations


def test_same_caution_registers_in_england_and_wales_and_ni() -> None:
    for jurisdiction in ("england-wales", "northern-ireland"):
        reg = run(facts(jurisdiction, disposals=(disp("2025-01-10", "caution"),)), "2025-02-01").registration
        assert reg.subject and reg.end == D("2027-01-09")


def test_scotland_caution_ignored_next_to_a_conviction() -> None:
    f = facts("scotland", disposals=(disp("2019-01-10", "caution"), disp("2020-01-10", "other")))
    out = run(f, "2020-01-11")
    assert out.registration.start == D("2020-01-10")
    assert [o.trigger for o in of_kind(out, "initial")] == [D("2020-01-10")]


@pytest.mark.parametrize(
    ("dob", "detentions", "notifications", "rev", "expected"),
    [
        pytest.param(
            "1980-01-01",
            (det("custody", "2015-03-04", "2016-01-03"),),
            (note("initial", "2016-01-05"),),
            None,
            "2031-01-03",
            id="adult-15-years-plus-custody-before-first-notification",
        ),
        pytest.param("1980-01-01", (), (note("initial", "2015-03-05"),), None, "2030-03-04", id="adult-no-custody"),
        pytest.param("1999-01-01", (), (note("initial", "2015-03-05"),), None, "2023-03-04", id="youth-8-years"),
        pytest.param(
            "1980-01-01",
            (det("custody", "2015-03-04", "2016-01-03"), det("custody", "2018-01-01", "2019-01-01")),
            (note("initial", "2016-01-05"),),
            None,
            "2031-01-03",
            id="custody-after-first-notification-not-disregarded",
        ),
        pytest.param("1980-01-01", (), (), None, None, id="no-notification-yet"),
        pytest.param(
            "1980-01-01",
            (),
            (note("initial", "2015-03-05"),),
            review("2030-03-01", "continued"),
            "2045-03-01",
            id="notification-continuation-order-15-years",
        ),
        pytest.param(
            "1980-01-01",
            (),
            (note("initial", "2015-03-05"),),
            review("2030-03-01", "continued", further="2035-03-04"),
            "2035-03-04",
            id="continuation-order-shorter-period-given",
        ),
    ],
)
def test_scotland_automatic_review(
    dob: str, detentions: Any, notifications: Any, rev: Any, expected: str | None
) -> None:
    f = facts(
        "scotland",
        dob=dob,
        disposals=(disp("2015-03-04", "imprisonment", 36),),
        detentions=detentions,
        notifications=notifications,
        review=rev,
    )
    reg = run(f, "2031-06-01").registration
    assert reg.review_eligible_from == (D(expected) if expected else None)
    assert "SOA 2003 ss.88A-88C" in reg.citations


def test_scotland_nfa_weekly_cites_ssi() -> None:
    f = facts(
        "scotland", disposals=(disp("2020-01-10", "life"),), notifications=(note("change", "2025-05-10", nfa=True),)
    )
    o = only(run(f, "2025-05-12"), "periodic")
    assert o.due == D("2025-05-17")
    assert "SSI 2013/216" in o.citation


def test_scotland_has_no_absence_rule() -> None:
    f = facts("scotland", disposals=(disp("2020-01-10", "life"),), events=(ev("stay", "2025-07-01", "2025-07-05"),))
    assert of_kind(run(f, "2025-07-10"), "absence") == []


# --- Northern Ireland -----------------------------------------------------------------------------

NI_CONVICTED = (disp("2020-01-10", "imprisonment", 12),)
NI_NOTIFIED = (note("initial", "2020-01-11"),)


@pytest.mark.parametrize(
    ("stay", "notifications", "as_of", "expected"),
    [
        pytest.param(
            ev("stay", "2025-07-01", "2025-07-05"),
            (note("travel", "2025-06-30"),),
            "2025-07-10",
            ("2025-06-30", "met"),
            id="absence-5-days-noticed-day-before",
        ),
        pytest.param(
            ev("stay", "2025-07-01", "2025-07-05"),
            (note("travel", "2025-07-01"),),
            "2025-07-10",
            ("2025-06-30", "met"),
            id="absence-noticed-on-day-of-leaving-met-late",
        ),
        pytest.param(
            ev("stay", "2025-07-01", "2025-07-05"),
            (),
            "2025-07-10",
            ("2025-06-30", "overdue"),
            id="absence-not-noticed",
        ),
        pytest.param(ev("stay", "2025-07-01", "2025-07-04"), (), "2025-07-10", ("2025-06-30", "overdue"), id="4-days"),
        pytest.param(ev("stay", "2025-07-01", "2025-07-03"), (), "2025-07-10", None, id="3-days-is-not-more-than-3"),
        pytest.param(ev("stay", "2025-07-01"), (), "2025-07-04", ("2025-06-30", "overdue"), id="open-absence"),
    ],
)
def test_ni_absence(stay: Any, notifications: Any, as_of: str, expected: tuple[str, str] | None) -> None:
    f = facts("northern-ireland", disposals=NI_CONVICTED, notifications=NI_NOTIFIED + notifications, events=(stay,))
    found = of_kind(run(f, as_of), "absence")
    if expected is None:
        assert found == []
        return
    assert len(found) == 1
    o = found[0]
    assert (o.due, o.status, o.citation) == (D(expected[0]), expected[1], "SOA 2003 s.85A(2)")


def test_ni_absence_met_late_is_visible() -> None:
    f = facts(
        "northern-ireland",
        disposals=NI_CONVICTED,
        notifications=(*NI_NOTIFIED, note("travel", "2025-07-01")),
        events=(ev("stay", "2025-07-01", "2025-07-05"),),
    )
    o = only(run(f, "2025-07-10"), "absence")
    assert o.met_on == D("2025-07-01") and "late" in o.explanation


@pytest.mark.parametrize(
    ("event", "notifiable"),
    [
        pytest.param(ev("departure", "2025-08-20", "2025-08-21", country="IE"), False, id="ireland-2-days-exempt"),
        pytest.param(ev("departure", "2025-08-20", "2025-08-22", country="IE"), True, id="ireland-3-days-notifiable"),
        pytest.param(ev("departure", "2025-08-20", country="IE"), True, id="ireland-open-return-notifiable"),
        pytest.param(ev("departure", "2025-08-20", "2025-08-21", country="FR"), True, id="france-short-notifiable"),
    ],
)
def test_ni_travel_ireland_exception(event: Any, notifiable: bool) -> None:
    f = facts("northern-ireland", disposals=NI_CONVICTED, notifications=NI_NOTIFIED, events=(event,))
    assert bool(of_kind(run(f, "2025-08-01"), "travel")) is notifiable


@pytest.mark.parametrize(
    ("orders", "rev", "expected"),
    [
        pytest.param((), None, "2031-01-05", id="initial-review-period-15-years"),
        pytest.param((shpo("2018-01-01"),), None, None, id="blocked-by-sopo"),
        pytest.param((), review("2031-06-01", "refused"), "2039-06-01", id="after-refusal"),
    ],
)
def test_ni_review(orders: Any, rev: Any, expected: str | None) -> None:
    f = facts(
        "northern-ireland",
        disposals=(disp("2015-03-04", "ipp"),),
        notifications=(note("initial", "2016-01-05"),),
        orders=orders,
        review=rev,
    )
    reg = run(f, "2032-01-01").registration
    assert reg.review_eligible_from == (D(expected) if expected else None)
    assert "SOA 2003 Sch 3A" in reg.citations
