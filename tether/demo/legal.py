"""The legal record of the demo register: courts, the basis of each period in custody or hospital and the licence
that followed a release, a few sexual risk orders, notification orders and foreign travel prohibitions (with passports
surrendered), applications for review of indefinite notification, decided (refused, some appealed; a few
discharged) or still waiting, and removals from the register. Deterministic for a seed; synthetic like everything else.

``with_legal_record`` is applied to the generated documents (``generator.generate_documents``) before they are parsed,
with its own random stream, so the rest of the register is the same as without it. Everything is in England and Wales
(whose law these orders and reviews follow) and dated no later than ``today``.

``removals`` works out the removals from the register that follow from a registrant's record, with the rules engine
(``tether.obligations.evaluate`` on their facts): on the day a review discharged them when that ended their
registration, else on the day after the last day of the registration the engine computes (the period ran out, before
or after a discharge), once that day has come. A removal the engine would not find is never written, so the register
never refuses one.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from tether.obligations import Facts, evaluate
from tether.obligations.calendar import add_months, add_years

from .geography import FORCES

SRO_EVERY = 151
NOTIFICATION_ORDER_EVERY = 173
FTP_EVERY = 89
REVIEW_EVERY = 9  # of the people eligible to apply (indefinite, notified 15 years ago, no open case)
DECISION_WEEKS = 6
INDEFINITE = ("life", "ipp", "hospital_order_restricted")
INDEFINITE_MONTHS = 30  # imprisonment for 30 months or more: indefinite notification (s.82)
REMOVAL_NOTES = {
    "review": "Notice of the determination handed over in person.",
    "period_ended": "The notification period ended: removed at the periodic check of the register.",
}


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _town(doc: dict[str, Any]) -> str:
    towns = [a["town"] for a in doc.get("addresses", []) if a.get("town")]
    return towns[-1] if towns else "Central"


def with_legal_record(docs: Iterator[dict[str, Any]], seed: int, today: date) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed * 104_729 + 7)
    eligible_seen = 0
    for i, doc in enumerate(docs, start=1):
        town = _town(doc)
        disposals = doc.get("disposals", [])
        by_date = {d["date"]: d for d in disposals}
        for d in disposals:
            d["court"] = (f"{town} Crown Court" if d["kind"] in ("imprisonment", "life", "ipp")
                          or d["kind"].startswith("hospital") else f"{town} Magistrates' Court"
                          if d["kind"] != "caution" else "")
        for period in doc.get("detentions", []):
            cause = by_date.get(period["start"])
            if period["kind"] == "custody":
                period["basis"] = "sentence" if cause else "remand"
                end = _d(period["end"])
                if cause and cause["kind"] == "imprisonment" and cause.get("months") and end is not None:
                    # released at about half way, on licence until the end of the sentence
                    period["licence_end"] = max(end, add_months(date.fromisoformat(cause["date"]),
                                                                int(cause["months"]))).isoformat()
            elif period["kind"] == "hospital":
                period["basis"] = "hospital_order" if cause else "transfer"
        if FORCES[doc["force"]].jurisdiction != "england-wales" or _died(doc):
            yield doc
            continue
        first = min((date.fromisoformat(d["date"]) for d in disposals), default=today)
        open_case = any(c.get("closed") is None for c in doc.get("cases", []))
        orders = doc.setdefault("orders", [])
        if i % SRO_EVERY == 0:
            start = today - timedelta(days=rng.randint(30, 900))
            orders.append({"kind": "sro", "start": start.isoformat(),
                           "end": add_years(start, rng.choice((2, 3, 5))).isoformat(),
                           "court": f"{town} Magistrates' Court"})
        if i % NOTIFICATION_ORDER_EVERY == 0:
            # a later conviction abroad: the court's order keeps them subject for the period it states
            start = today - timedelta(days=rng.randint(30, 700))
            orders.append({"kind": "notification_order", "start": start.isoformat(),
                           "end": (add_years(start, 10) - timedelta(days=1)).isoformat(),
                           "court": f"{town} Magistrates' Court"})
        if i % FTP_EVERY == 0 and first <= today - timedelta(days=400):
            start = today - timedelta(days=rng.randint(20, 1200))
            end = add_years(start, rng.choice((2, 3, 5))) - timedelta(days=1)
            ftp: dict[str, Any] = {"kind": "ftp", "start": start.isoformat(), "end": end.isoformat(),
                                   "court": f"{town} Crown Court",
                                   "countries": "all" if rng.random() < 0.7 else rng.choice(
                                       ("Thailand, Cambodia", "Philippines", "Thailand, Vietnam, Laos"))}
            if rng.random() < 0.85:
                ftp["passports_surrendered_on"] = min(today, start + timedelta(days=rng.randint(0, 3))).isoformat()
                ftp["surrender_station"] = f"{town} Police Station"
            orders.append(ftp)
        orders.sort(key=lambda o: o["start"])
        eligible = _eligible_from(doc)
        if eligible is None or open_case or any(o["kind"] == "shpo" for o in orders) or eligible > today:
            yield doc
            continue
        eligible_seen += 1
        if eligible_seen % REVIEW_EVERY == 0:
            _review(doc, rng, eligible, today)
        yield doc


def _died(doc: dict[str, Any]) -> bool:
    return bool(doc.get("date_of_death"))


def _eligible_from(doc: dict[str, Any]) -> date | None:
    """The day after 15 years (8 if under 18) from the first initial notification after an indefinite disposal."""
    indefinite = [date.fromisoformat(d["date"]) for d in doc.get("disposals", [])
                  if d["kind"] in INDEFINITE or (d["kind"] == "imprisonment" and (d.get("months") or 0) >= 30)]
    if not indefinite:
        return None
    relevant = min(indefinite)
    initial = sorted(n["received_at"][:10] for n in doc.get("notifications", []) if n["kind"] == "initial"
                     and n["received_at"][:10] >= relevant.isoformat())
    if not initial:
        return None
    born = date.fromisoformat(doc["date_of_birth"])
    years = 8 if add_years(born, 18) > relevant else 15
    return add_years(date.fromisoformat(initial[0]), years) + timedelta(days=1)


def _review(doc: dict[str, Any], rng: random.Random, eligible: date, today: date) -> None:
    latest = today - timedelta(days=10)
    applied = min(latest, eligible + timedelta(days=rng.randint(0, 2000)))
    if applied < eligible:
        return
    due = applied + timedelta(weeks=DECISION_WEEKS)
    review: dict[str, Any] = {"applied_on": applied.isoformat(), "decision_due": due.isoformat()}
    decided = applied + timedelta(days=rng.randint(14, 60))
    if decided <= today and rng.random() < 0.85:
        discharged = rng.random() < 0.25
        review.update(decision="discharged" if discharged else "refused", decided_on=decided.isoformat(),
                      reasons=("Continued notification is not necessary to protect the public from sexual harm: "
                               "no further offending, engaged with treatment, stable home and work.")
                      if discharged else
                      "The risk of sexual harm remains: recent intelligence and the latest risk assessment.")
        # a discharge's removal is worked out with the rules engine once the document is parsed (``removals``)
        if not discharged:
            review["further_date"] = (add_years(decided, 8) + timedelta(days=1)).isoformat()
            lodged = decided + timedelta(days=rng.randint(5, 20))
            if rng.random() < 0.4 and lodged <= today:
                review["appeal_lodged_on"] = lodged.isoformat()
                heard = lodged + timedelta(days=rng.randint(30, 120))
                if heard <= today:
                    review.update(appeal_outcome="dismissed", appeal_decided_on=heard.isoformat())
    doc["reviews"] = [review]


def may_have_ended(doc: dict[str, Any], today: date) -> bool:
    """False when the record alone shows the registrant subject today, with no removal to find: an indefinite
    disposal never discharged on review, or an order in force with no end (or ending after today). A cheap test
    before the rules engine is asked (``removals``); True when only the engine can tell. The dead are never removed
    (their registration ends with them)."""
    if doc.get("date_of_death"):
        return False
    if any(r.get("decision") == "discharged" or r.get("appeal_outcome") == "allowed" for r in doc.get("reviews", [])):
        return True
    if any(d["kind"] in INDEFINITE or (d["kind"] == "imprisonment" and (d.get("months") or 0) >= INDEFINITE_MONTHS)
           for d in doc.get("disposals", [])):
        return False
    return not any(o["kind"] in ("shpo", "notification_order") and o["start"] <= today.isoformat()
                   and (o.get("end") is None or o["end"] > today.isoformat()) for o in doc.get("orders", []))


def removals(facts: Facts, reviews: list[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """The removals from the register that follow from the record (``facts``: the registrant's, reviews included):
    on the day a review discharged them when the engine finds them no longer subject that day; on the day after the
    last day of their registration as the engine computes it as at ``today`` (the period ran out, or a discharge came
    while another disposal kept them subject until it ran out), when that is no later than ``today``. Each is the
    removal the register checks it against (``register.legal_documents.removal_problems``), so none is refused."""
    out: list[dict[str, Any]] = []
    days: set[date] = set()
    for r in reviews:
        if r.get("decision") != "discharged" or not r.get("decided_on"):
            continue
        day = date.fromisoformat(r["decided_on"])
        if day <= today and day not in days and not evaluate(facts, day).registration.subject:
            days.add(day)
            out.append({"reason": "review", "removed_on": day.isoformat(), "note": REMOVAL_NOTES["review"]})
    reg = evaluate(facts, today).registration
    if reg.subject or reg.end is None or reg.end >= today:
        return out
    day = reg.end + timedelta(days=1)
    if day in days:  # the discharge was the end
        return out
    then = evaluate(facts, day).registration
    if not then.subject and then.end == reg.end:
        out.append({"reason": "period_ended", "removed_on": day.isoformat(), "note": REMOVAL_NOTES["period_ended"]})
    return sorted(out, key=lambda r: r["removed_on"])
