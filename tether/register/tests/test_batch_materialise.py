"""The batch re-materialisation (raw rows in, COPY/executemany out) stores exactly what the per-person ORM path
stored before it: checked on a varied synthetic register, at several dates, against that earlier path kept
here verbatim as the oracle."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from tether.casework.services import recompute
from tether.core import clock
from tether.core.clock import uk_date
from tether.demo.services import load_demo
from tether.obligations import evaluate
from tether.obligations import types as t
from tether.register.constants import PRESCRIBED_SECTIONS, AddressKind, DetentionKind, NameKind, RegisterStatus
from tether.register.documents import RegistrantDoc
from tether.register.facts import _with_advance_notices, facts_for, history_from_doc, prescribed_order
from tether.register.models import Person, PersonObligation, RegisterState
from tether.register.outcomes import rematerialise
from tether.register.selectors import load_histories, load_registrant_docs
from tether.register.travel import current_trips, stay_key

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 15)
AS_OF = [date(2025, 6, 16), date(2026, 9, 1), date(2033, 2, 28)]


# --- The per-person path as it was, the oracle ---------------------------------------------------------


def _oracle_facts(doc: RegistrantDoc, jurisdiction: str) -> t.Facts:
    first = min((d.date for d in doc.disposals), default=None)

    def after_start(day: date) -> bool:
        return first is not None and day > first

    events: list[t.Event] = []
    for n in doc.names:
        if n.kind in (NameKind.CURRENT, NameKind.ALIAS) and after_start(n.valid_from):
            events.append(t.Event(kind="name_change", start=n.valid_from))
    homes = [a for a in doc.addresses if a.kind in (AddressKind.HOME, AddressKind.NFA)]
    for a in homes:
        if after_start(a.valid_from):
            events.append(t.Event(kind="address_change", start=a.valid_from))
    # a release is the rules engine's, from the end of a custody or hospital detention (RULES_VERSION 2026.12.4): the
    # register gives no release event
    for d in doc.detentions:
        if d.kind == "abroad" and after_start(d.start):
            events.append(t.Event(kind="departure", start=d.start))
    # trips (s.86): the only record of time abroad; a trip is a departure with its return date and first country
    trips = [tr for tr in current_trips(doc.trips) if not tr.cancelled]
    for tr in trips:
        if after_start(tr.departure):
            # the trip's own travel notification: the first day any of its versions was notified (None: not linked)
            notified = min((v.notified_on for v in doc.trips if v.number == tr.number and v.notified_on), default=None)
            events.append(t.Event(kind="departure", start=tr.departure, end=tr.return_date,
                                  country=tr.countries[0] if tr.countries else None, short_notice=tr.short_notice,
                                  notified_on=notified))
    if first is not None:
        events += [t.Event(kind="stay", start=s.start, end=s.end, address=stay_key(s.line1, s.postcode))
                   for s in doc.stays]
    # the 2012 prescribed items (added with them): each begun or ended after registration began is a change
    held = prescribed_order([(item, p.valid_from, p.valid_to) for key, item in PRESCRIBED_SECTIONS.items()
                             for p in doc.sections.get(key) or []])
    for item, start, end in held:
        for day in (start, end):
            if day is not None and after_start(day):
                events.append(t.Event(kind="prescribed_change", start=day, item=item))  # type: ignore[arg-type]
    events.sort(key=lambda e: (e.start, e.kind))
    events = _with_advance_notices(events, sorted(((a.change, uk_date(a.given_at), a.expected_on)
                                                   for a in doc.advance_notices), key=lambda a: a[1]))
    return t.Facts(
        jurisdiction=jurisdiction,  # type: ignore[arg-type]
        date_of_birth=doc.date_of_birth,
        disposals=tuple(
            t.Disposal(date=d.date, kind=d.kind, months=d.months, tier=d.tier)  # type: ignore[arg-type]
            for d in doc.disposals
        ),
        # an SRO or a foreign travel prohibition is not a fact of the engine (docs/rules.md, assumption 43)
        orders=tuple(t.Order(kind=o.kind, start=o.start, end=o.end)  # type: ignore[arg-type]
                     for o in doc.orders if o.kind in ("shpo", "notification_order")),
        detentions=tuple(
            t.Detention(kind=d.kind, start=d.start, end=d.end)  # type: ignore[arg-type]
            for d in doc.detentions
        ) + tuple(t.Detention(kind="abroad", start=tr.departure, end=tr.return_date) for tr in trips),
        notifications=tuple(
            t.Notification(kind=n.kind, date=uk_date(n.received_at), no_fixed_abode=n.no_fixed_abode)  # type: ignore[arg-type]
            for n in sorted(doc.notifications, key=lambda n: n.received_at)
        ),
        events=tuple(events),
        review=_oracle_review(doc),
    )


def _oracle_review(doc: RegistrantDoc) -> t.Review | None:
    """The latest determination of the reviews: an appeal allowed is a discharge on the day it was decided."""
    found = []
    for r in doc.reviews:
        if r.appeal_outcome == "allowed" and r.appeal_decided_on:
            found.append(t.Review(determined_on=r.appeal_decided_on, outcome="discharged"))
        elif r.decision and r.decided_on:
            found.append(t.Review(determined_on=r.decided_on, outcome=r.decision,  # type: ignore[arg-type]
                                  further_date=r.further_date))
    return max(found, key=lambda f: f.determined_on) if found else None


def _oracle_status(doc: RegistrantDoc, subject: bool, ever_subject: bool, as_of: date) -> str:
    cases = doc.sections.get("cases", [])
    open_cases = [k for k in cases if k.opened <= as_of and (k.closed is None or k.closed > as_of)]
    if any(k.kind == "wanted" for k in open_cases):
        return RegisterStatus.WANTED
    if open_cases:
        return RegisterStatus.MISSING
    if not subject:
        return RegisterStatus.EXPIRED if ever_subject else RegisterStatus.NOT_SUBJECT
    spans = [(d.kind, d.start, d.end) for d in doc.detentions]
    spans += [("abroad", tr.departure, tr.return_date) for tr in current_trips(doc.trips) if not tr.cancelled]
    current = [kind for kind, start, end in spans if start <= as_of and (end is None or end > as_of)]
    if any(kind == DetentionKind.ABROAD for kind in current):
        return RegisterStatus.ABROAD
    if current:
        return RegisterStatus.IN_CUSTODY
    return RegisterStatus.ACTIVE


def _oracle_changes_on(doc: RegistrantDoc, engine: date | None, as_of: date) -> date | None:
    """The engine's day, or earlier when a case opens or closes (the register status changes)."""
    days = [d for k in doc.sections.get("cases", []) for d in (k.opened, k.closed) if d is not None and d > as_of]
    if engine is not None:
        days.append(engine)
    return min(days, default=None)


