"""Web forms. They only parse what the browser sent (text, GOV.UK date inputs, check boxes) and render it back;
every domain rule lives in the services, whose ValidationFailed field paths are mapped back onto these fields."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from tether.core.clock import UK
from tether.register.constants import DetentionKind, DisposalKind, NotificationKind


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been disabled. Ask your force administrator.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


def text_field(**kwargs: Any) -> forms.CharField:
    """An optional text field: the services say what is required."""
    return forms.CharField(required=False, **kwargs)


class DateParts:
    """Reads one GOV.UK date input (``<name>_day``, ``<name>_month``, ``<name>_year``)."""

    def __init__(self, name: str, label: str) -> None:
        self.name, self.label = name, label

    def fields(self) -> dict[str, forms.Field]:
        return {f"{self.name}_{part}": text_field(max_length=4) for part in ("day", "month", "year")}

    def parse(self, cleaned: Mapping[str, Any]) -> tuple[date | None, str | None]:
        """(date, None), (None, None) when left blank, or (None, error message)."""
        parts = [str(cleaned.get(f"{self.name}_{p}") or "").strip() for p in ("day", "month", "year")]
        if not any(parts):
            return None, None
        missing = [p for p, v in zip(("day", "month", "year"), parts, strict=True) if not v]
        if missing:
            return None, f"{self.label} must include a {' and '.join(missing)}"
        if not all(v.isdigit() for v in parts):
            return None, f"{self.label} must be a real date, in numbers, like 27 3 2007"
        day, month, year = (int(v) for v in parts)
        if len(parts[2]) != 4:
            return None, f"{self.label} must include a 4-digit year, like 2007"
        try:
            return date(year, month, day), None
        except ValueError:
            return None, f"{self.label} must be a real date"


class PartsForm(forms.Form):
    """A form with GOV.UK date inputs. Parsing problems land in ``parse_errors`` (field -> message)."""

    dates: Sequence[DateParts] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for d in self.dates:
            self.fields.update(d.fields())
        self.parsed: dict[str, date | None] = {}
        self.parse_errors: dict[str, str] = {}

    def parse(self) -> bool:
        """Parse the submitted data; True when every value could be read."""
        self.full_clean()
        for name, errs in self.errors.items():
            self.parse_errors[name] = str(errs[0])
        for d in self.dates:
            value, error = d.parse(self.cleaned_data)
            self.parsed[d.name] = value
            if error:
                self.parse_errors[d.name] = error
        return not self.parse_errors

    def date_value(self, name: str) -> dict[str, Any]:
        """The day/month/year strings to render back into a date input."""
        return {p: self[f"{name}_{p}"].value() for p in ("day", "month", "year")}


# --- errors: the form's own and the services' ---------------------------------------------------------------

BLANK_CHOICE_MESSAGES = {
    "force": "Select the force that will manage them",
    "sex": "Select their sex",
    "disposal_kind": "Select what the court or police did (the disposal)",
    "kind": "Select the kind of notification",
}


def sentence(label: str | None, message: str) -> str:
    message = message.strip()
    if not message:
        return message
    if message[0].isupper():
        return message
    if label and message == "is required":
        return f"Enter {label[0].lower()}{label[1:]}"
    if label:
        return f"{label} {message}"
    return message[0].upper() + message[1:]


def error_summary(
    errors: Mapping[str, str], order: Sequence[str], anchors: Mapping[str, str]
) -> list[tuple[str, str]]:
    """The GOV.UK error summary: [(href, message)] in the page's order (``order``; fields it does not name last),
    each linking to the field's anchor (``anchors``, else the field's name)."""
    ranked = list(order)
    names = sorted(errors, key=lambda n: ranked.index(n) if n in ranked else len(ranked))
    return [(f"#{anchors.get(name, name)}", errors[name]) for name in names]


def form_errors(
    form: PartsForm, service_errors: Mapping[str, list[str]] | None = None
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Merge the form's parse errors with a service's ValidationFailed errors.

    Returns (field -> message for the inline errors, [(href, message)] for the error summary). A parse error wins
    over a service error for the same field; a service path no field shows goes to the summary unlinked.
    """
    fields: dict[str, str] = dict(form.parse_errors)
    general: list[str] = []
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    for path, msgs in (service_errors or {}).items():
        name = form.FIELD_FOR_PATH.get(path)  # type: ignore[attr-defined]
        if name is None:
            general.extend(sentence(None, m) for m in msgs)
            continue
        if name in fields:
            continue
        if name in BLANK_CHOICE_MESSAGES and not data.get(name):
            fields[name] = BLANK_CHOICE_MESSAGES[name]
        else:
            fields[name] = sentence(form.LABELS.get(name), msgs[0])  # type: ignore[attr-defined]
    summary = error_summary(fields, form.ORDER, form.ANCHORS)  # type: ignore[attr-defined]
    summary += [("", m) for m in general]
    return fields, summary


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class PersonCreateForm(PartsForm):
    dates = (
        DateParts("date_of_birth", "Date of birth"),
        DateParts("address_from", "Date they started living at the address"),
        DateParts("disposal_date", "Date of conviction, caution or finding"),
    )

    force = text_field(max_length=8)  # national administrators only: everyone else creates for their own force
    sex = text_field()
    ni_number = text_field(max_length=20)
    pnc_id = text_field(max_length=20)
    given_names = text_field(max_length=200)
    family_name = text_field(max_length=200)
    address_line1 = text_field(max_length=200)
    address_line2 = text_field(max_length=200)
    address_town = text_field(max_length=200)
    address_postcode = text_field(max_length=20)
    address_child_under_18 = forms.BooleanField(required=False)
    disposal_offence = text_field(max_length=300)
    disposal_offence_code = text_field(max_length=40)
    disposal_kind = text_field()
    disposal_months = text_field(max_length=10)

    # service field path -> form field
    FIELD_FOR_PATH = {
        "force": "force",
        "date_of_birth": "date_of_birth",
        "sex": "sex",
        "ni_number": "ni_number",
        "pnc_id": "pnc_id",
        "names": "given_names",
        "names[0].given_names": "given_names",
        "names[0].family_name": "family_name",
        "names[0].valid_from": "date_of_birth",
        "addresses[0].line1": "address_line1",
        "addresses[0].line2": "address_line2",
        "addresses[0].town": "address_town",
        "addresses[0].postcode": "address_postcode",
        "addresses[0].valid_from": "address_from",
        "addresses[0].child_under_18": "address_child_under_18",
        "disposals": "disposal_date",
        "disposals[0].date": "disposal_date",
        "disposals[0].offence": "disposal_offence",
        "disposals[0].offence_code": "disposal_offence_code",
        "disposals[0].kind": "disposal_kind",
        "disposals[0].months": "disposal_months",
    }
    LABELS = {
        "force": "Owning force",
        "date_of_birth": "Date of birth",
        "sex": "Sex",
        "ni_number": "National Insurance number",
        "pnc_id": "PNC ID",
        "given_names": "Given names",
        "family_name": "Family name",
        "address_line1": "Address line 1",
        "address_line2": "Address line 2",
        "address_town": "Town or city",
        "address_postcode": "Postcode",
        "address_from": "Date they started living at the address",
        "address_child_under_18": "Child under 18",
        "disposal_date": "Date of conviction, caution or finding",
        "disposal_offence": "Offence",
        "disposal_offence_code": "Offence code",
        "disposal_kind": "Disposal",
        "disposal_months": "Length in months",
    }
    # fields whose error link should point at a different element id than the field name
    ANCHORS = {
        "date_of_birth": "date_of_birth_day",
        "address_from": "address_from_day",
        "disposal_date": "disposal_date_day",
        "sex": "sex",
    }
    ORDER = (
        "force", "date_of_birth", "sex", "ni_number", "pnc_id", "given_names", "family_name",
        "address_line1", "address_line2", "address_town", "address_postcode", "address_child_under_18",
        "address_from", "disposal_date", "disposal_offence", "disposal_offence_code", "disposal_kind",
        "disposal_months",
    )

    def has_address(self) -> bool:
        d = self.cleaned_data
        return any(d.get(k) for k in ("address_line1", "address_line2", "address_town", "address_postcode")) or bool(
            self.parsed.get("address_from")
        )

    def to_document(self) -> dict[str, Any]:
        """The registrant document (tether.register.documents) for person_create."""
        d = self.cleaned_data
        doc: dict[str, Any] = {
            "date_of_birth": _iso(self.parsed.get("date_of_birth")),
            "sex": d.get("sex") or None,
            "ni_number": d.get("ni_number") or None,
            "pnc_id": d.get("pnc_id") or None,
            "names": [
                {"kind": "current", "given_names": d.get("given_names", ""), "family_name": d.get("family_name", "")}
            ],
            "disposals": [
                {
                    "date": _iso(self.parsed.get("disposal_date")),
                    "offence": d.get("disposal_offence", ""),
                    "offence_code": d.get("disposal_offence_code", ""),
                    "kind": d.get("disposal_kind") or None,
                    "months": d.get("disposal_months") or None,
                }
            ],
        }
        if self.has_address():
            doc["addresses"] = [
                {
                    "kind": "home",
                    "line1": d.get("address_line1", ""),
                    "line2": d.get("address_line2", ""),
                    "town": d.get("address_town", ""),
                    "postcode": d.get("address_postcode", ""),
                    "valid_from": _iso(self.parsed.get("address_from")),
                    "child_under_18": bool(d.get("address_child_under_18")),
                }
            ]
        return doc


