"""The legal record of an existing registrant, through the one write path (``services._changing``): convictions and
other disposals, periods in custody or hospital and releases from them, orders (SHPO, SRO, notification order,
foreign travel prohibition), applications for review of indefinite notification with their decision and appeal, and
removal from the register.

Each write validates (every problem named by field and rule), refuses a change that changes nothing (400, nothing
written), writes, re-evaluates the law and records one audit event in the same transaction. The audit event's
``detail`` holds kinds, dates and ids; wording (offences, courts, reasons, notes, stations) only in ``personal``.
The rules themselves are in ``legal_documents`` (shared with the import).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tether.core import clock
from tether.core.errors import ValidationFailed
from tether.core.fields import Fields
from tether.obligations.calendar import age_on

from . import extensions
from .constants import MONTHS_REQUIRED, DetentionKind, DisposalKind, OrderKind
from .documents import UNCHANGED, DisposalDoc, SpanDoc, too_young
from .facts import facts_from
from .legal_documents import (
    OrderExtras,
    RemovalDoc,
    ReviewDoc,
    check_review,
    check_reviews,
    decision_due_default,
    detention_extras,
    disposal_court,
    order_extras,
    parse_removal,
    removal_problems,
)
from .models import Detention, Disposal, Order, Person, Removal, Review
from .selectors import load_histories, review_doc
from .services import _changing

AFTER_DEATH = "is after the date of death (the rule: nothing is dated after a person's death)"


def _one(data: Any, build: Callable[[Fields, Mapping[str, Any]], Any]) -> Any:
    c = Fields()
    if not isinstance(data, Mapping):
        raise ValidationFailed({"": "must be a JSON object"})
    out = build(c, data)
    c.raise_if_any()
    return out


def _not_after_death(person: Person, errors: dict[str, list[str]], **days: date | None) -> None:
    died = person.date_of_death
    for key, day in days.items():
        if died is not None and day is not None and day > died:
            errors.setdefault(key, []).append(AFTER_DEATH)


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(errors)


# --- disposals ---------------------------------------------------------------------------------------------------


def parse_disposal(data: Any, *, today: date | None = None) -> DisposalDoc:
    """One conviction, caution or finding: date, offence (wording and code), court, disposal and its months."""
    day = today or clock.today()

    def build(c: Fields, item: Mapping[str, Any]) -> DisposalDoc:
        d = DisposalDoc(
            date=c.day(item, "date", "date", today=day) or day,
            offence=c.text(item, "offence", "offence", max_len=200),
            offence_code=c.text(item, "offence_code", "offence_code", required=False, max_len=20),
            kind=c.choice(item, "kind", "kind", DisposalKind),
            months=c.whole(item, "months", "months", 0, 1200),
            tier=None,
            court=disposal_court(c, item, ""),
        )
        if d.kind in MONTHS_REQUIRED and d.months is None:
            c.fail("months", f"is required for {d.kind.replace('_', ' ')}")
        return d

    out: DisposalDoc = _one(data, build)
    return out


def disposal_record(actor: Any, person_id: uuid.UUID | str, data: Any, *,
                    expected_version: int | None = None) -> Disposal:
    """A qualifying conviction, caution or finding. Its Schedule 3 check is a flag for review, never a refusal
    (``display.schedule3_checks``)."""
    doc = parse_disposal(data)
    with _changing(actor, person_id, expected_version, "disposal.record") as change:
        person = change.person
        errors: dict[str, list[str]] = {}
        if doc.date < person.date_of_birth:
            errors["date"] = ["must not be before the date of birth"]
        elif problem := too_young(person.date_of_birth, doc.date, person.owning_force.jurisdiction):
            errors["date"] = [problem]
        _not_after_death(person, errors, date=doc.date)
        _raise(errors)
        if person.disposals.filter(date=doc.date, offence=doc.offence, offence_code=doc.offence_code, kind=doc.kind,
                                   months=doc.months, court=doc.court).exists():
            raise ValidationFailed({"offence": f"{UNCHANGED} (this disposal is already recorded)"})
        disposal = Disposal.objects.create(
            person=person, date=doc.date, offence=doc.offence, offence_code=doc.offence_code, kind=doc.kind,
            months=doc.months, court=doc.court, age_at_date=age_on(person.date_of_birth, doc.date),
            created_at=clock.now(),
        )
        change.field = "date"
        change.detail = {"disposal_id": disposal.pk, "kind": doc.kind, "date": doc.date, "months": doc.months}
        change.personal = {"after": {"offence": doc.offence, "offence_code": doc.offence_code, "court": doc.court}}
    return disposal


# --- periods in custody or in hospital (time outside the UK is a trip: register.travel) ----------------------------


def parse_detention(data: Any, *, today: date | None = None) -> SpanDoc:
    """A period in custody (remand, sentence, recall) or in hospital; ``end``: the release. Time outside the UK is
    recorded as a trip (``services_travel``), the one record of it."""
    day = today or clock.today()

    def build(c: Fields, item: Mapping[str, Any]) -> SpanDoc:
        s = SpanDoc(kind=c.choice(item, "kind", "kind", DetentionKind),
                    start=c.day(item, "start", "start", today=day) or day,
                    end=c.day(item, "end", "end", required=False, today=day))
        c.span(s.start, s.end, "")
        if s.kind == DetentionKind.ABROAD:
            c.fail("kind", "must be custody or hospital: record time outside the UK as a trip")
        s.basis, s.licence_end = detention_extras(c, item, "", s.kind, s.end, day)
        if s.kind in ("custody", "hospital") and not s.basis and "basis" not in c.errors:
            c.fail("basis", f"is required for a period in {s.kind}: say why they are held")
        return s

    out: SpanDoc = _one(data, build)
    return out


def detention_record(actor: Any, person_id: uuid.UUID | str, data: Any, *,
                     expected_version: int | None = None) -> Detention:
    doc = parse_detention(data)
    with _changing(actor, person_id, expected_version, "detention.record") as change:
        person = change.person
        errors: dict[str, list[str]] = {}
        if doc.start < person.date_of_birth:
            errors["start"] = ["must not be before the date of birth"]
        _not_after_death(person, errors, start=doc.start, end=doc.end)
        _raise(errors)
        if person.detentions.filter(kind=doc.kind, start=doc.start, end=doc.end, basis=doc.basis,
                                    licence_end=doc.licence_end).exists():
            raise ValidationFailed({"start": f"{UNCHANGED} (this period is already recorded)"})
        row = Detention.objects.create(person=person, kind=doc.kind, start=doc.start, end=doc.end, basis=doc.basis,
                                       licence_end=doc.licence_end)
        change.field = "start"  # an overlap or a release before sentence is this period's doing
        change.detail = {"detention_id": row.pk, "kind": doc.kind, "basis": doc.basis, "start": doc.start,
                         "end": doc.end, "licence_end": doc.licence_end}
    return row


def parse_release(data: Any, *, today: date | None = None) -> tuple[date | None, date | None]:
    """The release (the end of a period) and, after custody, the end of the licence."""
    day = today or clock.today()

    def build(c: Fields, item: Mapping[str, Any]) -> tuple[date | None, date | None]:
        end = c.day(item, "end", "end", required=False, today=day)
        licence_end = c.day(item, "licence_end", "licence_end", required=False)
        if end is None and licence_end is None and "end" not in c.errors and "licence_end" not in c.errors:
            c.fail("end", "is required: the day they were released (or came back to the UK)")
        return end, licence_end

    out: tuple[date | None, date | None] = _one(data, build)
    return out


def detention_release(actor: Any, person_id: uuid.UUID | str, detention_id: int | str, data: Any, *,
                      expected_version: int | None = None) -> Detention:
    """A release is recorded by ending the period (once: nothing is overwritten); the end of the licence may be
    recorded with it or later."""
    end, licence_end = parse_release(data)
    with _changing(actor, person_id, expected_version, "detention.release") as change:
        person = change.person
        row = _row(person.detentions, detention_id, "detention")
        errors: dict[str, list[str]] = {}
        if end is not None and row.end is not None and end != row.end:
            errors["end"] = [f"the period already ended on {row.end.isoformat()} (the rule: nothing is overwritten)"]
        if licence_end is not None and row.licence_end is not None and licence_end != row.licence_end:
            errors["licence_end"] = [f"is already recorded as {row.licence_end.isoformat()} (the rule: nothing is "
                                     "overwritten)"]
        _raise(errors)
        new_end = end or row.end
        new_licence = licence_end or row.licence_end
        if new_end == row.end and new_licence == row.licence_end:
            raise ValidationFailed({"end": f"{UNCHANGED} (the period already ends so)"})
        c = Fields()
        c.span(row.start, new_end, "")
        detention_extras(c, {"basis": row.basis, "licence_end": new_licence.isoformat() if new_licence else None},
                         "", row.kind, new_end, clock.today())
        c.raise_if_any()
        _not_after_death(person, errors, end=new_end)
        _raise(errors)
        row.end, row.licence_end = new_end, new_licence
        row.save(update_fields=["end", "licence_end"])
        change.field = "end"
        change.detail = {"detention_id": row.pk, "kind": row.kind, "end": row.end, "licence_end": row.licence_end}
    released: Detention = row
    return released


def _row(qs: Any, row_id: int | str, what: str) -> Any:
    try:
        return qs.select_for_update().get(pk=int(row_id))
    except (ValueError, TypeError, qs.model.DoesNotExist):
        raise ValidationFailed({f"{what}_id": f"is not a {what.replace('_', ' ')} of this registrant"}) from None


# --- orders ------------------------------------------------------------------------------------------------------


@dataclass
class OrderDoc:
    kind: str
    start: date
    end: date | None
    extras: OrderExtras


def parse_order(data: Any, *, today: date | None = None) -> OrderDoc:
    """An SHPO, an SRO, a notification order (``end``: the last day of the period it states) or a foreign travel
    prohibition (countries, a fixed period of not more than 5 years, passports surrendered)."""
    day = today or clock.today()

    def build(c: Fields, item: Mapping[str, Any]) -> OrderDoc:
        kind = c.choice(item, "kind", "kind", OrderKind)
        start = c.day(item, "start", "start", today=day)
        end = c.day(item, "end", "end", required=False)
        c.span(start, end, "")
        extras = order_extras(c, item, "", kind, start, end, day)
        return OrderDoc(kind, start or day, end, extras)

    out: OrderDoc = _one(data, build)
    return out


def order_record(actor: Any, person_id: uuid.UUID | str, data: Any, *, expected_version: int | None = None) -> Order:
    doc = parse_order(data)
    with _changing(actor, person_id, expected_version, "order.record") as change:
        person = change.person
        errors: dict[str, list[str]] = {}
        if doc.start < person.date_of_birth:
            errors["start"] = ["must not be before the date of birth"]
        _not_after_death(person, errors, start=doc.start)
        _raise(errors)
        x = doc.extras
        if person.orders.filter(kind=doc.kind, start=doc.start, end=doc.end, court=x.court, countries=x.countries,
                                passports_surrendered_on=x.passports_surrendered_on,
                                surrender_station=x.surrender_station).exists():
            raise ValidationFailed({"start": f"{UNCHANGED} (this order is already recorded)"})
        row = Order.objects.create(person=person, kind=doc.kind, start=doc.start, end=doc.end, court=x.court,
                                   countries=x.countries, passports_surrendered_on=x.passports_surrendered_on,
                                   surrender_station=x.surrender_station)
        change.field = "start"
        change.detail = {"order_id": row.pk, "kind": doc.kind, "start": doc.start, "end": doc.end,
                         "passports_surrendered_on": x.passports_surrendered_on}
        change.personal = {"after": {"court": x.court, "countries": x.countries,
                                     "surrender_station": x.surrender_station}}
    return row


def parse_order_update(data: Any, *, today: date | None = None) -> dict[str, Any]:
    """The end of an order in force (discharged, or its last day once known) and, for a foreign travel prohibition,
    the passports surrendered: each recorded once."""
    day = today or clock.today()

    def build(c: Fields, item: Mapping[str, Any]) -> dict[str, Any]:
        out = {"end": c.day(item, "end", "end", required=False),
               "passports_surrendered_on": c.day(item, "passports_surrendered_on", "passports_surrendered_on",
                                                 required=False, today=day),
               "surrender_station": c.text(item, "surrender_station", "surrender_station", required=False)}
        if not any(out.values()) and not c.errors:
            c.fail("end", "is required, or the date the passports were surrendered")
        return {k: v for k, v in out.items() if v}

    result: dict[str, Any] = _one(data, build)
    return result


def order_update(actor: Any, person_id: uuid.UUID | str, order_id: int | str, data: Any, *,
                 expected_version: int | None = None) -> Order:
    """End an order until further order, or record the passports surrendered under a travel prohibition. What is
    recorded is never overwritten."""
    values = parse_order_update(data)
    with _changing(actor, person_id, expected_version, "order.update") as change:
        person = change.person
        row = _row(person.orders, order_id, "order")
        for key, value in values.items():
            old = getattr(row, key)
            if old and old != value:
                raise ValidationFailed({key: f"is already recorded as {_shown(old)} (the rule: nothing is "
                                             "overwritten)"})
        if all(getattr(row, k) == v for k, v in values.items()):
            raise ValidationFailed({next(iter(values)): f"{UNCHANGED} (this is already recorded)"})
        merged = {"kind": row.kind, "start": row.start.isoformat(), "court": row.court, "countries": row.countries,
                  **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in {
                      "end": row.end, "passports_surrendered_on": row.passports_surrendered_on,
                      "surrender_station": row.surrender_station, **values}.items() if v}}
        doc = parse_order(merged)  # the order's rules on the order as it would stand
        errors: dict[str, list[str]] = {}
        _not_after_death(person, errors, passports_surrendered_on=doc.extras.passports_surrendered_on)
        _raise(errors)
        row.end = doc.end
        row.passports_surrendered_on = doc.extras.passports_surrendered_on
        row.surrender_station = doc.extras.surrender_station
        row.save(update_fields=["end", "passports_surrendered_on", "surrender_station"])
        change.field = "end"
        change.detail = {"order_id": row.pk, "kind": row.kind, "end": row.end,
                         "passports_surrendered_on": row.passports_surrendered_on}
        if "surrender_station" in values:
            change.personal = {"after": {"surrender_station": row.surrender_station}}
    updated: Order = row
    return updated


# --- review of indefinite notification (ss.91A-91F) --------------------------------------------------------------


def _review_data(r: ReviewDoc) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in vars(r).items()}


def _check_reviews(person: Person, reviews: list[ReviewDoc], index: int) -> None:
    """The would-be reviews of the person, the one at ``index`` changed: its steps in order, and one application at
    a time. Errors name the changed review's own fields."""
    c = Fields()
    check_review(c, reviews[index], "")
    check_reviews(c, reviews)
    errors = {k.split(".", 1)[1] if k.startswith("reviews[") else k: v for k, v in c.errors.items()}
    r = reviews[index]
    if person.date_of_death is not None:
        _not_after_death(person, errors, applied_on=r.applied_on, decided_on=r.decided_on,
                         appeal_decided_on=r.appeal_decided_on)
    first = person.disposals.order_by("date").first()
    if first is not None and r.applied_on < first.date:
        errors.setdefault("applied_on", []).append("must not be before the first conviction, caution or finding")
    _raise(errors)


