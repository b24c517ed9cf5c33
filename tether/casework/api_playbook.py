"""API for the force's playbook: /api/v1/playbook (read; every worker of the force), /api/v1/playbook/preview (the
effect of a draft on open work, nothing saved) and POST /api/v1/playbook (save the next version). Force
administrators change their own force's; national administrators any force's (name it)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import StrictBool, WithJsonSchema

from tether.access.api import DetailOut, ErrorOut, In, Text, TokenAuth

from . import playbook as rules
from .selectors import playbook_view
from .services import playbook_preview, playbook_update

router = Router(auth=TokenAuth(), tags=["playbook"])

Code = Annotated[str, Text(8)]
ForceQuery = Query("", description="A force code; empty: your own force")  # type: ignore[type-arg]
Settings = dict[str, Any]


def _schema(value: Any, path: str = "") -> dict[str, Any]:
    """The JSON Schema of a partial playbook, read from the playbook's own defaults and limits (so any setting
    added to the playbook is in it): sections and settings by name, numbers within their limits, actions among
    those allowed."""
    if isinstance(value, dict):
        return {"type": "object", "additionalProperties": False,
                "properties": {k: _schema(v, f"{path}.{k}" if path else k) for k, v in value.items()}}
    if path in rules.LIMITS:
        lo, hi = rules.LIMITS[path]
        return {"type": "integer", "minimum": lo, "maximum": hi}
    section, _, rest = path.partition(".")
    outcome = rest.rsplit(".", 1)[0]
    if section == "outcomes" and path.endswith(".action") and outcome in rules.ALLOWED_ACTIONS:
        return {"type": "string", "enum": list(rules.ALLOWED_ACTIONS[outcome])}
    kinds = {bool: "boolean", int: "integer", str: "string"}
    return {"type": kinds.get(type(value), "string")}


Changes = Annotated[Settings, WithJsonSchema(_schema(rules.DEFAULTS))]


class ChangeOut(Schema):
    setting: str = Field(description="The setting's dotted path, e.g. case.review_every_days")
    label: str = ""
    before: Any = None
    after: Any = None


class VersionOut(Schema):
    version: int
    valid_from: datetime
    valid_to: datetime | None
    by: str
    reason: str
    changes: list[ChangeOut]


class PlaybookOut(Schema):
    force: str
    version: int = Field(description="0: the national defaults. Send it back as expected_version when saving")
    playbook: Settings
    defaults: Settings
    limits: dict[str, list[int]] = Field(description="Inclusive limits of every number, by dotted path")
    history: list[VersionOut]


class KindCount(Schema):
    kind: str
    label: str
    count: int


class PreviewOut(Schema):
    force: str
    version: int
    changes: list[ChangeOut]
    open_tasks: int
    deadlines_moved: int = Field(description="Open tasks whose deadline the draft would move")
    earlier: int
    later: int
    newly_late: int = Field(description="Open tasks that would become past their deadline")
    no_longer_late: int
    by_kind: list[KindCount]
    escalation_changed: int = Field(description="Open breaches that would lead somewhere else on 'not at the "
                                                "notified address'")


def _out(request: HttpRequest, force: str) -> dict[str, Any]:
    view = playbook_view(request.user, force or None)
    return {**view, "limits": {k: list(v) for k, v in view["limits"].items()}}


@router.get("/playbook", response={200: PlaybookOut, 403: DetailOut, 404: DetailOut}, summary="The playbook")
def get_playbook(request: HttpRequest, force: Code = ForceQuery) -> Any:
    """The current version, the defaults, the limits and every version with who changed what and why."""
    return _out(request, force)


class DraftIn(In):
    force: Code = Field("", description="A force code; empty: your own force")
    changes: Changes = Field(description='A partial playbook, e.g. {"case": {"review_every_days": 14}}')


@router.post("/playbook/preview", response={200: PreviewOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut},
             summary="Preview a playbook change")
def preview_playbook(request: HttpRequest, payload: DraftIn) -> Any:
    """Checks the draft as a save would and counts its effect on the force's open work; nothing is saved."""
    return playbook_preview(request.user, payload.force or None, payload.changes)


class SaveIn(DraftIn):
    reason: Annotated[str, Text(2000)] = ""
    expected_version: int | None = Field(None, ge=0, le=2_147_483_647,
                                         description="The version you read; another answers 409")
    apply_to_open_tasks: StrictBool = Field(False, description="Move the open tasks' deadlines too")


@router.post("/playbook", response={200: PlaybookOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut,
                                    409: DetailOut}, summary="Change the playbook")
def save_playbook(request: HttpRequest, payload: SaveIn) -> Any:
    """Stores the next version (nothing overwritten). A draft that changes nothing is refused (400)."""
    saved = playbook_update(request.user, payload.force or None, payload.changes, reason=payload.reason,
                            expected_version=payload.expected_version,
                            apply_to_open_tasks=payload.apply_to_open_tasks)
    return _out(request, saved.force_code)