def _oracle_rematerialise(person_ids: list[uuid.UUID], as_of: date) -> None:
    """Each registrant's outcome as the per-person path stored it: its document (``load_registrant_docs``), the
    engine's plain evaluation, and the stored rows replaced (written together, for speed: nothing is shared)."""
    docs = load_registrant_docs(person_ids)
    people = Person.objects.select_related("owning_force").in_bulk(person_ids)
    now = clock.now()
    states, obligations = [], []
    for person_id in person_ids:
        person, doc = people[person_id], docs[person_id]
        jurisdiction = person.owning_force.jurisdiction
        outcome = evaluate(_oracle_facts(doc, jurisdiction), as_of)
        reg = outcome.registration
        states.append(RegisterState(
            person_id=person.pk, jurisdiction=jurisdiction,
            status=_oracle_status(doc, reg.subject, reg.start is not None and reg.start <= as_of, as_of),
            subject=reg.subject, registration_start=reg.start, registration_end=reg.end,
            indefinite=reg.indefinite, review_eligible_from=reg.review_eligible_from,
            next_due=outcome.next_due if reg.subject else None, rules_version=outcome.rules_version,
            evaluated_on=as_of, evaluated_at=now, changes_on=_oracle_changes_on(doc, outcome.changes_on, as_of),
        ))
        obligations.extend(
            PersonObligation(
                person_id=person.pk, kind=o.kind, trigger=o.trigger, due=o.due, status=o.status, met_on=o.met_on,
                open=o.status != "met" and reg.subject, citation=o.citation, explanation=o.explanation,
            )
            for o in outcome.obligations
        )
    RegisterState.objects.filter(person_id__in=person_ids).delete()
    PersonObligation.objects.filter(person_id__in=person_ids).delete()
    RegisterState.objects.bulk_create(states)
    PersonObligation.objects.bulk_create(obligations)


# --- Helpers -------------------------------------------------------------------------------------------


def _stored() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    state_fields = [f.attname for f in RegisterState._meta.concrete_fields]
    obligation_fields = [f.attname for f in PersonObligation._meta.concrete_fields if f.attname != "id"]
    states = list(RegisterState.objects.order_by("person_id").values_list(*state_fields))
    obligations = sorted(PersonObligation.objects.values_list(*obligation_fields), key=repr)
    return states, obligations


@pytest.fixture
def register(frozen: Any) -> list[uuid.UUID]:
    load_demo(200, seed=11, today=TODAY, batch_size=100)
    return list(Person.objects.order_by("pk").values_list("pk", flat=True))


# --- Tests ---------------------------------------------------------------------------------------------


def test_the_register_is_varied_enough_to_prove_anything(register):
    statuses = set(RegisterState.objects.values_list("status", flat=True))
    assert {"active", "in_custody"} <= statuses and statuses & {"missing", "wanted"}, statuses
    assert len(set(PersonObligation.objects.values_list("kind", flat=True))) >= 3
    assert len(set(RegisterState.objects.values_list("jurisdiction", flat=True))) == 3


@pytest.mark.parametrize("as_of", AS_OF)
def test_batch_recompute_stores_what_the_per_person_path_stored(register, as_of):
    _oracle_rematerialise(register, as_of)
    before = _stored()
    RegisterState.objects.all().delete()  # nothing left over from the oracle can make the comparison pass
    PersonObligation.objects.all().delete()

    summary = recompute(as_of=as_of, batch=64, resume=False)

    assert summary["people"] == len(register)
    after = _stored()
    assert len(after[0]) == len(register) and len(after[1]) > len(register)
    assert after[0] == before[0]
    assert after[1] == before[1]


