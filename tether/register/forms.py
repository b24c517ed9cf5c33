"""Forms of the register pages: adding a registrant, recording a notification and changes. They only
parse what the browser sent; the rules are in ``tether.register.services`` (``tether.ui.forms.form_errors`` maps
their field paths back here)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms

from tether.core.clock import UK
from tether.ui.forms import ChangeForm, DateParts, PartsForm, parse_time, text_field
from tether.ui.forms import iso as _iso

# blank choices -> the message to show (on the forms that have these fields)
BLANK_CHOICE_MESSAGES = {
    "force": "Select the force that will manage them",
    "sex": "Select their sex",
    "disposal_kind": "Select what the court or police did (the disposal)",
    "kind": "Select the kind of notification",
}


class PersonCreateForm(PartsForm):
    dates = (
        DateParts("date_of_birth", "Date of birth"),
        DateParts("address_from", "Date they started living at the address"),
        DateParts("disposal_date", "Date of conviction, caution or finding"),
        DateParts("initial_date", "Date of the initial notification"),
    )

    force = text_field(max_length=8)  # national administrators only: everyone else creates for their own force
    sex = text_field()
    ni_number = text_field(max_length=20)
    pnc_id = text_field(max_length=20)
    given_names = text_field(max_length=200)
    family_name = text_field(max_length=200)
    address_line1 = text_field(max_length=200)
    address_line2 = text_field(max_length=200)
    address_town = text_field(max_length=200)
    address_postcode = text_field(max_length=20)
    address_child_under_18 = forms.BooleanField(required=False)
    disposal_offence = text_field(max_length=300)
    disposal_offence_code = text_field(max_length=40)
    disposal_kind = text_field()
    disposal_months = text_field(max_length=10)
    initial_time = text_field(max_length=10)
    initial_station = text_field(max_length=200)
    # when existing records may be this person: the officer confirms a different person and says why
    confirm_new_person = forms.BooleanField(required=False)
    duplicate_reason = text_field(max_length=2000)

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
        "notifications[0].received_at": "initial_date",
        "notifications[0].station": "initial_station",
        "reason": "duplicate_reason",
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
        "initial_date": "Date of the initial notification",
        "initial_time": "Time of the initial notification",
        "initial_station": "Police station of the initial notification",
        "duplicate_reason": "Why this is a different person",
    }
    # fields whose error link should point at a different element id than the field name
    ANCHORS = {
        "date_of_birth": "date_of_birth_day",
        "address_from": "address_from_day",
        "disposal_date": "disposal_date_day",
        "initial_date": "initial_date_day",
        "sex": "sex",
    }
    ORDER = (
        "force", "date_of_birth", "sex", "ni_number", "pnc_id", "given_names", "family_name",
        "address_line1", "address_line2", "address_town", "address_postcode", "address_child_under_18",
        "address_from", "disposal_date", "disposal_offence", "disposal_offence_code", "disposal_kind",
        "disposal_months", "initial_date", "initial_time", "initial_station", "duplicate_reason",
    )

    def parse(self) -> bool:
        ok = super().parse()
        d = self.cleaned_data
        self.initial_at: datetime | None = None
        day = self.parsed.get("initial_date")
        raw_time = (d.get("initial_time") or "").strip()
        at = parse_time(raw_time) if raw_time else time(12, 0)
        if raw_time and at is None:
            self.parse_errors["initial_time"] = "Time of the initial notification must be a real time, like 09:30"
        elif day is not None and at is not None:
            self.initial_at = datetime.combine(day, at, tzinfo=UK)
        if (raw_time or d.get("initial_station")) and day is None and "initial_date" not in self.parse_errors:
            self.parse_errors["initial_date"] = "Enter the date of the initial notification, or leave its time and " \
                                                "station blank if they have not notified yet"
        return ok and not self.parse_errors

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
        initial_at: datetime | None = getattr(self, "initial_at", None)
        if initial_at is not None:
            doc["notifications"] = [{
                "kind": "initial", "received_at": initial_at.isoformat(),
                "station": d.get("initial_station", ""),
            }]
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


def received_at(form: ChangeForm) -> datetime | None:
    """The UK date (``received``) and time (``received_time``) a notification was received, as one aware datetime;
    None, with the time field's error, when the time is missing or not a time."""
    raw = (form.cleaned_data.get("received_time") or "").strip()
    if not raw:
        form.parse_errors["received_time"] = "Enter the time the notification was received"
        return None
    at = parse_time(raw)
    if at is None:
        form.parse_errors["received_time"] = "Time received must be a real time, like 09:30 or 14:05"
        return None
    day = form.parsed.get("received")
    return datetime.combine(day, at, tzinfo=UK) if day is not None else None


