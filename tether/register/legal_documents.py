"""The legal record in the registrant document: the court of a disposal, the basis and licence end of a period in
custody or hospital, the details of an order (a foreign travel prohibition's countries and passport surrender),
applications for review of indefinite notification (SOA 2003 ss.91A-91F) and removals from the register.

One set of rules for every edge: the import (``documents.parse_registrant``), the API and the pages (through the
services in ``register.legal``). Each check names the field and the rule it breaks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tether.core.dates import long_date
from tether.core.fields import Fields
from tether.obligations import evaluate
from tether.obligations import types as t
from tether.obligations.calendar import period_end

from .constants import (
    DETENTION_BASES,
    OLDER_ORDER_NAMES,
    ORDERS_RENAMED_ON,
    AppealOutcome,
    OrderKind,
    RemovalReason,
    ReviewDecision,
)

# ASSUMPTION: the police decide an application for review within 6 weeks of receiving it in England and Wales
# (often stated; not found in the sources read, domain.md §2.2 [U]) and 12 weeks in Northern Ireland (Sch 3A). It is
# only the default: the officer records the deadline that applies.
DECISION_WEEKS = {"northern-ireland": 12}
DEFAULT_DECISION_WEEKS = 6
FTP_MAX_YEARS = 5  # a foreign travel prohibition is for a fixed period of not more than 5 years (s.103D) [C]
ALL_COUNTRIES = "all"
REASONS_MAX = 4000
NOTE_MAX = 2000
REMOVAL_RULE = ("(the rule: a registrant leaves the register when the notification period ends, or when they are "
                "discharged on review or on appeal)")


@dataclass
class ReviewDoc:
    applied_on: date
    decision_due: date
    decision: str = ""
    decided_on: date | None = None
    reasons: str = ""
    further_date: date | None = None
    appeal_lodged_on: date | None = None
    appeal_outcome: str = ""
    appeal_decided_on: date | None = None


@dataclass
class RemovalDoc:
    reason: str
    removed_on: date
    note: str = ""


def decision_due_default(applied_on: date, jurisdiction: str) -> date:
    return applied_on + timedelta(weeks=DECISION_WEEKS.get(jurisdiction, DEFAULT_DECISION_WEEKS))


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# --- disposals, detentions and orders: the parts beyond kind, start and end --------------------------------------


def disposal_court(c: Fields, item: Mapping[str, Any], path: str) -> str:
    return c.text(item, "court", _at(path, "court"), required=False, max_len=120)


def detention_extras(c: Fields, item: Mapping[str, Any], path: str, kind: str, end: date | None,
                     today: date) -> tuple[str, date | None]:
    """A period's basis (remand, sentence, recall; a hospital order or a transfer from prison) and the end of the
    licence after a release from custody."""
    basis = item.get("basis") or ""
    allowed = DETENTION_BASES.get(kind, ())
    if basis and basis not in allowed:
        if allowed:
            c.fail(_at(path, "basis"), f"must be one of: {', '.join(allowed)} (for a {kind} period)")
        else:
            c.fail(_at(path, "basis"), "is not recorded for a period outside the UK")
        basis = ""
    licence_end = c.day(item, "licence_end", _at(path, "licence_end"), required=False)
    if licence_end is not None:
        if kind != "custody":
            c.fail(_at(path, "licence_end"), "is recorded only for a release from custody")
        elif end is None:
            c.fail(_at(path, "licence_end"), "needs the release date first (the rule: a licence follows a release)")
        elif licence_end < end:
            c.fail(_at(path, "licence_end"), "must not be before the release (the rule: a licence follows a release)")
    return str(basis), licence_end


@dataclass
class OrderExtras:
    court: str = ""
    countries: str = ""
    passports_surrendered_on: date | None = None
    surrender_station: str = ""


def ftp_last_day(start: date) -> date:
    return period_end(start, years=FTP_MAX_YEARS)


def order_extras(c: Fields, item: Mapping[str, Any], path: str, kind: str, start: date | None, end: date | None,
                 today: date) -> OrderExtras:
    """The court, and for a foreign travel prohibition the countries it covers ("all" or those named), its fixed
    period (not more than 5 years) and the passports surrendered (on which day, at which station)."""
    x = OrderExtras(
        court=c.text(item, "court", _at(path, "court"), required=False, max_len=120),
        countries=c.text(item, "countries", _at(path, "countries"), required=False, max_len=200),
        passports_surrendered_on=c.day(item, "passports_surrendered_on", _at(path, "passports_surrendered_on"),
                                       required=False, today=today),
        surrender_station=c.text(item, "surrender_station", _at(path, "surrender_station"), required=False),
    )
    if kind != OrderKind.FTP:
        for key in ("countries", "passports_surrendered_on", "surrender_station"):
            if getattr(x, key):
                c.fail(_at(path, key), "is recorded only for a foreign travel prohibition")
        return x
    if not x.countries:
        c.fail(_at(path, "countries"), f"is required for a foreign travel prohibition: {ALL_COUNTRIES!r} or the "
                                       "countries it names")
    if start is not None:
        if end is None:
            c.fail(_at(path, "end"), "is required (the rule: a foreign travel prohibition is for a fixed period of "
                                     "not more than 5 years; a renewal is a new prohibition)")
        elif end > ftp_last_day(start):
            c.fail(_at(path, "end"), f"must be no later than {long_date(ftp_last_day(start))} (the rule: a foreign "
                                     "travel prohibition is for not more than 5 years)")
        if x.passports_surrendered_on is not None and x.passports_surrendered_on < start:
            c.fail(_at(path, "passports_surrendered_on"), "must not be before the prohibition starts")
    if x.passports_surrendered_on is not None and not x.surrender_station:
        c.fail(_at(path, "surrender_station"), "is required with the date the passports were surrendered")
    if x.surrender_station and x.passports_surrendered_on is None:
        c.fail(_at(path, "passports_surrendered_on"), "is required with the station the passports were "
                                                      "surrendered at")
    return x


# Scotland: the SHPO and SRO of the 2016 Act replaced the SOPO and the RSHO on 31 March 2023; Northern Ireland keeps the
# SOPO and the RSHO (domain.md §10, §12)
_RENAMED_ON = {"england-wales": ORDERS_RENAMED_ON, "scotland": date(2023, 3, 31), "northern-ireland": date.max}


def order_name(kind: str, start: date, jurisdiction: str) -> str:
    """An order's name on the day it was made: before the SHPO and SRO began, their older names."""
    renamed = _RENAMED_ON.get(jurisdiction)
    if renamed is not None and start < renamed and kind in OLDER_ORDER_NAMES:
        return OLDER_ORDER_NAMES[kind]
    return str(OrderKind(kind).label) if kind in OrderKind.values else kind


