"""Extension points: how packages above the register add their part of a registrant without the register
importing them (dependencies run one way, see README "Map of the code").

A package registers its extensions when Django starts (its ``AppConfig.ready``). Casework, for example, keeps each
registrant's missing and wanted cases: it registers

- a **document section** (``"cases"``): validated with the rest of a registrant document on import, written after
  the people in the same transaction, exported beside them, and read by the register status (missing, wanted);
- a **status source**: the (kind, opened, closed) spans stored for a batch of people, which the register status
  and the stored outcome's ``changes_on`` read;
- a **person panel**: a section of the person page.

Identity (search, duplicates, merge) registers

- a **people-written hook**: told the ids of people whose names (or other details) were just written, inside the
  same transaction, so it keeps its search keys in step with the one write path;
- a **people-evaluated hook** (casework): told the ids of people whose obligations were just re-evaluated after a
  change, inside the same transaction, so it sweeps them at once (breaches, tasks) instead of at the next nightly
  sweep;
- a **duplicate finder**: asked, before a new registrant is saved, for existing records that may be the same person;
  the register refuses to save (``DuplicatesFound``) until the officer confirms "this is a different person" with a
  reason;
- a **not-separate source**: the records that are no longer separate people (merged into another record) on a date,
  which every count leaves out (``selectors.separate``).

Casework also registers a **review hook**: told when an application for review of indefinite notification is
received or decided, so the owning force has a task due on the decision date until the decision is recorded
(also for an application still waiting that arrives in a registrant document: import, the demo).

Management (risk-led management) registers an **outcomes-written hook**: told the ids of people whose stored legal
outcome (``RegisterState``) was just written, and the as-at date, inside the same transaction, so its own duties
(an ARMS assessment after release or first registration, home visits) start from registration or release, whether
or not anything of management was recorded yet.

Registering the same key twice replaces the first (app start may run more than once in tests).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tether.core.errors import Conflict
from tether.core.fields import Fields

Span = tuple[str, date, "date | None"]  # (kind, start, end)


@dataclass(frozen=True)
class DocumentSection:
    """A part of the registrant document kept by another package.

    - ``parse(checker, data, date_of_birth, today)``: the section's typed value (errors go to the checker, with
      field paths such as ``cases[0].opened``);
    - ``spans(value)``: the status spans it gives (for a document not yet written);
    - ``write(items, now)``: store it for people just written (``items``: (person, value));
    - ``load(person_ids)``: the stored values by person id (for export and the register documents);
    - ``to_json(value)``: its JSON form, keys in a fixed order."""

    key: str
    parse: Callable[[Fields, Mapping[str, Any], date | None, date], Any]
    spans: Callable[[Any], list[Span]]
    write: Callable[[Sequence[tuple[Any, Any]], datetime], None]
    load: Callable[[Sequence[Any]], dict[Any, Any]]
    to_json: Callable[[Any], Any]
    empty: Callable[[], Any] = list


@dataclass(frozen=True)
class PersonPanel:
    """A section of the person page: ``template`` is included with ``panel`` = ``context``."""

    template: str
    anchor: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)


StatusSource = Callable[[Callable[[str], str], Callable[..., Any]], dict[Any, list[Span]]]
PanelSource = Callable[[Any, Any], "PersonPanel | None"]

_sections: dict[str, DocumentSection] = {}
_status_sources: dict[str, StatusSource] = {}
_panels: dict[str, PanelSource] = {}


def register_section(section: DocumentSection) -> None:
    _sections[section.key] = section


def sections() -> list[DocumentSection]:
    return list(_sections.values())


def register_status_source(key: str, source: StatusSource) -> None:
    """``source(quote_name, grouped)``: read the spans of the batch with ``grouped(sql)`` (the register's batched,
    id-range-aware raw reader, see ``selectors.load_histories``) and return them by person id."""
    _status_sources[key] = source


def status_sources() -> list[StatusSource]:
    return list(_status_sources.values())


def register_person_panel(key: str, panel: PanelSource) -> None:
    """``panel(user, person)`` -> ``PersonPanel``, or None to show nothing to this user; called only for a user who
    sees the full record."""
    _panels[key] = panel


def person_panels() -> list[PanelSource]:
    return list(_panels.values())


ROWS_PRESENT = "_rows_present"  # on the person the page hands its panels: the related names holding rows


def may_hold(person: Any, related_name: str) -> bool:
    """Whether ``person`` may have rows under ``related_name`` (``person.trips``, ``person.cases``...): False only when
    the person page has already read that it holds none (``selectors.note_rows_present``), so a panel skips a query
    that would find nothing. A person read anywhere else may hold anything."""
    present = getattr(person, ROWS_PRESENT, None)
    return present is None or related_name in present


# --- identity: search keys and duplicates on entry -----------------------------------------------------------

PeopleWritten = Callable[[Sequence[Any]], None]


@dataclass(frozen=True)
class PossibleDuplicate:
    """An existing record that may be the person being added. ``full``: the actor may see the whole record (the
    reference is shown); otherwise only the national index entry (name, date of birth, owning force)."""

    person_id: Any
    name: str
    date_of_birth: date
    owning_force: str
    score: float
    reasons: tuple[str, ...]
    reference: str = ""
    full: bool = False


DuplicateFinder = Callable[[Any, Any], list[PossibleDuplicate]]


class DuplicatesFound(Conflict):
    """The new registrant looks like someone already on the register: nothing was saved."""

    def __init__(self, candidates: Sequence[PossibleDuplicate]) -> None:
        self.candidates = list(candidates)
        super().__init__(
            f"{len(self.candidates)} existing record(s) may be this person: open one, or confirm this is a different "
            "person and give the reason."
        )


_people_written: dict[str, PeopleWritten] = {}
_duplicate_finders: dict[str, DuplicateFinder] = {}


def register_people_written(key: str, hook: PeopleWritten) -> None:
    """``hook(person_ids)``: called inside the write's transaction after people are created or changed."""
    _people_written[key] = hook


