"""Schedule 3 eligibility as a check, not a gate: does the offence behind a disposal make the person
subject to the notification requirements, and by which entry of Schedule 3?

The engine never refuses or drops a disposal because of this check: a disposal is recorded because the
register holds it, and the result is a flag for review (``Outcome.eligibility``), one per disposal.

Offences are given as codes, e.g. ``"SOA 1956 s.14"``, ``"SOA 2003 s.3"``; spaces, dots and case do not
matter (``"soa2003 s3"`` is the same). An attempt, conspiracy, incitement or aiding and abetting of a
listed offence is recorded as the offence itself (Sch 3 para 94). Ages are at the time of the offence
(para 95); for an indecent image, ``victim_age`` is the age of the youngest person shown when the image
was taken.

Only the England and Wales entries are tabled (paras 1-12 and 35C as enacted or inserted, read; the
SOA 2003 entries with the conditions in domain.md §1.3, paragraph numbers not read). Scottish and
Northern Irish offences, and anything else not in the table, come back as "unknown offence: review".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Final

from . import constants as C
from .calendar import age_on
from .types import Disposal, Eligibility, EligibilityStatus, Facts, Jurisdiction

_CUSTODY_KINDS: Final = frozenset({"imprisonment", "life", "ipp"})


@dataclass(frozen=True, slots=True)
class _Case:
    """What a condition may look at. ``offender_age`` is None when unknown; ``offender_age_at_most`` is
    the age on the disposal date (the age at the offence can be no higher)."""

    disposal: Disposal
    offender_age: int | None
    offender_age_at_most: int | None
    victim_age: int | None


# A condition answers True (met), False (not met) or None (a fact it needs is missing), with the reason.
Condition = Callable[[_Case], tuple[bool | None, str]]


def _imprisonment_months(d: Disposal) -> float:
    if d.kind in ("life", "ipp"):
        return float("inf")
    if d.kind == "imprisonment":
        return float(d.months or 0)
    return 0.0


def _always(_: _Case) -> tuple[bool | None, str]:
    return True, "listed without conditions"


def _offender_at_least(age: int) -> Condition:
    def check(c: _Case) -> tuple[bool | None, str]:
        if c.offender_age is not None:
            ok = c.offender_age >= age
            return ok, f"the offender was {c.offender_age} ({'' if ok else 'not '}{age} or over)"
        if c.offender_age_at_most is not None and c.offender_age_at_most < age:
            return False, f"the offender was under {age} (no older than {c.offender_age_at_most} on the disposal date)"
        return None, f"needs the offender's age at the offence ({age} or over)"

    return check


def _victim_under(age: int) -> Condition:
    def check(c: _Case) -> tuple[bool | None, str]:
        if c.victim_age is None:
            return None, f"needs the victim's or other party's age (under {age})"
        ok = c.victim_age < age
        return ok, f"the victim or other party was {c.victim_age} ({'' if ok else 'not '}under {age})"

    return check


def _sentence(label: str, test: Callable[[Disposal], bool]) -> Condition:
    def check(c: _Case) -> tuple[bool | None, str]:
        ok = test(c.disposal)
        return ok, f"{'sentenced' if ok else 'not sentenced'}: {label}"

    return check


def _all(*conds: Condition) -> Condition:
    def check(c: _Case) -> tuple[bool | None, str]:
        results = [cond(c) for cond in conds]
        reasons = "; ".join(r for _, r in results)
        if any(ok is False for ok, _ in results):
            return False, reasons
        if any(ok is None for ok, _ in results):
            return None, reasons
        return True, reasons

    return check


def _any(*conds: Condition) -> Condition:
    def check(c: _Case) -> tuple[bool | None, str]:
        results = [cond(c) for cond in conds]
        for ok, reason in results:
            if ok:
                return True, reason
        reasons = "; ".join(r for _, r in results)
        if any(ok is None for ok, _ in results):
            return None, reasons
        return False, reasons

    return check


def _youth_or_adult(youth: Condition, adult: Condition) -> Condition:
    """Offender under 18 at the offence: ``youth``; otherwise ``adult`` (the SOA 2003 s.3/s.66/s.67 pattern)."""

    def check(c: _Case) -> tuple[bool | None, str]:
        under_18: bool | None
        if c.offender_age is not None:
            under_18 = c.offender_age < C.ADULT_AGE
        elif c.offender_age_at_most is not None and c.offender_age_at_most < C.ADULT_AGE:
            under_18 = True
        else:
            under_18 = None
        if under_18 is True:
            ok, reason = youth(c)
            return ok, f"offender under 18: {reason}"
        if under_18 is False:
            ok, reason = adult(c)
            return ok, f"offender 18 or over: {reason}"
        # unknown age: met if both branches are met; not met if neither is
        y, ry = youth(c)
        a, ra = adult(c)
        if y and a:
            return True, f"{ry}; {ra}"
        if y is False and a is False:
            return False, f"{ry}; {ra}"
        return None, f"needs the offender's age at the offence (under 18: {ry}; 18 or over: {ra})"

    return check


_30_MONTHS = _sentence("imprisonment of at least 30 months", lambda d: _imprisonment_months(d) >= 30)
_RESTRICTED = _sentence("hospital order with a restriction order", lambda d: d.kind == "hospital_order_restricted")
_12_MONTHS = _sentence("imprisonment of at least 12 months", lambda d: _imprisonment_months(d) >= 12)
_ANY_CUSTODY = _sentence("any term of imprisonment", lambda d: d.kind in _CUSTODY_KINDS)
_HOSPITAL = _sentence("detention in a hospital", lambda d: d.kind in ("hospital_order", "hospital_order_restricted"))
_COMMUNITY_12 = _sentence(
    "a community sentence of at least 12 months", lambda d: d.kind == "other" and (d.months or 0) >= 12
)
_S3_PATTERN = _youth_or_adult(_12_MONTHS, _any(_victim_under(18), _ANY_CUSTODY, _HOSPITAL, _COMMUNITY_12))
_IMAGES = _all(_victim_under(16), _any(_offender_at_least(18), _12_MONTHS))

_EW = "SOA 2003 Sch 3 (England and Wales)"


@dataclass(frozen=True, slots=True)
class _Entry:
    paragraph: str
    title: str
    condition: Condition


_ENTRIES: Final[dict[str, _Entry]] = {
    # Sch 3 paras 1-12 as enacted (read, domain.md §1.3 [C]): the older Acts' offences
    "SOA1956S1": _Entry("SOA 2003 Sch 3 para 1", "rape (SOA 1956 s.1)", _always),
    "SOA1956S5": _Entry("SOA 2003 Sch 3 para 2", "intercourse with girl under 13 (SOA 1956 s.5)", _always),
    "SOA1956S6": _Entry(
        "SOA 2003 Sch 3 para 3", "intercourse with girl under 16 (SOA 1956 s.6)", _offender_at_least(20)
    ),
    "SOA1956S10": _Entry("SOA 2003 Sch 3 para 4", "incest by a man (SOA 1956 s.10)", _victim_under(18)),
    "SOA1956S12": _Entry(
        "SOA 2003 Sch 3 para 5", "buggery (SOA 1956 s.12)", _all(_offender_at_least(20), _victim_under(18))
    ),
    "SOA1956S13": _Entry(
        "SOA 2003 Sch 3 para 6",
        "indecency between men (SOA 1956 s.13)",
        _all(_offender_at_least(20), _victim_under(18)),
    ),
    "SOA1956S14": _Entry(
        "SOA 2003 Sch 3 para 7",
        "indecent assault on a woman (SOA 1956 s.14)",
        _any(_victim_under(18), _30_MONTHS, _RESTRICTED),
    ),
    "SOA1956S15": _Entry(
        "SOA 2003 Sch 3 para 8",
        "indecent assault on a man (SOA 1956 s.15)",
        _any(_victim_under(18), _30_MONTHS, _RESTRICTED),
    ),
    "SOA1956S16": _Entry(
        "SOA 2003 Sch 3 para 9", "assault with intent to commit buggery (SOA 1956 s.16)", _victim_under(18)
    ),
    "SOA1956S28": _Entry(
        "SOA 2003 Sch 3 para 10", "causing or encouraging prostitution of girl under 16 (SOA 1956 s.28)", _always
    ),
    "ICA1960S1": _Entry(
        "SOA 2003 Sch 3 para 11", "indecent conduct towards young child (Indecency with Children Act 1960 s.1)", _always
    ),
    "CLA1977S54": _Entry(
        "SOA 2003 Sch 3 para 12", "inciting girl under 16 to incest (Criminal Law Act 1977 s.54)", _always
    ),
    # Sch 3 para 35C (inserted by the Serious Crime Act 2015; read [C])
    "SCA2015S69": _Entry(
        "SOA 2003 Sch 3 para 35C",
        "possession of paedophile manual (Serious Crime Act 2015 s.69)",
        _any(_offender_at_least(18), _12_MONTHS),
    ),
    # Conditions from domain.md §1.3 ([P]: solicitors' and police summaries); paragraph numbers not read
    "PCA1978S1": _Entry(_EW, "indecent photographs of children (Protection of Children Act 1978 s.1)", _IMAGES),
    "CJA1988S160": _Entry(
        _EW, "possession of indecent photographs of children (Criminal Justice Act 1988 s.160)", _IMAGES
    ),
    "SOA2003S1": _Entry(_EW, "rape (SOA 2003 s.1)", _always),
    "SOA2003S3": _Entry(_EW, "sexual assault (SOA 2003 s.3)", _S3_PATTERN),
    "SOA2003S66": _Entry(_EW, "exposure (SOA 2003 s.66)", _S3_PATTERN),
    "SOA2003S67": _Entry(_EW, "voyeurism (SOA 2003 s.67)", _S3_PATTERN),
}

_NOT_RECORDED: Final = "no offence recorded: Schedule 3 not checked"
_BEFORE_1997: Final = (
    "; dealt with before 1 September 1997: subject only if then not yet dealt with, in custody, "
    "on a community order or under supervision (1997 Act s.1(3); SOA 2003 s.81): review"
)
_NORMALISE: Final = re.compile(r"[\s.]+")


def offence_key(offence: str) -> str:
    """``"SOA 2003 s.3"`` -> ``"SOA2003S3"``: the table key (case, spaces and dots ignored)."""
    return _NORMALISE.sub("", offence).upper()


def known_offences() -> tuple[str, ...]:
    """The offence keys the check recognises."""
    return tuple(_ENTRIES)


def check_disposal(
    disposal: Disposal,
    jurisdiction: Jurisdiction = "england-wales",
    date_of_birth: date | None = None,
    index: int = 0,
) -> Eligibility:
    """Whether the disposal's offence makes the person subject (Schedule 3), and why.

    ``subject``: a listed offence whose conditions are met; ``not_subject``: listed, conditions not met
    (flag for review: the disposal is still evaluated as recorded); ``review``: unknown offence, a fact a
    condition needs is missing, or a conviction before 1 September 1997; ``unchecked``: no offence
    recorded. Pure: no clock, no I/O."""
    if jurisdiction == "us-sorna":
        return Eligibility(index, "unchecked", None, "US SORNA: registration follows the tier, not Schedule 3")
    early = disposal.date < C.SOA_1997_COMMENCEMENT
    if disposal.offence is None:
        if early:
            return Eligibility(index, "review", None, f"no offence recorded{_BEFORE_1997}")
        return Eligibility(index, "unchecked", None, _NOT_RECORDED)
    entry = _ENTRIES.get(offence_key(disposal.offence)) if jurisdiction == "england-wales" else None
    if entry is None:
        return Eligibility(index, "review", None, f"unknown offence {disposal.offence!r}: review")
    # ASSUMPTION: with no offender_age, the age on the disposal date only rules a condition out (the age at
    # the offence can be no higher); ``months`` on an ``other`` disposal is a community sentence's length.
    at_most = None if date_of_birth is None else age_on(date_of_birth, disposal.date)
    case = _Case(disposal, disposal.offender_age, at_most, disposal.victim_age)
    ok, why = entry.condition(case)
    status: EligibilityStatus
    if ok is None:
        status, reason = "review", f"{entry.title}: {why}: review"
    elif ok:
        status, reason = "subject", f"{entry.title}: {why}"
    else:
        status, reason = "not_subject", f"{entry.title}: conditions not met ({why}): review"
    if early:
        status = "review"
        reason += _BEFORE_1997
    return Eligibility(index, status, entry.paragraph, reason)


def check_facts(facts: Facts, as_of: date) -> tuple[Eligibility, ...]:
    """One check per UK disposal dated on or before ``as_of`` (none for US SORNA)."""
    if facts.jurisdiction == "us-sorna":
        return ()
    out: list[Eligibility] = []
    for i, d in enumerate(facts.disposals):
        if d.date > as_of:
            continue
        if d.offence is None and d.date >= C.SOA_1997_COMMENCEMENT:
            out.append(_UNCHECKED[i] if i < _SHARED else _unchecked(i))  # the common case: a shared value
        else:
            out.append(check_disposal(d, facts.jurisdiction, facts.date_of_birth, i))
    return tuple(out)


@lru_cache(maxsize=64)
def _unchecked(index: int) -> Eligibility:
    return Eligibility(index, "unchecked", None, _NOT_RECORDED)


_SHARED: Final = 16  # disposals with a shared "unchecked" value made once (the rest through _unchecked)
_UNCHECKED: Final = tuple(Eligibility(i, "unchecked", None, _NOT_RECORDED) for i in range(_SHARED))


__all__ = ["check_disposal", "check_facts", "known_offences", "offence_key"]
