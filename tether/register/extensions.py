"""Extension points: how packages above the register add their part of a registrant without the register
importing them (dependencies run one way, see README "Map of the code").

A package registers its extensions when Django starts (its ``AppConfig.ready``). Casework, for example, keeps each
registrant's missing and wanted cases: it registers

- a **document section** (``"cases"``): validated with the rest of a registrant document on import, written after
  the people in the same transaction, exported beside them, and read by the register status (missing, wanted);
- a **status source**: the (kind, opened, closed) spans stored for a batch of people, which the register status
  and the stored outcome's ``changes_on`` read;
- a **person panel**: a section of the person page.

Registering the same key twice replaces the first (app start may run more than once in tests).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

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
PanelSource = Callable[[Any, Any], PersonPanel]

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
    """``panel(user, person)`` -> ``PersonPanel``; called only for a user who sees the full record."""
    _panels[key] = panel


def person_panels() -> list[PanelSource]:
    return list(_panels.values())
