"""Reading the register: whole registrant documents (export, re-evaluation) and page data."""

from __future__ import annotations

import json
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from tether.access.models import Force
from tether.core.arrays import array_literal
from tether.core.streams import chunks

from . import extensions
from .documents import (
    FORMAT_VERSION,
    AddressDoc,
    DisposalDoc,
    NameDoc,
    NotificationDoc,
    OwnershipDoc,
    RegistrantDoc,
    SpanDoc,
)
from .facts import HOME_KINDS, NAME_KINDS, History, notified_on, prescribed_order
from .legal_documents import (
    OrderExtras,
    RemovalDoc,
    ReviewDoc,
    detention_json_extra,
    determination,
    order_json_extra,
    removal_json,
    review_json,
)
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
    PrescribedItem,
    Removal,
    Review,
    Stay,
    Trip,
)
from .notified import given_to_json
from .travel import (
    AdvanceNoticeDoc,
    StayDoc,
    TripDoc,
    advance_to_json,
    first_notified,
    stay_key,
    stay_to_json,
    trip_to_json,
)


def separate(qs: Any, field: str = "pk", as_of: date | None = None) -> Any:
    """``qs`` without the records that are not separate people on ``as_of`` (None: now): a record merged into
    another is counted once, as the record it was merged into, from the merge date (identity's not-separate
    source). ``field``: the person id in ``qs`` ("pk" for people, "person_id" for their rows)."""
    for source in extensions.not_separate_sources():
        qs = qs.exclude(**{f"{field}__in": source(as_of)})
    return qs


def note_rows_present(person: Person, related_names: Sequence[str]) -> set[str]:
    """Which of ``related_names`` (tables with a ``person_id``: ``trips``, ``cases``...) hold any row of ``person``,
    in one query; noted on the person (``extensions.may_hold``) so the person page's panels skip reading tables that
    hold nothing of them, as most records hold no trips, reviews, transfers or cases."""
    qn = connection.ops.quote_name
    pid = Person._meta.pk.get_db_prep_value(person.pk, connection)
    parts, params = [], []
    for name in related_names:
        table = Person._meta.get_field(name).related_model._meta.db_table  # type: ignore[union-attr]
        parts.append(f"SELECT %s WHERE EXISTS (SELECT 1 FROM {qn(table)} WHERE person_id = %s)")  # noqa: S608
        params += [name, pid]
    present: set[str] = set()
    if parts:
        with connection.cursor() as cur:
            cur.execute(" UNION ALL ".join(parts), params)
            present = {row[0] for row in cur.fetchall()}
    setattr(person, extensions.ROWS_PRESENT, present)
    return present


@dataclass(frozen=True)
class _RelatedRead:
    """One related table's rows of one person, as the ORM reads them, compiled: its SQL (one parameter, the person
    id), the fields its columns fill and the compiler that converts values read back (dates on SQLite, JSON...)."""

    sql: str
    attnames: list[str]
    compiler: Any
    converters: dict[int, Any]


def _related_read(related_name: str) -> _RelatedRead:
    """``related_name``'s read, compiled once per database connection (each thread has its own: the compiler keeps
    the connection it converts values for)."""
    wrapper = connections[DEFAULT_DB_ALIAS]  # this thread's (``connection`` is a proxy shared by every thread)
    made: dict[str, _RelatedRead] = wrapper.__dict__.setdefault("_tether_related_reads", {})
    if related_name not in made:
        rel = Person._meta.get_field(related_name)
        probe = uuid.UUID(int=0)
        query = rel.related_model._default_manager.filter(  # type: ignore[union-attr]
            **{rel.field.attname: probe}).query  # type: ignore[union-attr]
        compiler = query.get_compiler(connection=wrapper)
        sql, params = compiler.as_sql()
        if len(params) != 1:
            raise RuntimeError(f"{related_name}: expected one parameter (the person id), got {len(params)}")
        columns = [col for col, _, _ in compiler.select]
        made[related_name] = _RelatedRead(sql=sql, attnames=[col.target.attname for col in columns],
                                          compiler=compiler, converters=compiler.get_converters(columns))
    return made[related_name]