def all_countries(countries: str) -> bool:
    return countries.strip().lower() in (ALL_COUNTRIES, "all countries")


# --- reviews of indefinite notification --------------------------------------------------------------------------


def parse_review(c: Fields, item: Mapping[str, Any], path: str, today: date, jurisdiction: str) -> ReviewDoc | None:
    applied = c.day(item, "applied_on", _at(path, "applied_on"), today=today)
    due = c.day(item, "decision_due", _at(path, "decision_due"), required=False)
    decision = item.get("decision") or ""
    if decision and decision not in ReviewDecision.values:
        c.fail(_at(path, "decision"), f"must be one of: {', '.join(ReviewDecision.values)}")
        decision = ""
    outcome = item.get("appeal_outcome") or ""
    if outcome and outcome not in AppealOutcome.values:
        c.fail(_at(path, "appeal_outcome"), f"must be one of: {', '.join(AppealOutcome.values)}")
        outcome = ""
    r = ReviewDoc(
        applied_on=applied or today,
        decision_due=due or decision_due_default(applied or today, jurisdiction),
        decision=str(decision),
        decided_on=c.day(item, "decided_on", _at(path, "decided_on"), required=False, today=today),
        reasons=c.text(item, "reasons", _at(path, "reasons"), required=False, max_len=REASONS_MAX, multiline=True),
        further_date=c.day(item, "further_date", _at(path, "further_date"), required=False),
        appeal_lodged_on=c.day(item, "appeal_lodged_on", _at(path, "appeal_lodged_on"), required=False, today=today),
        appeal_outcome=str(outcome),
        appeal_decided_on=c.day(item, "appeal_decided_on", _at(path, "appeal_decided_on"), required=False,
                                today=today),
    )
    if applied is None:
        return None
    check_review(c, r, path)
    return r


