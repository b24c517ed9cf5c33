"""The rules explorer's form: facts typed in as rows (no personal data), parsed into the engine's JSON input."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms

from tether.core.wording import mid_sentence
from tether.register.constants import ENGINE_ORDER_KINDS, DetentionKind, DisposalKind, NotificationKind, OrderKind
from tether.ui.forms import DateParts, PartsForm, text_field
from tether.ui.forms import iso as _iso

# --- the rules explorer ----------------------------------------------------------------------------------------

JURISDICTION_CHOICES = [
    ("england-wales", "England and Wales"),
    ("scotland", "Scotland"),
    ("northern-ireland", "Northern Ireland"),
    ("us-sorna", "US SORNA (federal)"),
]
EVENT_KIND_CHOICES = [
    ("release", "Release from custody or hospital"),
    ("name_change", "Change of name"),
    ("address_change", "Change of home address"),
    ("departure", "Departure abroad"),
    ("stay", "Stay away from home"),
]
REVIEW_OUTCOME_CHOICES = [("discharged", "Discharged"), ("refused", "Refused"), ("continued", "Continued")]
TIER_CHOICES = [("", "None"), ("1", "Tier I"), ("2", "Tier II"), ("3", "Tier III")]
MAX_ROWS = 100  # per group: a registrant of many years can have dozens of notifications; a cap bounds the form
DATE_HINT = "YYYY-MM-DD"


def _select(choices: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return (("", "Select"), *choices)


@dataclass(frozen=True)
class RowField:
    """One value of a repeated row. ``key`` is its key in the engine's JSON; ``phrase`` names it in error
    messages (``{row}`` becomes "disposal 2" or "the SHPO")."""

    key: str
    label: str
    kind: str  # "date", "text", "number", "select" or "checkbox"
    phrase: str
    options: tuple[tuple[str, str], ...] = ()
    classes: str = ""

    @property
    def hint(self) -> str:
        return DATE_HINT if self.kind == "date" else ""


@dataclass(frozen=True)
class RowGroup:
    """A list in the engine's JSON (``disposals``) shown as numbered rows, or one object (``review``)."""

    key: str
    noun: str  # "disposal" -> "Disposal 2"
    single_name: str  # the row's name when there is only one ("the SHPO")
    rows: int  # rows shown when there is nothing in them
    fields: tuple[RowField, ...]
    fixed: tuple[tuple[str, str], ...] = ()  # values every row carries
    spare: bool = True  # add a blank row when every row is filled
    single: bool = False  # one JSON object, not a list

    def name(self, i: int, key: str) -> str:
        return f"{self.key}_{key}" if self.single else f"{self.key}_{i}_{key}"

    def row_name(self, i: int, count: int) -> str:
        return self.single_name if count == 1 else f"{self.noun} {i + 1}"


def _date_field(key: str, label: str, phrase: str) -> RowField:
    return RowField(key, label, "date", phrase, classes="govuk-input--width-10")