def read_related(person: Person, related_names: Sequence[str]) -> None:
    """``person``'s rows under each of ``related_names`` (reverse foreign keys: ``addresses``, ``orders``...), each in
    its model's own order, into the person's related caches as ``prefetch_related_objects`` leaves them, so
    ``person.orders.all()`` reads no more and each row's ``person`` is this one. Each read is a statement compiled once
    per connection (``_related_read``): building and compiling the query cost the ORM three times the read."""
    pid = Person._meta.pk.get_db_prep_value(person.pk, connection)
    cached: dict[str, Any] = person.__dict__.setdefault("_prefetched_objects_cache", {})
    for name in related_names:
        read = _related_read(name)
        rel = Person._meta.get_field(name)
        model = rel.related_model
        with connection.cursor() as cur:
            cur.execute(read.sql, [pid])
            rows = cur.fetchall()
        if read.converters:
            rows = list(read.compiler.apply_converters(rows, read.converters))
        objs = [model.from_db(connection.alias, read.attnames, row) for row in rows]  # type: ignore[union-attr]
        for obj in objs:
            rel.field.set_cached_value(obj, person)  # type: ignore[union-attr]
        cached.pop(name, None)
        qs = getattr(person, name).get_queryset()  # what the related manager gives when nothing is cached
        qs._result_cache, qs._prefetch_done = objs, True
        cached[name] = qs


def _grouped(model: Any, ids: Sequence[uuid.UUID], order: Sequence[str]) -> dict[uuid.UUID, list[Any]]:
    out: dict[uuid.UUID, list[Any]] = defaultdict(list)
    qs = model.objects.filter(person_id__in=ids).order_by("person_id", *order)
    if model is Ownership:
        qs = qs.select_related("force")
    elif model is Trip:
        qs = qs.select_related("notification")
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
    trips = _grouped(Trip, ids, ["id"])
    stays = _grouped(Stay, ids, ["start", "id"])
    advance = _grouped(AdvanceNotice, ids, ["given_at", "id"])
    reviews = _grouped(Review, ids, ["applied_on", "id"])
    removals = _grouped(Removal, ids, ["removed_on", "id"])
    extra = {section.key: (section, section.load(ids)) for section in extensions.sections()}
    docs = {}
    for p in people:
        docs[p.pk] = RegistrantDoc(
            id=p.pk, reference=p.reference, force=p.owning_force.code, synthetic=p.synthetic,
            date_of_birth=p.date_of_birth, date_of_death=p.date_of_death, sex=p.sex, ni_number=p.ni_number,
            pnc_id=p.pnc_id,
            names=[NameDoc(n.kind, n.given_names, n.family_name, n.valid_from, n.valid_to) for n in names[p.pk]],
            addresses=[
                AddressDoc(a.kind, a.line1, a.line2, a.town, a.postcode, a.valid_from, a.valid_to, a.child_under_18)
                for a in addresses[p.pk]
            ],
            ownership=[OwnershipDoc(o.force.code, o.valid_from, o.valid_to) for o in owners[p.pk]],
            disposals=[
                DisposalDoc(d.date, d.offence, d.offence_code, d.kind, d.months, d.tier, d.court)
                for d in disposals[p.pk]
            ],
            detentions=[SpanDoc(d.kind, d.start, d.end, d.basis, d.licence_end) for d in detentions[p.pk]],
            orders=[SpanDoc(o.kind, o.start, o.end, extras=OrderExtras(
                        o.court, o.countries, o.passports_surrendered_on, o.surrender_station))
                    for o in orders[p.pk]],
            notifications=[
                NotificationDoc(n.kind, n.received_at, n.station, n.officer_label, n.no_fixed_abode, n.details,
                                n.change, n.changed_on, n.given)
                for n in notes[p.pk]
            ],
            sections={key: stored.get(p.pk, section.empty()) for key, (section, stored) in extra.items()},
            trips=[trip_doc(t) for t in trips[p.pk]],
            stays=[StayDoc(s.line1, s.town, s.postcode, s.start, s.end) for s in stays[p.pk]],
            advance_notices=[AdvanceNoticeDoc(a.change, a.expected_on, a.given_at) for a in advance[p.pk]],
            reviews=[review_doc(r) for r in reviews[p.pk]],
            removals=[RemovalDoc(r.reason, r.removed_on, r.note) for r in removals[p.pk]],
        )
    return docs


def trip_doc(t: Trip) -> TripDoc:
    return TripDoc(number=t.number, departure=t.departure, countries=t.country_list, arrival_points=t.arrival_points,
                   accommodation=t.accommodation, return_date=t.return_date, return_point=t.return_point,
                   return_notified_on=t.return_notified_on, short_notice=t.short_notice, cancelled=t.cancelled,
                   notified_on=notified_on(t.notification.received_at) if t.notification is not None else None)
def review_doc(r: Review) -> ReviewDoc:
    return ReviewDoc(r.applied_on, r.decision_due, r.decision, r.decided_on, r.reasons, r.further_date,
                     r.appeal_lodged_on, r.appeal_outcome, r.appeal_decided_on)


