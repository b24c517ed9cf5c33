"""Forms of the travel, stay and advance-notice pages: they only parse what the browser sent (GOV.UK date inputs, text,
check boxes); the rules are in ``tether.register.services_travel``, whose field paths map back here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms

from tether.ui.forms import ChangeForm, DateParts, text_field
from tether.ui.forms import iso as _iso

from .forms import received_at


class _Received(ChangeForm):
    """A form recorded with an in-person notification: the date and time received and the police station."""

    received_time = text_field(max_length=10)
    station = text_field(max_length=200)

    def parse(self) -> bool:
        ok = super().parse()
        self.received_at: datetime | None = received_at(self)
        return ok and not self.parse_errors

    def received(self) -> dict[str, Any]:
        return {"received_at": self.received_at, "station": self.cleaned_data.get("station", "")}


class TripForm(_Received):
    dates = (DateParts("departure", "Departure date"), DateParts("return_date", "Return date"),
             DateParts("received", "Date received"))

    countries = text_field(max_length=200)
    arrival_points = text_field(max_length=400)
    accommodation = text_field(max_length=400)
    return_point = text_field(max_length=200)
    short_notice = forms.BooleanField(required=False)

    REQUIRED_DATES = {"departure": "Enter the departure date",
                      "received": "Enter the date the notification was received"}
    FIELD_FOR_PATH = {"departure": "departure", "countries": "countries", "arrival_points": "arrival_points",
                      "accommodation": "accommodation", "return_date": "return_date", "return_point": "return_point",
                      "short_notice": "short_notice", "received_at": "received", "station": "station",
                      "number": "departure"}
    LABELS = {"departure": "Departure date", "countries": "Countries", "arrival_points": "Points of arrival",
              "accommodation": "Accommodation", "return_date": "Return date", "return_point": "Point of return",
              "short_notice": "Short notice", "received": "Date received", "received_time": "Time received",
              "station": "Police station"}
    ANCHORS = {"departure": "departure_day", "return_date": "return_date_day", "received": "received_day"}
    ORDER = ("departure", "countries", "arrival_points", "accommodation", "return_date", "return_point",
             "short_notice", "received", "received_time", "station")

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"departure": _iso(self.parsed.get("departure")), "countries": d.get("countries", ""),
                "arrival_points": d.get("arrival_points", ""), "accommodation": d.get("accommodation", ""),
                "return_date": _iso(self.parsed.get("return_date")), "return_point": d.get("return_point", ""),
                "short_notice": bool(d.get("short_notice")), **self.received()}


class TripReturnForm(ChangeForm):
    dates = (DateParts("return_date", "Return date"), DateParts("notified_on", "Date they notified the return"))

    return_point = text_field(max_length=200)

    REQUIRED_DATES = {"return_date": "Enter the date they came back to the UK"}
    FIELD_FOR_PATH = {"return_date": "return_date", "return_point": "return_point", "notified_on": "notified_on",
                      "number": "return_date"}
    LABELS = {"return_date": "Return date", "return_point": "Point of return",
              "notified_on": "Date they notified the return"}
    ANCHORS = {"return_date": "return_date_day", "notified_on": "notified_on_day"}
    ORDER = ("return_date", "return_point", "notified_on")

    def to_data(self) -> dict[str, Any]:
        return {"return_date": _iso(self.parsed.get("return_date")),
                "return_point": self.cleaned_data.get("return_point", ""),
                "notified_on": _iso(self.parsed.get("notified_on"))}


class StayForm(ChangeForm):
    dates = (DateParts("start", "First day stayed"), DateParts("end", "Last day stayed"))

    line1 = text_field(max_length=200)
    town = text_field(max_length=200)
    postcode = text_field(max_length=20)

    REQUIRED_DATES = {"start": "Enter the first day they stayed there"}
    FIELD_FOR_PATH = {"line1": "line1", "town": "town", "postcode": "postcode", "start": "start", "end": "end"}
    LABELS = {"line1": "Address line 1", "town": "Town or city", "postcode": "Postcode", "start": "First day stayed",
              "end": "Last day stayed"}
    ANCHORS = {"start": "start_day", "end": "end_day"}
    ORDER = ("line1", "town", "postcode", "start", "end")

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"line1": d.get("line1", ""), "town": d.get("town", ""), "postcode": d.get("postcode", ""),
                "start": _iso(self.parsed.get("start")), "end": _iso(self.parsed.get("end"))}


class EndForm(ChangeForm):
    """The end of a stay (``end``, its last day) or of another address (``valid_to``, the first day no longer)."""

    dates = (DateParts("end", "End date"),)

    REQUIRED_DATES = {"end": "Enter the end date"}
    FIELD_FOR_PATH = {"end": "end", "valid_to": "end", "stay": "end", "address": "end"}
    LABELS = {"end": "End date"}
    ANCHORS = {"end": "end_day"}
    ORDER = ("end",)

    def to_data(self, key: str = "end") -> dict[str, Any]:
        return {key: _iso(self.parsed.get("end"))}


class AdvanceNoticeForm(_Received):
    dates = (DateParts("expected_on", "Expected date"), DateParts("received", "Date received"))

    change = text_field()

    REQUIRED_CHOICES = {"change": "Select which change they gave notice of"}
    REQUIRED_DATES = {"expected_on": "Enter the date they expect the change",
                      "received": "Enter the date the notification was received"}
    FIELD_FOR_PATH = {"change": "change", "expected_on": "expected_on", "received_at": "received",
                      "given_at": "received", "station": "station"}
    LABELS = {"change": "Change", "expected_on": "Expected date", "received": "Date received",
              "received_time": "Time received", "station": "Police station"}
    ANCHORS = {"change": "change", "expected_on": "expected_on_day", "received": "received_day"}
    ORDER = ("change", "expected_on", "received", "received_time", "station")

    def to_data(self) -> dict[str, Any]:
        return {"change": self.cleaned_data.get("change") or None,
                "expected_on": _iso(self.parsed.get("expected_on")), **self.received()}