def check_review(c: Fields, r: ReviewDoc, path: str) -> None:
    """The steps of one application in order: received, decided (with reasons), appealed, appeal decided."""
    if r.decision_due < r.applied_on:
        c.fail(_at(path, "decision_due"), "must not be before the application was received")
    if not r.decision:
        for key in ("decided_on", "reasons", "further_date", "appeal_lodged_on", "appeal_outcome",
                    "appeal_decided_on"):
            if getattr(r, key):
                c.fail(_at(path, key), "is recorded only with the decision (the rule: the police decide first)")
        return
    if r.decided_on is None:
        c.fail(_at(path, "decided_on"), "is required with the decision")
    elif r.decided_on < r.applied_on:
        c.fail(_at(path, "decided_on"), "must not be before the application was received")
    if not r.reasons:
        c.fail(_at(path, "reasons"), "are required with the decision (the rule: the notice of the decision gives "
                                     "its reasons, s.91C)")
    continued = r.decision != ReviewDecision.DISCHARGED
    if r.further_date is not None:
        if not continued:
            c.fail(_at(path, "further_date"), "is set only when the requirements continue (refused or continued)")
        elif r.decided_on is not None and r.further_date <= r.decided_on:
            c.fail(_at(path, "further_date"), "must be after the decision")
    if r.appeal_lodged_on is not None:
        if not continued:
            c.fail(_at(path, "appeal_lodged_on"), "is recorded only against a refusal (the rule: the registrant "
                                                  "appeals a decision that the requirements continue, s.91E)")
        elif r.decided_on is not None and r.appeal_lodged_on < r.decided_on:
            c.fail(_at(path, "appeal_lodged_on"), "must not be before the decision")
    if r.appeal_outcome and r.appeal_lodged_on is None:
        c.fail(_at(path, "appeal_outcome"), "needs the date the appeal was lodged")
    if r.appeal_outcome and r.appeal_decided_on is None:
        c.fail(_at(path, "appeal_decided_on"), "is required with the outcome of the appeal")
    if r.appeal_decided_on is not None:
        if not r.appeal_outcome:
            c.fail(_at(path, "appeal_outcome"), "is required with the date the appeal was decided")
        elif r.appeal_lodged_on is not None and r.appeal_decided_on < r.appeal_lodged_on:
            c.fail(_at(path, "appeal_decided_on"), "must not be before the appeal was lodged")


def check_reviews(c: Fields, reviews: Sequence[ReviewDoc], key: str = "reviews") -> None:
    """Applications one after another: a new one only once the last was decided (and any appeal settled)."""
    for i in range(1, len(reviews)):
        prev, cur = reviews[i - 1], reviews[i]
        settled = prev.appeal_decided_on or (None if prev.appeal_lodged_on else prev.decided_on)
        if settled is None:
            c.fail(f"{key}[{i}].applied_on", "must wait until the earlier application is decided (the rule: one "
                                             "application at a time)")
        elif cur.applied_on < settled:
            c.fail(f"{key}[{i}].applied_on", f"must not be before the earlier application was settled "
                                             f"({long_date(settled)})")


def determination(reviews: Sequence[ReviewDoc]) -> tuple[date, str, date | None] | None:
    """The latest determination, as the rules engine reads it (``Facts.review``): an appeal allowed discharges the
    registrant on the day it was decided; otherwise the police decision stands."""
    found: list[tuple[date, str, date | None]] = []
    for r in reviews:
        if r.appeal_outcome == AppealOutcome.ALLOWED and r.appeal_decided_on is not None:
            found.append((r.appeal_decided_on, ReviewDecision.DISCHARGED.value, None))
        elif r.decision and r.decided_on is not None:
            found.append((r.decided_on, r.decision, r.further_date))
    return max(found, key=lambda f: f[0]) if found else None