Span = tuple[uuid.UUID | None, uuid.UUID | None]  # the people with lo < id <= hi (None: open-ended)


def person_rows(
    sql: str, ids: Sequence[uuid.UUID], *params: Any, column: str = "person_id", span: Span | None = None
) -> Iterator[tuple[Any, ...]]:
    """Run ``sql`` (its ``{ids}`` placeholder: the condition on the person id ``column``) for the people in
    ``ids``; plain row tuples, the person id (first column) as a UUID. With ``span`` (``ids`` are exactly the
    people in that id range), the condition is the range: one index range scan rather than one look-up per id.
    Otherwise PostgreSQL takes the ids as one array; SQLite a list, in chunks."""
    pg = connection.vendor == "postgresql"

    def out(rows: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        return iter(rows) if pg else ((uuid.UUID(row[0]), *row[1:]) for row in rows)

    with connection.cursor() as cur:
        if span is not None:
            conds, bounds = ["1 = 1"], []
            for op, bound in ((">", span[0]), ("<=", span[1])):
                if bound is not None:
                    conds.append(f"{column} {op} %s")
                    bounds.append(bound if pg else bound.hex)
            cur.execute(sql.format(ids=" AND ".join(conds)), [*bounds, *params])
            yield from out(cur.fetchall())
            return
        for condition, id_params in id_conditions(column, ids):
            cur.execute(sql.format(ids=condition), [*id_params, *params])
            yield from out(cur.fetchall())


_last_ids = threading.local()


def _ids_literal(ids: Sequence[uuid.UUID]) -> str:
    """The array literal of ``ids``, made once for a tuple of ids that several queries in a row read by (a batch's
    histories: a query a table): the last one this thread made is kept with the tuple it was made of."""
    if type(ids) is not tuple:
        return array_literal(ids)
    last = getattr(_last_ids, "made", None)
    if last is not None and last[0] is ids:
        return cast(str, last[1])
    literal = array_literal(ids)
    _last_ids.made = (ids, literal)
    return literal


def id_conditions(column: str, ids: Sequence[uuid.UUID]) -> Iterator[tuple[str, list[Any]]]:
    """The SQL condition "``column`` is one of ``ids``" (person ids) with its parameters, for raw queries: on
    PostgreSQL one condition taking the ids as an array (``= ANY``); on SQLite ``IN`` lists of at most 500 hex
    ids. Nothing for no ids."""
    if not ids:
        return
    if connection.vendor == "postgresql":
        # the array as one text literal: sent as a list, each id would be adapted on its own at every query
        yield f"{column} = ANY(%s::uuid[])", [_ids_literal(ids)]
        return
    for chunk in chunks(ids, 500):
        yield f"{column} IN ({', '.join(['%s'] * len(chunk))})", [pid.hex for pid in chunk]


def as_date(value: Any) -> Any:
    """A date read back raw (SQLite gives ISO text; its first ten characters where a time follows)."""
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def as_uuid(value: Any) -> uuid.UUID:
    """An id read back raw (SQLite gives hex text)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def stored_rows(query: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` query as the database gives them, without the fields' converters: SQLite's ids
    are hex text and its dates ISO text (``as_date``, ``by_stored_id``). Reading a hundred thousand rows, the
    converters (a new ``UUID`` for every id) cost more than the read."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def by_stored_id(ids: Sequence[Any]) -> dict[Any, Any]:
    """Each person id as the database gives it back raw (``stored_rows``) → the id given."""
    pk = Person._meta.pk
    return {pk.get_db_prep_value(as_uuid(pid), connection): pid for pid in ids}


def ids_in(ids: Sequence[Any]) -> Any:
    """The right-hand side of ``person_id__in`` for these ids, as one parameter however many ids: on PostgreSQL one
    array (``SELECT unnest(...)``, ``core.arrays``), on SQLite one JSON array of the ids as stored (32 hex digits,
    ``SELECT value FROM json_each(...)``). Either way the database probes the column's index for each id, and the
    ORM does not prepare each id as a parameter of its own (which costs more than the query at 2,000 ids)."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::uuid[])", [array_literal(ids)])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps([as_uuid(pid).hex for pid in ids])])