_TIME_RE = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def parse_time(raw: str) -> time | None:
    m = _TIME_RE.match(raw.strip())
    if not m:
        return None
    hour, minute, half = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class ChangeForm(PartsForm):
    """A change to one record: the record's version rides along so a stale form is a Conflict."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    REQUIRED_CHOICES: Mapping[str, str] = {}  # radios left unset -> the message to show
    REQUIRED_DATES: Mapping[str, str] = {}  # date inputs left blank -> the message to show

    def parse(self) -> bool:
        ok = super().parse()
        for name, message in self.REQUIRED_CHOICES.items():
            if not self.cleaned_data.get(name):
                self.parse_errors.setdefault(name, message)
        for name, message in self.REQUIRED_DATES.items():
            if not self.parsed.get(name):
                self.parse_errors.setdefault(name, message)
        return ok and not self.parse_errors


class NotificationForm(ChangeForm):
    dates = (DateParts("received", "Date received"),)

    kind = text_field()
    received_time = text_field(max_length=10)
    station = text_field(max_length=200)
    no_fixed_abode = forms.BooleanField(required=False)
    details = text_field(max_length=4000)

    REQUIRED_DATES = {"received": "Enter the date the notification was received"}

    FIELD_FOR_PATH = {
        "kind": "kind",
        "received_at": "received",
        "station": "station",
        "no_fixed_abode": "no_fixed_abode",
        "details": "details",
    }
    LABELS = {
        "kind": "Kind of notification",
        "received": "Date and time received",
        "received_time": "Time received",
        "station": "Police station",
        "no_fixed_abode": "No fixed abode",
        "details": "Details",
    }
    ANCHORS = {"received": "received_day", "kind": "kind"}
    ORDER = ("kind", "received", "received_time", "station", "no_fixed_abode", "details")

    def parse(self) -> bool:
        ok = super().parse()
        raw = (self.cleaned_data.get("received_time") or "").strip()
        self.received_at: datetime | None = None
        if not raw:
            self.parse_errors["received_time"] = "Enter the time the notification was received"
        else:
            at = parse_time(raw)
            day = self.parsed.get("received")
            if at is None:
                self.parse_errors["received_time"] = "Time received must be a real time, like 09:30 or 14:05"
            elif day is not None:
                self.received_at = datetime.combine(day, at, tzinfo=UK)
        return ok and not self.parse_errors

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        note = (d.get("details") or "").strip()
        return {
            "kind": d.get("kind") or None,
            "received_at": self.received_at,
            "station": d.get("station", ""),
            "no_fixed_abode": bool(d.get("no_fixed_abode")),
            "details": {"note": note} if note else {},
        }


class ReasonForm(forms.Form):
    reason = text_field(max_length=2000)


class SearchForm(forms.Form):
    name = text_field(max_length=200)
    reference = text_field(max_length=20)
    force = text_field(max_length=8)
    status = text_field(max_length=20)
    page = forms.IntegerField(required=False, min_value=1)


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
    fixed: tuple[tuple[str, str], ...] = ()  # values every row carries (orders: kind "shpo")
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
    RowGroup("orders", "SHPO", "the SHPO", 1, (
        _date_field("start", "Start", "the start of {row}"),
        _date_field("end", "End (blank if until further order)", "the end of {row}"),
    ), fixed=(("kind", "shpo"),), spare=False),
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
    )),
    RowGroup("review", "review", "the review", 1, (
        _date_field("determined_on", "Determined on", "the date {row} was determined"),
        RowField("outcome", "Outcome", "select", "the outcome of {row}", _select(REVIEW_OUTCOME_CHOICES)),
        _date_field("further_date", "Further review date", "the further review date set by {row}"),
    ), spare=False, single=True),
)
GROUPS = {g.key: g for g in ROW_GROUPS}
TOP_PHRASES = {"as_of": "the as-at date", "jurisdiction": "the jurisdiction", "date_of_birth": "the date of birth",
               "sorna_clean_record": "the SORNA clean record flag"}
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
    for name in ("as_of", "date_of_birth"):
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

    dates = (DateParts("as_of", "As-at date"), DateParts("date_of_birth", "Date of birth"))

    jurisdiction = text_field(max_length=20)
    sorna_clean_record = forms.BooleanField(required=False)
    facts_json = text_field(max_length=200_000)
    json_shown = text_field(max_length=200_000)

    ANCHORS = {"as_of": "as_of_day", "date_of_birth": "date_of_birth_day"}

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
        for g in ROW_GROUPS:
            items: list[dict[str, Any]] = []
            used: list[int] = []
            for i in range(self.counts[g.key]):
                item = {f.key: self._value(f, d.get(g.name(i, f.key))) for f in g.fields}
                item = {k: v for k, v in item.items() if v is not None}
                if item:
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
            kind = dict(DisposalKind.choices).get(m.group(1), m.group(1)).lower()
            return name, f"Enter {phrase}: {kind} needs a length in months"
        if message.startswith("must be a date in YYYY-MM-DD form"):
            return name, f"{cap} must be a date written YYYY-MM-DD, like 2020-03-04"
        if message.startswith("is not a real date"):
            return name, f"{cap} must be a real date"
        m = re.match(r"must be a whole number from (\d+) to (\d+)", message)
        if m:
            return name, f"{cap} must be a whole number from {m.group(1)} to {m.group(2)}"
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


# --- changes to a registrant (name, address, identifying details) ----------------------------------------------


class NameChangeForm(ChangeForm):
    dates = (DateParts("valid_from", "Date they started using the name"),)

    kind = text_field()
    given_names = text_field(max_length=200)
    family_name = text_field(max_length=200)

    REQUIRED_CHOICES = {"kind": "Select whether they now use this name or it is an alias"}
    REQUIRED_DATES = {"valid_from": "Enter the date they started using the name"}
    FIELD_FOR_PATH = {"kind": "kind", "given_names": "given_names", "family_name": "family_name",
                      "valid_from": "valid_from", "valid_to": "valid_from"}
    LABELS = {"kind": "Kind of name", "given_names": "Given names", "family_name": "Family name",
              "valid_from": "Date they started using the name"}
    ANCHORS = {"valid_from": "valid_from_day", "kind": "kind"}
    ORDER = ("kind", "given_names", "family_name", "valid_from")

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"kind": d.get("kind") or None, "given_names": d.get("given_names", ""),
                "family_name": d.get("family_name", ""), "valid_from": _iso(self.parsed.get("valid_from"))}


class AddressChangeForm(ChangeForm):
    dates = (DateParts("valid_from", "Start date"),)

    kind = text_field()
    line1 = text_field(max_length=200)
    line2 = text_field(max_length=200)
    town = text_field(max_length=200)
    postcode = text_field(max_length=20)
    child_under_18 = forms.BooleanField(required=False)

    REQUIRED_CHOICES = {"kind": "Select what kind of address this is"}
    REQUIRED_DATES = {"valid_from": "Enter the start date"}
    FIELD_FOR_PATH = {"kind": "kind", "line1": "line1", "line2": "line2", "town": "town", "postcode": "postcode",
                      "valid_from": "valid_from", "valid_to": "valid_from", "child_under_18": "child_under_18"}
    LABELS = {"kind": "Kind of address", "line1": "Address line 1", "line2": "Address line 2",
              "town": "Town or city", "postcode": "Postcode", "valid_from": "Start date",
              "child_under_18": "Child under 18"}
    ANCHORS = {"valid_from": "valid_from_day", "kind": "kind"}
    ORDER = ("kind", "line1", "line2", "town", "postcode", "valid_from", "child_under_18")

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"kind": d.get("kind") or None, "line1": d.get("line1", ""), "line2": d.get("line2", ""),
                "town": d.get("town", ""), "postcode": d.get("postcode", ""),
                "valid_from": _iso(self.parsed.get("valid_from")), "child_under_18": bool(d.get("child_under_18"))}


def _same_identifier(raw: str, stored: str, normalise: Any) -> bool:
    """Whether a typed identifier is the stored one, however it was spaced or cased (for "what changed" only:
    a value that does not normalise counts as changed, and the service then says what is wrong with it)."""
    raw = raw.strip()
    if not raw:
        return not stored
    try:
        return bool(normalise(raw) == stored)
    except ValueError:
        return False


class IdentityForm(ChangeForm):
    dates = (DateParts("date_of_birth", "Date of birth"),)

    sex = text_field()
    ni_number = text_field(max_length=20)
    pnc_id = text_field(max_length=20)

    REQUIRED_CHOICES = {"sex": "Select their sex"}
    REQUIRED_DATES = {"date_of_birth": "Enter their date of birth"}
    FIELD_FOR_PATH = {"date_of_birth": "date_of_birth", "sex": "sex", "ni_number": "ni_number", "pnc_id": "pnc_id"}
    LABELS = {"date_of_birth": "Date of birth", "sex": "Sex", "ni_number": "National Insurance number",
              "pnc_id": "PNC ID"}
    ANCHORS = {"date_of_birth": "date_of_birth_day", "sex": "sex"}
    ORDER = ("date_of_birth", "sex", "ni_number", "pnc_id")
    NAMES = {"date_of_birth": "date of birth", "sex": "sex", "ni_number": "National Insurance number",
             "pnc_id": "PNC ID"}

    @staticmethod
    def initial_for(person: Any) -> dict[str, Any]:
        dob = person.date_of_birth
        return {"date_of_birth_day": dob.day, "date_of_birth_month": dob.month, "date_of_birth_year": dob.year,
                "sex": person.sex, "ni_number": person.ni_number, "pnc_id": person.pnc_id,
                "version": person.version}

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"date_of_birth": _iso(self.parsed.get("date_of_birth")), "sex": d.get("sex") or None,
                "ni_number": (d.get("ni_number") or "").strip(), "pnc_id": (d.get("pnc_id") or "").strip()}

    def changes(self, person: Any) -> dict[str, Any]:
        """Only the details that differ from the record (call ``parse`` first)."""
        from tether.people.identifiers import normalise_ni_number, normalise_pnc_id

        data = self.to_data()
        out: dict[str, Any] = {}
        if self.parsed.get("date_of_birth") != person.date_of_birth:
            out["date_of_birth"] = data["date_of_birth"]
        if data["sex"] != person.sex:
            out["sex"] = data["sex"]
        if not _same_identifier(data["ni_number"], person.ni_number, normalise_ni_number):
            out["ni_number"] = data["ni_number"]
        if not _same_identifier(data["pnc_id"], person.pnc_id, normalise_pnc_id):
            out["pnc_id"] = data["pnc_id"]
        return out
