"""The missing/wanted case as a pure state table. No Django, no I/O: the services ask this module
whether an event is allowed in the current state and what the state becomes.

A case's state is two things that change together and are stored as one interval row
(``cases.CaseState``):

- ``state``: ``missing`` (whereabouts unknown, no warrant), ``wanted`` (a warrant is recorded) or
  ``closed`` (ended with an outcome);
- ``believed_abroad``: the unit believes the person is outside the UK (their location is not known;
  someone *known* to be abroad at a known address is not missing: that is a closing outcome).

Events and what they do (``None`` = the case does not exist yet):

| from            | event              | to      | believed_abroad | needs                                  |
|-----------------|--------------------|---------|-----------------|----------------------------------------|
| None            | open_missing       | missing | as given        |                                        |
| None            | open_wanted        | wanted  | as given        | warrant date                           |
| missing         | warrant            | wanted  | unchanged       | warrant date                           |
| wanted          | warrant_withdrawn  | missing | unchanged       |                                        |
| missing, wanted | abroad             | same    | True            | not already believed abroad            |
| missing, wanted | not_abroad         | same    | False           | currently believed abroad              |
| missing, wanted | close              | closed  | unchanged       | an outcome; ``returned`` needs abroad  |
| closed          | reopen             | missing | False           | (``wanted`` when a warrant is given)   |
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

MISSING: Final = "missing"
WANTED: Final = "wanted"
CLOSED: Final = "closed"
STATES: Final = (MISSING, WANTED, CLOSED)
OPEN_STATES: Final = frozenset({MISSING, WANTED})

OPEN_MISSING: Final = "open_missing"
OPEN_WANTED: Final = "open_wanted"
WARRANT: Final = "warrant"
WARRANT_WITHDRAWN: Final = "warrant_withdrawn"
ABROAD: Final = "abroad"
NOT_ABROAD: Final = "not_abroad"
CLOSE: Final = "close"
REOPEN: Final = "reopen"
EVENTS: Final = (OPEN_MISSING, OPEN_WANTED, WARRANT, WARRANT_WITHDRAWN, ABROAD, NOT_ABROAD, CLOSE, REOPEN)

# Closing outcomes (the values match cases.models.CaseOutcome).
OUTCOMES: Final = ("located", "arrested", "returned", "abroad_known", "died", "no_longer_subject")
OUTCOME_LABELS: Final = {
    "located": "Located",
    "arrested": "Arrested",
    "returned": "Returned to the UK",
    "abroad_known": "Confirmed abroad at a known address",
    "died": "Died",
    "no_longer_subject": "No longer subject",
}

# (from state, event) -> to state. ``None`` as the from state: the case is being opened.
# ``SAME`` keeps the state (the event changes only believed_abroad).
SAME: Final = "="
TABLE: Final[dict[tuple[str | None, str], str]] = {
    (None, OPEN_MISSING): MISSING,
    (None, OPEN_WANTED): WANTED,
    (MISSING, WARRANT): WANTED,
    (WANTED, WARRANT_WITHDRAWN): MISSING,
    (MISSING, ABROAD): SAME,
    (WANTED, ABROAD): SAME,
    (MISSING, NOT_ABROAD): SAME,
    (WANTED, NOT_ABROAD): SAME,
    (MISSING, CLOSE): CLOSED,
    (WANTED, CLOSE): CLOSED,
    (CLOSED, REOPEN): MISSING,
}

EVENT_LABELS: Final = {
    OPEN_MISSING: "Opened as missing",
    OPEN_WANTED: "Opened as wanted",
    WARRANT: "Warrant recorded: now wanted",
    WARRANT_WITHDRAWN: "Warrant withdrawn: missing",
    ABROAD: "Believed abroad",
    NOT_ABROAD: "No longer believed abroad",
    CLOSE: "Closed",
    REOPEN: "Reopened",
}


class TransitionRefused(ValueError):
    """The event is not allowed from this state. ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class CaseStatus:
    state: str
    believed_abroad: bool = False

    @property
    def open(self) -> bool:
        return self.state in OPEN_STATES


