"""Forms of the compliance pages. They only parse what the browser sent; the rules are in the services, whose
ValidationFailed field paths map back onto these fields (``tether.ui.forms.form_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms

from tether.casework import playbook as rules
from tether.ui.forms import ChangeForm, DateParts, text_field

OUTCOME_CHOICES = [(o, rules.OUTCOME_LABELS[o]) for o in rules.OUTCOMES]


class TaskCompleteForm(ChangeForm):
    dates = (DateParts("warrant_on", "Date of the warrant"),)

    outcome = text_field(max_length=30)
    note = text_field(max_length=6000)
    believed_abroad = forms.BooleanField(required=False)

    FIELD_FOR_PATH = {"outcome": "outcome", "note": "note", "warrant_on": "warrant_on",
                      "believed_abroad": "believed_abroad", "opened_on": "outcome"}
    LABELS = {"outcome": "Outcome", "note": "Note", "warrant_on": "Date of the warrant",
              "believed_abroad": "Believed abroad"}
    ANCHORS = {"warrant_on": "warrant_on_day"}
    ORDER = ("outcome", "note", "warrant_on", "believed_abroad")
    REQUIRED_CHOICES = {"outcome": "Select what you found"}

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.parsed.get("warrant_on"):
            data["warrant_on"] = self.parsed["warrant_on"]
        if self.cleaned_data.get("believed_abroad"):
            data["believed_abroad"] = True
        return data


class AssignForm(forms.Form):
    assignee = text_field(max_length=12)  # a user id, or "" for the unit queue
    version = forms.IntegerField(required=False)
    back = text_field(max_length=20)

    def assignee_id(self) -> int | str | None:
        """The user id, None for the unit queue, or "bad" when it is not a number."""
        raw = (self.cleaned_data.get("assignee") or "").strip()
        if not raw:
            return None
        return int(raw) if raw.isdigit() else "bad"


def _setting_field(path: str) -> str:
    return path.replace(".", "__")


class PlaybookForm(ChangeForm):
    """Every number of the playbook, the "not at address" action, and the reason for the change."""

    not_at_address_action = text_field(max_length=20)
    reason = text_field(max_length=2000)
    apply_to_open_tasks = forms.BooleanField(required=False)

    SETTING_LABELS = {
        "overdue.due_days": "Days to establish compliance after a breach is found",
        "outcomes.not_at_address.due_days": "Days to establish whereabouts after 'not at the notified address'",
        "case.pnc_circulation_hours": "Hours to circulate a missing registrant on PNC",
        "case.probation_informed_days": "Days to inform probation",
        "case.mappa_informed_days": "Days to inform the MAPPA co-ordinator",
        "case.sio_assigned_days": "Days to assign a senior investigating officer",
        "case.review_every_days": "Days between case reviews",
        "case.abroad_review_every_days": "Days between believed-abroad reviews",
        "case.media_decision_days": "Days to decide on a media appeal",
        "transfer.accept_days": "Days for this force to accept or refuse a transfer from another force",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for path in rules.LIMITS:
            self.fields[_setting_field(path)] = text_field(max_length=6)
        self.FIELD_FOR_PATH = {p: _setting_field(p) for p in rules.LIMITS} | {
            "outcomes.not_at_address.action": "not_at_address_action", "reason": "reason"}
        self.LABELS = {_setting_field(p): self.label_for(p) for p in rules.LIMITS} | {
            "not_at_address_action": "What 'not at the notified address' leads to", "reason": "Reason"}
        self.ANCHORS: dict[str, str] = {}
        self.ORDER = (*(_setting_field(p) for p in rules.LIMITS), "not_at_address_action", "reason")

    @classmethod
    def label_for(cls, path: str) -> str:
        """A setting's label: the page's own words, else the playbook's (any setting in the playbook is editable)."""
        return cls.SETTING_LABELS.get(path) or rules.label(path)

    @staticmethod
    def initial_for(playbook: dict[str, Any], version: int) -> dict[str, Any]:
        initial: dict[str, Any] = {"version": version,
                                   "not_at_address_action": playbook["outcomes"]["not_at_address"]["action"]}
        for path in rules.LIMITS:
            node: Any = playbook
            for part in path.split("."):
                node = node[part]
            initial[_setting_field(path)] = str(node)
        return initial

    def settings(self) -> list[dict[str, Any]]:
        """One row per number: field name, label, limits and the value to show."""
        return [{"name": _setting_field(p), "label": self.label_for(p), "lo": lo, "hi": hi,
                 "value": self[_setting_field(p)].value()} for p, (lo, hi) in rules.LIMITS.items()]

    def parse(self) -> bool:
        ok = super().parse()
        for path, (lo, hi) in rules.LIMITS.items():
            name = _setting_field(path)
            raw = str(self.cleaned_data.get(name) or "").strip()
            if not raw.isdigit():
                self.parse_errors[name] = f"{self.label_for(path)} must be a whole number from {lo} to {hi}"
        reason = (self.cleaned_data.get("reason") or "").strip()
        if len(reason) < 10:
            self.parse_errors["reason"] = "Enter the reason for the change (at least 10 characters)"
        return ok and not self.parse_errors

    def limit_errors(self, current: dict[str, Any]) -> dict[str, str]:
        """The playbook's own checks on the numbers that could be read (validation only)."""
        readable = {p for p in rules.LIMITS if _setting_field(p) not in self.parse_errors}
        if readable != set(rules.LIMITS):
            return {}
        _, errors = rules.validate(rules.merge(current, self.changes()))
        return errors

    def changes(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for path in rules.LIMITS:
            node = out
            parts = path.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = int(str(self.cleaned_data[_setting_field(path)]).strip())
        action = self.cleaned_data.get("not_at_address_action") or ""
        out.setdefault("outcomes", {}).setdefault("not_at_address", {})["action"] = action
        return out
