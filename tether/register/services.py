"""The one write path for the register. Each function validates, writes, re-materialises the
person's obligations and records the audit event inside one transaction."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.utils.dateparse import parse_datetime

from tether.access.constants import WRITER_ROLES, Role
from tether.access.guards import access_person_by_id
from tether.access.models import Force
from tether.audit.services import PendingEvent, record_many
from tether.cases.models import Case
from tether.core import clock
from tether.core.errors import Conflict, Forbidden, ValidationFailed
from tether.core.ids import new_id
from tether.core.models import allocate, bump
from tether.obligations import evaluate
from tether.obligations.calendar import age_on
from tether.people import names as name_rules
from tether.people.constants import REFERENCE_PREFIX, NameKind
from tether.people.models import Address, Ownership, Person, PersonName

from .constants import DetentionKind, NotificationKind, RegisterStatus
from .documents import RegistrantDoc, parse_address, parse_identity, parse_name, parse_registrant
from .facts import HOME_KINDS, History, facts_from, history_from_doc
from .models import Detention, Disposal, Notification, Order, PersonObligation, RegisterState
from .selectors import Span, as_date, id_conditions, load_histories, person_rows

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


def status_changes_on(h: History, as_of: date) -> date | None:
    """The first day after ``as_of`` on which the register status may change other than through the law's
    outcome: a case opening or closing (detentions are dates the rules engine already counts)."""
    return min((d for _, opened, closed in h.cases for d in (opened, closed) if d is not None and d > as_of),
               default=None)


def _status(h: History, subject: bool, ever_subject: bool, as_of: date) -> str:
    open_cases = [kind for kind, opened, closed in h.cases if opened <= as_of and (closed is None or closed > as_of)]
    if any(kind == "wanted" for kind in open_cases):
        return RegisterStatus.WANTED.value
    if open_cases:
        return RegisterStatus.MISSING.value
    if not subject:
        return RegisterStatus.EXPIRED.value if ever_subject else RegisterStatus.NOT_SUBJECT.value
    current = [kind for kind, start, end in h.detentions if start <= as_of and (end is None or end > as_of)]
    if any(kind == DetentionKind.ABROAD for kind in current):
        return RegisterStatus.ABROAD.value
    if current:
        return RegisterStatus.IN_CUSTODY.value
    return RegisterStatus.ACTIVE.value


STATE_COLUMNS = ("person_id", "jurisdiction", "status", "subject", "registration_start", "registration_end",
                 "indefinite", "review_eligible_from", "next_due", "rules_version", "evaluated_on", "evaluated_at",
                 "changes_on")
# person_id and the state columns compared to tell a changed outcome (not the evaluation dates after them)
COMPARED = STATE_COLUMNS.index("evaluated_on")
CHANGES_ON = STATE_COLUMNS.index("changes_on")
OBLIGATION_COLUMNS = ("person_id", "kind", "trigger", "due", "status", "met_on", "open", "citation", "explanation")


def materialise(
    pairs: Sequence[tuple[Person, RegistrantDoc]], as_of: date | None = None, *, fresh: bool = False
) -> None:
    """Evaluate the law for each person and store the outcome (state + obligations), replacing the last one.

    ``fresh``: the people were written in this transaction, so there is nothing to replace."""
    materialise_histories(
        [(person.pk, history_from_doc(doc, person.owning_force.jurisdiction)) for person, doc in pairs],
        as_of, fresh=fresh,
    )


def rematerialise(person_ids: Iterable[uuid.UUID], as_of: date | None = None, *, span: Span | None = None) -> None:
    """Re-evaluate these people from what the register holds (one raw query per table for the lot).

    ``span``: the ids are every person with lo < id <= hi, so the reads can be index range scans."""
    ids = list(person_ids)
    histories = load_histories(ids, span=span)
    materialise_histories([(i, histories[i]) for i in ids if i in histories], as_of, span=span)


def materialise_histories(
    items: Sequence[tuple[uuid.UUID, History]], as_of: date | None = None, *, fresh: bool = False,
    span: Span | None = None,
) -> None:
    """The one place the law's outcome is stored: per person a ``RegisterState`` row and one
    ``PersonObligation`` row per obligation, written as plain rows (``COPY`` on PostgreSQL)."""
    as_of = as_of or clock.today()
    now = clock.now()
    states: list[tuple[Any, ...]] = []
    obligations: list[tuple[Any, ...]] = []
    for pid, h in items:
        outcome = evaluate(facts_from(h), as_of)
        reg = outcome.registration
        changes_on = min((d for d in (outcome.changes_on, status_changes_on(h, as_of)) if d is not None),
                         default=None)
        states.append((
            pid, h.jurisdiction, _status(h, reg.subject, reg.start is not None and reg.start <= as_of, as_of),
            reg.subject, reg.start, reg.end, reg.indefinite, reg.review_eligible_from,
            outcome.next_due if reg.subject else None, outcome.rules_version, as_of, now, changes_on,
        ))
        obligations.extend(
            (pid, o.kind, o.trigger, o.due, o.status, o.met_on, o.status != "met" and reg.subject, o.citation,
             o.explanation)
            for o in outcome.obligations
        )
    _store([pid for pid, _ in items], states, obligations, as_of, now, fresh=fresh, span=span)


def _store(
    ids: list[uuid.UUID], states: list[tuple[Any, ...]], obligations: list[tuple[Any, ...]], as_of: date,
    now: datetime, *, fresh: bool, span: Span | None = None,
) -> None:
    """Store the new outcome of the people in ``ids``, replacing the last one.

    Most re-evaluations change nothing but the evaluation date, so the stored rows are read first: a person
    whose state (but for the dates) and obligations (in order) are unchanged only has the evaluation date
    moved on, and ``changes_on`` too when it moved; the rest have their rows deleted and written again.
    Writing is what costs: every row written maintains three indexes."""
    qn = connection.ops.quote_name
    state_table, obligation_table = RegisterState._meta.db_table, PersonObligation._meta.db_table
    touch: list[uuid.UUID] = []
    moved: list[tuple[uuid.UUID, date | None]] = []
    rewrite = ids
    if not fresh and ids:
        old_states = {
            row[0]: row[1:]
            for row in person_rows(
                f"SELECT {', '.join(qn(c) for c in (*STATE_COLUMNS[:COMPARED], 'changes_on'))}"  # noqa: S608
                f" FROM {qn(state_table)}"
                " WHERE {ids}", ids, span=span)
        }
        old_obligations: dict[uuid.UUID, list[tuple[Any, ...]]] = defaultdict(list)
        for row in person_rows(
            f"SELECT {', '.join(qn(c) for c in OBLIGATION_COLUMNS)} FROM {qn(obligation_table)}"  # noqa: S608
            " WHERE {ids} ORDER BY person_id, id", ids, span=span):
            old_obligations[row[0]].append(row[1:])
        new_obligations: dict[uuid.UUID, list[tuple[Any, ...]]] = defaultdict(list)
        for row in obligations:
            new_obligations[row[0]].append(row[1:])
        same = {
            state[0] for state in states
            if (old := old_states.get(state[0])) is not None and old[: COMPARED - 1] == state[1:COMPARED]
            and old_obligations.get(state[0], []) == new_obligations.get(state[0], [])
        }
        moved = [
            (state[0], state[CHANGES_ON]) for state in states
            if state[0] in same and as_date(old_states[state[0]][COMPARED - 1]) != state[CHANGES_ON]
        ]
        touch = [pid for pid in ids if pid in same]
        rewrite = [pid for pid in ids if pid not in same]
        states = [row for row in states if row[0] not in same]
        obligations = [row for row in obligations if row[0] not in same]
    _write(state_table, obligation_table, touch, [] if fresh else rewrite, states, obligations, (as_of, now), moved)


def _write(
    state_table: str, obligation_table: str, touch: list[uuid.UUID], delete: list[uuid.UUID],
    states: list[tuple[Any, ...]], obligations: list[tuple[Any, ...]], evaluated: tuple[date, datetime],
    moved: Sequence[tuple[uuid.UUID, date | None]] = (),
) -> None:
    """Move the evaluation date of ``touch`` on (and ``changes_on`` of those in ``moved``), delete the outcome
    of ``delete``, insert the new rows: ``COPY`` on PostgreSQL, ``executemany`` on SQLite. Plain rows, never
    model instances."""
    qn = connection.ops.quote_name
    touched = f"UPDATE {qn(state_table)} SET evaluated_on = %s, evaluated_at = %s WHERE {{ids}}"  # noqa: S608
    moving = f"UPDATE {qn(state_table)} SET changes_on = %s WHERE person_id = %s"  # noqa: S608
    deletes = [f"DELETE FROM {qn(table)} WHERE {{ids}}" for table in (state_table, obligation_table)]  # noqa: S608
    inserts = ((state_table, STATE_COLUMNS, states), (obligation_table, OBLIGATION_COLUMNS, obligations))
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for condition, id_params in id_conditions("person_id", touch):
                cur.execute(touched.format(ids=condition), [*evaluated, *id_params])
            if moved:
                cur.execute(
                    f"UPDATE {qn(state_table)} AS s SET changes_on = m.changes_on"  # noqa: S608
                    " FROM unnest(%s::uuid[], %s::date[]) AS m(person_id, changes_on) WHERE s.person_id = m.person_id",
                    [[pid for pid, _ in moved], [day for _, day in moved]],
                )
            for condition, id_params in id_conditions("person_id", delete):
                for sql in deletes:
                    cur.execute(sql.format(ids=condition), id_params)
            for table, columns, rows in inserts:
                if rows:
                    with cur.copy(f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            return
        ops = connection.ops
        on = (ops.adapt_datefield_value(evaluated[0]), ops.adapt_datetimefield_value(evaluated[1]))
        for pids, sqls, params in ((touch, [touched], on), (delete, deletes, ())):
            for condition, id_params in id_conditions("person_id", pids):
                for sql in sqls:
                    cur.execute(sql.format(ids=condition), [*params, *id_params])
        if moved:
            cur.executemany(moving, [(ops.adapt_datefield_value(day), pid.hex) for pid, day in moved])
        at = STATE_COLUMNS.index("evaluated_at")  # stored as the ORM stores it (naive UTC text)
        for table, columns, rows in inserts:
            if rows:
                sql = (f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)})"  # noqa: S608
                       f" VALUES ({', '.join(['%s'] * len(columns))})")
                cur.executemany(sql, [
                    (row[0].hex, *row[1:at], ops.adapt_datetimefield_value(row[at]), *row[at + 1 :])
                    if table == state_table else (row[0].hex, *row[1:])
                    for row in rows
                ])


@dataclass
class WriteResult:
    people: list[Person]


def registrants_write(
    docs: Sequence[RegistrantDoc],
    *,
    actor: Any,
    action: str,
    reason: str = "",
    progress: Callable[[int], None] | None = None,
) -> WriteResult:
    """Write validated registrant documents with all their history, in bulk, inside the caller's transaction.

    The shared writer behind person_create, import and the demo register.
    """
    forces = forces_by_code()
    now = clock.now()
    given_refs = [int(d.reference[len(REFERENCE_PREFIX) :]) for d in docs if d.reference]
    if given_refs:
        bump(REFERENCE_COUNTER, max(given_refs))
    fresh = iter(allocate(REFERENCE_COUNTER, sum(1 for d in docs if not d.reference)))

    people: list[Person] = []
    rows: dict[str, list[Any]] = {k: [] for k in ("names", "addresses", "own", "disp", "det", "ord", "notes", "cases")}
    for doc in docs:
        given, family = _current_name(doc)
        force = forces[doc.force]
        person = Person(
            id=doc.id or new_id(now),
            reference=doc.reference or f"{REFERENCE_PREFIX}{next(fresh):06d}",
            date_of_birth=doc.date_of_birth, sex=doc.sex, ni_number=doc.ni_number, pnc_id=doc.pnc_id,
            synthetic=doc.synthetic, owning_force=force, display_name=name_rules.display(given, family),
            sort_name=name_rules.search_key(family, given), created_at=now, updated_at=now,
        )
        doc.id, doc.reference = person.id, person.reference
        people.append(person)
        pid = person.id
        rows["names"] += [
            PersonName(person_id=pid, kind=n.kind, given_names=n.given_names, family_name=n.family_name,
                       search_key=name_rules.search_key(n.given_names, n.family_name),
                       valid_from=n.valid_from, valid_to=n.valid_to)
            for n in doc.names
        ]
        rows["addresses"] += [
            Address(person_id=pid, kind=a.kind, line1=a.line1, line2=a.line2, town=a.town, postcode=a.postcode,
                    valid_from=a.valid_from, valid_to=a.valid_to, child_under_18=a.child_under_18)
            for a in doc.addresses
        ]
        ownership = doc.ownership or [_default_ownership(doc, now)]
        rows["own"] += [
            Ownership(person_id=pid, force=forces[o.force], valid_from=o.valid_from, valid_to=o.valid_to)
            for o in ownership
        ]
        rows["disp"] += [
            Disposal(person_id=pid, date=d.date, offence=d.offence, offence_code=d.offence_code, kind=d.kind,
                     months=d.months, tier=d.tier, age_at_date=age_on(doc.date_of_birth, d.date), created_at=now)
            for d in doc.disposals
        ]
        rows["det"] += [Detention(person_id=pid, kind=s.kind, start=s.start, end=s.end) for s in doc.detentions]
        rows["ord"] += [Order(person_id=pid, kind=s.kind, start=s.start, end=s.end) for s in doc.orders]
        rows["notes"] += [
            Notification(person_id=pid, kind=n.kind, received_at=n.received_at,
                         received_on=clock.uk_date(n.received_at), station=n.station, officer_label=n.officer,
                         no_fixed_abode=n.no_fixed_abode, details=n.details, created_at=now)
            for n in doc.notifications
        ]
        rows["cases"] += [
            Case(person_id=pid, force=force, kind=k.kind, opened_on=k.opened, closed_on=k.closed,
                 believed_abroad=k.believed_abroad, warrant_on=k.warrant, outcome=k.outcome,
                 pnc_reference=k.pnc_reference, created_at=now)
            for k in doc.cases
        ]

    Person.objects.bulk_create(people, batch_size=BATCH)
    for model, key in ((PersonName, "names"), (Address, "addresses"), (Ownership, "own"), (Disposal, "disp"),
                       (Detention, "det"), (Order, "ord"), (Notification, "notes"), (Case, "cases")):
        model.objects.bulk_create(rows[key], batch_size=BATCH)
    if rows["cases"]:  # their state history, derived from the summary (cases.transitions.history_from_summary)
        from tether.cases.services import backfill_states

        for i in range(0, len(rows["cases"]), 500):
            backfill_states(rows["cases"][i : i + 500])
    pairs = list(zip(people, docs, strict=True))
    for i in range(0, len(pairs), BATCH):
        materialise(pairs[i : i + BATCH], fresh=True)
        if progress:
            progress(min(i + BATCH, len(pairs)))
    record_many(
        PendingEvent(action=action, actor=actor, object_type="person", object_id=str(p.pk),
                     force_code=p.owning_force.code, reason=reason, detail={"reference": p.reference})
        for p in people
    )
    return WriteResult(people)


def _default_ownership(doc: RegistrantDoc, now: datetime) -> Any:
    from .documents import OwnershipDoc

    starts = [d.date for d in doc.disposals] + [clock.uk_date(n.received_at) for n in doc.notifications]
    return OwnershipDoc(force=doc.force, valid_from=min(starts, default=clock.uk_date(now)), valid_to=None)


def _require_writer(actor: Any) -> None:
    if getattr(actor, "role", None) not in WRITER_ROLES:
        raise Forbidden("Your role cannot change the register.")


def person_create(actor: Any, data: dict[str, Any]) -> Person:
    """Create one registrant from a document (web form, API). The actor's force owns them."""
    _require_writer(actor)
    data = dict(data)
    if actor.role != Role.NATIONAL_ADMIN:
        if actor.force is None:
            raise Forbidden("Your account belongs to no force, so it cannot create registrants.")
        if data.get("force") and str(data["force"]).upper() != actor.force.code:
            raise ValidationFailed({"force": "you can only create registrants for your own force"})
        data["force"] = actor.force.code
    data.pop("id", None)
    data.pop("reference", None)
    doc = parse_registrant(data, known_forces=forces_by_code())
    with transaction.atomic():
        return registrants_write([doc], actor=actor, action="person.create").people[0]


