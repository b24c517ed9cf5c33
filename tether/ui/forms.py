"""The form kit every page uses. Forms only parse what the browser sent (text, GOV.UK date inputs, check boxes)
and render it back; every domain rule lives in the services, whose ValidationFailed field paths are mapped back
onto the fields (``form_errors``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, time
from typing import Any

from django import forms

from tether.core.wording import enter, mid_sentence


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
    BLANK_CHOICES: Mapping[str, str] = {}  # a choice left blank -> the message to show instead of the service's

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for d in self.dates:
            self.fields.update(d.fields())
        self.parsed: dict[str, date | None] = {}
        self.parse_errors: dict[str, str] = {}

    def parse(self) -> bool:
        """Parse the submitted data; True when every value could be read."""
        self.full_clean()
        for name, errs in self.errors.as_data().items():
            self.parse_errors[name] = self._message(name, errs[0])
        for d in self.dates:
            value, error = d.parse(self.cleaned_data)
            self.parsed[d.name] = value
            if error:
                self.parse_errors[d.name] = error
        return not self.parse_errors

    def _message(self, name: str, error: forms.ValidationError) -> str:
        """A field's own error in the GOV.UK style: it names the field ("Given names must be 200 characters or
        fewer"), never Django's "Ensure this value has at most ..."."""
        label = str(getattr(self, "LABELS", {}).get(name) or self.fields[name].label
                    or name.replace("_", " ").capitalize())
        params = error.params or {}
        if error.code == "max_length":
            return f"{label} must be {params.get('limit_value')} characters or fewer"
        if error.code == "min_value":
            return f"{label} must be {params.get('limit_value')} or more"
        if error.code == "max_value":
            return f"{label} must be {params.get('limit_value')} or less"
        if error.code == "invalid" and isinstance(self.fields[name], forms.IntegerField):
            return f"{label} must be a whole number"
        if error.code == "null_characters_not_allowed":
            return f"{label} must not contain control characters or line separators"
        message = error.messages[0]
        return message if message.startswith(label) else sentence(label, mid_sentence(message))

    def date_value(self, name: str) -> dict[str, Any]:
        """The day/month/year strings to render back into a date input."""
        return {p: self[f"{name}_{p}"].value() for p in ("day", "month", "year")}


# --- errors: the form's own and the services' ---------------------------------------------------------------


def sentence(label: str | None, message: str) -> str:
    message = message.strip()
    if not message:
        return message
    if message[0].isupper():
        return message
    if label and message == "is required":
        return enter(label)
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
        blank = form.BLANK_CHOICES
        if name in blank and not data.get(name):
            fields[name] = blank[name]
        else:
            fields[name] = sentence(form.LABELS.get(name), msgs[0])  # type: ignore[attr-defined]
    summary = error_summary(fields, form.ORDER, form.ANCHORS)  # type: ignore[attr-defined]
    summary += [("", m) for m in general]
    return fields, summary


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


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