def parse_review_application(data: Any, *, today: date | None = None) -> tuple[date | None, date | None]:
    day = today or clock.today()
    return _one(data, lambda c, item: (c.day(item, "applied_on", "applied_on", today=day),  # type: ignore[no-any-return]
                                       c.day(item, "decision_due", "decision_due", required=False)))


def review_apply(actor: Any, person_id: uuid.UUID | str, data: Any, *,
                 expected_version: int | None = None) -> Review:
    """An application for review received (in writing, from the registrant). ``decision_due``: by when the police
    must decide (default: 6 weeks; 12 in Northern Ireland)."""
    applied_on, due = parse_review_application(data)
    assert applied_on is not None
    with _changing(actor, person_id, expected_version, "review.apply") as change:
        person = change.person
        if person.reviews.filter(applied_on=applied_on).exists():
            raise ValidationFailed({"applied_on": f"{UNCHANGED} (an application received that day is recorded)"})
        new = ReviewDoc(applied_on, due or decision_due_default(applied_on, person.owning_force.jurisdiction))
        reviews = [review_doc(r) for r in person.reviews.all()] + [new]
        reviews.sort(key=lambda r: r.applied_on)
        _check_reviews(person, reviews, reviews.index(new))
        row = Review.objects.create(person=person, applied_on=new.applied_on, decision_due=new.decision_due,
                                    created_at=clock.now())
        change.detail = {"review_id": row.pk, "applied_on": row.applied_on, "decision_due": row.decision_due}
        extensions.review_changed(row, "applied", actor)  # casework: the owning force's task to decide
    return row