@pytest.mark.parametrize(("earlier", "as_of"), [(date(2025, 6, 15), date(2025, 6, 16)),
                                                (date(2026, 8, 1), date(2026, 9, 1))])
def test_recompute_over_an_earlier_outcome_rewrites_only_what_changed(register, earlier, as_of):
    _oracle_rematerialise(register, as_of)
    before = _stored()
    recompute(as_of=earlier, batch=64, resume=False)
    ids_before = dict(PersonObligation.objects.values_list("id", "person_id"))
    # as the migration leaves outcomes stored before changes_on existed: due for re-evaluation
    RegisterState.objects.filter(person_id__in=register[::2]).update(changes_on=earlier)

    recompute(as_of=as_of, batch=50, resume=False)

    assert _stored() == before
    kept = set(PersonObligation.objects.filter(id__in=ids_before).values_list("person_id", flat=True))
    rewritten = set(PersonObligation.objects.exclude(id__in=ids_before).values_list("person_id", flat=True))
    assert kept and rewritten and not kept & rewritten  # both paths taken; a person is kept or rewritten whole
    assert kept & set(register[::2])  # the date-only path also moved changes_on on (the rows equal the oracle's)
    assert set(RegisterState.objects.values_list("evaluated_on", flat=True)) == {as_of}


def test_single_person_rematerialise_matches_the_oracle(register):
    as_of = AS_OF[1]
    _oracle_rematerialise(register[:60], as_of)
    before = _stored()
    rematerialise(register[:60], as_of)
    for pid in register[:60:7]:
        rematerialise([pid], as_of)
    assert _stored() == before


def test_the_raw_loader_and_the_document_give_the_same_history(register):
    histories = load_histories(register)
    docs = load_registrant_docs(register)
    people = Person.objects.select_related("owning_force").in_bulk(register)
    assert set(histories) == set(register)
    for pid in register:
        jurisdiction = people[pid].owning_force.jurisdiction
        assert histories[pid] == history_from_doc(docs[pid], jurisdiction)
        assert facts_for(docs[pid], jurisdiction) == _oracle_facts(docs[pid], jurisdiction)


def test_an_unchanged_outcome_writes_nothing_and_only_what_was_written_is_told(register, monkeypatch):
    """A re-evaluation that finds the stored outcome unchanged writes nothing (not even the evaluation date) and
    tells the outcomes-written hooks nothing; one whose outcome changed is rewritten and told. The recompute says
    where its time went."""
    from datetime import UTC, datetime

    from tether.register import extensions

    as_of = AS_OF[1]
    recompute(as_of=as_of, batch=64, resume=False)
    marker = datetime(2000, 1, 1, tzinfo=UTC)
    RegisterState.objects.update(evaluated_at=marker)
    obligations = set(PersonObligation.objects.values_list("id", flat=True))
    told: list[uuid.UUID] = []
    changed: list[uuid.UUID] = []

    def hook(ids: list[uuid.UUID], on: object, registration_changed: set[uuid.UUID] | None) -> None:
        told.extend(ids)
        changed.extend(ids if registration_changed is None else registration_changed)  # None: any may have changed

    monkeypatch.setitem(extensions._outcomes_written, "test-told", hook)

    summary = recompute(as_of=as_of, batch=64, resume=False)

    assert summary["people"] == len(register) and not told
    assert set(RegisterState.objects.values_list("evaluated_at", flat=True)) == {marker}
    assert set(PersonObligation.objects.values_list("id", flat=True)) == obligations
    assert {"read", "evaluate", "compare", "write", "hooks"} <= set(summary["phase_seconds"])

    RegisterState.objects.filter(person_id=register[0]).update(subject=False)  # as if stored by other rules
    recompute(as_of=as_of, batch=64, resume=False)
    assert told == [register[0]] and changed == [register[0]]
    assert RegisterState.objects.get(person_id=register[0]).evaluated_at != marker
    assert RegisterState.objects.exclude(person_id=register[0]).filter(evaluated_at=marker).count() == len(register) - 1

    # re-evaluated as facts unchanged since (the sweep's re-evaluation with time): the hooks are told whose
    # registration or status changed; one whose obligation alone changed is rewritten and told, but not as that
    one = PersonObligation.objects.exclude(person_id=register[0]).order_by("id").first()
    assert one is not None
    PersonObligation.objects.filter(pk=one.pk).update(explanation="stored by other rules")
    RegisterState.objects.filter(person_id=register[0]).update(subject=False)
    told.clear()
    changed.clear()
    rematerialise(register, as_of, facts_changed=False)
    assert sorted(told) == sorted([register[0], one.person_id]) and changed == [register[0]]
    assert PersonObligation.objects.get(person_id=one.person_id, kind=one.kind, due=one.due).explanation == (
        one.explanation)  # stored again as the law gives it
