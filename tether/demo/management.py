"""Synthetic risk-led management for the demo register, in the published shares (domain.md §8.3: very high 2%, high
18%, medium 30%, low about 50%): MAPPA category 1 (levels 1-3), offender managers with caseloads around and above 50
(demo officer accounts that cannot sign in), a home-visit and ARMS history with some overdue, and a reactive-management
cohort among those low for 3 years or more. Seeded: the same seed gives the same history."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import connection

from tether.access.constants import Role
from tether.access.models import Force, User
from tether.audit.services import record
from tether.core import clock
from tether.core.streams import chunks
from tether.management import rules
from tether.management.models import (
    Assessment,
    ManagerSpell,
    MappaSpell,
    ModeSpell,
    RiskLevelSpell,
    Visit,
    VisitPolicy,
)
from tether.management.outcomes import materialise
from tether.obligations.calendar import add_months
from tether.register import plain_rows
from tether.register.models import Person, RegisterState
from tether.register.selectors import ids_in

# the rows written, by table, with their columns
TABLES: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    "level": (RiskLevelSpell, ("person_id", "level", "source", "valid_from", "reason")),
    "mappa": (MappaSpell, ("person_id", "category", "level", "lead_agency", "valid_from")),
    "manager": (ManagerSpell, ("person_id", "manager_id", "valid_from")),
    "mode": (ModeSpell, ("person_id", "mode", "valid_from", "reason")),
    "visit": (Visit, ("person_id", "force_id", "visited_at", "visited_on", "announced", "attended_by", "outcome",
                      "created_at")),
    "arms": (Assessment, ("person_id", "tool", "assessed_on", "assessor", "summary", "next_review", "created_at")),
}
SHARES = ((rules.VERY_HIGH, 0.02), (rules.HIGH, 0.18), (rules.MEDIUM, 0.30), (rules.LOW, 0.50))


def _level(rng: random.Random) -> str:
    x = rng.random()
    for level, share in SHARES:
        if x < share:
            return level
        x -= share
    return rules.LOW


def _officers(force: Force, count: int) -> list[User]:
    """The force's ``count`` synthetic offender managers, those missing created in one statement."""
    names = [f"om{i:02d}.{force.code.lower()}" for i in range(1, count + 1)]
    have = User.objects.in_bulk(names, field_name="username")
    new = []
    for i, username in enumerate(names, start=1):
        if username not in have:
            user = User(username=username, role=Role.OFFICER, force=force, first_name=f"Officer {i:02d}",
                        last_name=f"({force.code}, synthetic)")
            user.set_unusable_password()
            new.append(user)
    have.update((user.username, user) for user in User.objects.bulk_create(new))
    return [have[username] for username in names]


def _assign_managers(pairs: list[tuple[Any, int]]) -> None:
    """Each registrant's offender manager (``Person.offender_manager``), one statement for them all: an update by
    primary key for each (person, manager) pair."""
    if not pairs:
        return
    field = Person._meta.get_field("offender_manager")
    qn = connection.ops.quote_name
    pk = Person._meta.pk
    with connection.cursor() as cur:
        cur.executemany(
            f"UPDATE {qn(Person._meta.db_table)} SET {qn(str(field.column))} = %s WHERE {qn(str(pk.column))} = %s",  # noqa: S608
            [(uid, pk.get_db_prep_value(pid, connection)) for pid, uid in pairs])


def evaluate_duties(ids: list[Any], today: date) -> None:
    """Evaluate and store the management duties of these registrants as at ``today``, 2,000 at a time."""
    for chunk in chunks(ids, 2000):
        materialise(chunk, today)


