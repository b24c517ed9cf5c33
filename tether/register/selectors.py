"""Reading the register: whole registrant documents (export, re-evaluation) and page data."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC
from typing import Any

from tether.cases.models import Case
from tether.people.models import Address, Ownership, Person, PersonName

from .documents import (
    FORMAT_VERSION,
    AddressDoc,
    CaseDoc,
    DisposalDoc,
    NameDoc,
    NotificationDoc,
    OwnershipDoc,
    RegistrantDoc,
    SpanDoc,
)
from .models import Detention, Disposal, Notification, Order


def _grouped(model: Any, ids: Sequence[uuid.UUID], order: Sequence[str]) -> dict[uuid.UUID, list[Any]]:
    out: dict[uuid.UUID, list[Any]] = defaultdict(list)
    qs = model.objects.filter(person_id__in=ids).order_by("person_id", *order)
    if model is Ownership or model is Case:
        qs = qs.select_related("force")
    for row in qs:
        out[row.person_id].append(row)
    return out


def load_registrant_docs(ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, RegistrantDoc]:
    """The full document for each person id (one query per table, not per person)."""
    people = Person.objects.filter(pk__in=ids).select_related("owning_force")
    names = _grouped(PersonName, ids, ["valid_from", "id"])
    addresses = _grouped(Address, ids, ["valid_from", "id"])
    owners = _grouped(Ownership, ids, ["valid_from", "id"])
    disposals = _grouped(Disposal, ids, ["date", "id"])
    detentions = _grouped(Detention, ids, ["start", "id"])
    orders = _grouped(Order, ids, ["start", "id"])
    notes = _grouped(Notification, ids, ["received_at", "id"])
    cases = _grouped(Case, ids, ["opened_on", "id"])
    docs = {}
    for p in people:
        docs[p.pk] = RegistrantDoc(
            id=p.pk, reference=p.reference, force=p.owning_force.code, synthetic=p.synthetic,
            date_of_birth=p.date_of_birth, sex=p.sex, ni_number=p.ni_number, pnc_id=p.pnc_id,
            names=[NameDoc(n.kind, n.given_names, n.family_name, n.valid_from, n.valid_to) for n in names[p.pk]],
            addresses=[
                AddressDoc(a.kind, a.line1, a.line2, a.town, a.postcode, a.valid_from, a.valid_to, a.child_under_18)
                for a in addresses[p.pk]
            ],
            ownership=[OwnershipDoc(o.force.code, o.valid_from, o.valid_to) for o in owners[p.pk]],
            disposals=[
                DisposalDoc(d.date, d.offence, d.offence_code, d.kind, d.months, d.tier) for d in disposals[p.pk]
            ],
            detentions=[SpanDoc(d.kind, d.start, d.end) for d in detentions[p.pk]],
            orders=[SpanDoc(o.kind, o.start, o.end) for o in orders[p.pk]],
            notifications=[
                NotificationDoc(n.kind, n.received_at, n.station, n.officer_label, n.no_fixed_abode, n.details)
                for n in notes[p.pk]
            ],
            cases=[
                CaseDoc(k.kind, k.opened_on, k.closed_on, k.believed_abroad, k.warrant_on, k.outcome,
                        k.pnc_reference)
                for k in cases[p.pk]
            ],
        )
    return docs


def _d(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def doc_to_dict(doc: RegistrantDoc) -> dict[str, Any]:
    """The JSON Lines form of a registrant (docs/import-format.md). Keys in a fixed order."""
    return {
        "format": FORMAT_VERSION,
        "id": str(doc.id),
        "reference": doc.reference,
        "force": doc.force,
        "synthetic": doc.synthetic,
        "date_of_birth": _d(doc.date_of_birth),
        "sex": doc.sex,
        "ni_number": doc.ni_number or None,
        "pnc_id": doc.pnc_id or None,
        "names": [
            {"kind": n.kind, "given_names": n.given_names, "family_name": n.family_name,
             "valid_from": _d(n.valid_from), "valid_to": _d(n.valid_to)}
            for n in doc.names
        ],
        "addresses": [
            {"kind": a.kind, "line1": a.line1, "line2": a.line2, "town": a.town, "postcode": a.postcode,
             "valid_from": _d(a.valid_from), "valid_to": _d(a.valid_to), "child_under_18": a.child_under_18}
            for a in doc.addresses
        ],
        "ownership": [
            {"force": o.force, "valid_from": _d(o.valid_from), "valid_to": _d(o.valid_to)} for o in doc.ownership
        ],
        "disposals": [
            {"date": _d(d.date), "offence": d.offence, "offence_code": d.offence_code, "kind": d.kind,
             "months": d.months, "tier": d.tier}
            for d in doc.disposals
        ],
        "detentions": [{"kind": s.kind, "start": _d(s.start), "end": _d(s.end)} for s in doc.detentions],
        "orders": [{"kind": s.kind, "start": _d(s.start), "end": _d(s.end)} for s in doc.orders],
        "notifications": [
            {"kind": n.kind, "received_at": n.received_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
             "station": n.station, "officer": n.officer, "no_fixed_abode": n.no_fixed_abode, "details": n.details}
            for n in doc.notifications
        ],
        "cases": [
            {"kind": k.kind, "opened": _d(k.opened), "closed": _d(k.closed), "believed_abroad": k.believed_abroad,
             "warrant": _d(k.warrant), "outcome": k.outcome or None, "pnc_reference": k.pnc_reference or None}
            for k in doc.cases
        ],
    }


def iter_registrant_dicts(person_ids: Sequence[uuid.UUID], batch: int = 1000) -> Iterator[dict[str, Any]]:
    for i in range(0, len(person_ids), batch):
        chunk = person_ids[i : i + batch]
        docs = load_registrant_docs(chunk)
        for pid in chunk:
            yield doc_to_dict(docs[pid])
