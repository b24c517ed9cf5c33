"""Web forms. They only parse what the browser sent (text, GOV.UK date inputs, check boxes) and render it back;
every domain rule lives in the services, whose ValidationFailed field paths are mapped back onto these fields."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from tether.core.clock import UK


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been disabled. Ask your force administrator.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


def _text(**kwargs: Any) -> forms.CharField:
    return forms.CharField(required=False, **kwargs)


class DateParts:
    """Reads one GOV.UK date input (``<name>_day``, ``<name>_month``, ``<name>_year``)."""

    def __init__(self, name: str, label: str) -> None:
        self.name, self.label = name, label

    def fields(self) -> dict[str, forms.Field]:
        return {f"{self.name}_{part}": _text(max_length=4) for part in ("day", "month", "year")}

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


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class PersonCreateForm(PartsForm):
    dates = (
        DateParts("date_of_birth", "Date of birth"),
        DateParts("address_from", "Date they started living at the address"),
        DateParts("disposal_date", "Date of conviction, caution or finding"),
    )

    force = _text(max_length=8)  # national administrators only: everyone else creates for their own force
    sex = _text()
    ni_number = _text(max_length=20)
    pnc_id = _text(max_length=20)
    given_names = _text(max_length=200)
    family_name = _text(max_length=200)
    address_line1 = _text(max_length=200)
    address_line2 = _text(max_length=200)
    address_town = _text(max_length=200)
    address_postcode = _text(max_length=20)
    address_child_under_18 = forms.BooleanField(required=False)
    disposal_offence = _text(max_length=300)
    disposal_offence_code = _text(max_length=40)
    disposal_kind = _text()
    disposal_months = _text(max_length=10)

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


class NotificationForm(PartsForm):
    dates = (DateParts("received", "Date received"),)

    kind = _text()
    received_time = _text(max_length=10)
    station = _text(max_length=200)
    no_fixed_abode = forms.BooleanField(required=False)
    details = _text(max_length=4000)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

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
        if not self.parsed.get("received") and "received" not in self.parse_errors:
            self.parse_errors["received"] = "Enter the date the notification was received"
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
    reason = _text(max_length=2000)


class SearchForm(forms.Form):
    name = _text(max_length=200)
    reference = _text(max_length=20)
    force = _text(max_length=8)
    status = _text(max_length=20)
    page = forms.IntegerField(required=False, min_value=1)