class Management:
    """Management facts added batch by batch as the demo register is written: each batch's registrants get theirs,
    in the transaction that wrote them (``add``; their duties evaluated after it); ``finish`` records what was added.

    ``expected``: registrants per force code in the whole load (``geography.force_counts``), which sizes each
    force's synthetic offender managers (one per ~55 registrants: caseloads around and above the benchmark of 50)
    before all of the force's registrants are written. Seeded: the same seed and batches give the same facts."""

    def __init__(self, seed: int, today: date, expected: dict[str, int]) -> None:
        self.today, self.expected = today, expected
        self.rng = random.Random(seed * 7919)
        self.now = clock.now()
        self.forces: dict[int, Force] = {}
        self.officers: dict[int, list[User]] = {}
        self.shares: dict[str, int] = defaultdict(int)
        self.registrants = self.reactive = self.visits = 0

    def _force(self, fid: int) -> tuple[Force, list[User]]:
        if fid not in self.forces:
            force = self.forces[fid] = Force.objects.get(pk=fid)
            self.officers[fid] = _officers(force, max(1, math.ceil(self.expected.get(force.code, 1) / 55)))
            # every demo force manages in Tether (the fixed minimums): its registrants' duties run from registration
            if not VisitPolicy.objects.filter(force_id=fid).exists():
                VisitPolicy.objects.create(force_id=fid, kind=rules.FIXED, valid_from=self.now)
        return self.forces[fid], self.officers[fid]

    def add(self, people: list[tuple[Any, int]]) -> None:
        """Risk levels, MAPPA, offender managers, visits and ARMS assessments for these registrants (id, owning force
        id), none of whom has any yet, inside the caller's transaction; their duties are the caller's to evaluate."""
        rng, today, now = self.rng, self.today, self.now
        starts = _registration_starts([pid for pid, _ in people])
        by_force: dict[int, list[Any]] = defaultdict(list)
        for pid, fid in people:
            by_force[fid].append(pid)
        rows: dict[Any, list[Any]] = defaultdict(list)
        for fid, pids in by_force.items():
            _, officers = self._force(fid)
            for pid in pids:
                start = starts.get(pid) or date(2015, 1, 1)
                level = _level(rng)
                self.shares[level] += 1
                since = max(start, today - timedelta(days=rng.randint(60, 3000)))
                rows["level"].append((pid, level, "arms", since, "ARMS-informed assessment (synthetic)"))
                mappa_level = "3" if rng.random() < 0.003 else "2" if rng.random() < 0.03 else "1"
                rows["mappa"].append((pid, "1", mappa_level, "probation" if rng.random() < 0.2 else "police", since))
                manager = rng.choice(officers) if rng.random() < 0.95 else None
                if manager is not None:
                    rows["manager"].append((pid, manager.pk, since))
                reactive = level == rules.LOW and (today - since).days >= 3 * 366 and rng.random() < 0.4
                if reactive:
                    rows["mode"].append((pid, "reactive", today - timedelta(days=rng.randint(1, 400)),
                                         "Low risk for at least 3 years (synthetic)"))
                months = rules.FIXED_MONTHS[level]
                # the last visit: mostly within the interval, some late (overdue)
                gap = int(months * 30.4 * rng.uniform(0.1, 1.25))
                visited = today - timedelta(days=max(1, gap))
                if visited > since:
                    at = datetime.combine(visited, time(rng.choice((10, 14, 19)), 0), tzinfo=UTC)
                    rows["visit"].append((pid, fid, at, visited, rng.random() < 0.3, "Synthetic officers", "seen",
                                          now))
                arms_on = max(since, today - timedelta(days=rng.randint(30, 430)))
                rows["arms"].append((pid, "arms", arms_on, "Synthetic assessor", "Synthetic ARMS summary",
                                     add_months(arms_on, 12), now))
        for key, (model, columns) in TABLES.items():  # plain rows: a national demo writes half a million
            plain_rows.Table(model, columns).insert(rows[key])
        _assign_managers([(pid, uid) for pid, uid, _ in rows["manager"]])
        self.registrants += len(people)
        self.reactive += len(rows["mode"])
        self.visits += len(rows["visit"])

    def finish(self) -> dict[str, Any]:
        """What was added (audited as ``demo.management``)."""
        summary = {"registrants": self.registrants, "risk_levels": dict(self.shares), "reactive": self.reactive,
                   "visits": self.visits, "synthetic": True}
        record("demo.management", None, actor_label="demo", detail=summary)
        return summary


def _registration_starts(ids: list[Any]) -> dict[Any, date | None]:
    """Each of these registrants' first day of registration, as their stored outcome has it."""
    return dict(RegisterState.objects.filter(person_id__in=ids_in(ids)).values_list("person_id", "registration_start"))
