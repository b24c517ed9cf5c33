"""The case state table and the SIO rank rule: pure, no database."""

from __future__ import annotations

from datetime import date

import pytest

from tether.casework import ranks
from tether.casework import transitions as tr
from tether.casework.transitions import CaseStatus, TransitionRefused

M, W, C = CaseStatus(tr.MISSING), CaseStatus(tr.WANTED), CaseStatus(tr.CLOSED)
MA, WA = CaseStatus(tr.MISSING, True), CaseStatus(tr.WANTED, True)


@pytest.mark.parametrize(
    ("current", "event", "kwargs", "expected"),
    [
        (None, tr.OPEN_MISSING, {}, M),
        (None, tr.OPEN_MISSING, {"believed_abroad": True}, MA),
        (None, tr.OPEN_WANTED, {"warrant": True}, W),
        (M, tr.WARRANT, {"warrant": True}, W),
        (MA, tr.WARRANT, {"warrant": True}, WA),
        (W, tr.WARRANT_WITHDRAWN, {}, M),
        (M, tr.ABROAD, {}, MA),
        (WA, tr.NOT_ABROAD, {}, W),
        (M, tr.CLOSE, {"outcome": "located"}, C),
        (W, tr.CLOSE, {"outcome": "arrested"}, C),
        (WA, tr.CLOSE, {"outcome": "returned"}, CaseStatus(tr.CLOSED, True)),
        (MA, tr.CLOSE, {"outcome": "abroad_known"}, CaseStatus(tr.CLOSED, True)),
        (M, tr.CLOSE, {"outcome": "died"}, C),
        (M, tr.CLOSE, {"outcome": "no_longer_subject"}, C),
        (C, tr.REOPEN, {}, M),
        (CaseStatus(tr.CLOSED, True), tr.REOPEN, {}, M),
        (C, tr.REOPEN, {"warrant": True}, W),
    ],
)
def test_allowed(current, event, kwargs, expected):
    assert tr.apply(current, event, **kwargs) == expected


@pytest.mark.parametrize(
    ("current", "event", "kwargs", "field"),
    [
        (None, tr.WARRANT, {"warrant": True}, "event"),
        (None, tr.OPEN_WANTED, {}, "warrant_on"),
        (M, tr.OPEN_MISSING, {}, "event"),
        (M, tr.WARRANT, {}, "warrant_on"),
        (W, tr.WARRANT, {"warrant": True}, "event"),
        (M, tr.WARRANT_WITHDRAWN, {}, "event"),
        (MA, tr.ABROAD, {}, "event"),
        (M, tr.NOT_ABROAD, {}, "event"),
        (M, tr.CLOSE, {}, "outcome"),
        (M, tr.CLOSE, {"outcome": "found"}, "outcome"),
        (M, tr.CLOSE, {"outcome": "returned"}, "outcome"),  # returned needs believed abroad
        (C, tr.CLOSE, {"outcome": "located"}, "event"),
        (C, tr.WARRANT, {"warrant": True}, "event"),
        (C, tr.ABROAD, {}, "event"),
        (M, tr.REOPEN, {}, "event"),
        (M, "teleport", {}, "event"),
    ],
)
def test_refused(current, event, kwargs, field):
    with pytest.raises(TransitionRefused) as exc:
        tr.apply(current, event, **kwargs)
    assert exc.value.field == field


def test_allowed_events_follow_the_table():
    assert tr.allowed_events(None) == (tr.OPEN_MISSING, tr.OPEN_WANTED)
    assert set(tr.allowed_events(M)) == {tr.WARRANT, tr.ABROAD, tr.CLOSE}
    assert set(tr.allowed_events(WA)) == {tr.WARRANT_WITHDRAWN, tr.NOT_ABROAD, tr.CLOSE}
    assert tr.allowed_events(C) == (tr.REOPEN,)
    for status in (M, MA, W, WA, C):
        for event in tr.allowed_events(status):
            kwargs = {"warrant": True} if event in (tr.WARRANT,) else {}
            if event == tr.CLOSE:
                kwargs = {"outcome": "located"}
            tr.apply(status, event, **kwargs)  # never refused


def test_outcomes_match_the_model_choices():
    from tether.casework.models import CaseOutcome

    assert set(tr.OUTCOMES) == set(CaseOutcome.values)
    assert {c.value: c.label for c in CaseOutcome} == tr.OUTCOME_LABELS


D1, D2, D3 = date(2020, 1, 1), date(2020, 3, 1), date(2021, 1, 1)


@pytest.mark.parametrize(
    ("kind", "closed", "warrant", "expected"),
    [
        ("missing", None, None, [("missing", D1, None)]),
        ("wanted", None, None, [("wanted", D1, None)]),
        ("wanted", None, D1, [("wanted", D1, None)]),
        ("wanted", None, D2, [("missing", D1, D2), ("wanted", D2, None)]),
        ("missing", D3, None, [("missing", D1, D3), ("closed", D3, None)]),
        ("wanted", D3, D2, [("missing", D1, D2), ("wanted", D2, D3), ("closed", D3, None)]),
    ],
)
def test_history_from_summary(kind, closed, warrant, expected):
    spans = tr.history_from_summary(kind, D1, closed, warrant, False, "located" if closed else "")
    assert [(s.state, s.valid_from, s.valid_to) for s in spans] == expected


@pytest.mark.parametrize(
    ("rank", "ok"),
    [
        ("Inspector", True), ("Detective Inspector", True), ("DI", True), ("D.I.", True), ("insp", True),
        ("Acting Inspector", True), ("T/DCI", True), ("Chief Inspector", True), ("Det Supt", True),
        ("Detective Chief Superintendent", True), ("Commander", True), ("ACC", True), ("Chief Constable", True),
        ("Commissioner", True), ("Sergeant", False), ("DS", False), ("PC", False), ("Detective Constable", False),
        ("Acting Sergeant", False), ("", False), ("Police Staff Investigator", False), ("Inspector Gadget", False),
    ],
)
def test_sio_rank(rank, ok):
    assert ranks.is_inspector_or_above(rank) is ok