def notification_record(
    actor: Any, person_id: uuid.UUID | str, data: dict[str, Any], *, expected_version: int | None = None
) -> Notification:
    """Record an in-person notification (append-only), re-evaluate the person's obligations, audit it."""
    _require_writer(actor)
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
    station = str(data.get("station") or "").strip()
    if not station:
        errors["station"] = ["is required: the police station where the notification was made"]
    elif len(station) > 120:
        errors["station"] = ["must be 120 characters or fewer"]
    details = data.get("details") or {}
    if not isinstance(details, dict):
        errors["details"] = ["must be an object"]
    nfa = data.get("no_fixed_abode", False)
    if not isinstance(nfa, bool):
        errors["no_fixed_abode"] = ["must be true or false"]

    with _changing(actor, person_id, expected_version, "notification.record") as change:
        person = change.person
        if at is not None and not errors and clock.uk_date(at) < person.date_of_birth:
            errors["received_at"] = ["must not be before the date of birth"]
        if errors:
            raise ValidationFailed(errors)
        assert at is not None
        note = Notification.objects.create(
            person=person, kind=str(kind), received_at=at, received_on=clock.uk_date(at), station=station,
            officer=actor, officer_label=actor.label, no_fixed_abode=nfa, details=dict(details),
            created_at=clock.now(),
        )
        change.detail = {"notification_id": note.pk, "kind": note.kind, "received_at": at, "station": station}
    return note