def people_written(person_ids: Sequence[Any]) -> None:
    for hook in list(_people_written.values()):
        hook(person_ids)


_people_evaluated: dict[str, PeopleWritten] = {}


def register_people_evaluated(key: str, hook: PeopleWritten) -> None:
    """``hook(person_ids)``: called inside the write's transaction once the law was re-evaluated for people just
    created or changed (their stored outcome is current)."""
    _people_evaluated[key] = hook


def people_evaluated(person_ids: Sequence[Any]) -> None:
    for hook in list(_people_evaluated.values()):
        hook(person_ids)


def register_duplicate_finder(key: str, finder: DuplicateFinder) -> None:
    """``finder(actor, doc)`` -> the existing records (``PossibleDuplicate``, best first) that may be the person in
    the validated ``RegistrantDoc``, searched across every force."""
    _duplicate_finders[key] = finder


def find_duplicates(actor: Any, doc: Any) -> list[PossibleDuplicate]:
    found: dict[Any, PossibleDuplicate] = {}
    for finder in list(_duplicate_finders.values()):
        for candidate in finder(actor, doc):
            if candidate.person_id not in found or found[candidate.person_id].score < candidate.score:
                found[candidate.person_id] = candidate
    return sorted(found.values(), key=lambda c: -c.score)


# --- identity: records that are no longer separate people ----------------------------------------------------

NotSeparate = Callable[["date | None"], Any]
_not_separate: dict[str, NotSeparate] = {}


def register_not_separate(key: str, source: NotSeparate) -> None:
    """``source(as_of)`` -> a query of the ids (one ``values`` column) of records that are not separate people on
    ``as_of`` (None: now), e.g. merged into another record on or before it."""
    _not_separate[key] = source


def not_separate_sources() -> list[NotSeparate]:
    return list(_not_separate.values())


# --- management: duties that follow the register's outcome ----------------------------------------------------

OutcomesWritten = Callable[[Sequence[Any], date, Collection[Any] | None], None]
_outcomes_written: dict[str, OutcomesWritten] = {}


def register_outcomes_written(key: str, hook: OutcomesWritten) -> None:
    """``hook(person_ids, as_of, registration_changed)``: called inside the write's transaction after their
    ``RegisterState`` is stored. ``registration_changed``: None when their facts were written (any of them may have
    changed); for a re-evaluation of unchanged facts (time passing, other rules), the few of ``person_ids`` whose
    registration or status (the state but for the next due date and the evaluation's dates) changed: the rest
    changed only in their obligations."""
    _outcomes_written[key] = hook


def outcomes_written(person_ids: Sequence[Any], as_of: date, registration_changed: Collection[Any] | None) -> None:
    for hook in list(_outcomes_written.values()):
        hook(person_ids, as_of, registration_changed)


# --- casework: a transfer's deadline and the receiving force's work --------------------------------------------

TransferDays = Callable[[Any], int]
TransferChanged = Callable[[Any, str, Any], None]
_transfer_days: dict[str, TransferDays] = {}
_transfer_changed: dict[str, TransferChanged] = {}


def register_transfer_days(key: str, source: TransferDays) -> None:
    """``source(force)`` -> the days the receiving ``force`` has to accept a transfer (casework: its playbook)."""
    _transfer_days[key] = source


def transfer_days(force: Any) -> int | None:
    """The receiving force's days to accept (the first source registered), or None when there is none."""
    for source in list(_transfer_days.values()):
        return source(force)
    return None


def register_transfer_changed(key: str, hook: TransferChanged) -> None:
    """``hook(transfer, event, actor)``: called inside the write's transaction when a transfer is ``started``,
    ``accepted``, ``refused`` or found ``late`` (its deadline passed undecided), so casework gives the receiving force
    its task and escalates a refusal or a missed deadline to both forces' supervisors."""
    _transfer_changed[key] = hook


def transfer_changed(transfer: Any, event: str, actor: Any) -> None:
    for hook in list(_transfer_changed.values()):
        hook(transfer, event, actor)


# --- casework: the police decision on an application for review -------------------------------------------------

ReviewChanged = Callable[[Any, str, Any], None]
_review_changed: dict[str, ReviewChanged] = {}


def register_review_changed(key: str, hook: ReviewChanged) -> None:
    """``hook(review, event, actor)``: called inside the write's transaction when an application for review of
    indefinite notification is ``applied`` (received, with its decision due date) or ``decided``, so casework gives
    the owning force a task due on the decision date and closes it with the decision."""
    _review_changed[key] = hook


def review_changed(review: Any, event: str, actor: Any) -> None:
    for hook in list(_review_changed.values()):
        hook(review, event, actor)
