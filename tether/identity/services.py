"""Merging two records of one person, and undoing it. One transaction each: guard both records, check the role
question, lock both rows, move every row, re-key the names, re-evaluate the law for both, audit.

A merge moves every row that points at the merged record (names, addresses, disposals, custody, orders,
notifications, partner assignments, grants, cases, tasks, ...: whatever any package keeps about a person, found
through Django's relations, so a package added later is moved too) to the survivor, and records each row's id so
``unmerge`` puts it back. Nothing is deleted:

- the merged record's names become aliases of the survivor and its home addresses "other" addresses (the survivor
  keeps one current name and one home), each original kind recorded;
- the merged record's ownership is closed on the day of the merge (so statistics as at any earlier date are
  unchanged) and its row stays as a pointer: its reference still resolves to the survivor;
- the stored outcome (state and obligations) is derived, so it is re-evaluated, not moved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, UniqueConstraint

from tether.access.permissions import (
    can_approve_merge,
    can_decline_merge,
    can_merge_records,
    can_propose_merge,
    is_national_admin,
)
from tether.audit.services import PendingEvent, record, record_many
from tether.core import clock
from tether.core.errors import Forbidden, NotFound, ValidationFailed
from tether.core.fields import read_text
from tether.register import extensions
from tether.register.constants import AddressKind, NameKind
from tether.register.facts import HOME_KINDS
from tether.register.guards import access_person_by_id
from tether.register.models import (
    Address,
    Notification,
    Ownership,
    Person,
    PersonName,
    PersonObligation,
    RegisterState,
)
from tether.register.outcomes import rematerialise
from tether.register.selectors import doc_to_dict, load_registrant_docs

from .indexing import index_people
from .matching import NOT_PLAIN_TEXT, has_hidden_characters
from .models import Merge, MergeProposal, NameKey, PairDecision

# derived or identity's own: re-made, never moved
NOT_MOVED = {NameKey, Merge, MergeProposal, PairDecision, PersonObligation, RegisterState, Ownership}


def _reason(raw: Any, field: str = "reason") -> str:
    value, problems = read_text(raw, required=True, min_len=10, max_len=2000, multiline=True)
    if not problems and isinstance(raw, str) and has_hidden_characters(raw):
        problems = [NOT_PLAIN_TEXT]
    if problems:
        raise ValidationFailed({field: problems})
    return value


def _snapshot(pk: Any) -> dict[str, Any]:
    doc = load_registrant_docs([pk])[pk]
    return doc_to_dict(doc)


def _relations() -> list[tuple[str, Any, str]]:
    """(label, model, field name) of every many-to-one relation to a person, from every installed package."""
    out = []
    for rel in Person._meta.related_objects:
        model = rel.related_model
        if rel.one_to_one or rel.many_to_many or model in NOT_MOVED or not hasattr(rel.field, "attname"):
            continue
        out.append((f"{model._meta.label}.{rel.field.name}", model, rel.field.name))
    return sorted(out, key=lambda t: t[0])


def _colliding(model: Any, fk: str, survivor: Person, merged: Person) -> set[Any]:
    """Ids of the merged record's rows that a unique constraint on ``fk`` refuses beside the survivor's (the same
    breach of one obligation, found on both records before they were known to be one person). They stay on the
    pointer record, as they were: nothing is deleted and the merge can go ahead."""
    kept: set[Any] = set()
    manager = model._default_manager
    for c in model._meta.constraints:
        if not isinstance(c, UniqueConstraint) or fk not in c.fields or c.condition is not None:
            continue
        others = [f for f in c.fields if f != fk]
        theirs = {tuple(row) for row in manager.filter(**{fk: survivor}).values_list(*others)} if others else {()}
        kept |= {pk for pk, *vals in manager.filter(**{fk: merged}).values_list("pk", *others)
                 if tuple(vals) in theirs}
    return kept


def _full_pair(actor: Any, survivor_id: Any, merged_id: Any) -> tuple[Person, Person]:
    survivor = access_person_by_id(actor, survivor_id, purpose="write")
    merged = access_person_by_id(actor, merged_id, purpose="write")
    if not (survivor.full and merged.full):
        raise Forbidden("Open both full records (with a reason) before merging them.")
    return survivor.person, merged.person


def _lock(survivor: Person, merged: Person) -> tuple[Person, Person]:
    locked = Person.objects.select_for_update().select_related("owning_force").in_bulk(
        sorted([survivor.pk, merged.pk], key=str))
    return locked[survivor.pk], locked[merged.pk]


def _locked_pair(actor: Any, survivor_id: Any, merged_id: Any) -> tuple[Person, Person]:
    survivor, merged = _full_pair(actor, survivor_id, merged_id)
    if not can_merge_records(actor, survivor.owning_force_id, merged.owning_force_id):
        raise Forbidden("Only a supervisor or force administrator of both records' force, or a national "
                        "administrator, can merge records. Across forces, propose the merge: a supervisor of the "
                        "other force approves it.")
    return _lock(survivor, merged)


def merged_away(as_of: date | None = None) -> QuerySet[Merge, Any]:
    """The ids of records merged into another on or before ``as_of`` (None: now) and not unmerged: not separate
    people, so every count leaves them out from the merge date (the register's not-separate source)."""
    live = Merge.objects.filter(undone_at__isnull=True)
    if as_of is not None:
        live = live.filter(merged_on__lte=as_of)
    return live.values("merged_id")


REGISTRATION = ("registration_start", "registration_end", "indefinite")


def _keep_registration(merged: Person, before: dict[str, Any]) -> None:
    """The merged record keeps the registration period it had (its place in figures as at dates before the merge:
    they do not change); nothing is due from it (its disposals and notifications are the survivor's now)."""
    if before:
        RegisterState.objects.filter(person=merged).update(**before)


def _touch(people: list[Person]) -> None:
    now = clock.now()
    for p in people:
        p.version += 1
        p.updated_at = now
        p.save(update_fields=["version", "updated_at", "ni_number", "pnc_id"])
    ids = [p.pk for p in people]
    index_people(ids)
    rematerialise(ids)
    extensions.people_evaluated(ids)  # the survivor's breaches and tasks are current at once


def merge_people(actor: Any, survivor_id: Any, merged_id: Any, *, reason: Any) -> Merge:
    """Merge ``merged_id`` into ``survivor_id`` (see the module docstring). Audited with both records as they
    were (``person.merge`` on the survivor, ``person.merged_into`` on the merged record)."""
    why = _reason(reason)
    _different(survivor_id, merged_id)
    try:
        with transaction.atomic():
            survivor, merged = _locked_pair(actor, survivor_id, merged_id)
            return _merge(actor, survivor, merged, why)
    except IntegrityError:
        raise _cannot_combine() from None


def _different(survivor_id: Any, merged_id: Any) -> None:
    if str(survivor_id) == str(merged_id):
        raise ValidationFailed({"merged": "must be a different record from the one that survives"})


def _cannot_combine() -> ValidationFailed:
    return ValidationFailed({"merged": "these records hold things that cannot be combined (for example the same "
                                       "breach recorded on both): resolve them first"})


def _already_merged(survivor: Person, merged: Person) -> None:
    if Merge.objects.filter(undone_at__isnull=True, merged__in=[survivor, merged]).exists():
        raise ValidationFailed({"merged": "one of these records was already merged into another"})


def _merge(actor: Any, survivor: Person, merged: Person, why: str, approvals: dict[str, Any] | None = None) -> Merge:
    """The one write path of a merge, on two records already guarded, checked and locked (inside a transaction).
    ``approvals`` (a merge across forces approved by both forces' supervisors) is added to the audit detail."""
    _already_merged(survivor, merged)
    today, now = clock.today(), clock.now()
    before = {"survivor": _snapshot(survivor.pk), "merged": _snapshot(merged.pk)}
    moved: dict[str, Any] = {}
    for label, model, fk in _relations():
        rows = model._default_manager.filter(**{fk: merged})
        kept = _colliding(model, fk, survivor, merged)
        ids = [pk for pk in rows.values_list("pk", flat=True) if pk not in kept]
        if not ids:
            continue
        moved[label] = ids
        if model is Notification:  # append-only: re-pointed one by one through its own escape hatch
            for note in Notification.objects.filter(pk__in=ids):
                note.person = survivor
                note.save(_allow_update=True, update_fields=["person"])
        else:
            model._default_manager.filter(pk__in=ids).update(**{fk: survivor})
    kinds: dict[str, dict[str, str]] = {"names": {}, "addresses": {}}
    for name in PersonName.objects.filter(pk__in=moved.get("register.PersonName.person", [])):
        if name.kind != NameKind.ALIAS:
            kinds["names"][str(name.pk)] = name.kind
            name.kind = NameKind.ALIAS
            name.save(update_fields=["kind"])
    for address in Address.objects.filter(pk__in=moved.get("register.Address.person", [])):
        if address.kind in HOME_KINDS:
            kinds["addresses"][str(address.pk)] = address.kind
            address.kind = AddressKind.OTHER
            address.save(update_fields=["kind"])
    closed = []
    for own in Ownership.objects.filter(person=merged, valid_to__isnull=True):
        closed.append(own.pk)
        own.valid_to = max(today, own.valid_from)
        own.save(update_fields=["valid_to"])
    filled = {}
    for key in ("ni_number", "pnc_id"):
        if not getattr(survivor, key) and getattr(merged, key):
            filled[key] = getattr(merged, key)
            setattr(survivor, key, filled[key])
    registration = RegisterState.objects.filter(person=merged).values(*REGISTRATION).first() or {}
    merge = Merge.objects.create(
        survivor=survivor, merged=merged, actor=actor if getattr(actor, "pk", None) else None, reason=why,
        merged_at=now, merged_on=today, before=before,
        moved={"rows": moved, "kinds": kinds, "ownership_closed": closed, "filled": filled},
    )
    _touch([survivor, merged])
    _keep_registration(merged, registration)
    counts = {label: len(ids) for label, ids in moved.items()}
    record_many([
        PendingEvent(action="person.merge", actor=actor, object_type="person", object_id=str(survivor.pk),
                     force_code=survivor.owning_force.code, reason=why,
                     detail={"merge_id": merge.pk, "survivor": str(survivor.pk), "merged": str(merged.pk),
                             "survivor_reference": survivor.reference,
                             "merged_reference": merged.reference, "moved": counts,
                             **(approvals or {})},
                     personal={"before": before}),  # both records as they were: withheld from auditors
        PendingEvent(action="person.merged_into", actor=actor, object_type="person",
                     object_id=str(merged.pk), force_code=merged.owning_force.code, reason=why,
                     detail={"merge_id": merge.pk, "survivor": str(survivor.pk)}),
    ])
    return merge


# --- merges across forces: proposed by one force's supervisor, approved by the other's ---------------------------

STALE_MESSAGE = ("one of the records changed after the merge was proposed: compare them again and propose the merge "
                 "again")


def _proposal_events(action: str, actor: Any, proposal: MergeProposal, why: str,
                     extra: dict[str, Any] | None = None) -> list[PendingEvent]:
    """One event on each record (so each force's audit shows it), the proposal's ids and references only."""
    detail = {"proposal_id": proposal.pk, "survivor": str(proposal.survivor_id), "merged": str(proposal.merged_id),
              "survivor_reference": proposal.survivor.reference, "merged_reference": proposal.merged.reference,
              "proposed_by": proposal.proposer.username, "proposer_force": proposal.proposer_force.code,
              "other_force": proposal.other_force.code, **(extra or {})}
    return [PendingEvent(action=action, actor=actor, object_type="person", object_id=str(p.pk),
                         force_code=p.owning_force.code, reason=why, detail=detail)
            for p in (proposal.survivor, proposal.merged)]


def is_stale(proposal: MergeProposal) -> bool:
    """Whether either record changed (its version moved on) since the merge was proposed."""
    return (proposal.survivor.version != proposal.survivor_version
            or proposal.merged.version != proposal.merged_version)


def propose_merge(actor: Any, survivor_id: Any, merged_id: Any, *, reason: Any) -> MergeProposal:
    """A supervisor of one record's force proposes merging it with another force's record; a supervisor of the
    other force approves (``approve_merge``) or declines. An open proposal that went stale is closed as stale by
    proposing again. Audited (``identity.merge_proposed`` on both records)."""
    why = _reason(reason)
    _different(survivor_id, merged_id)
    with transaction.atomic():
        survivor, merged = _full_pair(actor, survivor_id, merged_id)
        if not can_propose_merge(actor, survivor.owning_force_id, merged.owning_force_id):
            raise Forbidden("Only a supervisor or force administrator of one of the two records' forces can propose "
                            "a merge across forces (within one force, merge the records).")
        survivor, merged = _lock(survivor, merged)
        _already_merged(survivor, merged)
        events: list[PendingEvent] = []
        pair = [survivor, merged]
        for old in _open_proposals().select_for_update(of=("self",)).filter(survivor__in=pair, merged__in=pair):
            if not is_stale(old):
                raise ValidationFailed({"merged": "a merge of these records is already proposed and waiting"})
            _close(old, MergeProposal.STALE, actor, "Proposed again after a record changed")
            events += _proposal_events("identity.merge_proposal_stale", actor, old, old.decision_reason)
        mine = survivor.owning_force if survivor.owning_force_id == actor.force_id else merged.owning_force
        other = merged.owning_force if mine == survivor.owning_force else survivor.owning_force
        proposal = MergeProposal.objects.create(
            survivor=survivor, merged=merged, survivor_version=survivor.version, merged_version=merged.version,
            proposer=actor, proposer_force=mine, other_force=other, reason=why, proposed_at=clock.now(),
        )
        record_many([*events, *_proposal_events("identity.merge_proposed", actor, proposal, why)])
        return proposal


def _open_proposals() -> QuerySet[MergeProposal, MergeProposal]:
    return MergeProposal.objects.filter(status=MergeProposal.OPEN).select_related(
        "survivor__owning_force", "merged__owning_force", "proposer", "proposer_force", "other_force")


def _close(proposal: MergeProposal, status: str, actor: Any, why: str, merge: Merge | None = None) -> None:
    proposal.status, proposal.decided_by, proposal.decided_at = status, actor, clock.now()
    proposal.decision_reason, proposal.merge = why, merge
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "merge"])