def parse_review_decision(data: Any, *, today: date | None = None) -> dict[str, Any]:
    day = today or clock.today()

    def build(c: Fields, item: Mapping[str, Any]) -> dict[str, Any]:
        from .constants import ReviewDecision

        return {"decision": c.choice(item, "decision", "decision", ReviewDecision),
                "decided_on": c.day(item, "decided_on", "decided_on", today=day),
                "reasons": c.text(item, "reasons", "reasons", max_len=4000, multiline=True),
                "further_date": c.day(item, "further_date", "further_date", required=False)}

    out: dict[str, Any] = _one(data, build)
    return out


def parse_review_appeal(data: Any, *, today: date | None = None) -> dict[str, Any]:
    day = today or clock.today()

    def build(c: Fields, item: Mapping[str, Any]) -> dict[str, Any]:
        from .constants import AppealOutcome

        out = {"appeal_lodged_on": c.day(item, "appeal_lodged_on", "appeal_lodged_on", today=day),
               "appeal_outcome": "", "appeal_decided_on": None}
        if item.get("appeal_outcome"):
            out["appeal_outcome"] = c.choice(item, "appeal_outcome", "appeal_outcome", AppealOutcome)
        out["appeal_decided_on"] = c.day(item, "appeal_decided_on", "appeal_decided_on", required=False, today=day)
        return out

    result: dict[str, Any] = _one(data, build)
    return result


