from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from tether.audit.models import AuditEvent
from tether.audit.selectors import AuditFilters, iter_events, search_events, viewers_of
from tether.audit.services import record
from tether.core.clock import uk_day_start
from tether.core.errors import ValidationFailed
from tether.register.guards import access_person_by_id

pytestmark = pytest.mark.django_db


def _seqs(filters: AuditFilters, **kwargs) -> list[int]:
    return [ev.seq for ev in search_events(filters, per_page=100, **kwargs).events]


def _actions(filters: AuditFilters) -> list[str]:
    return [ev.action for ev in search_events(filters, per_page=100).events]


def test_uk_days_begin_at_uk_midnight():
    assert uk_day_start(date(2025, 6, 16)) == datetime(2025, 6, 15, 23, 0, tzinfo=UTC)  # BST
    assert uk_day_start(date(2025, 1, 16)) == datetime(2025, 1, 16, 0, 0, tzinfo=UTC)  # GMT


def test_filters(officer, supervisor, frozen):
    record("person.view", officer, object_type="person", object_id="p-1", force_code="MPS", reason="Checking address")
    record("person.search", officer, force_code="MPS", detail={"name": "smith"})
    record("personnel.other", supervisor, force_code="GMP")
    record("auth.sign_in_failed", None, actor_label="unknown (mallory)")

    assert _actions(AuditFilters()) == ["auth.sign_in_failed", "personnel.other", "person.search", "person.view"]
    assert _actions(AuditFilters(action="person.view")) == ["person.view"]
    assert _actions(AuditFilters(action="person.")) == ["person.search", "person.view"]
    assert _actions(AuditFilters(action="person*")) == ["personnel.other", "person.search", "person.view"]
    assert _actions(AuditFilters(action="person")) == []  # exact unless it ends with . or *
    assert _actions(AuditFilters(actor="SUPERVISOR.mps")) == ["personnel.other"]  # username, any case
    assert _actions(AuditFilters(actor="mallory")) == ["auth.sign_in_failed"]  # label
    assert _actions(AuditFilters(object_id="p-1")) == ["person.view"]
    assert _actions(AuditFilters(force="gmp")) == ["personnel.other"]
    assert _actions(AuditFilters(reason="address")) == ["person.view"]
    assert _actions(AuditFilters(actor="officer", action="person.", reason="nothing like this")) == []
    # the prefix and the record are read literally (the prefix through its pattern index on PostgreSQL)
    assert _actions(AuditFilters(action="perso_*")) == [] and _actions(AuditFilters(action="%*")) == []
    assert _actions(AuditFilters(object_id="p-%")) == [] and _actions(AuditFilters(object_id="P-1")) == []


def test_dates_are_uk_calendar_days():
    with time_machine.travel(datetime(2025, 6, 15, 22, 30, tzinfo=UTC), tick=False):
        record("late.evening")  # 23:30 BST on 15 June
    with time_machine.travel(datetime(2025, 6, 15, 23, 30, tzinfo=UTC), tick=False):
        record("after.midnight")  # 00:30 BST on 16 June
    assert _actions(AuditFilters(date_from=date(2025, 6, 16))) == ["after.midnight"]
    assert _actions(AuditFilters(date_to=date(2025, 6, 15))) == ["late.evening"]
    assert _actions(AuditFilters(date_from=date(2025, 6, 15), date_to=date(2025, 6, 16))) == [
        "after.midnight", "late.evening"]
    with pytest.raises(ValidationFailed) as exc:
        search_events(AuditFilters(date_from=date(2025, 6, 16), date_to=date(2025, 6, 15)))
    assert "date_to" in exc.value.errors


def test_pages_newest_first_and_the_count_is_capped(frozen, monkeypatch):
    for i in range(12):
        record("test.event", detail={"i": i})
    page = search_events(AuditFilters(), page=2, per_page=5)
    assert [ev.seq for ev in page.events] == [7, 6, 5, 4, 3]
    assert (page.count, page.num_pages, page.has_previous(), page.has_next()) == (12, 3, True, True)
    assert (page.start_index, page.end_index) == (6, 10)
    assert search_events(AuditFilters(), page=99, per_page=5).number == 3  # past the end: the last page
    # cursor paging reaches past the cap
    assert _seqs(AuditFilters(), before_seq=4) == [3, 2, 1]
    first = search_events(AuditFilters(), per_page=5)
    assert first.next_before_seq == 8
    assert [ev.seq for ev in search_events(AuditFilters(), per_page=5, before_seq=8).events] == [7, 6, 5, 4, 3]

    monkeypatch.setattr("tether.audit.selectors.COUNT_CAP", 10)
    capped = search_events(AuditFilters(), page=5, per_page=5)
    assert capped.capped and capped.count == 10 and capped.num_pages == 2 and capped.number == 2


def test_iter_events_walks_the_chain_in_order_in_batches(frozen):
    for i in range(7):
        record("test.event" if i % 2 else "other.event", detail={"i": i})
    rows = list(iter_events(AuditFilters(action="test.event"), up_to_seq=5, batch=1))
    assert [r["seq"] for r in rows] == [2, 4]


def test_viewers_of_a_person(officer, other_officer, supervisor, person, frozen):
    access_person_by_id(officer, person.pk)
    access_person_by_id(other_officer, person.pk, reason="Arrested in Salford on warrant 123")
    record("audit.view", supervisor, object_type="person", object_id=str(person.pk))  # reading the audit: left out
    rows = viewers_of("person", person.pk)
    assert [r.action for r in rows] == ["person.view", "access.grant", "person.view", "compliance.breach",
                                        "person.create"]  # the breach: overdue when added, swept at once
    newest = rows[0]
    assert newest.username == "officer.gmp" and "Offender manager, GMP" in newest.actor_label
    assert newest.level_label == "Full record" and "Salford" in newest.reason
    assert rows[1].action_label.startswith("Gave a reason")
    assert rows[2].level == "full" and rows[2].username == "officer.mps"
    assert len(viewers_of("person", person.pk, limit=2)) == 2
    assert AuditEvent.objects.filter(action="audit.view").count() == 1