class NotificationForm(ChangeForm):
    dates = (DateParts("received", "Date received"), DateParts("changed_on", "Date the change happened"))

    kind = text_field()
    received_time = text_field(max_length=10)
    station = text_field(max_length=200)
    no_fixed_abode = forms.BooleanField(required=False)
    details = text_field(max_length=4000)
    change = text_field(max_length=20)
    # the full details given (initial, change and periodic notifications: register.notified), one name and one
    # other address on the page (the API takes lists)
    given_given_names = text_field(max_length=200)
    given_family_name = text_field(max_length=200)
    given_line1 = text_field(max_length=200)
    given_line2 = text_field(max_length=200)
    given_town = text_field(max_length=200)
    given_postcode = text_field(max_length=20)
    other_line1 = text_field(max_length=200)
    other_line2 = text_field(max_length=200)
    other_town = text_field(max_length=200)
    other_postcode = text_field(max_length=20)
    given_ni_number = text_field(max_length=20)

    REQUIRED_DATES = {"received": "Enter the date the notification was received"}
    FULL_KINDS = ("initial", "change", "periodic")

    FIELD_FOR_PATH = {
        "kind": "kind",
        "received_at": "received",
        "station": "station",
        "no_fixed_abode": "no_fixed_abode",
        "details": "details",
        "change": "change",
        "changed_on": "changed_on",
        "given": "given_given_names",
        "given.names": "given_given_names",
        "given.names[0].given_names": "given_given_names",
        "given.names[0].family_name": "given_family_name",
        "given.home_address": "given_line1",
        "given.home_address.line1": "given_line1",
        "given.home_address.line2": "given_line2",
        "given.home_address.town": "given_town",
        "given.home_address.postcode": "given_postcode",
        "given.other_addresses[0].line1": "other_line1",
        "given.other_addresses[0].line2": "other_line2",
        "given.other_addresses[0].town": "other_town",
        "given.other_addresses[0].postcode": "other_postcode",
        "given.ni_number": "given_ni_number",
    }
    LABELS = {
        "kind": "Kind of notification",
        "received": "Date and time received",
        "received_time": "Time received",
        "station": "Police station",
        "no_fixed_abode": "No fixed abode",
        "details": "Details",
        "change": "Which change",
        "changed_on": "Date the change happened",
        "given_given_names": "Given names they gave",
        "given_family_name": "Family name they gave",
        "given_line1": "Home address line 1",
        "given_line2": "Home address line 2",
        "given_town": "Home address town or city",
        "given_postcode": "Home address postcode",
        "other_line1": "Other address line 1",
        "other_line2": "Other address line 2",
        "other_town": "Other address town or city",
        "other_postcode": "Other address postcode",
        "given_ni_number": "National Insurance number they gave",
    }
    ANCHORS = {"received": "received_day", "kind": "kind", "change": "change", "changed_on": "changed_on_day"}
    ORDER = ("kind", "received", "received_time", "station", "no_fixed_abode", "change", "changed_on",
             "given_given_names", "given_family_name", "given_line1", "given_line2", "given_town", "given_postcode",
             "other_line1", "other_line2", "other_town", "other_postcode", "given_ni_number", "details")

    @staticmethod
    def given_initial(person: Any) -> dict[str, Any]:
        """The details on the record now, to start the "details given" from: the officer checks them with the
        person and changes what they give differently. Nothing when the record holds no name or home address
        (the section starts blank: a partial start would be refused as incomplete)."""
        name = (person.names.filter(kind="current", valid_to__isnull=True).last()
                or person.names.filter(valid_to__isnull=True).last())
        home = person.addresses.filter(kind__in=("home", "nfa"), valid_to__isnull=True).last()
        if name is None or home is None:
            return {}
        out: dict[str, Any] = {
            "given_ni_number": person.ni_number, "given_given_names": name.given_names,
            "given_family_name": name.family_name, "given_line1": home.line1, "given_line2": home.line2,
            "given_town": home.town, "given_postcode": home.postcode,
        }
        other = person.addresses.filter(kind="other", valid_to__isnull=True).last()
        if other is not None:
            out.update(other_line1=other.line1, other_line2=other.line2, other_town=other.town,
                       other_postcode=other.postcode)
        return out

    def parse(self) -> bool:
        ok = super().parse()
        self.received_at: datetime | None = received_at(self)
        if self.cleaned_data.get("kind") == "change":  # an s.84 notification says which change, and when
            if not self.cleaned_data.get("change"):
                self.parse_errors.setdefault("change", "Select which change they notified")
            if not self.parsed.get("changed_on"):
                self.parse_errors.setdefault("changed_on", "Enter the date the change happened")
        return ok and not self.parse_errors

    def _given(self) -> dict[str, Any] | None:
        """The full details given as the service reads them; None when the section was left blank."""
        d = self.cleaned_data
        if not any((d.get(name) or "").strip() for name in self.fields if name.startswith(("given_", "other_"))):
            return None
        given: dict[str, Any] = {
            "names": [{"given_names": d.get("given_given_names", ""), "family_name": d.get("given_family_name", "")}],
            "home_address": {key: d.get(f"given_{key}", "") for key in ("line1", "line2", "town", "postcode")},
            "ni_number": d.get("given_ni_number") or None,
        }
        if any(d.get(f"other_{key}") for key in ("line1", "line2", "town", "postcode")):
            given["other_addresses"] = [{key: d.get(f"other_{key}", "") for key in ("line1", "line2", "town",
                                                                                    "postcode")}]
        return given

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        note = (d.get("details") or "").strip()
        data: dict[str, Any] = {
            "kind": d.get("kind") or None,
            "received_at": self.received_at,
            "station": d.get("station", ""),
            "no_fixed_abode": bool(d.get("no_fixed_abode")),
            "details": {"note": note} if note else {},
        }
        if d.get("change") or self.parsed.get("changed_on"):
            data.update(change=d.get("change") or None, changed_on=_iso(self.parsed.get("changed_on")))
        given = self._given()
        if given is not None and d.get("kind") in self.FULL_KINDS:  # the page fills them in for every kind
            data["given"] = given
        return data


