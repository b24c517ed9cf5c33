"""Statistics page forms: they only read what the browser sent (query strings, GOV.UK date inputs, a CSV file).

A date is read from ``<name>=YYYY-MM-DD`` (links and bookmarks) or from a GOV.UK date input
(``<name>_day``, ``<name>_month``, ``<name>_year``). Problems land in ``errors`` (field -> sentence) in the
order the fields appear on the page, for the GOV.UK error summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tether.core.wording import enter
from tether.ui.forms import DateParts, error_summary

from . import figures, pages
from .disclosure import STANDARD, Policy

MAX_UPLOAD_BYTES = 2_000_000


@dataclass
class DateRead:
    value: date | None
    error: str
    parts: dict[str, str]


def read_date(data: Mapping[str, Any], name: str, label: str, default: date | None, today: date) -> DateRead:
    iso = str(data.get(name, "") or "").strip()
    raw = {p: str(data.get(f"{name}_{p}", "") or "").strip() for p in ("day", "month", "year")}
    if iso:
        value, error = pages.parse_iso(iso, label)
        if value is None:
            return DateRead(None, error, {"day": "", "month": "", "year": ""})
    elif any(raw.values()):
        value, problem = DateParts(name, label).parse({f"{name}_{p}": v for p, v in raw.items()})
        if value is None:
            return DateRead(None, problem or f"{label} must be a real date", raw)
    else:
        value = default
        if value is None:
            return DateRead(None, enter(label), raw)
    error = pages.check_day(value, label, today)
    parts = {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
    return DateRead(None if error else value, error, parts)


class QueryForm:
    """The common part: force, disclosure policy, and the error list."""

    ORDER: tuple[str, ...] = ()
    ANCHORS: dict[str, str] = {}

    def __init__(self, data: Mapping[str, Any], user: Any) -> None:
        self.data, self.user = data, user
        self.errors: dict[str, str] = {}
        self.today = pages.today()
        self.force = ""
        self.policy: Policy = STANDARD

    def _read_force(self, options: list[tuple[str, str]], *, required: bool = False) -> None:
        code = str(self.data.get("force", "") or "").strip().upper()
        codes = {c for c, _ in options if c}
        if not pages.is_national(self.user) and self.user.force_id:
            own = self.user.force.code
            if code and code != own:
                self.errors["force"] = "You can only see statistics for your own force"
            self.force = own
            return
        if code and code not in codes:
            self.errors["force"] = "Select a force from the list"
        elif required and not code:
            self.errors["force"] = "Select the force the request was made to"
        self.force = code if code in codes else ""

    def _read_policy(self) -> None:
        self.policy, problems = pages.policy_from(self.data.get("threshold"), self.data.get("rounding"))
        self.errors.update(problems)

    @property
    def valid(self) -> bool:
        return not self.errors

    def error_list(self) -> list[tuple[str, str]]:
        return error_summary(self.errors, self.ORDER, self.ANCHORS)

    def policy_query(self) -> dict[str, str]:
        return pages.policy_query(self.policy)

    def scoped(self, q: dict[str, str], extra: Mapping[str, str]) -> dict[str, str]:
        """``q`` with the force (national users' choice), a non-standard policy, then ``extra``."""
        if self.force and pages.is_national(self.user):
            q["force"] = self.force
        return {**q, **self.policy_query(), **extra}


class StatisticsForm(QueryForm):
    ORDER = ("as_of", "force", "by", "threshold", "rounding")
    ANCHORS = {"as_of": "as_of_day"}
    BY_CHOICES = (("force", "By force"), ("country", "By country"))

    def __init__(self, data: Mapping[str, Any], user: Any) -> None:
        super().__init__(data, user)
        self.as_of_read = read_date(data, "as_of", "The as-at date", self.today, self.today)
        if self.as_of_read.error:
            self.errors["as_of"] = self.as_of_read.error
        self._read_force(pages.force_options(user))
        self.by = str(data.get("by", "") or "force").strip()
        if self.by not in dict(self.BY_CHOICES):
            self.errors["by"] = "Select force or country"
            self.by = "force"
        self._read_policy()

    @property
    def as_of(self) -> date:
        return self.as_of_read.value or self.today

    def query(self, **extra: str) -> dict[str, str]:
        return self.scoped({"as_of": self.as_of.isoformat()}, extra)


class CasesForm(QueryForm):
    ORDER = ("from", "to", "force", "by", "threshold", "rounding")
    ANCHORS = {"from": "from_day", "to": "to_day"}
    BY_CHOICES = StatisticsForm.BY_CHOICES

    def __init__(self, data: Mapping[str, Any], user: Any) -> None:
        super().__init__(data, user)
        start, end = figures.last_twelve_months(self.today)
        self.from_read = read_date(data, "from", "Date from", start, self.today)
        self.to_read = read_date(data, "to", "Date to", end, self.today)
        for name, read in (("from", self.from_read), ("to", self.to_read)):
            if read.error:
                self.errors[name] = read.error
        if self.from_read.value and self.to_read.value and self.from_read.value > self.to_read.value:
            self.errors["to"] = "Date to must be the same as or after date from"
        self._read_force(pages.force_options(user))
        self.by = str(data.get("by", "") or "force").strip()
        if self.by not in dict(self.BY_CHOICES):
            self.errors["by"] = "Select force or country"
            self.by = "force"
        self._read_policy()

    @property
    def period(self) -> tuple[date, date]:
        default = figures.last_twelve_months(self.today)
        return (self.from_read.value or default[0], self.to_read.value or default[1])

    def query(self, **extra: str) -> dict[str, str]:
        return self.scoped({"from": self.period[0].isoformat(), "to": self.period[1].isoformat(), "by": self.by},
                           extra)


class DutiesForm(QueryForm):
    """Outstanding duties as at a date and breaches in a period (by default the year to the as-at date)."""

    ORDER = ("as_of", "from", "to", "force", "threshold", "rounding")
    ANCHORS = {"as_of": "as_of_day", "from": "from_day", "to": "to_day"}

    def __init__(self, data: Mapping[str, Any], user: Any) -> None:
        super().__init__(data, user)
        self.as_of_read = read_date(data, "as_of", "The as-at date", self.today, self.today)
        start, end = figures.last_twelve_months(self.as_of_read.value or self.today)
        self.from_read = read_date(data, "from", "Breaches from", start, self.today)
        self.to_read = read_date(data, "to", "Breaches to", end, self.today)
        for name, read in (("as_of", self.as_of_read), ("from", self.from_read), ("to", self.to_read)):
            if read.error:
                self.errors[name] = read.error
        if self.from_read.value and self.to_read.value and self.from_read.value > self.to_read.value:
            self.errors["to"] = "Breaches to must be the same as or after breaches from"
        self._read_force(pages.force_options(user))
        self._read_policy()

    @property
    def as_of(self) -> date:
        return self.as_of_read.value or self.today

    @property
    def period(self) -> tuple[date, date]:
        default = figures.last_twelve_months(self.as_of)
        return (self.from_read.value or default[0], self.to_read.value or default[1])

    def query(self, **extra: str) -> dict[str, str]:
        return self.scoped({"as_of": self.as_of.isoformat(), "from": self.period[0].isoformat(),
                            "to": self.period[1].isoformat()}, extra)


class FoiForm(QueryForm):
    ORDER = ("force", "request_date", "as_of", "reference", "by", "format")
    ANCHORS = {"request_date": "request_date_day", "as_of": "as_of_day"}

    def __init__(self, data: Mapping[str, Any], user: Any, *, bound: bool = True) -> None:
        super().__init__(data, user)
        self.bound = bound
        self.request_read = read_date(data, "request_date", "The date of the request", None if bound else self.today,
                                      self.today)
        self.as_of_read = read_date(data, "as_of", "The as-at date", None if bound else self.today, self.today)
        self._read_force(pages.foi_force_options(user), required=bound)
        self.reference = str(data.get("reference", "") or "").strip()
        self.by = str(data.get("by", "") or "").strip()
        self.fmt = str(data.get("format", "") or "").strip()
        if not bound:
            self.errors.clear()
            self.by = self.by or "force"
            return
        for name, read in (("request_date", self.request_read), ("as_of", self.as_of_read)):
            if read.error:
                self.errors[name] = read.error
        if len(self.reference) > 50:
            self.errors["reference"] = "FOI reference must be 50 characters or fewer"
        if self.by not in dict(pages.FOI_BREAKDOWNS):
            self.errors["by"] = "Select the figures asked for"
        if self.fmt not in pages.FOI_FORMATS:
            self.errors["format"] = "Choose ODT or PDF"


class UploadForm:
    """A returns CSV and where it came from."""

    def __init__(self, data: Mapping[str, Any], files: Mapping[str, Any]) -> None:
        self.errors: dict[str, str] = {}
        self.source = str(data.get("source", "") or "").strip()
        self.text = ""
        upload = files.get("returns")
        if upload is None or not getattr(upload, "size", 0):
            self.errors["returns"] = "Select a CSV file of force returns"
        elif upload.size > MAX_UPLOAD_BYTES:
            self.errors["returns"] = "The file must be smaller than 2 MB"
        else:
            try:
                self.text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.errors["returns"] = "The file must be a CSV saved as UTF-8"
        if not self.source:
            self.errors["source"] = "Enter where the figures came from"
        elif len(self.source) > 200:
            self.errors["source"] = "Source must be 200 characters or fewer"

    @property
    def valid(self) -> bool:
        return not self.errors
