"""The batched facts read (``facts.facts_for``) gives what the plain one-query-per-record read gave, whether it is
passed a list of ids or a force's stored outcomes as a subquery; and the capacity and caseload figures (the JSON of
the selectors) are the same computed from either, today and on a past date, for a force and nationally."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from django.db.models import Max, Q

from tether.core.models import holds_on_q
from tether.management import facts as F
from tether.management import outcomes, selectors
from tether.management import rules as R
from tether.management.constants import VisitOutcome
from tether.management.facts import QUIET, RECORDS, facts_for
from tether.management.models import Assessment, Intelligence, ManagementState, ModeSpell, RiskLevelSpell, Visit
from tether.management.outcomes import materialise
from tether.management.services import assessment_record, intelligence_record, mode_set, risk_level_set
from tether.management.tests import test_unit_figures
from tether.management.tests.test_unit_figures import FIGURES, seeded  # noqa: F401 - the seeded registrants
from tether.register.constants import DetentionKind
from tether.register.models import Detention, Person, RegisterState
from tether.register.services import person_create

TODAY, PAST = date(2025, 6, 16), date(2025, 3, 1)


def _oracle_in_scope(ids: Sequence[Any]) -> set[Any]:
    from tether.management.models import VisitPolicy

    adopted = set(VisitPolicy.objects.values_list("force_id", flat=True).distinct())
    forces = dict(Person.objects.filter(pk__in=ids).values_list("pk", "owning_force_id"))
    out = {pid for pid, fid in forces.items() if fid in adopted}
    rest = [pid for pid in ids if pid not in out]
    for model in RECORDS:
        found = set(model.objects.filter(person_id__in=rest).values_list("person_id", flat=True).distinct())
        out |= found
        rest = [pid for pid in rest if pid not in found]
    return out


def oracle_facts_for(person_ids: Sequence[Any], as_of: date) -> dict[Any, R.Facts]:
    """The read as it was: whole rows, one id list per record."""
    ids = list(person_ids)
    states = {s.person_id: s for s in RegisterState.objects.filter(person_id__in=ids)}
    released = dict(Detention.objects.filter(person_id__in=ids, kind=DetentionKind.CUSTODY, end__lte=as_of)
                    .values("person_id").annotate(m=Max("end")).values_list("person_id", "m"))
    custody = set(Detention.objects.filter(Q(end__isnull=True) | Q(end__gt=as_of), person_id__in=ids,
                                           kind=DetentionKind.CUSTODY, start__lte=as_of)
                  .values_list("person_id", flat=True))
    levels = dict(RiskLevelSpell.objects.filter(holds_on_q(as_of), person_id__in=ids).values_list("person_id", "level"))
    modes = {m.person_id: m for m in ModeSpell.objects.filter(holds_on_q(as_of), person_id__in=ids)}
    seen = dict(Visit.objects.filter(person_id__in=ids, outcome=VisitOutcome.SEEN, visited_on__lte=as_of)
                .values("person_id").annotate(m=Max("visited_on")).values_list("person_id", "m"))
    arms: dict[Any, Assessment] = {}
    for a in Assessment.objects.filter(person_id__in=ids, tool="arms", assessed_on__lte=as_of).order_by(
            "person_id", "assessed_on", "id"):
        arms[a.person_id] = a
    intel = dict(Intelligence.objects.filter(person_id__in=ids, received_on__lte=as_of)
                 .values("person_id").annotate(m=Max("received_on")).values_list("person_id", "m"))
    in_scope = _oracle_in_scope(ids)
    out = {}
    for pid in ids:
        st = states.get(pid)
        start = st.registration_start if st is not None and st.subject else None
        quiet = st is None or st.status in QUIET or (
            st.registration_end is not None and not st.indefinite and st.registration_end < as_of)
        managed_from = None
        if start is not None and not quiet and start <= as_of:
            managed_from = max(start, released.get(pid) or start)
        mode, latest = modes.get(pid), arms.get(pid)
        out[pid] = R.Facts(
            managed_from=managed_from, in_custody=pid in custody, risk_level=levels.get(pid),
            mode=mode.mode if mode else R.ACTIVE, mode_since=mode.valid_from if mode else None,
            plan_months=mode.plan_months if mode else None, last_seen_visit=seen.get(pid),
            last_arms=latest.assessed_on if latest else None,
            arms_next_review=latest.next_review if latest else None,
            intelligence_on=intel.get(pid), in_scope=pid in in_scope)
    return out


def _fresh_numbers() -> Any:
    return iter(f"AB12345{d}C" for d in range(1, 10))


@pytest.fixture(autouse=True)
def numbers() -> Any:
    """The pinned registrants' National Insurance numbers afresh for each test (and left afresh for the next)."""
    test_unit_figures.NI = _fresh_numbers()
    yield
    test_unit_figures.NI = _fresh_numbers()