class ReasonForm(forms.Form):
    reason = text_field(max_length=2000)


# --- changes to a registrant (name, address, identifying details) ----------------------------------------------


class NameChangeForm(ChangeForm):
    dates = (DateParts("valid_from", "Date they started using the name"),)

    kind = text_field()
    given_names = text_field(max_length=200)
    family_name = text_field(max_length=200)

    REQUIRED_CHOICES = {"kind": "Select whether they now use this name or it is an alias"}
    REQUIRED_DATES = {"valid_from": "Enter the date they started using the name"}
    FIELD_FOR_PATH = {"kind": "kind", "given_names": "given_names", "family_name": "family_name",
                      "valid_from": "valid_from", "valid_to": "valid_from"}
    LABELS = {"kind": "Kind of name", "given_names": "Given names", "family_name": "Family name",
              "valid_from": "Date they started using the name"}
    ANCHORS = {"valid_from": "valid_from_day", "kind": "kind"}
    ORDER = ("kind", "given_names", "family_name", "valid_from")

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"kind": d.get("kind") or None, "given_names": d.get("given_names", ""),
                "family_name": d.get("family_name", ""), "valid_from": _iso(self.parsed.get("valid_from"))}


class AddressChangeForm(ChangeForm):
    dates = (DateParts("valid_from", "Start date"),)

    kind = text_field()
    line1 = text_field(max_length=200)
    line2 = text_field(max_length=200)
    town = text_field(max_length=200)
    postcode = text_field(max_length=20)
    child_under_18 = forms.BooleanField(required=False)

    REQUIRED_CHOICES = {"kind": "Select what kind of address this is"}
    REQUIRED_DATES = {"valid_from": "Enter the start date"}
    FIELD_FOR_PATH = {"kind": "kind", "line1": "line1", "line2": "line2", "town": "town", "postcode": "postcode",
                      "valid_from": "valid_from", "valid_to": "valid_from", "child_under_18": "child_under_18"}
    LABELS = {"kind": "Kind of address", "line1": "Address line 1", "line2": "Address line 2",
              "town": "Town or city", "postcode": "Postcode", "valid_from": "Start date",
              "child_under_18": "Child under 18"}
    ANCHORS = {"valid_from": "valid_from_day", "kind": "kind"}
    ORDER = ("kind", "line1", "line2", "town", "postcode", "valid_from", "child_under_18")

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"kind": d.get("kind") or None, "line1": d.get("line1", ""), "line2": d.get("line2", ""),
                "town": d.get("town", ""), "postcode": d.get("postcode", ""),
                "valid_from": _iso(self.parsed.get("valid_from")), "child_under_18": bool(d.get("child_under_18"))}


