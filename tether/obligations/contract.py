"""The JSON contract: parse facts (with ``as_of``) from a JSON document, turn an Outcome into JSON.

Both shapes are specified with a JSON Schema in ``docs/rules.md``. Parsing is strict: unknown fields,
unknown kinds, missing fields, malformed dates and impossible intervals raise ``FactsError`` naming the
JSON path of the offending value (``disposals[0].kind``, ``review.outcome``, ``as_of``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal, TypeVar

from .engine import evaluate
from .types import (
    DETENTION_KINDS,
    DISPOSAL_KINDS,
    EVENT_KINDS,
    JURISDICTIONS,
    NOTIFICATION_KINDS,
    ORDER_KINDS,
    PRESCRIBED_ITEMS,
    UK_ONLY_DISPOSAL_KINDS,
    Detention,
    Disposal,
    Eligibility,
    Event,
    Facts,
    FactsError,
    Notification,
    Obligation,
    Order,
    Outcome,
    Review,
)

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_REVIEW_OUTCOMES: tuple[Literal["discharged", "refused", "continued"], ...] = ("discharged", "refused", "continued")

_TOP = frozenset(
    {
        "as_of",
        "jurisdiction",
        "date_of_birth",
        "disposals",
        "orders",
        "detentions",
        "notifications",
        "events",
        "review",
        "sorna_clean_record",
        "date_of_death",
    }
)
_DISPOSAL = frozenset(
    {"date", "kind", "months", "tier", "adjudicated_delinquent", "offence", "victim_age", "offender_age"}
)
_ORDER = frozenset({"kind", "start", "end"})
_DETENTION = frozenset({"kind", "start", "end"})
_NOTIFICATION = frozenset({"kind", "date", "no_fixed_abode"})
_EVENT = frozenset({"kind", "start", "end", "address", "advance_notice_for", "country", "short_notice", "item",
                    "notified_on"})
_REVIEW = frozenset({"determined_on", "outcome", "further_date"})

T = TypeVar("T", bound=str)


def _path(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _object(value: object, path: str, allowed: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise FactsError(path or "$", "must be a JSON object")
    for key in value:
        if key not in allowed:
            raise FactsError(_path(path, str(key)), "is not a known field")
    return value


def _date(obj: Mapping[str, Any], key: str, prefix: str, *, required: bool) -> date | None:
    path = _path(prefix, key)
    value = obj.get(key)
    if value is None:
        if required:
            raise FactsError(path, "is required")
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        raise FactsError(path, f"must be a date in YYYY-MM-DD form, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FactsError(path, f"is not a real date: {value!r}") from None


def _required_date(obj: Mapping[str, Any], key: str, prefix: str) -> date:
    d = _date(obj, key, prefix, required=True)
    if d is None:  # pragma: no cover - required=True raises instead
        raise FactsError(_path(prefix, key), "is required")
    return d


def _choice(obj: Mapping[str, Any], key: str, prefix: str, choices: Sequence[T]) -> T:
    path = _path(prefix, key)
    value = obj.get(key)
    if value is None:
        raise FactsError(path, "is required")
    for c in choices:
        if value == c:
            return c
    raise FactsError(path, f"unknown value {value!r}; expected one of: {', '.join(choices)}")


def _bool(obj: Mapping[str, Any], key: str, prefix: str) -> bool:
    value = obj.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise FactsError(_path(prefix, key), f"must be true or false, got {value!r}")
    return value


def _int(obj: Mapping[str, Any], key: str, prefix: str, lo: int, hi: int) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise FactsError(_path(prefix, key), f"must be a whole number from {lo} to {hi}, got {value!r}")
    return value


def _text(obj: Mapping[str, Any], key: str, prefix: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise FactsError(_path(prefix, key), f"must be a string, got {value!r}")
    return value


def _list(obj: Mapping[str, Any], key: str, *, required: bool = False) -> list[Any]:
    if key not in obj or obj[key] is None:
        if required:
            raise FactsError(key, "is required (use [] for none)")
        return []
    value = obj[key]
    if not isinstance(value, list):
        raise FactsError(key, "must be a list")
    return value


def _end_not_before(start: date, end: date | None, prefix: str) -> None:
    if end is not None and end < start:
        raise FactsError(_path(prefix, "end"), f"{end.isoformat()} is before start {start.isoformat()}")


def _span(raw: object, path: str, allowed: frozenset[str], kinds: Sequence[T]) -> tuple[T, date, date | None]:
    """The kind, start and end of an order or a detention; the end may not come before the start."""
    obj = _object(raw, path, allowed)
    kind = _choice(obj, "kind", path, kinds)
    start = _required_date(obj, "start", path)
    end = _date(obj, "end", path, required=False)
    _end_not_before(start, end, path)
    return kind, start, end


def _overlap(s1: date, e1: date | None, s2: date, e2: date | None) -> bool:
    """Two detentions share a day detained (each covers start to the day before end; touching is allowed:
    released and back in custody the same day)."""
    return (e1 is None or s2 < e1) and (e2 is None or s1 < e2) and (e1 is None or e1 > s1) and (e2 is None or e2 > s2)


def _item(
    obj: Mapping[str, Any], kind: str, prefix: str
) -> Literal["passport", "bank_account", "payment_card", "relevant_household"] | None:
    if obj.get("item") is None:
        return None
    if kind != "prescribed_change":
        raise FactsError(_path(prefix, "item"), "is only for prescribed_change events")
    return _choice(obj, "item", prefix, PRESCRIBED_ITEMS)


def _notified_on(obj: Mapping[str, Any], kind: str, prefix: str) -> date | None:
    day = _date(obj, "notified_on", prefix, required=False)
    if day is not None and kind != "departure":
        raise FactsError(_path(prefix, "notified_on"), "is only for departure events")
    return day


def parse_facts(data: Mapping[str, Any]) -> tuple[Facts, date]:
    """Read the JSON input (a decoded object including ``as_of``) into Facts and the as-of date."""
    top = _object(data, "", _TOP)
    as_of = _required_date(top, "as_of", "")
    jurisdiction = _choice(top, "jurisdiction", "", JURISDICTIONS)
    dob = _required_date(top, "date_of_birth", "")

    disposals: list[Disposal] = []
    for i, raw in enumerate(_list(top, "disposals", required=True)):
        p = f"disposals[{i}]"
        obj = _object(raw, p, _DISPOSAL)
        d_date = _required_date(obj, "date", p)
        kind = _choice(obj, "kind", p, DISPOSAL_KINDS)
        months = _int(obj, "months", p, 1, 1200)
        tier = _int(obj, "tier", p, 1, 3)
        if months is None and kind in ("imprisonment", "conditional_discharge"):
            raise FactsError(_path(p, "months"), f"is required for {kind}")
        if tier is None and jurisdiction == "us-sorna":
            raise FactsError(_path(p, "tier"), "is required for us-sorna (1, 2 or 3)")
        disposals.append(
            Disposal(
                date=d_date,
                kind=kind,
                months=months,
                tier=tier,
                adjudicated_delinquent=_bool(obj, "adjudicated_delinquent", p),
                offence=_text(obj, "offence", p),
                victim_age=_int(obj, "victim_age", p, 0, 120),
                offender_age=_int(obj, "offender_age", p, 0, 120),
            )
        )

    orders: list[Order] = []
    for i, raw in enumerate(_list(top, "orders")):
        kind_o, start, end = _span(raw, f"orders[{i}]", _ORDER, ORDER_KINDS)
        orders.append(Order(kind=kind_o, start=start, end=end))

    detentions: list[Detention] = []
    for i, raw in enumerate(_list(top, "detentions")):
        kind_d, start, end = _span(raw, f"detentions[{i}]", _DETENTION, DETENTION_KINDS)
        detentions.append(Detention(kind=kind_d, start=start, end=end))

    notifications: list[Notification] = []
    for i, raw in enumerate(_list(top, "notifications")):
        p = f"notifications[{i}]"
        obj = _object(raw, p, _NOTIFICATION)
        kind_n = _choice(obj, "kind", p, NOTIFICATION_KINDS)
        n_date = _required_date(obj, "date", p)
        notifications.append(Notification(kind=kind_n, date=n_date, no_fixed_abode=_bool(obj, "no_fixed_abode", p)))

    events: list[Event] = []
    for i, raw in enumerate(_list(top, "events")):
        p = f"events[{i}]"
        obj = _object(raw, p, _EVENT)
        kind_e = _choice(obj, "kind", p, EVENT_KINDS)
        start = _required_date(obj, "start", p)
        end = _date(obj, "end", p, required=False)
        _end_not_before(start, end, p)
        events.append(
            Event(
                kind=kind_e,
                start=start,
                end=end,
                address=_text(obj, "address", p),
                advance_notice_for=_date(obj, "advance_notice_for", p, required=False),
                country=_text(obj, "country", p),
                short_notice=_bool(obj, "short_notice", p),
                item=_item(obj, kind_e, p),
                notified_on=_notified_on(obj, kind_e, p),
            )
        )

    review: Review | None = None
    raw_review = top.get("review")
    if raw_review is not None:
        obj = _object(raw_review, "review", _REVIEW)
        review = Review(
            determined_on=_required_date(obj, "determined_on", "review"),
            outcome=_choice(obj, "outcome", "review", _REVIEW_OUTCOMES),
            further_date=_date(obj, "further_date", "review", required=False),
        )

    facts = Facts(
        jurisdiction=jurisdiction,
        date_of_birth=dob,
        disposals=tuple(disposals),
        orders=tuple(orders),
        detentions=tuple(detentions),
        notifications=tuple(notifications),
        events=tuple(events),
        review=review,
        sorna_clean_record=_bool(top, "sorna_clean_record", ""),
        date_of_death=_date(top, "date_of_death", "", required=False),
    )
    problems = contradictions(facts)
    if problems:
        raise problems[0]
    return facts, as_of


def contradictions(facts: Facts) -> list[FactsError]:
    """Facts that cannot all be true together, each a ``FactsError`` naming the field and the rule, in input
    order (docs/rules.md, "Facts that contradict each other"). ``parse_facts`` raises the first; the register
    checks a registrant's would-be facts with it before saving (web, API, import, CLI)."""
    out: list[FactsError] = []
    jurisdiction, dob, death = facts.jurisdiction, facts.date_of_birth, facts.date_of_death
    if death is not None and death < dob:
        out.append(FactsError("date_of_death", f"{death.isoformat()} is before the date of birth {dob.isoformat()}",
                              "death_before_birth", death))
    for i, d in enumerate(facts.disposals):
        p = f"disposals[{i}]"
        if d.tier is not None and jurisdiction != "us-sorna":
            out.append(FactsError(_path(p, "tier"), f"is a US SORNA tier, but the record is {jurisdiction}",
                                  "tier_on_uk", d.date))
        if jurisdiction == "us-sorna" and d.kind in UK_ONLY_DISPOSAL_KINDS:
            out.append(FactsError(_path(p, "kind"), f"{d.kind} is a UK disposal, but the record is us-sorna",
                                  "uk_kind_on_sorna", d.date))
        if d.date < dob:
            out.append(FactsError("date_of_birth", f"is after {p}.date {d.date.isoformat()}", "born_after_disposal",
                                  d.date))
        _after_death(out, death, d.date, _path(p, "date"), "a disposal")
    for i, o in enumerate(facts.orders):
        p = f"orders[{i}]"
        _ends_before_start(out, o.start, o.end, p)
        _after_death(out, death, o.start, _path(p, "start"), "an order")
    for i, x in enumerate(facts.detentions):
        p = f"detentions[{i}]"
        _ends_before_start(out, x.start, x.end, p)
        if x.kind == "custody":
            for j, other in enumerate(facts.detentions[:i]):
                if other.kind == "custody" and _overlap(other.start, other.end, x.start, x.end):
                    out.append(FactsError(_path(p, "start"), f"custody overlaps the custody in detentions[{j}]",
                                          "custody_overlap", x.start))
                    break
        _after_death(out, death, x.start, _path(p, "start"), "a detention")
    causes = [d.date for d in facts.disposals] + [o.start for o in facts.orders]
    first_cause = min(causes, default=None)
    for i, n in enumerate(facts.notifications):
        p = f"notifications[{i}]"
        if first_cause is None or n.date < first_cause:
            out.append(FactsError(
                _path(p, "date"),
                f"{n.date.isoformat()} is before any disposal or order that could require a notification",
                "notification_before_cause", n.date,
            ))
        _after_death(out, death, n.date, _path(p, "date"), "a notification")
    first_disposal = min((d.date for d in facts.disposals), default=None)
    travel = {n.date for n in facts.notifications if n.kind == "travel"}
    for i, e in enumerate(facts.events):
        if e.notified_on is not None and e.notified_on not in travel:
            out.append(FactsError(
                f"events[{i}].notified_on",
                f"{e.notified_on.isoformat()} is not the date of any travel notification: a trip is notified by one",
                "trip_notice_missing", e.notified_on,
            ))
        if e.kind == "release" and first_disposal is not None and e.start < first_disposal:
            out.append(FactsError(
                f"events[{i}].start",
                f"a release on {e.start.isoformat()} is before the first disposal on {first_disposal.isoformat()}: "
                "nothing had yet sentenced or detained them",
                "release_before_sentence", e.start,
            ))
    return out


