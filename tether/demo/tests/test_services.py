from __future__ import annotations

from datetime import date

import pytest

from tether.access.constants import Role
from tether.access.models import User
from tether.audit.models import AuditEvent
from tether.core.errors import Conflict
from tether.demo.services import load_demo, register_is_empty
from tether.demo.users import DEMO_PASSWORD, ensure_demo_users
from tether.register.models import Person, RegisterState

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 15)  # the day before the frozen clock


def test_load_demo_writes_people_with_states_and_audit(frozen):
    assert register_is_empty()
    seen = []
    summary = load_demo(300, seed=5, today=TODAY, progress=lambda done, total: seen.append((done, total)),
                        batch_size=120)
    assert summary["registrants"] == 300
    assert Person.objects.count() == 300 and not register_is_empty()
    assert Person.objects.filter(synthetic=True).count() == 300
    assert RegisterState.objects.count() == 300
    assert RegisterState.objects.filter(subject=True).count() > 290
    assert AuditEvent.objects.filter(action="demo.load").count() == 300
    assert Person.objects.values("owning_force").distinct().count() == 45
    assert sum(summary["by_country"].values()) == 300 and summary["by_country"]["scotland"] > 0
    assert summary["open_cases"] == RegisterState.objects.filter(status__in=["missing", "wanted"]).count()
    assert seen[0] == (0, 300) and seen[-1] == (300, 300)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    # an application for review still waiting has the owning force's task to decide it (a decided one none), and
    # each trip is linked to its travel notification, as on the web
    from tether.casework.constants import TaskKind
    from tether.casework.models import Task
    from tether.register.models import Review, Trip

    waiting = set(Review.objects.filter(decided_on__isnull=True).values_list("person_id", "decision_due"))
    tasks = Task.objects.filter(kind=TaskKind.REVIEW_DECISION, state="open")
    assert set(tasks.values_list("person_id", "due_on")) == waiting and tasks.count() == len(waiting)
    assert Review.objects.exists() and Trip.objects.exists()
    assert not Trip.objects.filter(notification__isnull=True).exists()
    assert all(t.notification.kind == "travel" for t in Trip.objects.select_related("notification"))


def test_loading_the_same_seed_twice_is_refused(frozen):
    load_demo(50, seed=9, today=TODAY)
    with pytest.raises(Conflict):
        load_demo(50, seed=9, today=TODAY)
    assert Person.objects.count() == 50


def test_demo_users_one_per_role(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    rows = ensure_demo_users()
    assert {r[1] for r in rows} == {DEMO_PASSWORD} and len(DEMO_PASSWORD) >= 12
    users = {u.username: u for u in User.objects.filter(first_name="Demo")}
    assert set(Role.values) <= {u.role for u in users.values()}
    assert users["officer.mps"].force.code == "MPS" and users["officer.gmp"].force.code == "GMP"
    national = [u for u in users.values() if u.role in (Role.NATIONAL_ADMIN, Role.AUDITOR)]
    assert national and all(u.force is None for u in national)
    assert users["officer.mps"].check_password(DEMO_PASSWORD)
    assert ensure_demo_users() == rows  # idempotent
    assert User.objects.filter(first_name="Demo").count() == len(rows)
    assert AuditEvent.objects.filter(action="user.create").count() == len(rows)


def test_demo_management_in_the_published_shares(db, frozen):
    from tether.access.forces import ensure_forces
    from tether.demo.services import load_demo
    from tether.management.models import ManagementState, ModeSpell, RiskLevelSpell

    ensure_forces()
    summary = load_demo(600, seed=7)
    levels = summary["management"]["risk_levels"]
    assert sum(levels.values()) == 600 and levels["low"] > levels["medium"] > levels["high"] > levels["very_high"]
    assert RiskLevelSpell.objects.count() == 600 and ManagementState.objects.count() == 600
    assert ManagementState.objects.filter(next_due__lt="2025-06-16").exists()  # some overdue
    from tether.management.models import VisitPolicy

    assert VisitPolicy.objects.filter(kind="fixed").exists()  # the demo forces manage in Tether
    assert ModeSpell.objects.filter(mode="reactive").exists() or levels["low"] < 50