@pytest.fixture
def varied(seeded, officer, other_officer, supervisor, make_doc) -> dict[str, Any]:  # noqa: F811
    """The pinned registrants plus some in and out of custody, reactive, reassessed, and one with no record."""
    jailed = person_create(officer, make_doc(ni_number="AB123460C", force=officer.force.code))
    risk_level_set(officer, jailed.pk, {"level": "high", "source": "arms", "reason": "ARMS-informed review",
                                        "valid_from": "2023-01-10"})
    Detention.objects.create(person=jailed, kind=DetentionKind.CUSTODY, start=date(2025, 1, 5))
    released = person_create(officer, make_doc(ni_number="AB123461C", force=officer.force.code))
    Detention.objects.create(person=released, kind=DetentionKind.CUSTODY, start=date(2024, 2, 1),
                             end=date(2025, 4, 2))
    Detention.objects.create(person=released, kind=DetentionKind.CUSTODY, start=date(2023, 2, 1),
                             end=date(2023, 5, 2))
    assessment_record(officer, released.pk, {"tool": "arms", "assessor": "DC Ash", "assessed_on": "2025-02-01",
                                             "next_review": "2025-08-01", "summary": "Risk and protective factors"})
    assessment_record(officer, released.pk, {"tool": "arms", "assessor": "DC Ash", "assessed_on": "2025-05-01",
                                             "summary": "Risk and protective factors"})
    reactive = person_create(officer, make_doc(ni_number="AB123462C", force=officer.force.code))
    risk_level_set(officer, reactive.pk, {"level": "low", "source": "arms", "reason": "ARMS-informed review",
                                          "valid_from": "2020-08-01"})
    mode_set(supervisor, reactive.pk, {"mode": "reactive", "reason": "Low for over three years"})
    intelligence_record(officer, reactive.pk, {"summary": "Seen near a school gate", "received_on": "2025-06-10"})
    person_create(other_officer, make_doc(ni_number="AB123463C", force=other_officer.force.code))  # no record
    ids = list(Person.objects.values_list("pk", flat=True))
    materialise(ids, TODAY)
    return {"ids": ids}


@pytest.mark.parametrize("as_of", [TODAY, PAST])
def test_facts_are_the_same_read_by_list_or_by_subquery(varied, as_of):
    ids = varied["ids"]
    expected = oracle_facts_for(ids, as_of)
    assert len({f.in_custody for f in expected.values()}) == 2
    assert len({f.in_scope for f in expected.values()}) == 2
    assert facts_for(ids, as_of) == expected
    by_force = {}
    for fid in set(ManagementState.objects.values_list("force_id", flat=True)):
        by_force.update(facts_for(ManagementState.objects.filter(force_id=fid), as_of))
    stored = set(ManagementState.objects.values_list("person_id", flat=True))
    assert by_force == {pid: f for pid, f in expected.items() if pid in stored}
    assert facts_for(ManagementState.objects.none(), as_of) == {}


