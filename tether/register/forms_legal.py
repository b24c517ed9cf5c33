"""Forms of the legal record pages (``views_legal``). Each is declared as a list of fields (``SPEC``) that both parses
the browser's values and lays out the page (``register/legal/form.html``); the rules are in ``register.legal``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from tether.ui.forms import ChangeForm, DateParts, text_field
from tether.ui.forms import iso as _iso

from .constants import (
    AppealOutcome,
    DetentionBasis,
    DetentionKind,
    DisposalKind,
    OrderKind,
    RemovalReason,
    ReviewDecision,
)


@dataclass(frozen=True)
class F:
    """One field of a page: ``kind`` is input, date, radios, select or textarea."""

    kind: str
    name: str
    label: str
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()
    classes: str = ""
    max_length: int = 200
    extra: dict[str, Any] = field(default_factory=dict)


class SpecForm(ChangeForm):
    SPEC: ClassVar[tuple[F, ...]] = ()
    FIELD_FOR_PATH: ClassVar[dict[str, str]] = {}
    LABELS: ClassVar[dict[str, str]] = {}
    ANCHORS: ClassVar[dict[str, str]] = {}
    ORDER: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in self.SPEC:
            if f.kind != "date":
                self.fields[f.name] = text_field(max_length=f.max_length)

    @classmethod
    def configure(cls) -> None:
        cls.dates = tuple(DateParts(f.name, _bare(f.label)) for f in cls.SPEC if f.kind == "date")
        cls.FIELD_FOR_PATH = {f.name: f.name for f in cls.SPEC}
        cls.LABELS = {f.name: _bare(f.label) for f in cls.SPEC}
        cls.ANCHORS = {f.name: f"{f.name}_day" if f.kind == "date" else f.name for f in cls.SPEC}
        cls.ORDER = tuple(f.name for f in cls.SPEC)

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        out: dict[str, Any] = {}
        for f in self.SPEC:
            if f.kind == "date":
                out[f.name] = _iso(self.parsed.get(f.name))
            elif f.kind in ("radios", "select"):
                out[f.name] = d.get(f.name) or None
            else:
                out[f.name] = (d.get(f.name) or "").strip()
        return out

    def layout(self, errors: dict[str, str]) -> list[dict[str, Any]]:
        """Each field with its value and error, for the template."""
        rows = []
        for f in self.SPEC:
            row: dict[str, Any] = {"f": f, "error": errors.get(f.name, "")}
            if f.kind == "date":
                row.update(self.date_value(f.name))
            else:
                row["value"] = self[f.name].value()
            rows.append(row)
        return rows


def _bare(label: str) -> str:
    """A label as errors name the field (without "(optional)")."""
    return label.removesuffix(" (optional)").removesuffix(" (foreign travel prohibition)")


def _choices(choices: Any, blank: str | None = None) -> tuple[tuple[str, str], ...]:
    out = tuple((str(v), str(label)) for v, label in choices)
    return (("", blank), *out) if blank else out


class DisposalForm(SpecForm):
    SPEC = (
        F("date", "date", "Date of conviction, caution or finding", "The relevant date. For example, 27 3 2024"),
        F("input", "offence", "Offence", "The wording; cite the statute in brackets for the Schedule 3 check, like "
                                         "Voyeurism (SOA 2003 s.67)"),
        F("input", "offence_code", "Offence code (optional)", "For example, the CJS offence code",
          classes="govuk-input--width-10", max_length=40),
        F("input", "court", "Court (optional)", "The court, or the police force for a caution"),
        F("select", "kind", "Disposal", "What the court or police did", _choices(DisposalKind.choices,
                                                                                  "Select a disposal")),
        F("input", "months", "Length in months (optional)", "Required for imprisonment and a conditional discharge; "
                                                             "for a community order its length",
          classes="govuk-input--width-4", max_length=10, extra={"inputmode": "numeric"}),
    )
    REQUIRED_DATES = {"date": "Enter the date of the conviction, caution or finding"}
    REQUIRED_CHOICES = {"kind": "Select what the court or police did (the disposal)"}

    def to_data(self) -> dict[str, Any]:
        out = super().to_data()
        out["months"] = out["months"] or None
        return out


class DetentionForm(SpecForm):
    SPEC = (
        F("radios", "kind", "Where are they held?", "Time outside the UK is recorded as a trip",
          _choices([c for c in DetentionKind.choices if c[0] != DetentionKind.ABROAD])),
        F("radios", "basis", "Why are they held?", "", _choices(DetentionBasis.choices)),
        F("date", "start", "Start date", "For example, 27 3 2025"),
        F("date", "end", "Release date (optional)", "Leave blank while they are still held"),
        F("date", "licence_end", "Licence end date (optional)", "After a release from custody on licence"),
    )
    REQUIRED_DATES = {"start": "Enter the start date"}
    REQUIRED_CHOICES = {"kind": "Select where they are held"}


class ReleaseForm(SpecForm):
    SPEC = (
        F("date", "end", "Release date", "The day they were released, or came back to the UK"),
        F("date", "licence_end", "Licence end date (optional)", "After a release from custody on licence"),
    )


class OrderForm(SpecForm):
    SPEC = (
        F("radios", "kind", "Kind of order", "Orders made before 8 March 2015 in England and Wales carry their "
                                             "older names (SOPO, foreign travel order)", _choices(OrderKind.choices)),
        F("date", "start", "Date made", "For example, 27 3 2025"),
        F("date", "end", "Last day in force (optional)", "Leave blank for until further order. A notification order: "
                                                         "the last day of the period it states. A foreign travel "
                                                         "prohibition: not more than 5 years"),
        F("input", "court", "Court (optional)"),
        F("input", "countries", "Countries (foreign travel prohibition)", "Type all, or name the countries",
          max_length=200),
        F("date", "passports_surrendered_on", "Date passports were surrendered (optional)",
          "Foreign travel prohibition only"),
        F("input", "surrender_station", "Police station where they were surrendered (optional)"),
    )
    REQUIRED_DATES = {"start": "Enter the date the order was made"}
    REQUIRED_CHOICES = {"kind": "Select the kind of order"}


class OrderUpdateForm(SpecForm):
    SPEC = (
        F("date", "end", "Last day in force (optional)", "When an order until further order ends, or is discharged"),
        F("date", "passports_surrendered_on", "Date passports were surrendered (optional)",
          "Foreign travel prohibition only"),
        F("input", "surrender_station", "Police station where they were surrendered (optional)"),
    )


class ReviewApplyForm(SpecForm):
    SPEC = (
        F("date", "applied_on", "Date the application was received", "The written application. For example, "
                                                                       "27 3 2025"),
        F("date", "decision_due", "Decision due (optional)", "Leave blank for 6 weeks on (12 in Northern Ireland)"),
    )
    REQUIRED_DATES = {"applied_on": "Enter the date the application was received"}


class ReviewDecisionForm(SpecForm):
    SPEC = (
        F("radios", "decision", "Decision", "", _choices(ReviewDecision.choices)),
        F("date", "decided_on", "Date of the decision", "The day the notice of the decision was given"),
        F("textarea", "reasons", "Reasons", "As given in the notice of the decision", max_length=4000),
        F("date", "further_date", "Further qualifying date (optional)",
          "Refused or continued: when they may apply again. Leave blank for 8 years on"),
    )
    REQUIRED_DATES = {"decided_on": "Enter the date of the decision"}
    REQUIRED_CHOICES = {"decision": "Select the decision"}


class ReviewAppealForm(SpecForm):
    SPEC = (
        F("date", "appeal_lodged_on", "Date the appeal was lodged", "At a magistrates' court"),
        F("radios", "appeal_outcome", "Outcome (optional)", "Leave blank until the court decides",
          _choices(AppealOutcome.choices)),
        F("date", "appeal_decided_on", "Date the appeal was decided (optional)"),
    )
    REQUIRED_DATES = {"appeal_lodged_on": "Enter the date the appeal was lodged"}

    def to_data(self) -> dict[str, Any]:
        out = super().to_data()
        if not out["appeal_outcome"]:
            out.pop("appeal_outcome")
        return out


class RemovalForm(SpecForm):
    SPEC = (
        F("radios", "reason", "Why are they leaving the register?", "", _choices(RemovalReason.choices)),
        F("date", "removed_on", "Date removed", "The first day they are no longer subject"),
        F("textarea", "note", "Note (optional)", max_length=2000),
    )
    REQUIRED_DATES = {"removed_on": "Enter the date they were removed"}
    REQUIRED_CHOICES = {"reason": "Select why they are leaving the register"}


for _form in (DisposalForm, DetentionForm, ReleaseForm, OrderForm, OrderUpdateForm, ReviewApplyForm, ReviewDecisionForm,
              ReviewAppealForm, RemovalForm):
    _form.configure()