def _ends_before_start(out: list[FactsError], start: date, end: date | None, prefix: str) -> None:
    if end is not None and end < start:
        out.append(FactsError(_path(prefix, "end"), f"{end.isoformat()} is before start {start.isoformat()}",
                              "ends_before_start", end))


def _after_death(out: list[FactsError], death: date | None, day: date, path: str, what: str) -> None:
    if death is not None and day > death:
        out.append(FactsError(path, f"{day.isoformat()} is after the date of death {death.isoformat()}: "
                                    f"{what} cannot be dated after death", "after_death", day))


def facts_to_dict(facts: Facts, as_of: date) -> dict[str, Any]:
    """The inverse of ``parse_facts``: a JSON-ready input document (optional fields left out when unset)."""

    def drop(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if v is not None and v is not False}

    out: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "jurisdiction": facts.jurisdiction,
        "date_of_birth": facts.date_of_birth.isoformat(),
        "disposals": [
            drop(
                {
                    "date": d.date.isoformat(),
                    "kind": d.kind,
                    "months": d.months,
                    "tier": d.tier,
                    "adjudicated_delinquent": d.adjudicated_delinquent,
                    "offence": d.offence,
                    "victim_age": d.victim_age,
                    "offender_age": d.offender_age,
                }
            )
            for d in facts.disposals
        ],
        "orders": [drop({"kind": o.kind, "start": o.start.isoformat(), "end": _iso(o.end)}) for o in facts.orders],
        "detentions": [
            drop({"kind": x.kind, "start": x.start.isoformat(), "end": _iso(x.end)}) for x in facts.detentions
        ],
        "notifications": [
            drop({"kind": n.kind, "date": n.date.isoformat(), "no_fixed_abode": n.no_fixed_abode})
            for n in facts.notifications
        ],
        "events": [
            drop(
                {
                    "kind": e.kind,
                    "start": e.start.isoformat(),
                    "end": _iso(e.end),
                    "address": e.address,
                    "advance_notice_for": _iso(e.advance_notice_for),
                    "country": e.country,
                    "short_notice": e.short_notice,
                    "item": e.item,
                    "notified_on": _iso(e.notified_on),
                }
            )
            for e in facts.events
        ],
    }
    if facts.review is not None:
        out["review"] = drop(
            {
                "determined_on": facts.review.determined_on.isoformat(),
                "outcome": facts.review.outcome,
                "further_date": _iso(facts.review.further_date),
            }
        )
    if facts.sorna_clean_record:
        out["sorna_clean_record"] = True
    if facts.date_of_death is not None:
        out["date_of_death"] = facts.date_of_death.isoformat()
    return out


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _obligation_to_dict(o: Obligation) -> dict[str, Any]:
    return {
        "kind": o.kind,
        "trigger": o.trigger.isoformat(),
        "due": o.due.isoformat(),
        "status": o.status,
        "met_on": _iso(o.met_on),
        "citation": o.citation,
        "explanation": o.explanation,
    }