@dataclass
class _Change:
    person: Person
    detail: dict[str, Any] = field(default_factory=dict)


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
        change = _Change(person)
        yield change
        person.version += 1
        person.updated_at = clock.now()
        person.save()
        rematerialise([person.pk])
        record_many([
            PendingEvent(action=action, actor=actor, object_type="person", object_id=str(person.pk),
                         force_code=person.owning_force.code, detail=change.detail)
        ])


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
        change.detail = {"kind": doc.kind, "before": {"display_name": before, "closed": closed},
                         "after": {"display_name": person.display_name, "name_id": name.pk}}
    return name


def address_record(
    actor: Any, person_id: uuid.UUID | str, data: dict[str, Any], *, expected_version: int | None = None
) -> Address:
    """A move (a new home or no-fixed-abode location closes the current one) or another regular address."""
    doc = parse_address(data)
    with _changing(actor, person_id, expected_version, "person.address_record") as change:
        person = change.person
        closed = (_close_open(person.addresses.filter(kind__in=HOME_KINDS), doc.valid_from)
                  if doc.kind in HOME_KINDS else [])
        address = Address.objects.create(
            person=person, kind=doc.kind, line1=doc.line1, line2=doc.line2, town=doc.town, postcode=doc.postcode,
            valid_from=doc.valid_from, child_under_18=doc.child_under_18,
        )
        change.detail = {"kind": doc.kind, "before": {"closed": closed},
                         "after": {"address_id": address.pk, "postcode": doc.postcode, "valid_from": doc.valid_from}}
    return address


IDENTITY_FIELDS = ("date_of_birth", "sex", "ni_number", "pnc_id")


def identity_update(
    actor: Any, person_id: uuid.UUID | str, data: dict[str, Any], *, expected_version: int | None = None
) -> Person:
    """Correct identifying details. The audit event holds the values before and after."""
    changes = parse_identity(data)
    with _changing(actor, person_id, expected_version, "person.identity_update") as change:
        person = change.person
        before = {k: getattr(person, k) for k in changes}
        for key, value in changes.items():
            setattr(person, key, value)
        if "date_of_birth" in changes:
            first = person.disposals.order_by("date").first()
            if first and first.date < person.date_of_birth:
                raise ValidationFailed({"date_of_birth": "must not be after a conviction, caution or finding"})
            for d in person.disposals.all():
                d.age_at_date = age_on(person.date_of_birth, d.date)
                d.save(update_fields=["age_at_date"])
        change.detail = {"before": before, "after": {k: getattr(person, k) for k in changes}}
    return person
