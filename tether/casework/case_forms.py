"""Forms of the case pages: record an action, move the case through its states. They only parse what the
browser sent; the rules are in ``tether.casework.case_services``, whose ValidationFailed field paths map back here."""

from __future__ import annotations

from typing import Any

from tether.ui.forms import ChangeForm, DateParts, text_field

RISK_LABELS = {
    "vigilante_risk": "Risk of vigilante action",
    "victim_impact": "Impact on victims",
    "public_risk": "Risk to the public of not appealing",
}


class CaseActionForm(ChangeForm):
    dates = (DateParts("on", "Date it was done"),)

    reference = text_field(max_length=60)
    contact = text_field(max_length=300)
    sio = text_field(max_length=12)
    note = text_field(max_length=6000)
    media_decision = text_field(max_length=20)
    vigilante_risk = text_field(max_length=6000)
    victim_impact = text_field(max_length=6000)
    public_risk = text_field(max_length=6000)
    decision_id = text_field(max_length=12)
    approved = text_field(max_length=3)

    LABELS = {"on": "Date it was done", "reference": "PNC circulation reference", "contact": "Who was told",
              "sio": "Senior investigating officer", "note": "Note", "media_decision": "Decision",
              "decision_id": "Decision to answer", "approved": "Approval", **RISK_LABELS}
    ANCHORS = {"on": "on_day"}
    ORDER = ("media_decision", "decision_id", "approved", "reference", "contact", "sio", "vigilante_risk",
             "victim_impact", "public_risk", "note", "on")

    @property
    def FIELD_FOR_PATH(self) -> dict[str, str]:
        decision = "decision_id" if self.kind == "media_approval" else "media_decision"
        return {"on": "on", "reference": "reference", "contact": "contact", "sio": "sio", "note": "note",
                "decision": decision, "approved": "approved", **{k: k for k in RISK_LABELS}}

    @property
    def kind(self) -> str:
        """The action recorded: each action's form on the case page is this form with the action as prefix."""
        return str(self.prefix or "")

    def parse(self) -> bool:
        ok = super().parse()
        if self.kind == "media_approval" and self.cleaned_data.get("approved") not in ("yes", "no"):
            self.parse_errors["approved"] = "Select whether you approve the decision"
        if self.kind == "media_decision" and not self.cleaned_data.get("media_decision"):
            self.parse_errors["media_decision"] = "Select whether to make a media appeal"
        return ok and not self.parse_errors

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        data: dict[str, Any] = {"note": d.get("note") or ""}
        if self.parsed.get("on"):
            data["on"] = self.parsed["on"]
        kind = self.kind
        if kind == "pnc_circulation":
            data["reference"] = d.get("reference") or ""
        elif kind in ("probation_informed", "mappa_informed"):
            data["contact"] = d.get("contact") or ""
        elif kind == "sio_assigned":
            data["sio"] = d.get("sio") or None
        elif kind == "media_decision":
            data["decision"] = d.get("media_decision") or None
            data.update({k: d.get(k) or "" for k in RISK_LABELS})
        elif kind == "media_approval":
            data["decision"] = d.get("decision_id") or None
            data["approved"] = {"yes": True, "no": False}.get(d.get("approved") or "")
        return data


class CaseEventForm(ChangeForm):
    dates = (DateParts("on", "Date it happened"), DateParts("warrant_on", "Date of the warrant"))

    outcome = text_field(max_length=30)
    reason = text_field(max_length=2000)
    note = text_field(max_length=6000)

    FIELD_FOR_PATH = {"on": "on", "warrant_on": "warrant_on", "outcome": "outcome", "reason": "reason",
                      "note": "note"}
    LABELS = {"on": "Date it happened", "warrant_on": "Date of the warrant", "outcome": "Outcome",
              "reason": "Reason", "note": "Note"}
    ANCHORS = {"on": "on_day", "warrant_on": "warrant_on_day"}
    ORDER = ("outcome", "warrant_on", "reason", "note", "on")

    def parse(self) -> bool:
        ok = super().parse()
        if self.prefix == "close" and not self.cleaned_data.get("outcome"):
            self.parse_errors["outcome"] = "Select how the case ended"
        return ok and not self.parse_errors

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"note": self.cleaned_data.get("note") or ""}
        for name in ("on", "warrant_on"):
            if self.parsed.get(name):
                data[name] = self.parsed[name]
        return data