ROW_GROUPS: tuple[RowGroup, ...] = (
    RowGroup("disposals", "disposal", "the disposal", 3, (
        _date_field("date", "Date", "the date of {row}"),
        RowField("kind", "Disposal", "select", "the kind of {row}", _select(DisposalKind.choices)),
        RowField("months", "Months", "number", "the months for {row}", classes="govuk-input--width-4"),
        RowField("tier", "SORNA tier", "select", "the SORNA tier for {row}", tuple(TIER_CHOICES)),
        RowField("adjudicated_delinquent", "Juvenile adjudication (SORNA)", "checkbox",
                 "the juvenile adjudication flag for {row}"),
    )),
    RowGroup("orders", "order", "the order", 1, (
        RowField("kind", "Order", "select", "the kind of {row}", _select(OrderKind.choices)),
        _date_field("start", "Start", "the start of {row}"),
        _date_field("end", "End (blank if until further order)", "the end of {row}"),
    )),
    RowGroup("detentions", "period", "the period", 3, (
        RowField("kind", "Where", "select", "where {row} was spent", _select(DetentionKind.choices)),
        _date_field("start", "Start", "the start of {row}"),
        _date_field("end", "End (release or return)", "the end of {row}"),
    )),
    RowGroup("notifications", "notification", "the notification", 6, (
        RowField("kind", "Kind", "select", "the kind of {row}", _select(NotificationKind.choices)),
        _date_field("date", "Date", "the date of {row}"),
        RowField("no_fixed_abode", "No fixed abode", "checkbox", "the no fixed abode flag for {row}"),
    )),
    RowGroup("events", "event", "the event", 3, (
        RowField("kind", "Kind", "select", "the kind of {row}", _select(EVENT_KIND_CHOICES)),
        _date_field("start", "Start", "the start of {row}"),
        _date_field("end", "End", "the end of {row}"),
        _date_field("advance_notice_for", "Date given in advance", "the advance notice date for {row}"),
        RowField("address", "Address (stays)", "text", "the address for {row}", classes="govuk-input--width-20"),
        RowField("country", "Country (departures)", "text", "the country for {row}", classes="govuk-input--width-4"),
        RowField("short_notice", "Short notice (departures)", "checkbox", "the short notice flag for {row}"),
        _date_field("notified_on", "Date the trip was notified (departures)", "the day {row} was notified"),
    )),
    RowGroup("review", "review", "the review", 1, (
        _date_field("determined_on", "Determined on", "the date {row} was determined"),
        RowField("outcome", "Outcome", "select", "the outcome of {row}", _select(REVIEW_OUTCOME_CHOICES)),
        _date_field("further_date", "Further review date", "the further review date set by {row}"),
    ), spare=False, single=True),
)
GROUPS = {g.key: g for g in ROW_GROUPS}
LEFT_OUT_ORDERS = frozenset(OrderKind.values) - ENGINE_ORDER_KINDS
TOP_PHRASES = {"as_of": "the as-at date", "jurisdiction": "the jurisdiction", "date_of_birth": "the date of birth",
               "date_of_death": "the date of death", "sorna_clean_record": "the SORNA clean record flag"}
TOP_DATES = ("as_of", "date_of_birth", "date_of_death")
_PATH_RE = re.compile(r"^(\w+)(?:\[(\d+)\])?\.(\w+)$")
_ROW_KEY_RE = re.compile(r"^(\w+?)_(\d+)_\w+$")


def canonical_json(text: str) -> str | None:
    """The JSON text in one canonical form, to tell whether the JSON box was changed (None: not valid JSON)."""
    try:
        return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))
    except ValueError:
        return None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _iso_parts(value: Any) -> dict[str, str]:
    try:
        d = date.fromisoformat(str(value))
    except ValueError:
        return {}
    return {"day": str(d.day), "month": str(d.month), "year": str(d.year)}


def rules_form_data(facts: Mapping[str, Any]) -> dict[str, str]:
    """Form data (as a browser would send it) for an engine input document, the JSON box included."""
    data: dict[str, str] = {"jurisdiction": str(facts.get("jurisdiction") or "")}
    for name in TOP_DATES:
        for part, value in _iso_parts(facts.get(name)).items():
            data[f"{name}_{part}"] = value
    if facts.get("sorna_clean_record"):
        data["sorna_clean_record"] = "yes"
    for g in ROW_GROUPS:
        raw = facts.get(g.key)
        items = ([raw] if raw else []) if g.single else list(raw or [])
        for i, item in enumerate(items[:MAX_ROWS]):
            for f in g.fields:
                raw_value = item.get(f.key) if isinstance(item, Mapping) else None
                if raw_value is None or raw_value is False:
                    continue
                data[g.name(i, f.key)] = "yes" if raw_value is True else str(raw_value)
    text = json.dumps(facts, indent=2, ensure_ascii=False)
    data["facts_json"] = text
    data["json_shown"] = canonical_json(text) or ""
    return data


