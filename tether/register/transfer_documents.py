"""The ``transfers`` section of a registrant document (docs/import-format.md): validated with the rest of the line,
written after the people, exported beside them (left out when a registrant has none, so older files export as
before). An imported transfer still in transit tells casework like a new one (the receiving force's task)."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from django.utils.dateparse import parse_datetime

from tether.access.forces import FORCES_CSV
from tether.access.models import Force
from tether.core import clock
from tether.core.fields import Fields

from . import extensions
from .models_transfers import Transfer, TransferState

KEY = "transfers"


@dataclass
class TransferDoc:
    from_force: str
    to_force: str
    move_date: date
    state: str
    accept_by: date
    requested_at: datetime
    requested_by: str = ""
    decided_at: datetime | None = None
    decided_by: str = ""
    reason: str = ""
    escalated_on: date | None = None


def _at(c: Fields, item: Mapping[str, Any], key: str, path: str, *, required: bool) -> datetime | None:
    raw = item.get(key)
    if raw in (None, ""):
        if required:
            c.fail(path, "is required")
        return None
    at = parse_datetime(raw) if isinstance(raw, str) else None
    if at is None or at.tzinfo is None:
        c.fail(path, "must be a date and time with a time zone, like 2024-05-01T10:30:00Z")
        return None
    return at


@lru_cache(maxsize=1)
def _force_codes() -> frozenset[str]:
    """The 45 force codes (read from the forces file, so a document checks without a database)."""
    with FORCES_CSV.open(newline="", encoding="utf-8") as fh:
        return frozenset(row["code"] for row in csv.DictReader(fh))


def parse(c: Fields, data: Mapping[str, Any], dob: date | None, today: date) -> list[TransferDoc]:
    items = c.items(data, KEY)
    if not items:
        return []
    codes = _force_codes()
    out = []
    for path, item in items:
        forces = []
        for key in ("from_force", "to_force"):
            code = c.text(item, key, f"{path}.{key}", max_len=8).upper()
            if code and code not in codes:
                c.fail(f"{path}.{key}", f"unknown force code {code!r}")
            forces.append(code)
        t = TransferDoc(
            from_force=forces[0], to_force=forces[1],
            move_date=c.day(item, "move_date", f"{path}.move_date", today=today) or today,
            state=c.choice(item, "state", f"{path}.state", TransferState),
            accept_by=c.day(item, "accept_by", f"{path}.accept_by") or today,
            requested_at=_at(c, item, "requested_at", f"{path}.requested_at", required=True) or clock.now(),
            requested_by=c.text(item, "requested_by", f"{path}.requested_by", required=False, max_len=200),
            decided_at=_at(c, item, "decided_at", f"{path}.decided_at", required=False),
            decided_by=c.text(item, "decided_by", f"{path}.decided_by", required=False, max_len=200),
            reason=c.text(item, "reason", f"{path}.reason", required=False, max_len=2000, multiline=True),
            escalated_on=c.day(item, "escalated_on", f"{path}.escalated_on", required=False, today=today),
        )
        if t.from_force and t.from_force == t.to_force:
            c.fail(f"{path}.to_force", "must be another force than from_force")
        if dob and t.move_date < dob:
            c.fail(f"{path}.move_date", "must not be before the date of birth")
        if t.state == TransferState.IN_TRANSIT and t.decided_at is not None:
            c.fail(f"{path}.decided_at", "only a decided transfer (accepted or refused) has one")
        if t.state in (TransferState.ACCEPTED, TransferState.REFUSED) and t.decided_at is None:
            c.fail(f"{path}.decided_at", f"is required for a transfer that was {t.state}")
        if t.state == TransferState.REFUSED and not t.reason:
            c.fail(f"{path}.reason", "is required for a refused transfer (why it was refused)")
        if t.state != TransferState.REFUSED and t.reason:
            c.fail(f"{path}.reason", "only a refused transfer has a reason")
        out.append(t)
    _check_ownership(c, data, out)
    return out


def _check_ownership(c: Fields, data: Mapping[str, Any], transfers: list[TransferDoc]) -> None:
    """An accepted transfer is the meeting point of two ownership intervals; one in transit comes from the owner."""
    owner = str(data.get("force") or "").upper()
    raw = data.get("ownership")
    spans = [(str(o.get("force") or "").upper(), str(o.get("valid_from") or ""), str(o.get("valid_to") or ""))
             for o in raw if isinstance(o, Mapping)] if isinstance(raw, list) else []
    waiting = [i for i, t in enumerate(transfers) if t.state == TransferState.IN_TRANSIT]
    if len(waiting) > 1:
        c.fail(f"{KEY}[{waiting[1]}].state", "only one transfer at a time can be in transit")
    for i, t in enumerate(transfers):
        path = f"{KEY}[{i}]"
        if t.state == TransferState.IN_TRANSIT and owner and t.from_force != owner:
            c.fail(f"{path}.from_force", "a transfer in transit comes from the owning force (force)")
        if t.state == TransferState.ACCEPTED:
            day = t.move_date.isoformat()
            if not any(f == t.from_force and to == day for f, _, to in spans) or not any(
                    f == t.to_force and start == day for f, start, _ in spans):
                c.fail(f"{path}.move_date", "an accepted transfer needs the ownership intervals it made: "
                                            "from_force's ending and to_force's beginning on the move date")


def spans(value: list[TransferDoc]) -> list[extensions.Span]:
    return []


def write(items: Sequence[tuple[Any, list[TransferDoc]]], now: datetime) -> None:
    forces = {f.code: f for f in Force.objects.all()}
    rows = [
        Transfer(person_id=person.pk, from_force=forces[t.from_force], to_force=forces[t.to_force],
                 move_date=t.move_date, state=t.state, accept_by=t.accept_by, requested_at=t.requested_at,
                 requested_by_label=t.requested_by, decided_at=t.decided_at, decided_by_label=t.decided_by,
                 reason=t.reason, escalated_on=t.escalated_on)
        for person, transfers in items for t in transfers
    ]
    Transfer.objects.bulk_create(rows, batch_size=2000)
    for row in rows:
        if row.state == TransferState.IN_TRANSIT:  # the receiving force is told, as for a new one
            extensions.transfer_changed(row, "started", None)


def load(person_ids: Sequence[Any]) -> dict[Any, list[TransferDoc]]:
    out: dict[Any, list[TransferDoc]] = {}
    qs = Transfer.objects.filter(person_id__in=person_ids).select_related("from_force", "to_force")
    for t in qs.order_by("person_id", "requested_at", "id"):
        out.setdefault(t.person_id, []).append(TransferDoc(
            t.from_force.code, t.to_force.code, t.move_date, t.state, t.accept_by, t.requested_at,
            t.requested_by_label, t.decided_at, t.decided_by_label, t.reason, t.escalated_on))
    return out


def _d(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _t(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value is not None else None


def to_json(transfers: list[TransferDoc]) -> list[dict[str, Any]] | None:
    if not transfers:
        return None  # left out: a registrant never transferred exports as before transfers existed
    return [
        {"from_force": t.from_force, "to_force": t.to_force, "move_date": _d(t.move_date), "state": t.state,
         "accept_by": _d(t.accept_by), "requested_at": _t(t.requested_at), "requested_by": t.requested_by or None,
         "decided_at": _t(t.decided_at), "decided_by": t.decided_by or None, "reason": t.reason or None,
         "escalated_on": _d(t.escalated_on)}
        for t in sorted(transfers, key=lambda t: t.requested_at)
    ]


def install() -> None:
    extensions.register_section(extensions.DocumentSection(
        key=KEY, parse=parse, spans=spans, write=write, load=load, to_json=to_json))