def _open_proposal(actor: Any, proposal_id: Any) -> MergeProposal:
    """The open proposal, locked. NotFound unless the actor is of one of its forces (or a national administrator);
    a decided one is a field error."""
    try:
        pk = int(proposal_id)
    except (TypeError, ValueError):
        raise NotFound("No such merge proposal.") from None
    if not 1 <= pk <= 2_147_483_647:
        raise NotFound("No such merge proposal.")
    proposal = MergeProposal.objects.select_for_update().filter(pk=pk).first()
    if proposal is None or not can_decline_merge(actor, proposal.proposer_force_id, proposal.other_force_id):
        raise NotFound("No such merge proposal.")
    proposal = _open_proposals().filter(pk=pk).first() or proposal
    if proposal.status != MergeProposal.OPEN:
        raise ValidationFailed({"proposal": f"this proposal is already {proposal.status}"})
    return proposal


def approve_merge(actor: Any, proposal_id: Any, *, reason: Any) -> Merge:
    """A supervisor of the other force (never the proposing force's) approves: the merge is made by the one merge
    write path, its audit naming both approvers. A stale proposal (either record changed) is closed as stale
    (audited) and refused: propose it again."""
    why = _reason(reason)
    try:
        with transaction.atomic():
            proposal = _open_proposal(actor, proposal_id)
            if not can_approve_merge(actor, proposal.proposer_force_id, proposal.other_force_id):
                raise Forbidden("A supervisor or force administrator of the other force approves this merge.")
            survivor, merged = _lock(*_full_pair(actor, proposal.survivor_id, proposal.merged_id))
            proposal.survivor, proposal.merged = survivor, merged
            if is_stale(proposal):
                _close(proposal, MergeProposal.STALE, actor, why)
                record_many(_proposal_events("identity.merge_proposal_stale", actor, proposal, why))
                stale = True
            else:
                merge = _merge(actor, survivor, merged, why, approvals={
                    "proposal_id": proposal.pk, "proposed_by": proposal.proposer.username,
                    "proposer_force": proposal.proposer_force.code, "approved_by": getattr(actor, "username", ""),
                    "approver_force": getattr(getattr(actor, "force", None), "code", None)})
                _close(proposal, MergeProposal.APPROVED, actor, why, merge)
                record_many(_proposal_events("identity.merge_approved", actor, proposal, why,
                                             {"merge_id": merge.pk}))
                return merge
    except IntegrityError:
        raise _cannot_combine() from None
    if stale:
        raise ValidationFailed({"proposal": STALE_MESSAGE})
    raise AssertionError("unreachable")  # pragma: no cover


