"""The one write path for the register. Each function validates, writes, re-materialises the
person's obligations and records the audit event inside one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, field, fields
from datetime import date, datetime
from typing import Any

from django.db import models, transaction
from django.utils.dateparse import parse_datetime

from tether.access.models import Force
from tether.access.permissions import can_write_register, is_national_admin
from tether.audit.services import PendingEvent, record_many, write_events
from tether.core import clock
from tether.core.errors import Conflict, Forbidden, ValidationFailed
from tether.core.fields import Fields, read_text
from tether.core.ids import new_id
from tether.core.models import allocate, bump, holds_on_q
from tether.obligations.calendar import age_on

from . import extensions, plain_rows
from . import names as name_rules
from .constants import REFERENCE_PREFIX, NameKind, NotificationKind
from .documents import (
    RULES_DEATH_BEFORE_BIRTH,
    UNCHANGED,
    RegistrantDoc,
    parse_address,
    parse_identity,
    parse_name,
    parse_registrant,
    too_young,
)
from .facts import HOME_KINDS, Problem, contract_problems
from .guards import access_person_by_id
from .legal_documents import RemovalDoc, ReviewDoc
from .models import (
    Address,
    AdvanceNotice,
    Detention,
    Disposal,
    Notification,
    Order,
    Ownership,
    Person,
    PersonName,
    Removal,
    Review,
    Stay,
    Trip,
)
from .notified import Notified, read_notified
from .outcomes import Evaluated, materialise, materialise_histories
from .selectors import load_histories

REFERENCE_COUNTER = "person_reference"
BATCH = 2000


def forces_by_code() -> dict[str, Force]:
    return {f.code: f for f in Force.objects.all()}


def _current_name(doc: RegistrantDoc) -> tuple[str, str]:
    open_names = [n for n in doc.names if n.valid_to is None]
    best = next((n for n in open_names if n.kind == NameKind.CURRENT), None) or next(
        (n for n in open_names if n.kind == NameKind.BIRTH), open_names[0] if open_names else doc.names[-1]
    )
    return best.given_names, best.family_name


@dataclass
class WriteResult:
    people: list[Person]


# The history tables a registrant document fills, in the order they are written, each with the columns its rows
# (built by ``_history_rows``) hold. Trips hold their notification as its place in the notification rows until the
# notifications have ids.
HISTORY: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (PersonName, ("person_id", "kind", "given_names", "family_name", "search_key", "valid_from", "valid_to")),
    (Address, ("person_id", "kind", "line1", "line2", "town", "postcode", "valid_from", "valid_to",
               "child_under_18")),
    (Ownership, ("person_id", "force_id", "valid_from", "valid_to")),
    (Disposal, ("person_id", "date", "offence", "offence_code", "kind", "months", "tier", "age_at_date", "court",
                "created_at")),
    (Detention, ("person_id", "kind", "start", "end", "basis", "licence_end")),
    (Order, ("person_id", "kind", "start", "end", "court", "countries", "passports_surrendered_on",
             "surrender_station")),
    (Notification, ("person_id", "kind", "received_at", "received_on", "station", "officer_label", "no_fixed_abode",
                    "details", "change", "changed_on", "given", "created_at")),
    (Trip, ("person_id", "number", "departure", "countries", "arrival_points", "accommodation", "return_date",
            "return_point", "return_notified_on", "short_notice", "cancelled", "notification_id", "created_at")),
    (Stay, ("person_id", "line1", "town", "postcode", "start", "end", "created_at")),
    (AdvanceNotice, ("person_id", "change", "expected_on", "given_at", "created_at")),
    (Review, ("person_id", *(f.name for f in fields(ReviewDoc)), "created_at")),
    (Removal, ("person_id", *(f.name for f in fields(RemovalDoc)), "created_at")),
)
TRIP_NOTIFICATION = HISTORY[7][1].index("notification_id")
# from this many registrants on, their history is written as plain rows (``plain_rows``) rather than model
# instances; both store the same rows (register/tests/test_plain_rows.py)
PLAIN_FROM = 50


def _history_rows(
    people: Sequence[Person], docs: Sequence[RegistrantDoc], forces: dict[str, Force], now: datetime,
) -> dict[type[models.Model], list[tuple[Any, ...]]]:
    """Every history row of these people, per table (``HISTORY``'s columns)."""
    rows: dict[type[models.Model], list[tuple[Any, ...]]] = {model: [] for model, _ in HISTORY}
    names, addresses, own, disp = rows[PersonName], rows[Address], rows[Ownership], rows[Disposal]
    det, ords, notes, trips = rows[Detention], rows[Order], rows[Notification], rows[Trip]
    stays, advance, reviews, removals = rows[Stay], rows[AdvanceNotice], rows[Review], rows[Removal]
    search_key, uk_date, travel_kind = name_rules.search_key, clock.uk_date, NotificationKind.TRAVEL
    for person, doc in zip(people, docs, strict=True):
        pid = person.pk
        names.extend((pid, n.kind, n.given_names, n.family_name, search_key(n.given_names, n.family_name),
                      n.valid_from, n.valid_to) for n in doc.names)
        addresses.extend((pid, a.kind, a.line1, a.line2, a.town, a.postcode, a.valid_from, a.valid_to,
                          a.child_under_18) for a in doc.addresses)
        own.extend((pid, forces[o.force].pk, o.valid_from, o.valid_to)
                   for o in doc.ownership or [_default_ownership(doc, now)])
        born = doc.date_of_birth
        disp.extend((pid, d.date, d.offence, d.offence_code, d.kind, d.months, d.tier, age_on(born, d.date), d.court,
                     now) for d in doc.disposals)
        det.extend((pid, s.kind, s.start, s.end, s.basis, s.licence_end) for s in doc.detentions)
        ords.extend((pid, s.kind, s.start, s.end, s.extras.court, s.extras.countries,
                     s.extras.passports_surrendered_on, s.extras.surrender_station) for s in doc.orders)
        # each trip version's notification: the first travel notification of its day
        travel: dict[date, int] = {}
        for n in doc.notifications:
            on = uk_date(n.received_at)
            if n.kind == travel_kind:
                travel.setdefault(on, len(notes))
            notes.append((pid, n.kind, n.received_at, on, n.station, n.officer, n.no_fixed_abode, n.details,
                          n.change, n.changed_on, n.given, now))
        trips.extend((pid, t.number, t.departure, " ".join(t.countries), t.arrival_points, t.accommodation,
                      t.return_date, t.return_point, t.return_notified_on, t.short_notice, t.cancelled,
                      travel.get(t.notified_on) if t.notified_on else None, now) for t in doc.trips)
        stays.extend((pid, x.line1, x.town, x.postcode, x.start, x.end, now) for x in doc.stays)
        advance.extend((pid, a.change, a.expected_on, a.given_at, now) for a in doc.advance_notices)
        reviews.extend((pid, *astuple(r), now) for r in doc.reviews)
        removals.extend((pid, *astuple(r), now) for r in doc.removals)
    return rows


def _with_notification_ids(trips: list[tuple[Any, ...]], ids: Sequence[Any]) -> list[tuple[Any, ...]]:
    at = TRIP_NOTIFICATION
    return [(*t[:at], ids[t[at]], *t[at + 1 :]) if t[at] is not None else t for t in trips]


def _insert_instances(people: list[Person], rows: dict[type[models.Model], list[tuple[Any, ...]]]) -> list[Review]:
    """Write the people and their history as model instances (``bulk_create``). Returns the reviews written."""
    Person.objects.bulk_create(people, batch_size=BATCH)
    written: dict[type[models.Model], list[Any]] = {}
    for model, columns in HISTORY:
        table = rows[model]
        if model is Trip:
            table = _with_notification_ids(table, [n.pk for n in written[Notification]])
        written[model] = [model(**dict(zip(columns, row, strict=True))) for row in table]
        model._default_manager.bulk_create(written[model], batch_size=BATCH)
    return written[Review]


def _insert_plain(people: list[Person], rows: dict[type[models.Model], list[tuple[Any, ...]]]) -> list[Review]:
    """Write the same rows as ``_insert_instances``, as plain rows. Returns the reviews written (with their ids)."""
    person_columns = [f.attname for f in Person._meta.concrete_fields]
    plain_rows.Table(Person, person_columns).insert([[getattr(p, c) for c in person_columns] for p in people])
    ids = [p.pk for p in people]
    for model, columns in HISTORY:
        table = rows[model]
        if model is Trip and any(t[TRIP_NOTIFICATION] is not None for t in table):
            table = _with_notification_ids(table, plain_rows.ids_in_order(Notification, ids))
        plain_rows.Table(model, columns).insert(table)
    if not rows[Review]:
        return []
    columns = HISTORY[10][1]
    reviews = [Review(id=pk, **dict(zip(columns, row, strict=True)))
               for pk, row in zip(plain_rows.ids_in_order(Review, ids), rows[Review], strict=True)]
    for review in reviews:
        review._state.adding, review._state.db = False, "default"  # as bulk_create leaves them: saved
    return reviews


def registrants_write(
    docs: Sequence[RegistrantDoc],
    *,
    actor: Any,
    action: str,
    reason: str = "",
    progress: Callable[[int], None] | None = None,
    plain: bool | None = None,
    ahead: Sequence[Evaluated | None] | None = None,
) -> WriteResult:
    """Write validated registrant documents with all their history, in bulk, inside the caller's transaction.

    The shared writer behind person_create, import and the demo register. An application for review still
    waiting (no decision) fires the review hook as ``legal.review_apply`` does, so it has its task however it arrived.

    ``plain``: write the rows as plain tuples (``plain_rows``) rather than model instances; the same rows either way.
    By default plain from ``PLAIN_FROM`` registrants on (an import, the demo register), instances below.
    ``ahead``: each document's outcome, if worked out already (``outcomes.outcome``; the demo register's second
    process does), stored as it is when it is theirs as at today.
    """
    forces = forces_by_code()
    now = clock.now()
    given_refs = [int(d.reference[len(REFERENCE_PREFIX) :]) for d in docs if d.reference]
    if given_refs:
        bump(REFERENCE_COUNTER, max(given_refs))
    fresh = iter(allocate(REFERENCE_COUNTER, sum(1 for d in docs if not d.reference)))

    people: list[Person] = []
    for doc in docs:
        given, family = _current_name(doc)
        force = forces[doc.force]
        person = Person(
            id=doc.id or new_id(now),
            reference=doc.reference or f"{REFERENCE_PREFIX}{next(fresh):06d}",
            date_of_birth=doc.date_of_birth, date_of_death=doc.date_of_death, sex=doc.sex, ni_number=doc.ni_number,
            pnc_id=doc.pnc_id,
            synthetic=doc.synthetic, owning_force=force, display_name=name_rules.display(given, family),
            sort_name=name_rules.search_key(family, given), created_at=now, updated_at=now,
        )
        doc.id, doc.reference = person.id, person.reference
        people.append(person)
    rows = _history_rows(people, docs, forces, now)
    if plain is None:
        plain = len(docs) >= PLAIN_FROM
    reviews = (_insert_plain if plain else _insert_instances)(people, rows)
    for review in reviews:  # an application still waiting: the same review hook as review_apply (casework:
        if review.decided_on is None:  # the owning force's task to decide it); a decided one has no task
            extensions.review_changed(review, "applied", actor)
    extensions.people_written([p.pk for p in people])  # identity keeps its search keys in step
    with plain_rows.writing_plain(plain):
        for section in extensions.sections():  # what other packages keep of each registrant (casework: cases)
            section.write([(p, d.sections[section.key]) for p, d in zip(people, docs, strict=True)
                           if d.sections.get(section.key)], now)
    pairs = list(zip(people, docs, strict=True))
    for i in range(0, len(pairs), BATCH):
        materialise(pairs[i : i + BATCH], fresh=True, ahead=ahead[i : i + BATCH] if ahead is not None else None)
        if progress:
            progress(min(i + BATCH, len(pairs)))
    write_events(  # one event a registrant: their columns, no model instances (an import writes thousands)
        PendingEvent(action=action, actor=actor, object_type="person", object_id=str(p.pk),
                     force_code=p.owning_force.code, reason=reason, detail={"reference": p.reference})
        for p in people
    )
    extensions.people_evaluated([p.pk for p in people])  # casework sweeps them now, not at the next nightly run
    return WriteResult(people)


def _default_ownership(doc: RegistrantDoc, now: datetime) -> Any:
    from .documents import OwnershipDoc

    starts = [d.date for d in doc.disposals] + [clock.uk_date(n.received_at) for n in doc.notifications]
    return OwnershipDoc(force=doc.force, valid_from=min(starts, default=clock.uk_date(now)), valid_to=None)


def _require_writer(actor: Any) -> None:
    if not can_write_register(actor):
        raise Forbidden("Your role cannot change the register.")


def person_create(actor: Any, data: dict[str, Any], *, check_duplicates: bool = False,
                  confirm_new_person: bool = False, reason: str | None = None) -> Person:
    """Create one registrant from a document (web form, API). The actor's force owns them.

    ``check_duplicates`` (the web form and the API, where an officer types a new registrant): before saving, the
    registered duplicate finders look for existing records of the same person across every force; if any is found
    nothing is saved and ``DuplicatesFound`` lists them, unless ``confirm_new_person`` is given with a ``reason``
    (audited with the records it was told about)."""
    _require_writer(actor)
    data = dict(data)
    if not is_national_admin(actor):
        if actor.force is None:
            raise Forbidden("Your account belongs to no force, so it cannot create registrants.")
        if data.get("force") and str(data["force"]).upper() != actor.force.code:
            raise ValidationFailed({"force": "you can only create registrants for your own force"})
        data["force"] = actor.force.code
    data.pop("id", None)
    data.pop("reference", None)
    confirm_reason = ""
    if confirm_new_person:
        confirm_reason, problems = read_text(reason, required=True, min_len=10, max_len=2000)
        if problems:
            raise ValidationFailed({"reason": [f"{problems[0]} (why this is a different person)"]})
    doc = parse_registrant(data, known_forces=forces_by_code())
    candidates = extensions.find_duplicates(actor, doc) if check_duplicates or confirm_new_person else []
    if candidates and not confirm_new_person:
        raise extensions.DuplicatesFound(candidates)
    with transaction.atomic():
        person = registrants_write([doc], actor=actor, action="person.create", reason=confirm_reason).people[0]
        if candidates:
            record_many([PendingEvent(
                action="person.duplicate_confirmed", actor=actor, object_type="person", object_id=str(person.pk),
                force_code=person.owning_force.code, reason=confirm_reason,
                detail={"reference": person.reference,
                        "candidates": [{"id": str(c.person_id), "score": c.score} for c in candidates]},
            )])
        return person


def parse_notification(data: dict[str, Any]) -> tuple[str, datetime | None, str, dict[str, Any], bool]:
    """A notification's fields, every problem listed at once (ValidationFailed); writes nothing. The pages call it
    to list the service's problems beside the form's own on the first submit."""
    errors: dict[str, list[str]] = {}
    kind = data.get("kind")
    if kind not in NotificationKind.values:
        errors["kind"] = [f"must be one of: {', '.join(NotificationKind.values)}"]
    raw_at = data.get("received_at")
    at = (raw_at if isinstance(raw_at, datetime) else parse_datetime(str(raw_at))) if raw_at else clock.now()
    if at is None or at.tzinfo is None:
        errors["received_at"] = ["must be a date and time with a time zone, like 2024-05-01T10:30:00Z"]
    elif at > clock.now():
        errors["received_at"] = ["must not be in the future"]
    station, problems = read_text(data.get("station"), required=True, max_len=120)
    if problems:
        errors["station"] = ["is required: the police station where the notification was made"
                             if problems[0] == "is required" else problems[0]]
    details = data.get("details") or {}
    if not isinstance(details, dict):
        errors["details"] = ["must be an object"]
    nfa = data.get("no_fixed_abode", False)
    if not isinstance(nfa, bool):
        errors["no_fixed_abode"] = ["must be true or false"]
    _notified(data, str(kind or ""), at, errors)
    if errors:
        raise ValidationFailed(errors)
    return str(kind), at, station, dict(details), nfa


def _notified(data: dict[str, Any], kind: str, at: datetime | None, errors: dict[str, list[str]]) -> Notified:
    """What the notification carried (``register.notified``: the change and its date, the full details given); its
    problems are added to ``errors``."""
    c = Fields()
    notified = read_notified(c, data, "", kind, clock.uk_date(at) if at is not None and at.tzinfo else None)
    for path, messages in c.errors.items():
        errors.setdefault(path, []).extend(messages)
    return notified


def notification_record(
    actor: Any, person_id: uuid.UUID | str, data: dict[str, Any], *, expected_version: int | None = None
) -> Notification:
    """Record an in-person notification (append-only), re-evaluate the person's obligations, audit it."""
    _require_writer(actor)
    kind, at, station, details, nfa = parse_notification(data)
    errors: dict[str, list[str]] = {}
    notified = _notified(data, kind, at, errors)

    with _changing(actor, person_id, expected_version, "notification.record") as change:
        person = change.person
        if at is not None and not errors and clock.uk_date(at) < person.date_of_birth:
            errors["received_at"] = ["must not be before the date of birth"]
        if notified.changed_on is not None and notified.changed_on < person.date_of_birth:
            errors["changed_on"] = ["must not be before the date of birth"]
        if errors:
            raise ValidationFailed(errors)
        assert at is not None
        nfa = no_fixed_abode_for(person, clock.uk_date(at), nfa)
        change.field = "received_at"
        note = Notification.objects.create(
            person=person, kind=str(kind), received_at=at, received_on=clock.uk_date(at), station=station,
            officer=actor, officer_label=actor.label, no_fixed_abode=nfa, details=dict(details),
            change=notified.change, changed_on=notified.changed_on, given=notified.given, created_at=clock.now(),
        )
        change.detail = {"notification_id": note.pk, "kind": note.kind, "received_at": at, "station": station,
                         # what it carried, never the values (they are on the notification)
                         **({"change": notified.change, "changed_on": notified.changed_on} if notified.change else {}),
                         **({"given": sorted(k for k, v in notified.given.items() if v)} if notified.given else {})}
    return note


NFA_WITHOUT_LOCATION = ("cannot be given while their address on that date is a home address: record where they can "
                        "regularly be found first (the rule: no fixed abode is notified with that place, and it makes "
                        "the periodic notification weekly)")


def no_fixed_abode_for(person: Person, day: date, given: bool) -> bool:
    """Whether a notification made on ``day`` gave no fixed abode, as the record says: yes when the home-kind address
    holding that day is a no-fixed-abode location (whatever was ticked); ticked without one is refused, naming the
    field. (The rules engine reads the flag: it makes the periodic notification weekly.)"""
    holding = person.addresses.filter(holds_on_q(day), kind__in=HOME_KINDS).order_by("-valid_from", "-id").first()
    if holding is not None and holding.kind == "nfa":
        return True
    if given:
        raise ValidationFailed({"no_fixed_abode": [NFA_WITHOUT_LOCATION]})
    return False


@dataclass
class _Change:
    person: Person
    detail: dict[str, Any] = field(default_factory=dict)  # what the change was, with no personal values
    personal: dict[str, Any] = field(default_factory=dict)  # the values before and after: withheld from auditors
    # the field a contradiction the change made is reported against (None: the record's own field path), and
    # how to word it there (None: the rule's own message)
    field: str | None = None
    word: Callable[[Problem], str] | None = None


def _new_contradictions(before: list[Problem], after: list[Problem], change: _Change) -> None:
    """Refuse a change that makes the record contradict itself by the rules engine's contract (docs/rules.md),
    naming the field and the rule. Contradictions the record already held are not this change's doing."""
    held = {(p.rule, p.day) for p in before}
    made = [p for p in after if (p.rule, p.day) not in held]
    if not made:
        return
    errors: dict[str, list[str]] = {}
    for p in made:
        errors.setdefault(change.field or p.path, []).append(change.word(p) if change.word else p.message)
    raise ValidationFailed(errors)


@contextmanager
def _changing(actor: Any, person_id: uuid.UUID | str, expected_version: int | None, action: str) -> Iterator[_Change]:
    """The shape of every change to one registrant, in one transaction: guard (full access, writer role),
    row lock, version check (a stale version is a Conflict, never a silent overwrite), the change itself
    (the caller's block), then version bump, re-evaluation of the law and the audit event."""
    _require_writer(actor)
    with transaction.atomic():
        access = access_person_by_id(actor, person_id, purpose="write")
        if not access.full:
            raise Forbidden("Open the full record (with a reason) before changing another force's registrant.")
        person = Person.objects.select_for_update().select_related("owning_force").get(pk=access.person.pk)
        if expected_version is not None and expected_version != person.version:
            raise Conflict(
                f"{person.reference} was changed by someone else since you opened it. "
                "Reload the record, check the changes and make yours again."
            )
        before = contract_problems(load_histories([person.pk])[person.pk])
        change = _Change(person)
        yield change
        person.version += 1
        person.updated_at = clock.now()
        person.save()
        history = load_histories([person.pk])[person.pk]
        _new_contradictions(before, contract_problems(history), change)  # raises: the transaction is undone
        extensions.people_written([person.pk])
        materialise_histories([(person.pk, history)])
        record_many([
            PendingEvent(action=action, actor=actor, object_type="person", object_id=str(person.pk),
                         force_code=person.owning_force.code, detail=change.detail, personal=change.personal)
        ])
        extensions.people_evaluated([person.pk])  # casework sweeps them now, not at the next nightly run


def _close_open(qs: Any, valid_from: date) -> list[dict[str, Any]]:
    """End the open intervals in ``qs`` the day the new one starts; return what they were (for the audit)."""
    closed = []
    for row in qs.filter(valid_to__isnull=True):
        if row.valid_from > valid_from:
            raise ValidationFailed({"valid_from": f"must not be before the current one started ({row.valid_from})"})
        closed.append({"id": row.pk, "valid_from": row.valid_from})
        row.valid_to = valid_from
        row.save(update_fields=["valid_to"])
    return closed


def name_record(
    actor: Any, person_id: uuid.UUID | str, data: dict[str, Any], *, expected_version: int | None = None
) -> PersonName:
    """A change of name (closes the current name) or a new alias. Nothing is overwritten."""
    doc = parse_name(data)
    if doc.kind == NameKind.BIRTH:
        raise ValidationFailed({"kind": "a birth name cannot be added later: record a current name or an alias"})
    with _changing(actor, person_id, expected_version, "person.name_record") as change:
        person = change.person
        if person.names.filter(kind=doc.kind, given_names=doc.given_names, family_name=doc.family_name,
                               valid_to__isnull=True).exists():
            raise ValidationFailed({"given_names": f"{UNCHANGED} (this {doc.kind} name is already open)"})
        before = person.display_name
        closed = []
        if doc.kind == NameKind.CURRENT:
            closed = _close_open(person.names.filter(kind=NameKind.CURRENT), doc.valid_from)
        name = PersonName.objects.create(
            person=person, kind=doc.kind, given_names=doc.given_names, family_name=doc.family_name,
            search_key=name_rules.search_key(doc.given_names, doc.family_name), valid_from=doc.valid_from,
        )
        if doc.kind == NameKind.CURRENT:
            person.display_name = name_rules.display(doc.given_names, doc.family_name)
            person.sort_name = name_rules.search_key(doc.family_name, doc.given_names)
        change.detail = {"kind": doc.kind, "name_id": name.pk, "closed": [c.get("id") for c in closed]}
        change.personal = {"before": {"display_name": before, "closed": closed},
                           "after": {"display_name": person.display_name}}
    return name


def address_record(
    actor: Any, person_id: uuid.UUID | str, data: dict[str, Any], *, expected_version: int | None = None
) -> Address:
    """A move (a new home or no-fixed-abode location closes the current one) or another regular address."""
    doc = parse_address(data)
    with _changing(actor, person_id, expected_version, "person.address_record") as change:
        person = change.person
        if person.addresses.filter(kind=doc.kind, line1=doc.line1, line2=doc.line2, town=doc.town,
                                   postcode=doc.postcode, child_under_18=doc.child_under_18,
                                   valid_to__isnull=True).exists():
            raise ValidationFailed({"line1": f"{UNCHANGED} (this address is already open)"})
        closed = (_close_open(person.addresses.filter(kind__in=HOME_KINDS), doc.valid_from)
                  if doc.kind in HOME_KINDS else [])
        address = Address.objects.create(
            person=person, kind=doc.kind, line1=doc.line1, line2=doc.line2, town=doc.town, postcode=doc.postcode,
            valid_from=doc.valid_from, child_under_18=doc.child_under_18,
        )
        change.detail = {"kind": doc.kind, "address_id": address.pk, "valid_from": doc.valid_from,
                         "closed": [c.get("id") for c in closed]}
        change.personal = {"before": {"closed": closed}, "after": {"postcode": doc.postcode}}
    return address


IDENTITY_FIELDS = ("date_of_birth", "date_of_death", "sex", "ni_number", "pnc_id")
BIRTH_AFTER_DEATH = "must not be after the date of death (the rule: birth comes first)"


def identity_update(
    actor: Any, person_id: uuid.UUID | str, data: dict[str, Any], *, expected_version: int | None = None
) -> Person:
    """Correct identifying details. The audit event holds the values before and after."""
    changes = parse_identity(data)
    with _changing(actor, person_id, expected_version, "person.identity_update") as change:
        person = change.person
        changes = {k: v for k, v in changes.items() if getattr(person, k) != v}
        if not changes:  # a change that changes nothing writes nothing: no version bump, no audit event
            raise ValidationFailed({"identity": UNCHANGED})
        before = {k: getattr(person, k) for k in changes}
        for key, value in changes.items():
            setattr(person, key, value)
        if "date_of_death" in changes:  # what the rest of the record says of it: the contract, worded for this field
            change.field, change.word = "date_of_death", Problem.for_death
        elif "date_of_birth" in changes:
            change.field = "date_of_birth"
        if person.date_of_death is not None and person.date_of_death < person.date_of_birth:
            if "date_of_death" in changes:
                raise ValidationFailed({"date_of_death": RULES_DEATH_BEFORE_BIRTH})
            raise ValidationFailed({"date_of_birth": BIRTH_AFTER_DEATH})
        if "date_of_birth" in changes:
            first = person.disposals.order_by("date").first()
            if first and first.date < person.date_of_birth:
                raise ValidationFailed({"date_of_birth": "must not be after a conviction, caution or finding"})
            if first and (problem := too_young(person.date_of_birth, first.date, person.owning_force.jurisdiction)):
                raise ValidationFailed({"date_of_birth": f"at the first disposal ({first.date.isoformat()}) {problem}"})
            for d in person.disposals.all():
                d.age_at_date = age_on(person.date_of_birth, d.date)
                d.save(update_fields=["age_at_date"])
        change.detail = {"changed": sorted(changes)}
        change.personal = {"before": before, "after": {k: getattr(person, k) for k in changes}}
    return person