def outcome_to_dict(outcome: Outcome) -> dict[str, Any]:
    """The outcome as JSON-ready data (dates as ISO strings)."""
    r = outcome.registration
    return {
        "rules_version": outcome.rules_version,
        "jurisdiction": outcome.jurisdiction,
        "as_of": outcome.as_of.isoformat(),
        "registration": {
            "start": _iso(r.start),
            "end": _iso(r.end),
            "indefinite": r.indefinite,
            "subject": r.subject,
            "review_eligible_from": _iso(r.review_eligible_from),
            "citations": list(r.citations),
        },
        "obligations": [_obligation_to_dict(o) for o in outcome.obligations],
        "next_due": _iso(outcome.next_due),
        "changes_on": _iso(outcome.changes_on),
        "eligibility": [_eligibility_to_dict(e) for e in outcome.eligibility],
    }


def _eligibility_to_dict(e: Eligibility) -> dict[str, Any]:
    return {"disposal": e.disposal, "status": e.status, "paragraph": e.paragraph, "reason": e.reason}


def _error(field: str, message: str) -> tuple[int, str]:
    return 2, json.dumps({"error": {"field": field, "message": message}}, indent=2, ensure_ascii=False)


def run_cli(text: str) -> tuple[int, str]:
    """Evaluate a JSON facts document: ``(0, outcome JSON)`` or ``(2, {"error": {field, message}})``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return _error("$", f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
    try:
        facts, as_of = parse_facts(data)
        outcome = evaluate(facts, as_of)
    except FactsError as exc:
        return _error(exc.field, exc.message)
    return 0, json.dumps(outcome_to_dict(outcome), indent=2, ensure_ascii=False)
