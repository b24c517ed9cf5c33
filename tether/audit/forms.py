"""The audit search form: it only parses what the browser sent (text and GOV.UK date inputs)."""

from __future__ import annotations

from typing import Any

from django import forms

from tether.core.pagination import MAX_PAGE, PAGE_MESSAGE
from tether.ui.forms import DateParts, PartsForm

from .selectors import AuditFilters

LABELS = {
    "actor": "Who",
    "action": "Action",
    "object_id": "Record ID",
    "force": "Force",
    "date_from": "Date from",
    "date_to": "Date to",
    "reason": "Reason contains",
}
ORDER = list(LABELS)


def _text(max_length: int) -> forms.CharField:
    return forms.CharField(required=False, max_length=max_length)


class AuditSearchForm(PartsForm):
    dates = (DateParts("date_from", "Date from"), DateParts("date_to", "Date to"))

    actor = _text(200)
    action = _text(60)
    object_id = _text(64)
    force = _text(8)
    reason = _text(200)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and name in LABELS:
                field.error_messages["max_length"] = f"{LABELS[name]} must be {field.max_length} characters or fewer"

    def parse(self) -> bool:
        super().parse()
        if "page" in self.parse_errors:  # as on every paged list
            self.parse_errors["page"] = PAGE_MESSAGE
        for name, message in self.filters().errors().items():  # what was read: invalid values count as blank
            if name in self.parse_errors:
                continue
            if name == "date_to":
                self.parse_errors[name] = "Date to must be the same as or after date from"
            else:
                self.parse_errors[name] = f"{LABELS[name]} {message}"
        return not self.parse_errors

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            actor=(data.get("actor") or "").strip(),
            action=(data.get("action") or "").strip(),
            object_id=(data.get("object_id") or "").strip(),
            force=(data.get("force") or "").strip().upper(),
            date_from=self.parsed.get("date_from"),
            date_to=self.parsed.get("date_to"),
            reason=(data.get("reason") or "").strip(),
        )

    @property
    def page_number(self) -> int:
        return (self.cleaned_data.get("page") if self.is_bound and "page" not in self.errors else None) or 1

    def error_list(self) -> list[tuple[str, str]]:
        """(href, message) for the GOV.UK error summary, in the order of the fields on the page."""
        anchors = {"date_from": "date_from_day", "date_to": "date_to_day"}
        names = sorted(self.parse_errors, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))
        return [(f"#{anchors.get(n, n)}", self.parse_errors[n]) for n in names]

    def query(self) -> dict[str, str]:
        """The filters as they were typed, without the page: for links to other pages and to the CSV."""
        keys = ["actor", "action", "object_id", "force", "reason"]
        keys += [f"{d.name}_{p}" for d in self.dates for p in ("day", "month", "year")]
        return {k: str(self.data.get(k, "")).strip() for k in keys if str(self.data.get(k, "")).strip()}