def decline_merge(actor: Any, proposal_id: Any, *, reason: Any) -> MergeProposal:
    """The other force declines, or the proposing force withdraws, an open proposal (with a reason; audited as
    ``identity.merge_declined`` or ``identity.merge_withdrawn``)."""
    why = _reason(reason)
    with transaction.atomic():
        proposal = _open_proposal(actor, proposal_id)
        withdrawn = not is_national_admin(actor) and getattr(actor, "force_id", None) == proposal.proposer_force_id
        status = MergeProposal.WITHDRAWN if withdrawn else MergeProposal.DECLINED
        _close(proposal, status, actor, why)
        record_many(_proposal_events(f"identity.merge_{status}", actor, proposal, why))
        return proposal


def proposals_waiting_count(actor: Any) -> int | None:
    """How many open merge proposals wait for the actor's force to decide (every open one for a national
    administrator): the dashboard's figure, no personal data, one indexed count. None for a role that does not
    decide proposals."""
    if is_national_admin(actor):
        return MergeProposal.objects.filter(status=MergeProposal.OPEN).count()
    own = getattr(actor, "force_id", None)
    if own is None or not can_approve_merge(actor, None, own):
        return None
    return MergeProposal.objects.filter(other_force_id=own, status=MergeProposal.OPEN).count()


