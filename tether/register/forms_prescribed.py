"""Forms of the prescribed item pages (``views_prescribed``). They only parse what the browser sent; the rules are
in ``register.prescribed`` (field paths mapped back here). The number field is never rendered back."""

from __future__ import annotations

from typing import Any

from tether.ui.forms import ChangeForm, DateParts, text_field
from tether.ui.forms import iso as _iso

from .constants import PrescribedItemKind

# what each item's page asks, in page order (the rest of the form's fields are not shown for it)
ITEM_FIELDS = {
    PrescribedItemKind.PASSPORT.value: ("kind", "country", "number", "issued_on", "expires_on", "valid_from",
                                        "valid_to"),
    PrescribedItemKind.BANK_ACCOUNT.value: ("kind", "institution", "sort_code", "number", "valid_from", "valid_to"),
    PrescribedItemKind.PAYMENT_CARD.value: ("kind", "institution", "number", "issued_on", "expires_on", "valid_from",
                                            "valid_to"),
    PrescribedItemKind.RELEVANT_HOUSEHOLD.value: ("line1", "line2", "town", "postcode", "valid_from", "valid_to",
                                                  "intended_from", "intended_to"),
}
DATE_FIELDS = ("issued_on", "expires_on", "valid_from", "valid_to", "intended_from", "intended_to")


class PrescribedForm(ChangeForm):
    dates = (
        DateParts("issued_on", "Date of issue"),
        DateParts("expires_on", "Expiry date"),
        DateParts("valid_from", "Date they started to hold it"),
        DateParts("valid_to", "Date they stopped holding it"),
        DateParts("intended_from", "Start of the intended stay"),
        DateParts("intended_to", "End of the intended stay"),
    )

    kind = text_field(max_length=40)
    country = text_field(max_length=10)
    institution = text_field(max_length=200)
    sort_code = text_field(max_length=20)
    number = text_field(max_length=40)
    line1 = text_field(max_length=200)
    line2 = text_field(max_length=200)
    town = text_field(max_length=200)
    postcode = text_field(max_length=20)

    REQUIRED_DATES = {"valid_from": "Enter the date they started to hold it"}
    FIELD_FOR_PATH = {
        "kind": "kind", "country": "country", "institution": "institution", "sort_code": "sort_code",
        "number": "number", "number_last4": "number", "number_hash": "number", "line1": "line1", "line2": "line2",
        "town": "town", "postcode": "postcode", "issued_on": "issued_on", "expires_on": "expires_on",
        "valid_from": "valid_from", "valid_to": "valid_to", "intended_periods": "intended_from",
        "intended_periods[0].start": "intended_from", "intended_periods[0].end": "intended_to",
    }
    LABELS = {
        "kind": "Kind", "country": "Issuing country", "institution": "Bank or card issuer", "sort_code": "Sort code",
        "number": "Number", "line1": "Address line 1", "line2": "Address line 2", "town": "Town or city",
        "postcode": "Postcode", "issued_on": "Date of issue", "expires_on": "Expiry date",
        "valid_from": "Date they started to hold it", "valid_to": "Date they stopped holding it",
        "intended_from": "Start of the intended stay", "intended_to": "End of the intended stay",
    }
    ANCHORS = {name: f"{name}_day" for name in DATE_FIELDS} | {"kind": "kind"}
    ORDER = ("kind", "country", "institution", "sort_code", "number", "line1", "line2", "town", "postcode",
             "issued_on", "expires_on", "valid_from", "valid_to", "intended_from", "intended_to")

    def __init__(self, *args: Any, item: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        if item == PrescribedItemKind.RELEVANT_HOUSEHOLD:
            self.LABELS = {**self.LABELS, "valid_from": "Date they started to live or stay there",
                           "valid_to": "Date they stopped living or staying there"}
            self.REQUIRED_DATES = {"valid_from": "Enter the date they started to live or stay there"}

    def parse(self) -> bool:
        super().parse()
        shown = ITEM_FIELDS[self.item]
        for name in list(self.parse_errors):
            if name not in shown and name != "version":
                del self.parse_errors[name]  # a field this item's page does not show
        return not self.parse_errors

    def to_data(self) -> dict[str, Any]:
        """The item as the service reads it (``register.prescribed.parse_item``): only this item's fields."""
        d = self.cleaned_data
        shown = ITEM_FIELDS[self.item]
        data: dict[str, Any] = {}
        for name in shown:
            if name in DATE_FIELDS:
                continue
            value = (d.get(name) or "").strip()
            data[name] = value or None
        for name in ("issued_on", "expires_on", "valid_from", "valid_to"):
            if name in shown:
                data[name] = _iso(self.parsed.get(name))
        if "intended_from" in shown:
            start, end = self.parsed.get("intended_from"), self.parsed.get("intended_to")
            if start or end:
                data["intended_periods"] = [{"start": _iso(start), "end": _iso(end)}]
        return data


class PrescribedEndForm(ChangeForm):
    dates = (DateParts("valid_to", "Date they stopped holding it"),)

    REQUIRED_DATES = {"valid_to": "Enter the date they stopped holding it"}
    FIELD_FOR_PATH = {"valid_to": "valid_to"}
    LABELS = {"valid_to": "Date they stopped holding it"}
    ANCHORS = {"valid_to": "valid_to_day"}
    ORDER = ("valid_to",)

    def to_data(self) -> dict[str, Any]:
        return {"valid_to": _iso(self.parsed.get("valid_to"))}


class PrescribedErrorForm(ChangeForm):
    reason = text_field(max_length=4000, strip=False)

    FIELD_FOR_PATH = {"reason": "reason"}
    LABELS = {"reason": "Why it was entered in error"}
    ANCHORS = {"reason": "reason"}
    ORDER = ("reason",)

    def to_data(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data.get("reason") or ""}