@pytest.mark.parametrize("as_of", [TODAY, PAST])
def test_one_registrant_read_in_one_statement_gives_the_same_facts(varied, as_of, django_assert_num_queries):
    """``facts.one_statement`` (a write of one record, the person page's panel) reads what the batched read does,
    the force's policy and the custody's end too."""
    expected = oracle_facts_for(varied["ids"], as_of)
    people = dict(Person.objects.values_list("pk", "owning_force_id"))
    for pid in varied["ids"]:
        with django_assert_num_queries(1):
            (force, facts, policy, custody_end), = outcomes._one(pid, as_of).values()
        assert (force, facts) == (people[pid], expected[pid])
        assert policy == F.policy_for(force).rules
        ends = [d.end for d in Detention.objects.filter(person_id=pid, kind=DetentionKind.CUSTODY,
                                                          start__lte=as_of) if d.end is None or d.end > as_of]
        assert custody_end == max((e for e in ends if e is not None), default=None)
        assert outcomes._many([pid], as_of)[pid] == (force, facts if facts.in_scope else R.Facts(
            managed_from=None, in_custody=facts.in_custody, in_scope=False), policy, custody_end)


def _all_figures(national: Any, supervisor: Any) -> str:
    out = {}
    for who, user in (("national", national), ("mps", supervisor)):
        for as_of in (TODAY, PAST):
            for w in ("fixed", "individual", "reactive_eligible"):
                c = selectors.capacity(user, None, as_of, what_if=w)
                out[f"{who} {as_of} capacity {w}"] = {**selectors.capacity_json(c), "first_missed": [
                    {**r, "person_id": str(r["person_id"])} for r in c["first_missed"]]}
            out[f"{who} {as_of} caseload"] = [[r.name, r.force, r.registrants, r.weighted, r.benchmark,
                                               r.visits_overdue, r.assessments_overdue]
                                              for r in selectors.caseload(user, None, as_of)]
    return json.dumps(out, default=str, sort_keys=True)


def test_capacity_and_caseload_figures_are_the_same_as_from_the_plain_read(varied, national_admin, supervisor,
                                                                         monkeypatch):
    after = _all_figures(national_admin, supervisor)
    with monkeypatch.context() as m:
        def plain(person_ids: Any, as_of: date) -> dict[Any, R.Facts]:
            if not isinstance(person_ids, (list, tuple)):
                person_ids = list(person_ids.values_list("person_id", flat=True))
            return oracle_facts_for(person_ids, as_of)

        m.setattr(selectors, "facts_for", plain)
        m.setattr(F, "facts_for", plain)
        before = _all_figures(national_admin, supervisor)
    assert json.loads(after) == json.loads(before)
    assert '"will_be_missed": 0' in after and FIGURES


@pytest.mark.parametrize("limit", [3, 50])
def test_capacity_counted_today_is_the_plan_of_each_registrant(varied, monkeypatch, limit):
    """Today's capacity counted from the stored outcome (``_capacity_counted``), nationally and for each force, gives
    the figures of planning each registrant from their facts (``_capacity_planned``), and for a force the same first
    work missed, person by person, in the same order: with a plan, eligible over two intervals, cut part way."""
    from collections import Counter

    from tether.access.constants import Role
    from tether.access.models import Force, User

    monkeypatch.setattr(selectors, "FIRST_MISSED", limit)
    officers = Counter(User.objects.filter(is_active=True, role=Role.OFFICER).values_list("force_id", flat=True))

    def figures(units: list[dict[str, Any]]) -> list[Any]:
        return [[u["force"].code, u["officers"], u["eligible"],
                 *([getattr(u[c], k) for k in FIGURES] for c in ("current", "what_if"))] for u in units]

    named = 0
    for w in R.WHAT_IF_POLICIES:
        units, first = selectors._capacity_counted(TODAY, 3, w, officers)
        planned, _ = selectors._capacity_planned(TODAY, 3, w, officers, None)
        assert figures(units) == figures(planned) and first == []
        for force in Force.objects.filter(code__in=["MPS", "GMP", "WMP"]):
            units, first = selectors._capacity_counted(TODAY, 3, w, officers, force)
            planned, planned_first = selectors._capacity_planned(TODAY, 3, w, officers, force)
            assert figures(units) == figures(planned)
            assert [(x.key, x.kind, x.due, x.level) for x in first] == [
                (x.key, x.kind, x.due, x.level) for x in planned_first]
            named += len(first)
    assert named >= 3 * min(limit, 10)