def proposals_for(actor: Any) -> dict[str, list[MergeProposal]]:
    """The open proposals ``waiting`` for the actor's force to decide (every open one for a national
    administrator), and those their force ``proposed``; each with ``stale`` set."""
    live = _open_proposals().order_by("proposed_at", "id")
    if is_national_admin(actor):
        out = {"waiting": list(live[:200]), "proposed": []}
    elif not can_decline_merge(actor, getattr(actor, "force_id", None), None):
        out = {"waiting": [], "proposed": []}
    else:
        out = {"waiting": list(live.filter(other_force_id=actor.force_id)[:200]),
               "proposed": list(live.filter(proposer_force_id=actor.force_id)[:200])}
    shown = []
    for rows in out.values():
        for p in rows:
            p.stale = is_stale(p)
            shown.append(p.pk)
    if shown:  # the list names records (references): audited
        record("identity.merge_proposals_viewed", actor, object_type="merge_proposal", detail={"proposals": shown},
               force_code=getattr(getattr(actor, "force", None), "code", "") or "")
    return out


def unmerge(actor: Any, merge_id: Any, *, reason: Any) -> Merge:
    """Undo a merge: every moved row goes back, kinds and ownership are restored, both records re-evaluated."""
    why = _reason(reason)
    try:
        merge_pk = int(merge_id)
    except (TypeError, ValueError):
        raise NotFound("No such merge.") from None
    with transaction.atomic():
        merge = Merge.objects.select_for_update().filter(pk=merge_pk, undone_at__isnull=True).first()
        if merge is None:
            raise NotFound("No such merge, or it was already undone.")
        survivor, merged = _locked_pair(actor, merge.survivor_id, merge.merged_id)
        moved = merge.moved
        for label, ids in moved["rows"].items():
            app_model, _, fk = label.rpartition(".")
            model = apps.get_model(app_model)
            if model is Notification:
                for note in Notification.objects.filter(pk__in=ids):
                    note.person = merged
                    note.save(_allow_update=True, update_fields=["person"])
            else:
                model._default_manager.filter(pk__in=ids).update(**{fk: merged})
        for pk, kind in moved["kinds"]["names"].items():
            PersonName.objects.filter(pk=int(pk)).update(kind=kind)
        for pk, kind in moved["kinds"]["addresses"].items():
            Address.objects.filter(pk=int(pk)).update(kind=kind)
        Ownership.objects.filter(pk__in=moved["ownership_closed"]).update(valid_to=None)
        for key, value in moved["filled"].items():
            if getattr(survivor, key) == value:
                setattr(survivor, key, "")
        merge.undone_at = clock.now()
        merge.undone_by = actor if getattr(actor, "pk", None) else None
        merge.undo_reason = why
        merge.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        _touch([survivor, merged])
        record_many([
            PendingEvent(action="person.unmerge", actor=actor, object_type="person", object_id=str(survivor.pk),
                         force_code=survivor.owning_force.code, reason=why,
                         detail={"merge_id": merge.pk, "survivor": str(survivor.pk), "merged": str(merged.pk)}),
        ])
        return merge


