"""The caseload and capacity counts stored for today (``management.stored``) give exactly the figures counted anew,
are reused while nothing they count changed, and go stale with every committed write that can change them (a visit,
a risk level, an assignment, a plan, a policy, a registrant) and at midnight; a write rolled back changes nothing.

These tests commit (``transactional_db``): the counts are stored and reused only outside a transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tether.management.models import StoredFigures
from tether.management.services import manager_assign, mode_set, policy_set, risk_level_set, visit_record
from tether.management.stored import changed, current_version
from tether.management.tests import test_unit_figures
from tether.management.tests.test_unit_figures import PINNED, _figures, seeded  # noqa: F401 - the seeded registrants
from tether.register.models import Person
from tether.register.services import person_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def numbers() -> Any:
    test_unit_figures.NI = iter(f"AB12345{d}C" for d in range(1, 10))
    yield
    test_unit_figures.NI = iter(f"AB12345{d}C" for d in range(1, 10))


def _counted(user: Any, force: str | None) -> dict[str, Any]:
    with transaction.atomic():  # inside a transaction nothing stored is read
        return _figures(user, force)


def _same(national: Any, supervisor: Any) -> dict[str, Any]:
    got = {"national": _figures(national, None), "mps": _figures(supervisor, None)}
    assert got == {"national": _counted(national, None), "mps": _counted(supervisor, None)}
    return got


def _reused(user: Any) -> bool:
    """Whether the caseload and the capacity of ``user``'s scope are read from what was stored (no count)."""
    from tether.management.selectors import capacity, caseload

    with CaptureQueriesContext(connection) as q:
        caseload(user)
        capacity(user, what_if="reactive_eligible")
    return not any("management_managementstate" in x["sql"] and "COUNT(" in x["sql"] for x in q.captured_queries)


def test_stored_figures_are_the_counted_ones_and_are_reused(seeded, national_admin, supervisor):  # noqa: F811
    got = _same(national_admin, supervisor)
    mps = got["mps"]
    mps.pop("overdue")
    assert got["national"] == PINNED["national"] and mps == PINNED["mps"]
    assert _reused(national_admin) and _reused(supervisor)
    assert {k.split(":")[0] for k in StoredFigures.objects.values_list("key", flat=True)} == {"caseload", "capacity"}
    assert _same(national_admin, supervisor)["national"] == got["national"]  # reused, and still the counted ones


def test_each_committed_write_makes_them_stale(seeded, national_admin, supervisor, officer, force_admin,  # noqa: F811
                                               make_doc, frozen):
    before = _same(national_admin, supervisor)
    writes = [
        lambda p: visit_record(officer, p.pk, {"visited_at": datetime(2025, 6, 16, 8, 0, tzinfo=UTC).isoformat(),
                                               "attended_by": "PC 1234", "outcome": "seen"}),
        lambda p: risk_level_set(officer, p.pk, {"level": "very_high", "source": "arms", "valid_from": "2025-06-16",
                                                 "reason": "ARMS-informed review"}),
        lambda p: manager_assign(supervisor, p.pk, {"manager": officer.username}),
        lambda p: mode_set(supervisor, p.pk, {"mode": "active", "plan_months": 1, "reason": "Plan agreed"}),
    ]
    person = Person.objects.filter(owning_force__code="MPS", offender_manager__isnull=True).order_by("pk").first()
    assert person is not None
    for write in writes:
        assert _reused(national_admin) and _reused(supervisor)
        version = current_version()
        write(person)
        assert current_version() > version
        assert not _reused(supervisor)
        _same(national_admin, supervisor)
    policy_set(force_admin, None, {"kind": "fixed", "officer_hours_per_month": 40})
    assert not _reused(supervisor)
    person_create(officer, make_doc(ni_number="AB123469C", force="MPS"))
    assert not _reused(national_admin)
    after = _same(national_admin, supervisor)
    assert after != before


def test_a_write_rolled_back_changes_nothing_and_midnight_or_every_force_makes_them_stale(seeded, national_admin,  # noqa: F811
                                                                                           supervisor, officer,
                                                                                           frozen):
    _same(national_admin, supervisor)
    version = current_version()
    person = Person.objects.filter(owning_force__code="MPS").order_by("pk").first()
    assert person is not None
    with pytest.raises(RuntimeError), transaction.atomic():
        risk_level_set(officer, person.pk, {"level": "very_high", "source": "arms", "valid_from": "2025-06-16",
                                            "reason": "ARMS-informed review"})
        raise RuntimeError("rolled back")
    assert current_version() == version and _reused(national_admin) and _reused(supervisor)
    frozen.shift(timedelta(days=1))
    assert not _reused(national_admin)
    _same(national_admin, supervisor)
    changed()  # naming no force, outside a transaction: every force's counts are stale at once
    assert not _reused(supervisor) and not _reused(national_admin)


def test_an_assignment_makes_them_stale_even_when_no_stored_outcome_is_rewritten(seeded, national_admin,  # noqa: F811
                                                                                   supervisor, officer, monkeypatch):
    """Caseloads count assignments, which the stored outcome does not hold: the write itself moves the version on,
    whether or not re-evaluating the registrant rewrote their stored outcome."""
    _same(national_admin, supervisor)
    person = Person.objects.filter(owning_force__code="MPS", offender_manager__isnull=True).order_by("pk").first()
    assert person is not None
    monkeypatch.setattr("tether.management.services.materialise", lambda ids, as_of=None: 0)  # nothing rewritten
    version = current_version()
    manager_assign(supervisor, person.pk, {"manager": officer.username})
    assert current_version() > version and not _reused(supervisor)
    _same(national_admin, supervisor)


def _stored_versions(force_id: int) -> dict[str, int]:
    return dict(StoredFigures.objects.filter(key__endswith=f":{force_id}").values_list("key", "version"))


def test_a_write_in_one_force_leaves_another_forces_counts_current(seeded, national_admin, supervisor,  # noqa: F811
                                                                   other_officer, frozen):
    """Each force's counts have their own version: a write in GMP leaves MPS's stored counts current (its page and
    its share of the national page are not counted again), while the national figures, the sum of every force's,
    count GMP again and stay the counted ones."""
    _same(national_admin, supervisor)
    mps, gmp = supervisor.force_id, other_officer.force_id
    kept, versions = _stored_versions(mps), (current_version(mps), current_version(gmp), current_version())
    assert kept and _stored_versions(gmp)
    person = Person.objects.filter(owning_force_id=gmp).order_by("pk").first()
    assert person is not None
    visit_record(other_officer, person.pk, {"visited_at": datetime(2025, 6, 16, 8, 0, tzinfo=UTC).isoformat(),
                                            "attended_by": "PC 1234", "outcome": "seen"})
    assert current_version(mps) == versions[0]
    assert current_version(gmp) > versions[1] and current_version() > versions[2]
    assert _reused(supervisor) and not _reused(national_admin)
    _same(national_admin, supervisor)
    assert _stored_versions(mps) == kept  # MPS's counts were not counted again for the national page
    assert set(_stored_versions(gmp).values()) == {current_version(gmp)}