def _review_step(actor: Any, person_id: uuid.UUID | str, review_id: int | str, values: dict[str, Any], action: str,
                 expected_version: int | None) -> Review:
    with _changing(actor, person_id, expected_version, action) as change:
        person = change.person
        row = _row(person.reviews, review_id, "review")
        rows = list(person.reviews.all())
        reviews = [review_doc(r) for r in rows]
        index = [r.pk for r in rows].index(row.pk)
        current = reviews[index]
        for key, value in values.items():
            old = getattr(current, key)
            if old and value != old:
                raise ValidationFailed({key: f"is already recorded as {_shown(old)} (the rule: nothing is "
                                             "overwritten)"})
        if all(getattr(current, k) == v for k, v in values.items()):
            raise ValidationFailed({next(iter(values)): f"{UNCHANGED} (this step is already recorded)"})
        for key, value in values.items():
            setattr(current, key, value)
        _check_reviews(person, reviews, index)
        for key, value in values.items():
            setattr(row, key, value)
        row.save(update_fields=list(values))
        change.field = "decided_on" if "decided_on" in values else "appeal_decided_on"
        change.detail = {"review_id": row.pk, **{k: v for k, v in values.items() if k != "reasons"}}
        if "reasons" in values:
            change.personal = {"after": {"reasons": values["reasons"]}}
        if "decided_on" in values:
            extensions.review_changed(row, "decided", actor)  # casework: the task to decide is done
    review: Review = row
    return review