class RulesForm(PartsForm):
    """The rules explorer: the engine's facts as form fields, or pasted as JSON.

    Rows are numbered from 0 in field names (``disposals_0_kind``) so an engine error path (``disposals[0].kind``)
    maps straight back once empty rows are accounted for. The JSON box is used instead of the fields when it holds
    something other than the JSON the page last showed (``json_shown``, which the page fills in after each run).
    """

    dates = (DateParts("as_of", "As-at date"), DateParts("date_of_birth", "Date of birth"),
             DateParts("date_of_death", "Date of death"))

    jurisdiction = text_field(max_length=20)
    sorna_clean_record = forms.BooleanField(required=False)
    facts_json = text_field(max_length=200_000)
    json_shown = text_field(max_length=200_000)

    ANCHORS = {name: f"{name}_day" for name in TOP_DATES}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.counts: dict[str, int] = {}
        for g in ROW_GROUPS:
            count = 1 if g.single else self._row_count(g)
            self.counts[g.key] = count
            for i in range(count):
                for f in g.fields:
                    self.fields[g.name(i, f.key)] = (
                        forms.BooleanField(required=False) if f.kind == "checkbox" else text_field(max_length=300)
                    )
        self.rows_used: dict[str, list[int]] = {}  # group -> the form row of each JSON list item
        self.left_out: list[dict[str, Any]] = []  # orders the engine does not read (an SRO, a travel prohibition)

    def _row_count(self, g: RowGroup) -> int:
        present, filled = -1, -1
        for key in self.data:
            m = _ROW_KEY_RE.match(str(key))
            if m and m.group(1) == g.key and int(m.group(2)) < MAX_ROWS:
                present = max(present, int(m.group(2)))
                if str(self.data.get(key) or "").strip():
                    filled = max(filled, int(m.group(2)))
        wanted = max(g.rows, present + 1, filled + 2 if g.spare else filled + 1)
        return min(wanted, MAX_ROWS)

    # --- which input --------------------------------------------------------------------------------------------

    def uses_json(self) -> bool:
        raw = (self.cleaned_data.get("facts_json") or "").strip()
        return bool(raw) and canonical_json(raw) != (self.cleaned_data.get("json_shown") or "")

    def json_document(self) -> Any:
        """The pasted JSON, decoded (raises ValueError)."""
        return json.loads(self.cleaned_data.get("facts_json") or "")

    def document(self) -> dict[str, Any]:
        """The engine's input document built from the fields (empty rows left out); call ``parse`` first."""
        d = self.cleaned_data
        doc: dict[str, Any] = {
            "as_of": _iso(self.parsed.get("as_of")),
            "jurisdiction": d.get("jurisdiction") or None,
            "date_of_birth": _iso(self.parsed.get("date_of_birth")),
        }
        if self.parsed.get("date_of_death") is not None:
            doc["date_of_death"] = _iso(self.parsed.get("date_of_death"))
        for g in ROW_GROUPS:
            items: list[dict[str, Any]] = []
            used: list[int] = []
            for i in range(self.counts[g.key]):
                item = {f.key: self._value(f, d.get(g.name(i, f.key))) for f in g.fields}
                item = {k: v for k, v in item.items() if v is not None}
                if item and g.key == "orders" and item.get("kind") in LEFT_OUT_ORDERS:
                    # as the register does (register.facts): an SRO or a foreign travel prohibition changes no
                    # notification duty (docs/rules.md, assumption 43), so the engine is not given it
                    self.left_out.append({**item, "row": g.row_name(i, self.counts[g.key]),
                                          "label": mid_sentence(dict(OrderKind.choices)[item["kind"]])})
                elif item:
                    items.append({**dict(g.fixed), **item})
                    used.append(i)
            self.rows_used[g.key] = used
            if g.single:
                if items:
                    doc[g.key] = items[0]
            else:
                doc[g.key] = items
        if d.get("sorna_clean_record"):
            doc["sorna_clean_record"] = True
        return doc

    @staticmethod
    def _value(f: RowField, raw: Any) -> Any:
        if f.kind == "checkbox":
            return True if raw else None
        text = str(raw or "").strip()
        if not text:
            return None
        if f.key in ("months", "tier"):
            return int(text) if text.isdigit() else text  # anything else: the engine names the rule
        if f.key == "country":
            return text.upper()
        return text

    def keep_left_out(self, data: dict[str, str]) -> dict[str, str]:
        """``data`` (form data rebuilt from what the engine read) with the orders it was not given added back as
        rows after the others, so they stay on the page."""
        start = sum(1 for key in data if _ROW_KEY_RE.match(key) and key.startswith("orders_") and
                    key.endswith("_start"))
        for n, item in enumerate(self.left_out, start=start):
            for key in ("kind", "start", "end"):
                if item.get(key):
                    data[f"orders_{n}_{key}"] = str(item[key])
        return data

    # --- errors -------------------------------------------------------------------------------------------------

    def field_for_path(self, path: str) -> tuple[str | None, str]:
        """(form field, phrase naming it) for an engine error path; (None, "") when no field shows it."""
        if path in TOP_PHRASES:
            return path, TOP_PHRASES[path]
        m = _PATH_RE.match(path)
        g = GROUPS.get(m.group(1)) if m else None
        if m is None or g is None:
            return None, ""
        index = int(m.group(2) or 0)
        used = self.rows_used.get(g.key, [])
        if index >= len(used):
            return None, ""
        row = used[index]
        keys = [f.key for f in g.fields]
        key = m.group(3) if m.group(3) in keys else keys[0]
        field = next(f for f in g.fields if f.key == key)
        return g.name(row, key), field.phrase.format(row=g.row_name(row, self.counts[g.key]))

    def explain(self, path: str, message: str) -> tuple[str | None, str]:
        """(form field, a sentence for the error summary) for an engine FactsError on the fields."""
        name, phrase = self.field_for_path(path)
        if name is None:
            return None, _capital(f"{path} {message}")
        choose = name == "jurisdiction" or name.endswith(("_kind", "_outcome", "_tier"))
        cap = _capital(phrase)
        if message == "is required" or message.startswith("unknown value"):
            return name, f"{'Select' if choose else 'Enter'} {phrase}"
        if message.startswith("is required for us-sorna"):
            return name, f"Select {phrase}: every disposal needs a tier under US SORNA"
        m = re.fullmatch(r"is required for (\w+)", message)
        if m:
            kind = mid_sentence(dict(DisposalKind.choices).get(m.group(1), m.group(1)))
            return name, f"Enter {phrase}: {kind} needs a length in months"
        if message.startswith("must be a date in YYYY-MM-DD form"):
            return name, f"{cap} must be a date written YYYY-MM-DD, like 2020-03-04"
        if message.startswith("is not a real date"):
            return name, f"{cap} must be a real date"
        m = re.match(r"must be a whole number from (\d+) to (\d+)", message)
        if m:
            return name, f"{cap} must be a whole number from {m.group(1)} to {m.group(2)}"
        if name == "date_of_death" and re.fullmatch(r"\S+ is before the date of birth \S+", message):
            return name, "The date of death must be the same as or after the date of birth"
        if re.fullmatch(r"\S+ is before start \S+", message):
            return name, f"{cap} must be the same as or after its start"
        m = re.fullmatch(r"is after (disposals\[\d+\])\.date (\S+)", message)
        if m:
            _, disposal = self.field_for_path(f"{m.group(1)}.date")
            when = date.fromisoformat(m.group(2))
            disposal = disposal or "the disposal date"
            return name, f"The date of birth must be on or before {disposal} ({when.day} {when:%B %Y})"
        return name, f"{cap} {message}"

    # --- rendering ----------------------------------------------------------------------------------------------

    def sections(self, errors: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
        """Group key -> rows, each {"legend", "fields": [{type, name, label, value, error, ...}]} to render."""
        out: dict[str, list[dict[str, Any]]] = {}
        for g in ROW_GROUPS:
            count = self.counts[g.key]
            rows = []
            for i in range(count):
                cells = []
                for f in g.fields:
                    name = g.name(i, f.key)
                    cells.append({
                        "type": f.kind, "name": name, "label": f.label, "value": self[name].value(),
                        "error": errors.get(name), "hint": f.hint, "classes": f.classes, "options": f.options,
                    })
                rows.append({"legend": _capital(g.row_name(i, count)), "fields": cells,
                             "has_error": any(c["error"] for c in cells)})
            out[g.key] = rows
        return out


