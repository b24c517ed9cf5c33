"""API for transfers between forces: start one, list a force's transfers, accept or refuse one. The same services,
guards and audit as the pages (``tether.register.transfers``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from tether.access.api import Day, DetailOut, ErrorOut, In, Text, TokenAuth

from .api import PersonId, Version
from .transfer_selectors import transfer_row, transfers_list
from .transfers import transfer_accept, transfer_refuse, transfer_start

router = Router(auth=TokenAuth(), tags=["transfers"])


class TransferOut(Schema):
    id: int
    person_id: str
    reference: str
    from_force: str
    to_force: str
    move_date: date
    state: str = Field(description="in_transit, accepted or refused")
    accept_by: date = Field(description="The last day for the receiving force to accept")
    requested_at: datetime
    requested_by: str
    decided_at: datetime | None
    decided_by: str
    reason: str
    escalated_on: date | None = Field(description="When it went to both forces' supervisors (refused or late)")
    late: bool


class TransferListOut(Schema):
    count: int
    results: list[TransferOut]


class TransferStartIn(In):
    """Besides each field's rule: the receiving force must be another force than the owner, the move date after
    the current ownership began, and only one transfer may wait at a time."""

    to_force: Annotated[str, Text(8, required=True), Field(description="The receiving force's code, like GMP")]
    move_date: Day = Field(description="The day they moved into its area (not in the future)")
    version: Version = None


class TransferDecisionIn(In):
    version: Version = None


class TransferRefuseIn(In):
    reason: Annotated[str, Text(2000, required=True, multiline=True, min_len=10),
                      Field(description="Why it is refused: at least 10 characters")]
    version: Version = None


_RESPONSES = {200: TransferOut, 400: ErrorOut, 403: DetailOut, 404: DetailOut, 409: DetailOut}
TransferId = Annotated[int, Field(ge=1, le=2_147_483_647, description="The transfer's id")]


def _out(user: Any, transfer_id: int) -> TransferOut:
    row = transfer_row(user, transfer_id)
    assert row is not None
    return TransferOut(**{**row, "person_id": str(row["person_id"])})


@router.post("/people/{person_id}/transfers", response={201: TransferOut, 400: ErrorOut, 403: DetailOut,
                                                        404: DetailOut, 409: DetailOut},
             summary="Start a transfer to another force")
def start_transfer(request: HttpRequest, person_id: PersonId, payload: TransferStartIn) -> Any:
    data = payload.dict()
    version = data.pop("version", None)
    transfer = transfer_start(request.user, person_id, data, expected_version=version)
    return 201, _out(request.user, transfer.pk)


@router.get("/transfers", response={200: TransferListOut, 400: ErrorOut, 403: DetailOut},
            summary="List your force's transfers")
def list_transfers(
    request: HttpRequest,
    direction: Literal["incoming", "outgoing", "all"] = "incoming",
    state: Literal["in_transit", "accepted", "refused"] | None = None,
    as_of: Day | None = None,
) -> Any:
    """Transfers to your force (incoming), from it (outgoing) or both, newest first; ``late``: still waiting after
    the last day to accept, as at ``as_of`` (default today)."""
    rows = transfers_list(request.user, direction=direction, state=state, as_of=as_of)
    return TransferListOut(count=len(rows), results=[TransferOut(**{**r, "person_id": str(r["person_id"])})
                                                     for r in rows])


@router.post("/transfers/{transfer_id}/accept", response=_RESPONSES, summary="Accept a transfer")
def accept_transfer(request: HttpRequest, transfer_id: TransferId, payload: TransferDecisionIn) -> Any:
    """The receiving force takes ownership from the move date. A transfer already decided answers 400."""
    transfer = transfer_accept(request.user, transfer_id, expected_version=payload.version)
    return 200, _out(request.user, transfer.pk)


@router.post("/transfers/{transfer_id}/refuse", response=_RESPONSES, summary="Refuse a transfer")
def refuse_transfer(request: HttpRequest, transfer_id: TransferId, payload: TransferRefuseIn) -> Any:
    """The receiving force refuses, with the reason; ownership stays and both forces' supervisors are told."""
    transfer = transfer_refuse(request.user, transfer_id, {"reason": payload.reason},
                               expected_version=payload.version)
    return 200, _out(request.user, transfer.pk)