def _same_identifier(raw: str, stored: str, normalise: Any) -> bool:
    """Whether a typed identifier is the stored one, however it was spaced or cased (for "what changed" only:
    a value that does not normalise counts as changed, and the service then says what is wrong with it)."""
    raw = raw.strip()
    if not raw:
        return not stored
    try:
        return bool(normalise(raw) == stored)
    except ValueError:
        return False


class IdentityForm(ChangeForm):
    dates = (DateParts("date_of_birth", "Date of birth"), DateParts("date_of_death", "Date of death"))

    sex = text_field()
    ni_number = text_field(max_length=20)
    pnc_id = text_field(max_length=20)

    REQUIRED_CHOICES = {"sex": "Select their sex"}
    REQUIRED_DATES = {"date_of_birth": "Enter their date of birth"}
    FIELD_FOR_PATH = {"date_of_birth": "date_of_birth", "date_of_death": "date_of_death", "sex": "sex",
                      "ni_number": "ni_number", "pnc_id": "pnc_id"}
    LABELS = {"date_of_birth": "Date of birth", "date_of_death": "Date of death", "sex": "Sex",
              "ni_number": "National Insurance number", "pnc_id": "PNC ID"}
    ANCHORS = {"date_of_birth": "date_of_birth_day", "date_of_death": "date_of_death_day", "sex": "sex"}
    ORDER = ("date_of_birth", "date_of_death", "sex", "ni_number", "pnc_id")
    NAMES = {"date_of_birth": "date of birth", "date_of_death": "date of death", "sex": "sex",
             "ni_number": "National Insurance number", "pnc_id": "PNC ID"}

    @staticmethod
    def initial_for(person: Any) -> dict[str, Any]:
        dob, died = person.date_of_birth, person.date_of_death
        death = ({"date_of_death_day": died.day, "date_of_death_month": died.month, "date_of_death_year": died.year}
                 if died else {})
        return {**death, "date_of_birth_day": dob.day, "date_of_birth_month": dob.month, "date_of_birth_year": dob.year,
                "sex": person.sex, "ni_number": person.ni_number, "pnc_id": person.pnc_id,
                "version": person.version}

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"date_of_birth": _iso(self.parsed.get("date_of_birth")),
                "date_of_death": _iso(self.parsed.get("date_of_death")), "sex": d.get("sex") or None,
                "ni_number": (d.get("ni_number") or "").strip(), "pnc_id": (d.get("pnc_id") or "").strip()}

    def changes(self, person: Any) -> dict[str, Any]:
        """Only the details that differ from the record (call ``parse`` first)."""
        from tether.register.identifiers import normalise_ni_number, normalise_pnc_id

        data = self.to_data()
        out: dict[str, Any] = {}
        if self.parsed.get("date_of_birth") != person.date_of_birth:
            out["date_of_birth"] = data["date_of_birth"]
        if self.parsed.get("date_of_death") != person.date_of_death:
            out["date_of_death"] = data["date_of_death"]
        if data["sex"] != person.sex:
            out["sex"] = data["sex"]
        if not _same_identifier(data["ni_number"], person.ni_number, normalise_ni_number):
            out["ni_number"] = data["ni_number"]
        if not _same_identifier(data["pnc_id"], person.pnc_id, normalise_pnc_id):
            out["pnc_id"] = data["pnc_id"]
        return out


for _form in (PersonCreateForm, NotificationForm, NameChangeForm, AddressChangeForm, IdentityForm):
    _form.BLANK_CHOICES = BLANK_CHOICE_MESSAGES