def review_fact(found: tuple[date, str, date | None] | None) -> t.Review | None:
    if found is None:
        return None
    return t.Review(determined_on=found[0], outcome=found[1], further_date=found[2])  # type: ignore[arg-type]


# --- removals ----------------------------------------------------------------------------------------------------


def parse_removal(c: Fields, item: Mapping[str, Any], path: str, today: date) -> RemovalDoc | None:
    reason = c.choice(item, "reason", _at(path, "reason"), RemovalReason)
    removed_on = c.day(item, "removed_on", _at(path, "removed_on"), today=today)
    note = c.text(item, "note", _at(path, "note"), required=False, max_len=NOTE_MAX, multiline=True)
    if removed_on is None or not reason:
        return None
    return RemovalDoc(reason=reason, removed_on=removed_on, note=note)


def removal_problems(removals: Sequence[RemovalDoc], facts: t.Facts, reviews: Sequence[ReviewDoc],
                     key: str = "removals") -> dict[str, list[str]]:
    """Each removal must follow from the record: on its day the rules engine finds them no longer subject, for the
    reason given (the period ran out, or a review or an appeal discharged them that day)."""
    c = Fields()
    seen: set[date] = set()
    for i, r in enumerate(removals):
        path = f"{key}[{i}]"
        if r.removed_on in seen:
            c.fail(f"{path}.removed_on", "repeats another removal on the same day")
            continue
        seen.add(r.removed_on)
        reg = evaluate(facts, r.removed_on).registration
        discharged = any(d.decision == ReviewDecision.DISCHARGED and d.decided_on == r.removed_on for d in reviews)
        allowed = any(d.appeal_outcome == AppealOutcome.ALLOWED and d.appeal_decided_on == r.removed_on
                      for d in reviews)
        if reg.subject:
            ends = f"the registration ends on {long_date(reg.end)}" if reg.end else "the registration is indefinite"
            c.fail(f"{path}.removed_on", f"is a day they are still subject to notification ({ends}) {REMOVAL_RULE}")
        elif r.reason == RemovalReason.REVIEW and not discharged:
            c.fail(f"{path}.reason", "needs a review that discharged them on that day: record the decision first "
                                     f"{REMOVAL_RULE}")
        elif r.reason == RemovalReason.APPEAL and not allowed:
            c.fail(f"{path}.reason", "needs an appeal allowed on that day: record the appeal's outcome first "
                                     f"{REMOVAL_RULE}")
        elif r.reason == RemovalReason.PERIOD_ENDED:
            if discharged or allowed:
                c.fail(f"{path}.reason", "they were discharged that day: the reason is the review or the appeal")
            elif reg.end is None or reg.end + timedelta(days=1) != r.removed_on:
                last = f" (the day after {long_date(reg.end)}, the last day subject)" if reg.end else ""
                c.fail(f"{path}.removed_on", f"must be the day the notification period ended{last} {REMOVAL_RULE}")
    return c.errors


# --- the JSON Lines form (docs/import-format.md): keys in a fixed order, left out when empty ---------------------


def _d(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def review_json(r: ReviewDoc) -> dict[str, Any]:
    return {"applied_on": _d(r.applied_on), "decision_due": _d(r.decision_due), "decision": r.decision or None,
            "decided_on": _d(r.decided_on), "reasons": r.reasons, "further_date": _d(r.further_date),
            "appeal_lodged_on": _d(r.appeal_lodged_on), "appeal_outcome": r.appeal_outcome or None,
            "appeal_decided_on": _d(r.appeal_decided_on)}


def removal_json(r: RemovalDoc) -> dict[str, Any]:
    return {"reason": r.reason, "removed_on": _d(r.removed_on), "note": r.note}


def detention_json_extra(basis: str, licence_end: date | None) -> dict[str, Any]:
    return {**({"basis": basis} if basis else {}), **({"licence_end": _d(licence_end)} if licence_end else {})}


def order_json_extra(x: OrderExtras) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if x.court:
        out["court"] = x.court
    if x.countries:
        out["countries"] = x.countries
    if x.passports_surrendered_on:
        out["passports_surrendered_on"] = _d(x.passports_surrendered_on)
    if x.surrender_station:
        out["surrender_station"] = x.surrender_station
    return out