def load_histories(ids: Sequence[uuid.UUID], *, span: Span | None = None) -> dict[uuid.UUID, History]:
    """What the rules read of each person (``register.facts.History``), for a batch of people: one raw query per
    table, plain rows rather than model instances (the full re-materialisation reads a million of them).
    Gives the same ``History`` as ``facts.history_from_doc`` on the person's document; people not found are
    left out. ``span``: ``ids`` are exactly the people in that id range (see ``person_rows``)."""
    qn = connection.ops.quote_name
    day, end = qn("date"), qn("end")
    t = {m.__name__: m._meta.db_table for m in (Person, Disposal, Order, Detention, Notification,
                                                PersonName, Address, Trip, Stay, AdvanceNotice, PrescribedItem)}
    ids = tuple(ids)  # immutable: its array literal is made once for the queries below (``_ids_literal``)
    jurisdictions = {f.pk: f.jurisdiction for f in Force.objects.all()}
    people = {
        pid: (dob, jurisdictions[force_id], died)
        for pid, dob, force_id, died in person_rows(
            f"SELECT id, date_of_birth, owning_force_id, date_of_death FROM {t['Person']} WHERE {{ids}}",  # noqa: S608
            ids, column="id", span=span)
    }
    lists: dict[str, dict[uuid.UUID, list[Any]]] = {}

    def grouped(key: str, sql: str, *params: Any, column: str = "person_id") -> None:
        out: dict[uuid.UUID, list[Any]] = defaultdict(list)
        for pid, *rest in person_rows(sql, ids, *params, column=column, span=span):
            out[pid].append(tuple(rest) if len(rest) > 1 else rest[0])
        lists[key] = out

    grouped("disposals", f"SELECT person_id, {day}, kind, months, tier FROM {t['Disposal']}"  # noqa: S608
                         f" WHERE {{ids}} ORDER BY person_id, {day}, id")
    for key in ("Order", "Detention"):
        grouped(key, f"SELECT person_id, kind, start, {end} FROM {t[key]}"  # noqa: S608
                     " WHERE {ids} ORDER BY person_id, start, id")
    grouped("notifications", f"SELECT person_id, kind, received_at, no_fixed_abode FROM {t['Notification']}"  # noqa: S608
                             " WHERE {ids} ORDER BY person_id, received_at, id")
    grouped("reviews", "SELECT person_id, applied_on, decision, decided_on, further_date, appeal_outcome,"  # noqa: S608
                       f" appeal_decided_on FROM {Review._meta.db_table}"
                       " WHERE {ids} ORDER BY person_id, applied_on, id")
    for key, table, kinds in (("names", t["PersonName"], NAME_KINDS), ("homes", t["Address"], HOME_KINDS)):
        in_kinds = ", ".join(["%s"] * len(kinds))
        grouped(key, f"SELECT person_id, valid_from FROM {table}"  # noqa: S608
                     f" WHERE {{ids}} AND kind IN ({in_kinds}) ORDER BY person_id, valid_from, id", *kinds)
    ret = qn("return_date")
    # each version with the time its notification was received (none: a return, a cancellation, an import without one)
    grouped("trips", f"SELECT tr.person_id, tr.number, tr.departure, tr.{ret}, tr.countries, tr.short_notice,"  # noqa: S608
                     f" tr.cancelled, n.received_at FROM {t['Trip']} tr LEFT JOIN {t['Notification']} n"
                     " ON n.id = tr.notification_id WHERE {ids} ORDER BY tr.person_id, tr.number, tr.id",
            column="tr.person_id")
    grouped("stays", f"SELECT person_id, line1, postcode, start, {end} FROM {t['Stay']}"  # noqa: S608
                     " WHERE {ids} ORDER BY person_id, start, id")
    grouped("advance", f"SELECT person_id, change, given_at, expected_on FROM {t['AdvanceNotice']}"  # noqa: S608
                       " WHERE {ids} ORDER BY person_id, given_at, id")
    grouped("prescribed", f"SELECT person_id, item, valid_from, valid_to FROM {t['PrescribedItem']}"  # noqa: S608
                          " WHERE {ids} AND entered_in_error_on IS NULL ORDER BY person_id, valid_from, id")
    status_spans: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for source in extensions.status_sources():
        for pid, spans in source(qn, lambda sql, *params: person_rows(sql, ids, *params, span=span)).items():
            status_spans[pid] += spans
    sqlite = connection.vendor != "postgresql"  # SQLite's raw rows: dates are typed, booleans are 0/1
    out = {}
    for pid, (dob, jurisdiction, died) in people.items():
        notes = lists["notifications"].get(pid, [])
        if len(notes) > 1:
            notes.sort(key=lambda n: _aware(n[1]))
        out[pid] = History(
            jurisdiction=jurisdiction, date_of_birth=as_date(dob),
            disposals=lists["disposals"].get(pid, []),
            orders=lists["Order"].get(pid, []),
            detentions=lists["Detention"].get(pid, []),
            notifications=[(kind, notified_on(_aware(at)), bool(nfa) if sqlite else nfa) for kind, at, nfa in notes],
            name_starts=lists["names"].get(pid, []),
            home_starts=lists["homes"].get(pid, []),
            status_spans=status_spans.get(pid, []),
            date_of_death=as_date(died),
            trips=_trips(lists["trips"].get(pid, [])),
            stays=sorted(((stay_key(line1, postcode), as_date(start), as_date(end))
                          for line1, postcode, start, end in lists["stays"].get(pid, [])), key=lambda s: (s[1], s[0])),
            advance_notices=sorted(((change, notified_on(_aware(at)), as_date(expected))
                                    for change, at, expected in lists["advance"].get(pid, [])), key=lambda a: a[1]),
            prescribed=prescribed_order([(item, as_date(start), as_date(end))
                                         for item, start, end in lists["prescribed"].get(pid, [])]),
            review=_determination(lists["reviews"].get(pid)),
        )
    return out


