"""A seeded, synthetic national register: registrant documents for every UK force.

Everything here is made up and every document says so (``"synthetic": true``). Names, streets and
towns come from Faker (en_GB), drawn once into pools; towns are Faker's invented place names, so no
address is real. Postcodes use each force area's real postcode letters with random district numbers
and inward codes: they pass the format rules but are not claimed to exist. NI numbers and PNC IDs are
valid in format (PNC IDs carry a correct check letter) and random.

Shape of the register (see domain.md §2, §3-§6 and §14):

- forces sized from forces.csv (``geography.force_counts``);
- ~85% male; ages mostly 25-70 today; some under 18 at the disposal;
- 1-2 disposals (occasionally 3) from 1 September 1997 to today with a realistic mix; the main
  disposal keeps the person subject today (the register counts people who are subject);
- custody for imprisonment (about half the term, from the disposal date), hospital detention for
  hospital orders, occasional later hospital stays and trips abroad;
- a notification history: initial within 3 days of the relevant date or of release, periodic about
  yearly (usually a little early, sometimes late, occasionally missed and caught up), a change
  notification after each move, name change and release, travel notices before trips, prescribed
  (2012 Regulations) items now and then; weekly periodic notifications while of no fixed abode;
- missing and wanted cases calibrated to missing-2018.csv: ~0.7% had a case open on 28 February 2018
  (weighted to MPS, WMP and GMP as in the file), opened since 2005, mostly in the two years before; about a
  third of those are still open today (so some open for over a decade), the rest closed since with an
  outcome and the person back in touch; plus cases opened since March 2018 and still open (in all ~0.7%
  open today); many believed abroad; no notifications while a case is open; and some short historic
  cases (missing a few months) with outcomes.

The generator is pure Python (no Django, no database) and deterministic for a given seed and today.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from tether.core.ids import uuid7
from tether.obligations.calendar import add_years
from tether.register.identifiers import pnc_check_letter

from .geography import (
    BELIEVED_ABROAD,
    BELIEVED_ABROAD_DEFAULT,
    FORCES,
    POSTCODE_AREAS,
    WANTED_SHARE,
    WANTED_SHARE_DEFAULT,
    ForceInfo,
    force_counts,
)

__all__ = ["expected_total", "generate_documents"]

EPOCH = date(1997, 9, 1).toordinal()  # Sex Offenders Act 1997 Part 1 in force
SOA2003 = date(2004, 5, 1).toordinal()
REGS2012 = date(2012, 8, 13).toordinal()  # 2012 Regulations: weekly NFA, all travel, prescribed items
SHPO_FROM = date(2015, 3, 8).toordinal()
CASES_FROM = date(2005, 1, 1).toordinal()
SNAPSHOT = date(2018, 2, 28).toordinal()  # missing-2018.csv: cases open on this day, per force
STILL_OPEN_SINCE_SNAPSHOT = 0.35  # of the cases open on SNAPSHOT, the share never closed
RECENT_CASES = 0.6  # cases opened after SNAPSHOT and open today, per case open on SNAPSHOT
INF = 10**9
YEAR = 365.25
MONTH = 30.4375

# --- Disposal mix ----------------------------------------------------------------------------------
# (kind, weight) for the disposal that keeps a person on the register today. Imprisonment terms are
# drawn in the s.82 bands below. Cautions register in E&W and NI only (s.80(1)(d)).
KIND_WEIGHTS_UK = (
    ("imprisonment", 0.52), ("life", 0.012), ("ipp", 0.015), ("hospital_order", 0.008),
    ("hospital_order_restricted", 0.007), ("caution", 0.10), ("conditional_discharge", 0.05), ("other", 0.25),
)
KIND_WEIGHTS_SCOTLAND = tuple((k, 0.0 if k == "caution" else w) for k, w in KIND_WEIGHTS_UK)
# s.82 bands: 6 months or less / more than 6 and less than 30 / 30 months or more.
PRISON_BANDS: tuple[tuple[float, int, int | None], ...] = ((0.12, 1, 6), (0.33, 7, 29), (0.55, 30, None))
INDEFINITE = frozenset({"life", "ipp", "hospital_order_restricted"})

# Illustrative offence labels. The codes imitate Schedule 3 paragraph references ("SCH3-<n>") for the
# look of the data only: they are not an authoritative mapping of offences to Schedule 3.
OFFENCES_SOA2003 = (
    ("Rape (SOA 2003 s.1)", "SCH3-18", True),
    ("Assault by penetration (SOA 2003 s.2)", "SCH3-19", True),
    ("Sexual assault (SOA 2003 s.3)", "SCH3-20", False),
    ("Sexual activity with a child (SOA 2003 s.9)", "SCH3-24", True),
    ("Causing a child to watch a sexual act (SOA 2003 s.12)", "SCH3-27", False),
    ("Meeting a child following sexual grooming (SOA 2003 s.15)", "SCH3-30", False),
    ("Making indecent photographs of children (PCA 1978 s.1)", "SCH3-13", False),
    ("Possession of indecent photographs of children (CJA 1988 s.160)", "SCH3-15", False),
    ("Exposure (SOA 2003 s.66)", "SCH3-33", False),
    ("Voyeurism (SOA 2003 s.67)", "SCH3-34", False),
)
OFFENCES_PRE2004 = (
    ("Rape (SOA 1956 s.1)", "SCH3-1", True),
    ("Indecent assault on a woman (SOA 1956 s.14)", "SCH3-7", False),
    ("Indecent assault on a man (SOA 1956 s.15)", "SCH3-8", False),
    ("Indecency with children (ICA 1960 s.1)", "SCH3-12", False),
    ("Making indecent photographs of children (PCA 1978 s.1)", "SCH3-13", False),
    ("Possession of indecent photographs of children (CJA 1988 s.160)", "SCH3-15", False),
)
OFFENCES_SCOTLAND = (
    ("Rape (Sexual Offences (Scotland) Act 2009 s.1)", "SCH3-36A", True),
    ("Sexual assault (Sexual Offences (Scotland) Act 2009 s.3)", "SCH3-36C", False),
    ("Sexual exposure (Sexual Offences (Scotland) Act 2009 s.8)", "SCH3-36H", False),
    ("Voyeurism (Sexual Offences (Scotland) Act 2009 s.9)", "SCH3-36I", False),
    ("Taking indecent photographs of children (CG(S)A 1982 s.52)", "SCH3-45", False),
    ("Possession of indecent photographs of children (CG(S)A 1982 s.52A)", "SCH3-46", False),
)
CHILD_RATE = 0.025  # per address: a child under 18 lives there (about 5% of people ever)
TRIP_COUNTRIES = ("ES", "FR", "IE", "PL", "RO", "PT", "IT", "GR", "TR", "NL", "TH", "US", "LT", "BG")
PRESCRIBED_ITEMS = ("bank_account", "payment_card", "passport", "identity_document")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"
NI_BAD = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def expected_total(registrants: int | None) -> int:
    """How many documents ``generate_documents(registrants, ...)`` yields."""
    return sum(force_counts(registrants).values())


# --- Pools (Faker, drawn once per seed) ------------------------------------------------------------


@dataclass(frozen=True)
class Pools:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    streets: tuple[str, ...]
    towns: dict[str, tuple[str, ...]]  # per force code
    officers: dict[str, tuple[str, ...]]


@lru_cache(maxsize=4)
def _pools(seed: int) -> Pools:
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed)

    def unique(fn: Any, n: int) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for _ in range(n * 4):
            seen.setdefault(fn(), None)
            if len(seen) >= n:
                break
        return tuple(seen)

    towns = unique(fake.city, 600)
    rng = random.Random(seed)
    shuffled = list(towns)
    rng.shuffle(shuffled)
    per_force: dict[str, tuple[str, ...]] = {}
    i = 0
    for code in sorted(FORCES):
        n = 4 if FORCES[code].full_size < 1500 else 8 if FORCES[code].full_size < 5000 else 12
        per_force[code] = tuple(shuffled[i : i + n])
        i += n
    officers = {}
    for code in sorted(FORCES):
        officers[code] = tuple(
            f"{rng.choice(('PC', 'PC', 'PC', 'DC', 'PS'))} {rng.randint(100, 9999)}" for _ in range(12)
        )
    return Pools(
        male=unique(fake.first_name_male, 300),
        female=unique(fake.first_name_female, 300),
        family=unique(fake.last_name, 500),
        streets=unique(fake.street_name, 800),
        towns=per_force,
        officers=officers,
    )


# --- Small helpers ---------------------------------------------------------------------------------


def _iso(o: int) -> str:
    return date.fromordinal(o).isoformat()


def _add_years(o: int, years: int) -> int:
    return add_years(date.fromordinal(o), years).toordinal()


@lru_cache(maxsize=128)
def _bst(year: int) -> tuple[int, int]:
    """British Summer Time as [first day, last day + 1) ordinals: last Sunday in March to last in October."""
    def last_sunday(month: int) -> int:
        d = date(year, month, 31).toordinal()
        return d - (date.fromordinal(d).weekday() + 1) % 7

    return last_sunday(3), last_sunday(10)


def _received_at(rng: random.Random, o: int) -> str:
    """An office-hours UK time on day ``o``, as a UTC ISO datetime with Z."""
    d = date.fromordinal(o)
    start, end = _bst(d.year)
    hour = rng.randint(9, 17) - (1 if start <= o < end else 0)
    return f"{d.isoformat()}T{hour:02d}:{rng.randint(0, 59):02d}:00Z"


@dataclass
class _Trigger:
    """Something that needs a change notification (s.84): a move, a name, a release."""

    day: int
    reasons: list[str]
    payloads: list[tuple[str, Any]] = field(default_factory=list)


class _Person:
    """Builds one registrant document. Dates are date ordinals throughout."""

    def __init__(self, rng: random.Random, pools: Pools, force: ForceInfo, today: int) -> None:
        self.rng = rng
        self.pools = pools
        self.force = force
        self.today = today
        self.scotland = force.country == "scotland"

    # --- pieces ---

    def kind(self) -> tuple[str, int | None]:
        r = self.rng
        weights = KIND_WEIGHTS_SCOTLAND if self.scotland else KIND_WEIGHTS_UK
        kind = r.choices([k for k, _ in weights], [w for _, w in weights])[0]
        months = None
        if kind == "imprisonment":
            x = r.random()
            band = PRISON_BANDS[-1]
            for band in PRISON_BANDS:
                if x < band[0]:
                    break
                x -= band[0]
            _, lo, hi = band
            months = r.randint(lo, hi) if hi is not None else min(360, lo + int(r.expovariate(1 / 36)))
        elif kind == "conditional_discharge":
            months = r.choice((6, 12, 12, 18, 24, 24, 36))
        return kind, months

    @staticmethod
    def period_days(kind: str, months: int | None, youth: bool) -> int | None:
        """s.82 period in days (approximate; None = indefinite)."""
        if kind in INDEFINITE or (kind == "imprisonment" and (months or 0) >= 30):
            return None
        if kind == "conditional_discharge":
            return int((months or 12) * MONTH)
        years = {"imprisonment": 10 if (months or 0) > 6 else 7, "hospital_order": 7, "caution": 2}.get(kind, 5)
        return int(years * YEAR / (2 if youth else 1))

    def offence(self, day: int, serious: bool) -> tuple[str, str]:
        table = OFFENCES_SCOTLAND if self.scotland else OFFENCES_PRE2004 if day < SOA2003 else OFFENCES_SOA2003
        pool = [o for o in table if o[2] == serious] or list(table)
        label, code, _ = self.rng.choice(pool)
        return label, code

    def postcode(self, force_code: str, rng: random.Random | None = None) -> str:
        r = rng or self.rng
        area = r.choice(POSTCODE_AREAS[force_code])
        district = r.randint(1, 9 if len(area) == 2 and r.random() < 0.5 else 29)
        return f"{area}{district} {r.randint(1, 9)}{r.choice(INWARD_LETTERS)}{r.choice(INWARD_LETTERS)}"

    def address(self, kind: str, force_code: str, start: int, child: bool) -> dict[str, Any]:
        r = self.rng
        town = r.choice(self.pools.towns[force_code])
        street = r.choice(self.pools.streets)
        if kind == "nfa":
            line1, line2 = "No fixed abode", f"Can regularly be found near {street}"
        elif r.random() < 0.2:
            line1, line2 = f"Flat {r.randint(1, 40)}", f"{r.randint(1, 200)} {street}"
        else:
            line1, line2 = f"{r.randint(1, 250)} {street}", ""
        return {
            "kind": kind, "line1": line1, "line2": line2, "town": town, "postcode": self.postcode(force_code),
            "valid_from": start, "valid_to": None, "child_under_18": child,
        }

    def given(self, sex: str) -> str:
        r = self.rng
        pool = self.pools.female if sex == "female" else self.pools.male
        first = r.choice(pool)
        if r.random() < 0.3:
            second = r.choice(pool)
            if second != first:
                return f"{first} {second}"
        return first

    def ni_number(self) -> str:
        r = self.rng
        while True:
            prefix = r.choice(NI_FIRST) + r.choice(NI_SECOND)
            if prefix not in NI_BAD:
                return f"{prefix}{r.randint(0, 999999):06d}{r.choice('ABCD')}"

    def pnc_id(self, dob: int, first_disposal: int) -> str:
        r = self.rng
        lo = max(date.fromordinal(dob).year + 10, 1975)
        hi = date.fromordinal(first_disposal).year
        year = str(r.randint(min(lo, hi), hi) if r.random() < 0.4 else hi)
        serial = f"{r.randint(1, 999999):07d}"
        return f"{year}/{serial}{pnc_check_letter(year, serial)}"

    # --- the notification history ---

    def walk(
        self,
        initial: int,
        horizon: int,
        triggers: dict[int, _Trigger],
        blocked: Any,
        names: list[dict[str, Any]],
        addresses: list[dict[str, Any]],
        notes: list[tuple[int, str, dict[str, Any], bool]],
        cases: list[dict[str, Any]],
    ) -> list[tuple[int, int]]:
        """Walk the calendar from the initial notification: a change notification after each trigger
        (usually within 3 days), a periodic one about yearly (weekly with no fixed abode). Applies each
        notified trigger's payload (new address, name, alias); triggers never notified are dropped.
        Returns the gaps (first, last day) of closed historic missing/wanted cases."""
        r = self.rng
        pending = sorted(triggers.values(), key=lambda t: t.day)
        notes.append((initial, "initial", {"items": ["name", "address", "date_of_birth", "ni_number"]}, False))
        nfa = False
        last = initial
        ti = 0
        historic = r.random() < 0.015
        gaps: list[tuple[int, int]] = []
        periodic_count = 0
        while True:
            due = last + 7 if nfa else _add_years(last, 1)
            b = blocked(due)
            if b is not None:  # s.85(4): deferred to 3 days beginning with release/return
                due = INF if b[1] >= INF else b[1] + 2
            attend = INF
            if due < INF:
                x = r.random()
                if nfa:
                    attend = last + (6 if x < 0.9 else 5 if x < 0.97 else 6 + r.randint(2, 6))
                elif x < 0.92:
                    attend = due - r.randint(1, 28)
                elif x < 0.975:
                    attend = due + r.randint(1, 10)  # a few days late
                else:
                    attend = due + r.randint(20, 150)  # missed, then caught up
                attend = max(attend, last + 1)
                bb = blocked(attend)
                if bb is not None:
                    attend = bb[0] - 1 if bb[0] - 1 > last else (INF if bb[1] >= INF else bb[1])
            if ti < len(pending) and pending[ti].day <= attend:
                t = pending[ti]
                nd = t.day
                x = r.random()
                if x > 0.97:
                    nd += r.randint(3, 30)  # late
                elif x > 0.5:
                    nd += r.randint(1, 2)
                if blocked(nd) is not None:
                    nd = t.day
                if nd > horizon:
                    break
                reasons, applied = list(t.reasons), [t]
                ti += 1
                while ti < len(pending) and pending[ti].day <= nd:  # one visit covers both
                    reasons += [x for x in pending[ti].reasons if x not in reasons]
                    applied.append(pending[ti])
                    ti += 1
                for a in applied:
                    for what, payload in a.payloads:
                        if what == "address":
                            addresses[-1]["valid_to"] = payload["valid_from"]
                            addresses.append(payload)
                            nfa = payload["kind"] == "nfa"
                            if payload["child_under_18"] and a.day >= REGS2012:
                                reasons.append("relevant_household")
                        elif what == "name":
                            cur = next(n for n in names if n["kind"] == "current" and n["valid_to"] is None)
                            cur["valid_to"] = a.day
                            names.append({"kind": "current", **payload, "valid_from": a.day, "valid_to": None})
                        elif what == "alias":
                            names.append(payload)
                # which change it notified and when (the first of them): carried to the notification's own fields
                first = min(applied, key=lambda a: a.day)
                notes.append((nd, "change", {"changes": reasons, CHANGE_KEY: (CHANGE_OF[first.reasons[0]], first.day)},
                              nfa))
                last = nd
                continue
            if attend > horizon:
                break
            periodic_count += 1
            if historic and periodic_count > 1 and not nfa and r.random() < 0.3:
                historic = False
                opened = due + r.randint(7, 40)
                closed = opened + 10 + int(r.expovariate(1 / 150))
                if opened >= CASES_FROM and closed <= horizon - 3 and blocked(closed) is None:
                    abroad = r.random() < 0.3
                    wanted = r.random() < 0.5
                    cases.append({
                        "kind": "wanted" if wanted else "missing", "opened": opened, "closed": closed,
                        "believed_abroad": abroad,
                        "warrant": min(closed - 1, opened + r.randint(0, 20)) if wanted else None,
                        "outcome": "returned" if abroad else r.choice(("located", "located", "arrested")),
                    })
                    gaps.append((last + 1, closed))
                    while ti < len(pending) and pending[ti].day <= closed:
                        ti += 1  # what happened while missing was never notified
                    back = closed + r.randint(0, 3)
                    notes.append((back, "periodic", {"after": "case closed"}, nfa))
                    last = back
                    continue
            notes.append((attend, "periodic", {}, nfa))
            last = attend
        return gaps

    # --- trips now, stays at other premises, advance notices (their own random stream: the rest is unchanged) ---

    def travel_extras(self, pid: uuid.UUID, area: str, initial: int, horizon: int, blocks: list[tuple[int, int]],
                      addresses: list[dict[str, Any]], detentions: list[dict[str, Any]],
                      notes: list[tuple[int, str, dict[str, Any], bool]], stays: list[dict[str, Any]],
                      notices: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """For a registrant in touch (no open case): sometimes a trip abroad going on today (notified 10 days
        before), a stay at other premises (one of 7 days or more is notified in time, with a change notification),
        or an advance notice of a move that then did not happen (the non-occurrence duty is owed)."""
        x = random.Random(pid.int)
        today = self.today
        extra: list[dict[str, Any]] = []  # their notifications, in the form they are written

        def note(day: int, kind: str, details: dict[str, Any]) -> str:
            town = addresses[0]["town"]
            for a in addresses:
                if a["valid_from"] <= day:
                    town = a["town"]
            at = _received_at(x, day)
            extra.append({"kind": kind, "received_at": at, "station": f"{town} Police Station",
                          "officer": x.choice(self.pools.officers[area]), "no_fixed_abode": nfa_at(addresses, day),
                          "details": details})
            return at

        def free(lo: int, hi: int) -> bool:
            return all(hi < bs or lo > be for bs, be in blocks) and not any(
                lo <= n[0] <= hi and n[1] != "periodic" for n in notes)

        nfa = nfa_at(addresses, horizon)
        roll = x.random()
        if roll < 0.012 and free(today - 20, today + 12):
            left, back = today - x.randint(1, 6), today + x.randint(3, 12)
            country = x.choice(TRIP_COUNTRIES)
            blocks.append((left, back))
            detentions.append({"kind": "abroad", "start": left, "end": back, "country": country})
            note(left - 10, "travel", {"destination": country, "departure": _iso(left), "return": _iso(back)})
        elif roll < 0.05 and not nfa:
            start = x.randint(max(initial + 1, today - 700), today - 30)
            days = x.choice((2, 3, 4, 8, 9, 12))
            end = start + days - 1
            if free(start - 3, end + 5):
                stays.append({"line1": f"{x.randint(1, 250)} {x.choice(self.pools.streets)}",
                              "town": x.choice(self.pools.towns[area]), "postcode": self.postcode(area, x),
                              "start": _iso(start), "end": _iso(end)})
                if self.force.country == "northern-ireland" and days > 3:  # s.85A: an absence from home, told before
                    note(start - 1, "travel", {"absence": {"from": _iso(start), "to": _iso(end)}})
                if days >= 7:  # notified within 3 days of the 7th day there
                    note(start + 6 + x.randint(0, 2), "change", {"changes": ["stay"]})
        elif roll < 0.065 and not nfa and free(today - 30, horizon):
            given, expected = today - x.randint(14, 25), today - x.randint(8, 12)
            at = note(given, "change", {"advance_notice": {"change": "home_address", "expected_on": _iso(expected)}})
            notices.append({"change": "home_address", "expected_on": _iso(expected), "given_at": at})
        return extra

    # --- the whole person ---

    def build(self, index: int) -> dict[str, Any]:
        r, today, force = self.rng, self.today, self.force
        horizon = today - 1  # the last day a notification may be made (none today: no future times)
        pid = _uuid7(self.today, index, r.getrandbits(74))
        sex = "male" if r.random() < 0.85 else "female"
        # A case open on SNAPSHOT (the missing-2018.csv rate), or one opened since and open today.
        roll = r.random()
        at_snapshot = today > SNAPSHOT + 60 and roll < force.missing_rate
        absconder = at_snapshot or roll < force.missing_rate * (1 + RECENT_CASES)

        # Main disposal: keeps the person subject today.
        months: int | None
        if absconder:
            kind, months = "imprisonment", r.randint(30, 72)
            youth = False
            main_day = r.randint(EPOCH, (SNAPSHOT if at_snapshot else today) - int(4 * YEAR))
        else:
            kind, months = self.kind()
            youth = kind not in ("life", "ipp", "hospital_order_restricted") and r.random() < 0.06
            period = self.period_days(kind, months, youth)
            lo = EPOCH if period is None else max(EPOCH, today - period + 1)
            main_day = int(r.triangular(lo, today, today)) if period is None else r.randint(lo, today)
        if youth:
            age_days = int(r.uniform(12.0, 17.95) * YEAR)
        else:
            age_days = int(min(82.0, max(18.0, r.gauss(37, 13))) * YEAR) + 2
        dob = main_day - age_days
        disposals: list[tuple[int, str, int | None]] = [(main_day, kind, months)]
        if not absconder:
            # Further disposals in the same registration spell: a later conviction while registered,
            # or an earlier one whose period ran on to the main one (so there is no break in between).
            extras = r.choices((0, 1, 2), (0.70, 0.25, 0.05))[0]
            adult_from = max(EPOCH, _add_years(dob, 12))
            for _ in range(extras):
                k, m = self.kind()
                if r.random() < 0.65:
                    lo, hi = max(main_day, adult_from), today
                else:
                    p = self.period_days(k, m, youth=True)  # the shorter (halved) period: always overlaps
                    lo, hi = max(adult_from, EPOCH if p is None else main_day - p + 30), main_day
                if lo <= hi:
                    disposals.append((r.randint(lo, hi), k, m))
        disposals.sort()
        rs = disposals[0][0]

        # Detentions: custody for imprisonment (about half the term), hospital for hospital orders.
        spans: list[list[Any]] = []  # [kind, start, end or None]
        for day, k, m in disposals:
            length = None
            if k == "imprisonment":
                length = max(7, int((m or 1) * MONTH * r.uniform(0.4, 0.6)))
            elif k == "life":
                length = int(r.uniform(8, 25) * YEAR)
            elif k == "ipp":
                length = int(r.uniform(4, 14) * YEAR)
            elif k == "hospital_order":
                length = int(r.uniform(3, 24) * MONTH)
            elif k == "hospital_order_restricted":
                length = int(r.uniform(2, 10) * YEAR)
            if length is not None:
                spans.append(["hospital" if k.startswith("hospital") else "custody", day, day + length])
        detentions = _merge(spans)
        blocks = [(s, INF if e is None or e > today else e) for _, s, e in detentions]

        def blocked(o: int) -> tuple[int, int] | None:
            for s, e in blocks:
                if s <= o < e:
                    return s, e
            return None

        def free_from(o: int) -> int | None:
            while True:
                b = blocked(o)
                if b is None:
                    return o
                if b[1] >= INF:
                    return None
                o = b[1]

        def pick(lo: int, hi: int) -> int | None:
            if lo > hi:
                return None
            for _ in range(12):
                o = r.randint(lo, hi)
                if blocked(o) is None:
                    return o
            return None

        # Initial notification: 3 days beginning with the relevant date, or with release.
        f0 = free_from(rs)
        initial = None
        if f0 is not None:
            initial = f0 + (r.choices((0, 1, 2), (0.5, 0.3, 0.2))[0] if r.random() > 0.04 else r.randint(3, 40))
            if blocked(initial) is not None:
                initial = f0
        opened = None
        closed: int | None = None
        if absconder and initial is not None:
            if at_snapshot:  # mostly the two years before the snapshot, a tail back to 2005
                anchor, lo, hi = SNAPSHOT, max(CASES_FROM, initial + 60), SNAPSHOT - 7
            else:
                anchor, hi = today, today - 7
                lo = max(CASES_FROM, initial + 60, SNAPSHOT + 1 if today > SNAPSHOT + 60 else CASES_FROM)
            if lo <= hi:
                for _ in range(8):
                    o = anchor - int(r.expovariate(1 / 3.0) * YEAR)
                    if lo <= o <= hi:
                        opened = o
                        break
                else:
                    opened = r.randint(lo, hi)
                horizon = opened - 1
                if at_snapshot and r.random() > STILL_OPEN_SINCE_SNAPSHOT:
                    closed = SNAPSHOT + 1 + int(r.expovariate(1 / (1.5 * YEAR)))
                    if closed > today - 30:
                        closed = None
        if initial is not None and initial > horizon:
            initial = None

        # Names.
        family = r.choice(self.pools.family)
        given = self.given(sex)
        names: list[dict[str, Any]] = [
            {"kind": "birth", "given_names": given, "family_name": family, "valid_from": dob, "valid_to": None}
        ]
        current = {"kind": "current", "given_names": given, "family_name": family, "valid_from": dob, "valid_to": None}
        if r.random() < (0.4 if sex == "female" else 0.03) and rs - dob > 17 * YEAR:
            current["family_name"] = r.choice(self.pools.family)
            current["valid_from"] = r.randint(dob + int(17 * YEAR), rs - 1)
        names.append(current)
        if r.random() < 0.09:
            # An alias already in use at the conviction (not a change to notify).
            used_from = min(rs, max(dob + int(14 * YEAR), rs - r.randint(0, int(5 * YEAR))))
            alias_family = family if r.random() < 0.5 else r.choice(self.pools.family)
            names.append({"kind": "alias", "given_names": self.given(sex), "family_name": alias_family,
                          "valid_from": used_from, "valid_to": None})

        # Ownership: a few people transferred in from another force in the same country.
        old_force = None
        if r.random() < 0.03 and not self.scotland and force.country != "northern-ireland":
            same = [c for c, f in FORCES.items() if f.country in ("england", "wales") and c != force.code]
            old_force = r.choice(same)
        first_area = old_force or force.code
        first_from = max(dob, rs - r.randint(30, int(8 * YEAR)))
        addresses = [self.address("home", first_area, first_from, r.random() < CHILD_RATE)]
        if addresses[0]["valid_from"] >= rs:
            addresses[0]["valid_from"] = rs - 1 if rs - 1 >= dob else dob

        detentions_out: list[dict[str, Any]] = [{"kind": k, "start": s, "end": e} for k, s, e in detentions]
        notes: list[tuple[int, str, dict[str, Any], bool]] = []  # (day, kind, details, nfa)
        cases: list[dict[str, Any]] = []
        orders: list[dict[str, Any]] = []
        ownership: list[dict[str, Any]] = []
        fixed: list[tuple[int, str, dict[str, Any]]] = []  # travel and prescribed: do not reset s.85
        triggers: dict[int, _Trigger] = {}

        def trigger(day: int, reason: str, payload: tuple[str, Any] | None = None) -> None:
            t = triggers.setdefault(day, _Trigger(day, []))
            if reason not in t.reasons:
                t.reasons.append(reason)
            if payload is not None:
                t.payloads.append(payload)

        if initial is not None:
            # Releases after the first one (the initial notification covers that one).
            for _, _, e in detentions:
                if e is not None and initial < e <= horizon:
                    trigger(e, "release")
            # Occasional hospital stay.
            if r.random() < 0.02:
                s = pick(initial + 30, horizon - 100)
                if s is not None:
                    e = s + r.randint(14, 90)
                    if all(e <= bs or s >= be for bs, be in blocks):
                        blocks.append((s, e))
                        detentions_out.append({"kind": "hospital", "start": s, "end": e})
                        trigger(e, "release")
            # Trips abroad, with a travel notice beforehand.
            windows: list[tuple[int, int]] = []
            if r.random() < 0.10:
                for _ in range(r.choice((1, 1, 2, 3))):
                    d = pick(max(initial + 45, SOA2003), horizon - 25)
                    if d is None:
                        continue
                    back = d + r.randint(3, 21)
                    notice = d - (r.randint(7, 35) if r.random() < 0.93 else r.randint(1, 6))
                    window = (d - 40, back)  # from well before the notice to the return
                    if notice <= initial or any(not (back <= bs or d - 40 >= be) for bs, be in blocks + windows):
                        continue
                    windows.append(window)
                    blocks.append((d, back))
                    country = r.choice(TRIP_COUNTRIES)
                    detentions_out.append({"kind": "abroad", "start": d, "end": back, "country": country})
                    details = {"destination": country, "departure": _iso(d), "return": _iso(back)}
                    fixed.append((notice, "travel", details))
            # Prescribed information (2012 Regulations).
            if r.random() < 0.15:
                for _ in range(r.choice((1, 1, 2))):
                    d = pick(max(initial + 1, REGS2012), horizon)
                    if d is not None:
                        fixed.append((d, "prescribed", {"items": [r.choice(PRESCRIBED_ITEMS)]}))
            # Moves (1-4 home addresses in all), the last sometimes to no fixed abode. With a transfer,
            # the first move is the one into this force's area.
            moves = r.choices((0, 1, 2, 3), (0.35, 0.30, 0.20, 0.15))[0]
            nfa_day = None
            if r.random() < 0.02:
                nfa_day = pick(max(initial + 1, horizon - 365), horizon - 10)
            move_hi = horizon
            if nfa_day is not None:
                moves, move_hi = min(moves, 2), nfa_day - 1
            move_days = sorted({d for d in (pick(initial + 1, move_hi) for _ in range(moves)) if d is not None})
            for d in move_days:
                trigger(d, "address", ("address", self.address("home", force.code, d, r.random() < CHILD_RATE)))
            if nfa_day is not None:
                trigger(nfa_day, "address", ("address", self.address("nfa", force.code, nfa_day, False)))
            # Later name change and aliases first used after the conviction.
            if r.random() < 0.04:
                d = pick(initial + 1, horizon)
                if d is not None:
                    trigger(d, "name", ("name", {"given_names": given if r.random() < 0.7 else self.given(sex),
                                                 "family_name": r.choice(self.pools.family)}))
            if r.random() < 0.06:
                d = pick(initial + 1, horizon)
                if d is not None:
                    trigger(d, "alias", ("alias", {"kind": "alias", "given_names": self.given(sex),
                                                   "family_name": r.choice(self.pools.family), "valid_from": d,
                                                   "valid_to": None}))
            gaps = self.walk(initial, horizon, triggers, blocked, names, addresses, notes, cases)
            # Travel and prescribed notices (they do not restart the s.85 clock); nothing while missing.
            for d, kind_, details in fixed:
                if initial < d <= horizon and not any(a <= d <= b for a, b in gaps):
                    notes.append((d, kind_, details, nfa_at(addresses, d)))
            if gaps:  # trips and hospital stays during a missing spell were never known: drop them
                detentions_out = [x for x in detentions_out
                                  if x["kind"] == "custody" or not any(a <= x["start"] <= b for a, b in gaps)]

        if old_force and len(addresses) > 1:
            transfer = addresses[1]["valid_from"]
            ownership = [{"force": old_force, "valid_from": _iso(rs), "valid_to": _iso(transfer)},
                         {"force": force.code, "valid_from": _iso(transfer), "valid_to": None}]
        elif old_force:  # no move to carry the transfer: keep them local
            old_force = None
            addresses[0]["town"] = r.choice(self.pools.towns[force.code])
            addresses[0]["postcode"] = self.postcode(force.code)

        if opened is not None:
            wanted = r.random() < WANTED_SHARE.get(force.code, WANTED_SHARE_DEFAULT)
            abroad = r.random() < BELIEVED_ABROAD.get(force.code, BELIEVED_ABROAD_DEFAULT)
            warrant = min(today if closed is None else closed - 1, opened + r.randint(0, 45))
            outcome = None
            if closed is not None:
                outcome = r.choice(("returned", "abroad_known")) if abroad else r.choice(
                    ("located", "located", "arrested"))
                # Back in touch: a notification on or just after the day it closed, then yearly.
                day = closed + r.randint(0, 3)
                while day <= today - 1:
                    notes.append((day, "periodic", {"after": "case closed"} if day <= closed + 3 else {},
                                  nfa_at(addresses, day)))
                    day += 365 - r.randint(0, 30)
            cases.append({
                "kind": "wanted" if wanted else "missing", "opened": opened, "closed": closed,
                "believed_abroad": abroad, "warrant": warrant if wanted else None, "outcome": outcome,
            })

        # SHPOs, for a few people convicted since they began (E&W and NI).
        if not self.scotland and r.random() < 0.06:
            recent = [d for d, _, _ in disposals if d >= SHPO_FROM]
            if recent:
                start = recent[-1]
                end = start + int(r.choice((5, 7, 10)) * YEAR) if r.random() < 0.4 else None
                orders.append({"kind": "shpo", "start": _iso(start), "end": _iso(end) if end else None})

        stays: list[dict[str, Any]] = []
        notices: list[dict[str, Any]] = []
        extra_notes: list[dict[str, Any]] = []
        if initial is not None and opened is None and initial < today - 40:
            extra_notes = self.travel_extras(pid, force.code, initial, horizon, blocks, addresses, detentions_out,
                                             notes, stays, notices)

        notes.sort(key=lambda n: n[0])
        out_disposals = []
        for day, k, m in disposals:
            serious = k in INDEFINITE or (k == "imprisonment" and (m or 0) >= 30)
            label, code = self.offence(day, serious)
            out_disposals.append({"date": _iso(day), "offence": label, "offence_code": code, "kind": k, "months": m})
        towns_by_address = [(a["valid_from"], a["town"]) for a in addresses]
        officers = self.pools.officers
        out_notes: list[dict[str, Any]] = []
        transfer_day = addresses[1]["valid_from"] if old_force and len(addresses) > 1 else None
        for day, k, details, nfa_flag in notes:
            town = towns_by_address[0][1]
            for since, t in towns_by_address:
                if since <= day:
                    town = t
            area = old_force if transfer_day is not None and day < transfer_day else force.code
            assert area is not None
            change: Any = details.pop(CHANGE_KEY, None)
            out_notes.append({
                "kind": k, "received_at": _received_at(r, day), "station": f"{town} Police Station",
                "officer": r.choice(officers[area]), "no_fixed_abode": nfa_flag, "details": details,
                **({"change": change[0], "changed_on": _iso(change[1])} if change else {}),
            })
        if extra_notes:
            out_notes = sorted(out_notes + extra_notes, key=lambda n: str(n["received_at"]))
        return {
            "id": str(pid),
            "force": force.code,
            "synthetic": True,
            "date_of_birth": _iso(dob),
            "sex": sex,
            "ni_number": self.ni_number() if r.random() < 0.97 else None,
            "pnc_id": self.pnc_id(dob, rs) if r.random() < 0.99 else None,
            "names": [_dated(n) for n in names],
            "addresses": [_dated(a) for a in addresses],
            "ownership": ownership,
            "disposals": out_disposals,
            "detentions": [{"kind": d["kind"], "start": _iso(d["start"]),
                            "end": _iso(d["end"]) if d["end"] is not None and d["end"] <= today else None}
                           for d in sorted(detentions_out, key=lambda d: d["start"]) if d["kind"] != "abroad"],
            # time abroad is a trip (s.86), with where they went, as notified; each linked to its travel notification
            "trips": [_trip(i, d, today, _notified_on(out_notes, d)) for i, d in enumerate(
                sorted((d for d in detentions_out if d["kind"] == "abroad"), key=lambda d: d["start"]), start=1)],
            "stays": stays,
            "advance_notices": notices,
            "orders": orders,
            "notifications": out_notes,
            "cases": [{**c, "opened": _iso(c["opened"]), "closed": _iso(c["closed"]) if c["closed"] else None,
                       "warrant": _iso(c["warrant"]) if c["warrant"] else None} for c in cases],
            **({"transfers": [_accepted_transfer(old_force, force.code, transfer_day, today, officers)]}
               if old_force and transfer_day is not None else {}),
            **prescribed_items(random.Random(pid.int), max(dob, rs - int(10 * YEAR)), rs, notes, addresses,
                               horizon),
        }


def _accepted_transfer(old: str, new: str, moved: int, today: int, officers: dict[str, Any]) -> dict[str, Any]:
    """The transfer that moved ownership on the day they moved (accepted within days: docs/transfers.md)."""
    decided = min(moved + 3, today)
    return {"from_force": old, "to_force": new, "move_date": _iso(moved), "state": "accepted",
            "accept_by": _iso(moved + 14), "requested_at": f"{_iso(moved)}T10:00:00Z",
            "requested_by": officers[old][0], "decided_at": f"{_iso(decided)}T15:00:00Z",
            "decided_by": officers[new][0], "reason": None, "escalated_on": None}


IN_TRANSIT_TO = ("GMP", "MPS")  # the demo's transfer in progress: to Greater Manchester (or from it, to the Met)


def _with_transfer_in_progress(doc: dict[str, Any], today: int) -> bool:
    """Give the first suitable registrant a transfer waiting to be accepted (moved 5 days ago, started 3 days
    ago); False when ``doc`` is not suitable (another force's country, a transfer already, an open case)."""
    if doc["force"] not in FORCES or FORCES[doc["force"]].country not in ("england", "wales") or doc.get("transfers") \
            or doc.get("date_of_death") or any(c["closed"] is None for c in doc["cases"]) \
            or any(d["date"] >= _iso(today - 5) for d in doc["disposals"]):
        return False
    started = today - 3
    doc["transfers"] = [{
        "from_force": doc["force"], "to_force": IN_TRANSIT_TO[doc["force"] == IN_TRANSIT_TO[0]],
        "move_date": _iso(today - 5), "state": "in_transit", "accept_by": _iso(started + 14),
        "requested_at": f"{_iso(started)}T10:00:00Z", "requested_by": None, "decided_at": None,
        "decided_by": None, "reason": None, "escalated_on": None}]
    return True


# The 2012 prescribed items the registrants hold (register.prescribed): drawn from a generator of their own (seeded
# by the person's id) so the rest of the register is the same with or without them.
CHANGE_KEY = "_change"  # (which change, its day) on a change notification, until it is written out
CHANGE_OF = {"address": "home_address", "name": "name", "alias": "name", "release": "release",
             "relevant_household": "prescribed"}
BANKS = ("Synthetic Bank", "Example Building Society", "Fictional Savings", "Imaginary Bank", "Placeholder Mutual")
HELD_AT_REGISTRATION = {"passport": 0.30, "bank_account": 0.55, "payment_card": 0.45}


def _luhn_digit(body: str) -> str:
    """The check digit that makes ``body`` + digit pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        n = int(ch)
        if i % 2 == 0:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return str((10 - total % 10) % 10)


def _item(rng: random.Random, item: str, start: int) -> tuple[str, dict[str, Any]]:
    """One synthetic item (its list in the registrant document and the item), held from ``start``."""
    held = {"valid_from": _iso(start), "valid_to": None}
    if item in ("passport", "identity_document"):
        issued = start - rng.randint(0, 3 * 365)
        return "identity_documents", {
            "kind": "passport" if item == "passport" else "identity_card",
            "country": "GB" if item == "passport" or rng.random() < 0.5 else rng.choice(TRIP_COUNTRIES),
            "number": "".join(rng.choice("0123456789") for _ in range(9)),
            "issued_on": _iso(issued), "expires_on": _iso(issued + 10 * 365 + 2), **held}
    if item == "bank_account":
        return "bank_accounts", {
            "kind": "personal" if rng.random() < 0.95 else "business", "institution": rng.choice(BANKS),
            "sort_code": "".join(rng.choice("0123456789") for _ in range(6)),
            "number": "".join(rng.choice("0123456789") for _ in range(8)), **held}
    body = "4" + "".join(rng.choice("0123456789") for _ in range(14))
    return "payment_cards", {
        "kind": "debit" if rng.random() < 0.7 else "credit", "institution": rng.choice(BANKS),
        "number": body + _luhn_digit(body), "issued_on": None, "expires_on": None, **held}


def prescribed_items(rng: random.Random, earliest: int, registered: int, notes: list[Any],
                     addresses: list[dict[str, Any]], horizon: int) -> dict[str, list[dict[str, Any]]]:
    """Passports, bank accounts and cards, some held since before registration (notified with everything else), the
    rest begun on the day of a prescribed notification of that item (the duty met that day); and a relevant
    household for each home where a child lives that they moved to after the 2012 Regulations."""
    out: dict[str, list[dict[str, Any]]] = {}
    for item, share in HELD_AT_REGISTRATION.items():
        if rng.random() < share and earliest < registered:
            key, value = _item(rng, item, rng.randint(earliest, registered - 1))
            out.setdefault(key, []).append(value)
    for day, kind, details, _nfa in notes:
        if kind == "prescribed" and REGS2012 <= day <= horizon:
            key, value = _item(rng, details["items"][0], day)
            out.setdefault(key, []).append(value)
    for a in addresses:
        start, end = a["valid_from"], a["valid_to"]
        if a["child_under_18"] and a["kind"] == "home" and start > registered and start >= REGS2012:
            out.setdefault("relevant_households", []).append({
                "line1": a["line1"], "line2": a["line2"], "town": a["town"], "postcode": a["postcode"],
                "intended_periods": [], "valid_from": _iso(start), "valid_to": _iso(end) if end is not None else None})
    return {key: sorted(items, key=lambda i: i["valid_from"]) for key, items in sorted(out.items())}


def _uuid7(today: int, index: int, rand74: int) -> uuid.UUID:
    """A deterministic time-ordered id (see ``tether.core.ids``): midnight UTC of ``today`` plus
    ``index`` ms, so ids ascend in generation order and the same seed gives the same ids."""
    return uuid7((today - date(1970, 1, 1).toordinal()) * 86_400_000 + index, rand74)


# where a trip to each country usually first arrives (synthetic detail for the demo)
ARRIVALS = {"ES": "Malaga airport", "FR": "Calais ferry port", "IE": "Dublin airport", "PL": "Krakow airport",
            "RO": "Bucharest Otopeni airport", "PT": "Faro airport", "IT": "Rome Fiumicino airport",
            "GR": "Athens airport", "TR": "Antalya airport", "NL": "Amsterdam Schiphol airport",
            "TH": "Bangkok Suvarnabhumi airport", "US": "New York JFK airport", "LT": "Vilnius airport",
            "BG": "Sofia airport"}


def _notified_on(notes: list[dict[str, Any]], d: dict[str, Any]) -> str | None:
    """The (UK) day of the travel notification that notified the time abroad ``d`` (the one naming its departure and
    country), as the register links a trip to its notification; None when it was never notified (dropped while
    missing)."""
    trip = (_iso(d["start"]), d["country"])
    for n in notes:
        details = n["details"]
        if n["kind"] == "travel" and (details.get("departure"), details.get("destination")) == trip:
            return str(n["received_at"])[:10]  # office hours in the UK: the same day in UTC
    return None


def _trip(number: int, d: dict[str, Any], today: int, notified_on: str | None = None) -> dict[str, Any]:
    back = d["end"]
    told = back + 1 if back is not None and back + 1 < today else None
    return {"number": number, "departure": _iso(d["start"]), "countries": [d["country"]],
            "arrival_points": ARRIVALS.get(d["country"], ""), "accommodation": "Hotel (synthetic)",
            "return_date": _iso(back) if back is not None else None, "return_point": "",
            "return_notified_on": _iso(told) if told else None, "short_notice": False, "cancelled": False,
            "notified_on": notified_on}


def _dated(row: dict[str, Any]) -> dict[str, Any]:
    valid_to = row["valid_to"]
    return {**row, "valid_from": _iso(row["valid_from"]), "valid_to": _iso(valid_to) if valid_to else None}


def nfa_at(addresses: list[dict[str, Any]], day: int) -> bool:
    kind = addresses[0]["kind"]
    for a in addresses:
        if a["valid_from"] <= day:
            kind = a["kind"]
    return bool(kind == "nfa")


def _merge(spans: list[list[Any]]) -> list[tuple[str, int, int | None]]:
    """Merge overlapping detentions of the same kind."""
    out: list[list[Any]] = []
    for kind, s, e in sorted(spans, key=lambda x: (x[1], x[0])):
        for o in out:
            if o[0] == kind and s <= o[2] and e >= o[1]:
                o[1], o[2] = min(o[1], s), max(o[2], e)
                break
        else:
            out.append([kind, s, e])
    return [(k, s, e) for k, s, e in out]


def generate_documents(registrants: int | None, seed: int, today: date) -> Iterator[dict[str, Any]]:
    """Yield synthetic registrant documents (the shape ``parse_registrant`` accepts).

    ``registrants=None`` gives the full national size (~77,000); a number scales every force down in
    proportion (each force at least 1 when it is 45 or more). The same seed and ``today`` give the same
    documents. Forces are interleaved in a shuffled order, so any prefix is a national sample.
    """
    counts = force_counts(registrants)
    rng = random.Random(seed)
    pools = _pools(seed)
    order = [code for code in sorted(counts) for _ in range(counts[code])]
    rng.shuffle(order)
    t = today.toordinal()
    in_transit = False
    for i, code in enumerate(order):
        doc = _Person(rng, pools, FORCES[code], t).build(i)
        if not in_transit:  # one transfer in progress (docs/transfers.md)
            in_transit = _with_transfer_in_progress(doc, t)
        yield doc