def _shown(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def review_decide(actor: Any, person_id: uuid.UUID | str, review_id: int | str, data: Any, *,
                  expected_version: int | None = None) -> Review:
    """The chief officer's decision with its reasons (s.91C): discharged (the requirements end that day), refused
    or continued (with a further qualifying date, else 8 years on)."""
    values = parse_review_decision(data)
    return _review_step(actor, person_id, review_id, values, "review.decide", expected_version)


def review_appeal(actor: Any, person_id: uuid.UUID | str, review_id: int | str, data: Any, *,
                  expected_version: int | None = None) -> Review:
    """An appeal to a magistrates' court against a refusal (s.91E): lodged, then allowed or dismissed."""
    values = parse_review_appeal(data)
    return _review_step(actor, person_id, review_id, values, "review.appeal", expected_version)


# --- removal from the register -----------------------------------------------------------------------------------


def parse_removal_data(data: Any, *, today: date | None = None) -> RemovalDoc:
    day = today or clock.today()
    out: RemovalDoc = _one(data, lambda c, item: parse_removal(c, item, "", day))
    return out


def removal_record(actor: Any, person_id: uuid.UUID | str, data: Any, *,
                   expected_version: int | None = None) -> Removal:
    """Removal from the register, which must follow from the record: on that day the law finds them no longer
    subject, because the period ended, or a review or an appeal discharged them that day."""
    doc = parse_removal_data(data)
    with _changing(actor, person_id, expected_version, "removal.record") as change:
        person = change.person
        if person.removals.filter(removed_on=doc.removed_on).exists():
            raise ValidationFailed({"removed_on": f"{UNCHANGED} (a removal on that day is recorded)"})
        history = load_histories([person.pk])[person.pk]
        problems = removal_problems([doc], facts_from(history), [review_doc(r) for r in person.reviews.all()])
        _raise({k.split(".", 1)[1]: v for k, v in problems.items()})
        row = Removal.objects.create(person=person, reason=doc.reason, removed_on=doc.removed_on, note=doc.note,
                                     created_at=clock.now())
        change.detail = {"removal_id": row.pk, "reason": doc.reason, "removed_on": doc.removed_on}
        change.personal = {"after": {"note": doc.note}}
    return row