def _trips(rows: list[tuple[Any, ...]]) -> list[tuple[date, date | None, str | None, bool, date | None]]:
    """Each trip as it stands (its last version), not cancelled, by departure (``facts.History.trips``), with the
    day it was first notified (the earliest notification of its versions)."""
    latest = {row[0]: row for row in rows}  # by number, then id: the last of a number is its latest version
    first = first_notified((row[0], notified_on(_aware(row[-1])) if row[-1] is not None else None) for row in rows)
    out = [(as_date(dep), as_date(ret), (countries.split() or [None])[0], bool(short), first.get(number))
           for number, dep, ret, countries, short, cancelled, _at in sorted(latest.values(),
                                                                            key=lambda r: (as_date(r[1]), r[0]))
           if not cancelled]
    return out
def _determination(rows: list[Any] | None) -> tuple[date, str, date | None] | None:
    """The latest determination of a person's reviews, from raw rows (SQLite gives dates as text)."""
    if not rows:
        return None
    return determination([
        ReviewDoc(as_date(applied), as_date(applied), decision, as_date(decided), "", as_date(further), None,
                  outcome, as_date(appealed))
        for applied, decision, decided, further, outcome, appealed in rows
    ])


def _aware(at: Any) -> datetime:
    """A raw ``received_at`` as an aware datetime: SQLite gives ISO text, and a naive value is UTC."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    assert isinstance(at, datetime)
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


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
        # left out when not recorded, so a living registrant exports exactly as before the field existed
        **({"date_of_death": _d(doc.date_of_death)} if doc.date_of_death is not None else {}),
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
             "months": d.months, "tier": d.tier, **({"court": d.court} if d.court else {})}
            for d in doc.disposals
        ],
        # the legal record's keys (register.legal_documents) are left out when empty: older records export as before
        "detentions": [{"kind": s.kind, "start": _d(s.start), "end": _d(s.end),
                        **detention_json_extra(s.basis, s.licence_end)} for s in doc.detentions],
        "orders": [{"kind": s.kind, "start": _d(s.start), "end": _d(s.end), **order_json_extra(s.extras)}
                   for s in doc.orders],
        "notifications": [
            {"kind": n.kind, "received_at": n.received_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
             "station": n.station, "officer": n.officer, "no_fixed_abode": n.no_fixed_abode, "details": n.details,
             # what it carried (format 2), left out when not recorded: a notification without exports as before
             **({"change": n.change, "changed_on": _d(n.changed_on)} if n.change else {}),
             **({"given": given_to_json(n.given)} if n.given else {})}
            for n in doc.notifications
        ],
        # trips, stays and advance notices: left out when there are none
        **({"trips": [trip_to_json(t) for t in doc.trips]} if doc.trips else {}),
        **({"stays": [stay_to_json(s) for s in doc.stays]} if doc.stays else {}),
        **({"advance_notices": [advance_to_json(a) for a in doc.advance_notices]} if doc.advance_notices else {}),
        **({"reviews": [review_json(r) for r in doc.reviews]} if doc.reviews else {}),
        **({"removals": [removal_json(r) for r in doc.removals]} if doc.removals else {}),
        # each package's section; one that holds nothing (None) is left out, so a registrant without it exports
        # exactly as before that package existed
        **{key: value for key, value in ((section.key, section.to_json(doc.sections.get(section.key,
                                                                                         section.empty())))
                                         for section in extensions.sections()) if value is not None},
    }


def iter_registrant_dicts(person_ids: Sequence[uuid.UUID], batch: int = 1000) -> Iterator[dict[str, Any]]:
    for chunk in chunks(person_ids, batch):
        docs = load_registrant_docs(chunk)
        for pid in chunk:
            yield doc_to_dict(docs[pid])