def decide_pair(actor: Any, a_id: Any, b_id: Any, *, same: bool, reason: Any) -> PairDecision:
    """A reviewer's answer on a likely pair ("different people" keeps it out of later scans). Audited."""
    why = _reason(reason)
    with transaction.atomic():
        a, b = _locked_pair(actor, a_id, b_id)
        first, second = sorted([a, b], key=lambda p: str(p.pk))
        decision, _ = PairDecision.objects.update_or_create(
            a=first, b=second,
            defaults={"decision": "same" if same else "different", "actor": actor, "reason": why,
                      "decided_at": clock.now()},
        )
        record_many([PendingEvent(action="identity.pair_decision", actor=actor, object_type="person",
                                  object_id=str(first.pk), force_code=first.owning_force.code, reason=why,
                                  detail={"a": str(first.pk), "b": str(second.pk), "decision": decision.decision})])
        return decision


def merge_of(person_id: Any) -> dict[str, list[Merge]]:
    """The live merges a person takes part in: ``into`` (this record was merged into another), ``from``."""
    live = Merge.objects.filter(Q(merged_id=person_id) | Q(survivor_id=person_id), undone_at__isnull=True)
    if not live.exists():  # most records: one small query, not two reading both people
        return {"into": [], "from": []}
    live = live.select_related("survivor", "merged")
    return {"into": list(live.filter(merged_id=person_id)), "from": list(live.filter(survivor_id=person_id))}


def open_proposal_for(survivor_id: Any, merged_id: Any) -> MergeProposal | None:
    """The open proposal to merge these two records (either way round), if any, with ``stale`` set."""
    ids = [survivor_id, merged_id]
    try:
        found = _open_proposals().filter(survivor_id__in=ids, merged_id__in=ids).first()
    except (ValueError, ValidationError):
        return None
    if found is not None:
        found.stale = is_stale(found)
    return found


def proposal_pair(actor: Any, proposal_id: Any) -> tuple[str, str]:
    """The (survivor, merged) ids of a proposal the actor's force takes part in; ("", "") when there is none."""
    pk = str(proposal_id or "")
    if not pk.isdigit() or len(pk) > 9:
        return "", ""
    p = MergeProposal.objects.filter(pk=int(pk)).first()
    if p is None or not can_decline_merge(actor, p.proposer_force_id, p.other_force_id):
        return "", ""
    return str(p.survivor_id), str(p.merged_id)
