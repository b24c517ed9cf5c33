"""The unit figures (capacity with each what-if, caseloads, the overdue list) pinned on a seeded set of registrants in
two forces, national and for one force: however they are computed, they stay these."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tether.management.selectors import capacity, capacity_json, caseload, overdue
from tether.management.services import (
    assessment_record,
    intelligence_record,
    manager_assign,
    mode_set,
    policy_set,
    risk_level_set,
    visit_record,
)
from tether.register.services import person_create

NI = iter(f"AB12345{d}C" for d in range(1, 10))


def _person(actor: Any, make_doc: Any, level: str | None, since: str = "2024-01-10", seen: str | None = None) -> Any:
    person = person_create(actor, make_doc(ni_number=next(NI), force=actor.force.code))
    if level:
        risk_level_set(actor, person.pk, {"level": level, "source": "arms", "reason": "ARMS-informed review",
                                          "valid_from": since})
    if seen:
        visit_record(actor, person.pk, {"visited_at": datetime.fromisoformat(seen).replace(tzinfo=UTC).isoformat(),
                                        "attended_by": "PC 1234", "outcome": "seen"})
    return person


@pytest.fixture
def seeded(managed, officer, other_officer, supervisor, force_admin, make_doc, frozen) -> dict[str, Any]:
    policy_set(force_admin, None, {"kind": "individual", "officer_hours_per_month": 8})
    very_high = _person(officer, make_doc, "very_high")
    assessment_record(officer, very_high.pk, {"tool": "arms", "assessor": "DC Ash", "assessed_on": "2025-05-01",
                                              "next_review": "2025-07-01", "summary": "Risk and protective factors"})
    _person(officer, make_doc, "low", since="2020-08-01", seen="2024-07-01T10:00")  # reactive eligible
    planned = _person(officer, make_doc, "medium", seen="2025-04-20T14:00")
    mode_set(supervisor, planned.pk, {"mode": "active", "plan_months": 2, "reason": "Individual plan agreed"})
    _person(officer, make_doc, None)
    noticed = _person(officer, make_doc, "low", since="2020-08-01", seen="2025-02-01T10:00")
    intelligence_record(officer, noticed.pk, {"summary": "Seen near a school gate", "received_on": "2025-06-01"})
    relabelled = _person(officer, make_doc, "low", since="2020-08-01", seen="2024-08-01T10:00")
    risk_level_set(officer, relabelled.pk, {"level": "low", "source": "rm2000", "reason": "Risk Matrix 2000 review",
                                            "valid_from": "2024-03-01"})  # low for 3 years over two intervals
    manager_assign(supervisor, very_high.pk, {"manager": officer.username})
    _person(other_officer, make_doc, "medium", seen="2024-11-01T10:00")
    _person(other_officer, make_doc, "very_high")
    return {"supervisor": supervisor}


FIGURES = ("policy", "visits", "assessments", "hours_required", "hours_available", "shortfall_hours",
           "will_be_missed", "done")


def _figures(user: Any, force: str | None) -> dict[str, Any]:
    """The figures as lists (force, officers, eligible, now, what-if; officer rows; overdue rows): no names."""
    def unit(u: dict[str, Any]) -> list[Any]:
        return [u["force"], u["officers"], u["reactive_eligible"], *([u[c][k] for k in FIGURES]
                                                                     for c in ("current", "what_if"))]

    return json.loads(json.dumps({
        "capacity": {w: [unit(u) for u in capacity_json(capacity(user, force, what_if=w))["units"]]
                     for w in ("fixed", "individual", "reactive_eligible")},
        "caseload": [[r.name, r.force, r.registrants, r.weighted, r.benchmark, r.visits_overdue,
                      r.assessments_overdue] for r in caseload(user, force)],
        "overdue": [[r["force"], r["kind"], r["due"], r["days_overdue"], r["level"], r["manager"]]
                    for r in overdue(user, force, page=None).rows],
        "first_missed": [[r["kind"], r["due"], r["level"]]
                         for r in capacity(user, force, what_if="fixed")["first_missed"]],
    }, default=str))


def test_unit_figures_are_pinned(seeded, national_admin, supervisor):
    got = {"national": _figures(national_admin, None), "mps": _figures(supervisor, None)}
    assert got["mps"].pop("overdue") == [r for r in got["national"]["overdue"] if r[0] == "MPS"]
    assert got == PINNED


PINNED: dict[str, Any] = {"national": {"capacity": {"fixed": [["GMP", 1, 0, ["fixed", 4, 2, 24.0, 180.0, 0.0, 0, 6],
                                      ["fixed", 4, 2, 24.0, 180.0, 0.0, 0, 6]],
                                     ["MPS", 1, 2, ["individual", 9, 7, 69.0, 24.0, 45.0, 10, 6],
                                      ["fixed", 7, 7, 63.0, 24.0, 39.0, 8, 6]]],
                           "individual": [["GMP", 1, 0, ["fixed", 4, 2, 24.0, 180.0, 0.0, 0, 6],
                                           ["individual", 4, 2, 24.0, 180.0, 0.0, 0, 6]],
                                          ["MPS", 1, 2, ["individual", 9, 7, 69.0, 24.0, 45.0, 10, 6],
                                           ["individual", 9, 7, 69.0, 24.0, 45.0, 10, 6]]],
                           "reactive_eligible": [["GMP", 1, 0, ["fixed", 4, 2, 24.0, 180.0, 0.0, 0, 6],
                                                  ["reactive_eligible", 4, 2, 24.0, 180.0, 0.0, 0, 6]],
                                                 ["MPS", 1, 2, ["individual", 9, 7, 69.0, 24.0, 45.0, 10, 6],
                                                  ["reactive_eligible", 7, 7, 63.0, 24.0, 39.0, 8, 6]]]},
              "caseload": [["Olive Okafor", "GMP", 0, 0, 50, 0, 0], ["Officer Persona", "MPS", 2, 5.0, 50, 1, 1],
                           ["Unassigned (unit queue)", "", 7, 10.0, 50, 3, 7]],
              "overdue": [["MPS", "arms_initial", "2020-07-15", 1797, "High", "officer.mps"],
                          ["MPS", "arms_initial", "2020-07-15", 1797, "Low", ""],
                          ["MPS", "arms_initial", "2020-07-15", 1797, "Medium", ""],
                          ["MPS", "arms_initial", "2020-07-15", 1797, "Not recorded", ""],
                          ["MPS", "arms_initial", "2020-07-15", 1797, "Low", ""],
                          ["MPS", "arms_initial", "2020-07-15", 1797, "Low", ""],
                          ["GMP", "arms_initial", "2020-07-15", 1797, "Medium", ""],
                          ["GMP", "arms_initial", "2020-07-15", 1797, "Very high", ""],
                          ["MPS", "home_visit", "2020-08-01", 1780, "Very high", "officer.mps"],
                          ["GMP", "home_visit", "2020-08-01", 1780, "Very high", ""],
                          ["MPS", "home_visit", "2021-07-01", 1446, "Not recorded", ""],
                          ["GMP", "home_visit", "2025-05-01", 46, "Medium", ""]],
              "first_missed": []},
 "mps": {"capacity": {"fixed": [["MPS", 1, 2, ["individual", 9, 7, 69.0, 24.0, 45.0, 10, 6],
                                 ["fixed", 7, 7, 63.0, 24.0, 39.0, 8, 6]]],
                      "individual": [["MPS", 1, 2, ["individual", 9, 7, 69.0, 24.0, 45.0, 10, 6],
                                      ["individual", 9, 7, 69.0, 24.0, 45.0, 10, 6]]],
                      "reactive_eligible": [["MPS", 1, 2, ["individual", 9, 7, 69.0, 24.0, 45.0, 10, 6],
                                             ["reactive_eligible", 7, 7, 63.0, 24.0, 39.0, 8, 6]]]},
         "caseload": [["Officer Persona", "MPS", 2, 5.0, 50, 1, 1],
                      ["Unassigned (unit queue)", "MPS", 5, 5.5, 50, 1, 5]],
         "first_missed": [["ARMS assessment", "2025-06-16", "Not recorded"],
                          ["home visit", "2025-06-16", "Not recorded"], ["ARMS assessment", "2025-06-16", "Low"],
                          ["ARMS assessment", "2025-06-16", "Low"], ["ARMS assessment", "2025-06-16", "Low"],
                          ["home visit", "2025-07-01", "Low"], ["home visit", "2025-08-01", "Low"],
                          ["ARMS assessment", "2025-06-16", "Medium"], ["home visit", "2025-06-20", "Medium"],
                          ["home visit", "2025-08-20", "Medium"]]}}
