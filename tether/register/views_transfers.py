"""Pages for transfers between forces: start one from the person page, the force's incoming and outgoing
transfers, accepting one and refusing one (with the reason). Every write through ``tether.register.transfers``;
no rules here."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tether.access.permissions import is_worker
from tether.access.selectors import force_choices
from tether.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tether.ui.forms import ChangeForm, DateParts, text_field
from tether.ui.forms import iso as _iso
from tether.ui.pages import error_page

from .change_pages import change_page
from .transfer_selectors import DIRECTIONS, transfer_row, transfers_list
from .transfers import parse_start, transfer_accept, transfer_refuse, transfer_start


class TransferStartForm(ChangeForm):
    dates = (DateParts("move_date", "Date they moved"),)

    to_force = text_field(max_length=8)

    REQUIRED_CHOICES = {"to_force": "Select the force whose area they moved to"}
    REQUIRED_DATES = {"move_date": "Enter the date they moved"}
    FIELD_FOR_PATH = {"to_force": "to_force", "move_date": "move_date"}
    LABELS = {"to_force": "Force they moved to", "move_date": "Date they moved"}
    ANCHORS = {"move_date": "move_date_day", "to_force": "to_force"}
    ORDER = ("to_force", "move_date")

    def to_data(self) -> dict[str, Any]:
        return {"to_force": self.cleaned_data.get("to_force") or None,
                "move_date": _iso(self.parsed.get("move_date"))}


class RefuseForm(forms.Form):
    reason = forms.CharField(required=False, max_length=4000, strip=False)


def _start_done(t: Any) -> str:
    return f"The transfer to {t.to_force.name} was started. They have until {t.accept_by:%-d %B %Y} to accept it."


@require_http_methods(["GET", "HEAD", "POST"])
def transfer_start_view(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    return change_page(
        request, person_id, doing="start a transfer", form_class=TransferStartForm,
        template="register/transfers/start.html", section="transfers",
        write=lambda p, form, v: transfer_start(request.user, p.pk, form.to_data(), expected_version=v),
        check=lambda form: parse_start(form.to_data()), done=_start_done,
        context=lambda p, form, result: {
            "force_options": [(code, name) for code, name in force_choices(("", "Select a force"))
                              if code != p.owning_force.code],
            "move_date": form.date_value("move_date")},
    )


@require_http_methods(["GET", "HEAD"])
def transfers_view(request: HttpRequest) -> HttpResponse:
    if not is_worker(request.user):
        return error_page(request, 403, "Your role does not work the register's transfers.")
    direction = request.GET.get("direction") or "incoming"
    if direction not in DIRECTIONS:
        direction = "incoming"
    rows = transfers_list(request.user, direction=direction)
    waiting = [r for r in rows if r["state"] == "in_transit"]
    decided = [r for r in rows if r["state"] != "in_transit"]
    return render(request, "register/transfers/list.html", {
        "nav": "register", "direction": direction, "waiting": waiting, "decided": decided,
        "directions": [("incoming", "Incoming"), ("outgoing", "Outgoing"), ("all", "All")],
    })


def _back(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("register:transfers") + "?direction=incoming")


@require_POST
def transfer_accept_view(request: HttpRequest, transfer_id: int) -> HttpResponse:
    try:
        t = transfer_accept(request.user, transfer_id)
    except ValidationFailed as exc:
        for e in exc.as_list():
            messages.error(request, f"The transfer was not accepted: {e['field'].replace('_', ' ')} {e['message']}")
        return _back(request)
    except Conflict as exc:
        messages.error(request, str(exc))
        return _back(request)
    except Forbidden as exc:
        return error_page(request, 403, str(exc))
    except NotFound:
        return error_page(request, 404)
    messages.success(request, f"You accepted the transfer: {t.to_force.name} owns {t.person.reference} from "
                              f"{t.move_date:%-d %B %Y}.")
    return redirect(reverse("register:person", kwargs={"person_id": t.person_id}) + "#transfers")


@require_http_methods(["GET", "HEAD", "POST"])
def transfer_refuse_view(request: HttpRequest, transfer_id: int) -> HttpResponse:
    if not is_worker(request.user):
        return error_page(request, 403, "Your role cannot change the register.")
    row = transfer_row(request.user, transfer_id)
    if row is None:
        return error_page(request, 404)
    errors: dict[str, str] = {}
    reason = ""
    status = 200
    if request.method == "POST":
        form = RefuseForm(request.POST)
        reason = str(form.data.get("reason", ""))
        try:
            t = transfer_refuse(request.user, transfer_id, {"reason": reason})
        except ValidationFailed as exc:
            for e in exc.as_list():
                field = "reason" if e["field"] == "reason" else "transfer"
                errors.setdefault(field, f"{'Reason' if field == 'reason' else 'Transfer'} {e['message']}")
            status = 400
        except Conflict as exc:
            errors["transfer"] = str(exc)
            status = 409
        except Forbidden as exc:
            return error_page(request, 403, str(exc))
        except NotFound:
            return error_page(request, 404)
        else:
            messages.success(request, f"You refused the transfer of {t.person.reference}. Both forces' "
                                      "supervisors have been told.")
            return _back(request)
    elif not row["can_decide"]:
        return error_page(request, 403, f"Only {row['to_force_name']} can refuse this transfer, while it waits.")
    error_list = [(f"#{k}", v) for k, v in errors.items()]
    return render(request, "register/transfers/refuse.html", {
        "nav": "register", "row": row, "errors": errors, "error_list": error_list, "reason": reason,
    }, status=status)