def allowed_events(current: CaseStatus | None) -> tuple[str, ...]:
    """The events the table allows from ``current`` (before the per-event checks)."""
    state = current.state if current else None
    out = []
    for (frm, event) in TABLE:
        if frm != state:
            continue
        if event == ABROAD and current and current.believed_abroad:
            continue
        if event == NOT_ABROAD and current and not current.believed_abroad:
            continue
        out.append(event)
    return tuple(out)


def apply(
    current: CaseStatus | None,
    event: str,
    *,
    outcome: str | None = None,
    warrant: bool = False,
    believed_abroad: bool = False,
) -> CaseStatus:
    """The status after ``event``. Raises TransitionRefused when the table or a check forbids it.

    ``warrant``: a warrant date is given with the event. ``believed_abroad``: the flag on opening.
    """
    if event not in EVENTS:
        raise TransitionRefused("event", f"must be one of: {', '.join(EVENTS)}")
    state = current.state if current else None
    key = (state, event)
    if key not in TABLE:
        where = f"a {state} case" if state else "a case that is not open yet"
        raise TransitionRefused("event", f"'{event}' is not allowed for {where}")
    target = TABLE[key]
    new_state = state if target == SAME else target
    assert new_state is not None
    abroad = current.believed_abroad if current else believed_abroad

    if event in (OPEN_WANTED, WARRANT) and not warrant:
        raise TransitionRefused("warrant_on", "is required: the date the warrant was issued")
    if event == ABROAD:
        if abroad:
            raise TransitionRefused("event", "the person is already recorded as believed abroad")
        abroad = True
    elif event == NOT_ABROAD:
        if not abroad:
            raise TransitionRefused("event", "the person is not recorded as believed abroad")
        abroad = False
    elif event == CLOSE:
        if outcome not in OUTCOMES:
            raise TransitionRefused("outcome", f"must be one of: {', '.join(OUTCOMES)}")
        if outcome == "returned" and not abroad:
            raise TransitionRefused(
                "outcome", "'returned' needs the person to be recorded as believed abroad first"
            )
    elif event == REOPEN:
        abroad = False
        if warrant:
            new_state = WANTED
    return CaseStatus(state=new_state, believed_abroad=abroad)


@dataclass(frozen=True)
class Span:
    """One derived state interval (``valid_to`` exclusive; None = still holds)."""

    state: str
    believed_abroad: bool
    valid_from: date
    valid_to: date | None
    event: str
    outcome: str = ""


def history_from_summary(
    kind: str, opened_on: date, closed_on: date | None, warrant_on: date | None,
    believed_abroad: bool, outcome: str,
) -> list[Span]:
    """State intervals for a case known only by its summary (imported or demo cases written without a
    history): missing from opening (wanted from the warrant date, or from opening when it was opened as
    wanted), closed from ``closed_on``. ``believed_abroad`` is taken to hold throughout."""
    spans: list[Span] = []
    end = closed_on
    warrant_inside = (
        warrant_on is not None and warrant_on > opened_on and (end is None or warrant_on < end)
    )
    if kind == WANTED and not warrant_inside:
        spans.append(Span(WANTED, believed_abroad, opened_on, end, OPEN_WANTED))
    elif kind == WANTED:
        spans.append(Span(MISSING, believed_abroad, opened_on, warrant_on, OPEN_MISSING))
        assert warrant_on is not None
        spans.append(Span(WANTED, believed_abroad, warrant_on, end, WARRANT))
    else:
        spans.append(Span(MISSING, believed_abroad, opened_on, end, OPEN_MISSING))
    if closed_on is not None:
        spans.append(Span(CLOSED, believed_abroad, closed_on, None, CLOSE, outcome))
    return spans


def open_episode(spans: Sequence[Span], day: date) -> tuple[Span, date] | None:
    """The open (missing or wanted) interval holding on ``day`` and the first day of its open episode: after a
    reopening, the reopening date; a warrant or a change of believed-abroad does not start a new episode.
    None when the case was not open on ``day``. ``spans`` in order, as stored; empty intervals are ignored."""
    live = [s for s in spans if s.valid_from <= day and s.valid_to != s.valid_from]
    if not live:
        return None
    last = live[-1]
    if last.state not in OPEN_STATES or (last.valid_to is not None and last.valid_to <= day):
        return None
    start = last.valid_from
    for s in reversed(live[:-1]):
        if s.state not in OPEN_STATES or s.valid_to != start:
            break
        start = s.valid_from
    return last, start
