"""The management change forms (risk level, assessment, MAPPA, management mode, offender manager): each is declared
as a list of fields, read the GOV.UK way (dates as day, month and year) and handed to its service as the same
fields the API takes. Forms only parse; every rule is the service's (its field-named errors are mapped back).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tether.ui.forms import ChangeForm, DateParts, text_field

from .constants import LeadAgency, LevelSource, MappaCategory, MappaLevel, Mode, RiskLevel, Tool, VisitPolicyKind

NOT_A_DATE = "not-a-date"  # a date input that could not be read: the service refuses it too, so every error shows


@dataclass(frozen=True)
class Field:
    """One field of a change form. ``kind``: date, radios, select, input or textarea. ``blank``: the message when a
    required choice or date is left blank (the service's own message otherwise)."""

    name: str
    label: str
    kind: str = "input"
    hint: str = ""
    options: Sequence[tuple[str, str]] = ()
    blank: str = ""
    width: str = ""


def _choices(choices: Any, *, leave: Sequence[str] = ()) -> list[tuple[str, str]]:
    return [(str(v), str(label)) for v, label in choices.choices if v not in leave]


TODAY_HINT = "Leave blank for today. For example, 16 6 2025"

RISK_LEVEL = (
    Field("level", "Risk level", "radios", options=_choices(RiskLevel), blank="Select the risk level"),
    Field("source", "Where the level comes from", "radios", options=_choices(LevelSource, leave=("import",)),
          blank="Select where the risk level comes from"),
    Field("reason", "Reason", "textarea", hint="Why the level is set or changed (at least 10 characters)"),
    Field("valid_from", "Date the level applies from", "date", hint=TODAY_HINT),
)

ASSESSMENT = (
    Field("tool", "Assessment", "radios", options=_choices(Tool), blank="Select the assessment tool"),
    Field("assessed_on", "Date of the assessment", "date", hint="For example, 16 6 2025",
          blank="Enter the date of the assessment"),
    Field("assessor", "Assessor", hint="Who carried out the assessment"),
    Field("category", "Category", "select", options=[("", "None (ARMS gives no category)"), *_choices(RiskLevel)],
          hint="Risk Matrix 2000 and OASys RoSH only: the category as given (entered, not scored)"),
    Field("summary", "Risk and protective factors", "textarea",
          hint="ARMS only: a summary of the risk and protective factors (at least 10 characters)"),
    Field("next_review", "Next review", "date",
          hint="ARMS only: leave blank for the force's review interval. For example, 16 6 2026"),
    Field("risk_level", "Set the risk level from this assessment", "radios",
          options=[("", "Leave the risk level as it is"), *_choices(RiskLevel)]),
    Field("reason", "Reason for the risk level", "textarea",
          hint="Optional: the assessment is named as the reason when left blank"),
)

MAPPA = (
    Field("category", "MAPPA category", "radios", options=_choices(MappaCategory), blank="Select the MAPPA category"),
    Field("level", "MAPPA level", "radios", options=_choices(MappaLevel), blank="Select the MAPPA level"),
    Field("lead_agency", "Lead agency", "radios", options=_choices(LeadAgency), blank="Select the lead agency"),
    Field("valid_from", "Date this applies from", "date", hint=TODAY_HINT),
)

MODE = (
    Field("mode", "Management", "radios", options=_choices(Mode), blank="Select active or reactive management"),
    Field("plan_months", "Individual plan: months between home visits", width="govuk-input--width-3",
          hint="Active management only, optional: 1 to 24. Leave blank to use the force's minimum for the risk "
               "level"),
    Field("reason", "Reason for the decision", "textarea", hint="At least 10 characters"),
    Field("valid_from", "Date the decision applies from", "date", hint=TODAY_HINT),
)

INTELLIGENCE = (
    Field("summary", "What was learned", "textarea",
          hint="New intelligence or a change of circumstances (at least 10 characters). Under reactive management "
               "it brings back a home visit and a risk review."),
    Field("received_on", "Date it was received", "date", hint=TODAY_HINT),
)

MANAGER = (
    Field("manager", "Offender manager", "select"),
    Field("handover_note", "Handover note", "textarea",
          hint="Optional: what the new offender manager needs to know (a reassignment with a note is a handover)"),
    Field("valid_from", "Date the assignment starts", "date", hint=TODAY_HINT),
)


_NUMBER = "govuk-input--width-4"
POLICY = (
    Field("kind", "Home visits", "radios", options=_choices(VisitPolicyKind), blank="Select how visits are set"),
    Field("arms_days", "Days after release or first registration to complete an ARMS assessment", width=_NUMBER,
          hint="1 to 90"),
    Field("arms_review_months", "Months between ARMS reviews", width=_NUMBER, hint="1 to 36"),
    Field("benchmark", "Caseload benchmark: registrants per offender manager", width=_NUMBER, hint="1 to 500"),
    *(Field(f"weight_{level}", f"Caseload weight: {label.lower()}", width=_NUMBER,
            hint="0.1 to 20: how many registrants of this level count as one in a caseload")
      for level, label in RiskLevel.choices),
    Field("hours_per_visit", "Hours per home visit", width=_NUMBER, hint="0.25 to 24, travel and notes included"),
    Field("hours_per_assessment", "Hours per assessment", width=_NUMBER, hint="0.25 to 48"),
    Field("officer_hours_per_month", "Hours an officer has for visits and assessments in a month", width=_NUMBER,
          hint="1 to 200"),
)
WEIGHT_FIELDS = {f"weight_{level}": str(level) for level in RiskLevel.values}


class ManagementForm(ChangeForm):
    """A change form built from ``FIELDS`` (``form_for``)."""

    FIELDS: Sequence[Field] = ()

    def to_data(self) -> dict[str, Any]:
        """The service's fields: text as sent (the service applies the one text rule), dates as YYYY-MM-DD."""
        data: dict[str, Any] = {}
        for f in self.FIELDS:
            if f.kind == "date":
                value: date | None = self.parsed.get(f.name)
                data[f.name] = value.isoformat() if value else (NOT_A_DATE if f.name in self.parse_errors else "")
            else:
                data[f.name] = str(self.data.get(f.name, "") or "")
        return data

    def values(self, errors: Mapping[str, str]) -> list[dict[str, Any]]:
        """The fields with what to render back into them (dates: day, month and year) and their errors."""
        out = []
        for f in self.FIELDS:
            value: Any = self.date_value(f.name) if f.kind == "date" else str(self[f.name].value() or "")
            out.append({"field": f, "value": value, "error": errors.get(f.name, "")})
        return out


def form_for(fields: Sequence[Field], options: Mapping[str, Sequence[tuple[str, str]]] | None = None
             ) -> type[ManagementForm]:
    """A form class for ``fields`` (``options`` replaces a field's options, e.g. the force's officers)."""
    given = dict(options or {})
    declared = tuple(Field(f.name, f.label, f.kind, f.hint, given.get(f.name, f.options), f.blank, f.width)
                     for f in fields)
    attrs: dict[str, Any] = {f.name: text_field() for f in declared if f.kind != "date"}
    attrs.update(
        FIELDS=declared,
        dates=tuple(DateParts(f.name, f.label) for f in declared if f.kind == "date"),
        REQUIRED_CHOICES={f.name: f.blank for f in declared if f.blank and f.kind != "date"},
        REQUIRED_DATES={f.name: f.blank for f in declared if f.blank and f.kind == "date"},
        FIELD_FOR_PATH={f.name: f.name for f in declared},
        LABELS={f.name: f.label for f in declared},
        ANCHORS={f.name: f"{f.name}_day" for f in declared if f.kind == "date"},
        ORDER=tuple(f.name for f in declared),
    )
    return type("Form", (ManagementForm,), attrs)
