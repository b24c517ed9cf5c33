"""Playbook versions record who changed what; a draft's effect on open work is previewed before saving (deadlines
moved, tasks becoming or ceasing to be late, breaches escalating differently), and saving may apply it to open
tasks. Any setting of the playbook schema is editable by its dotted path."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from tether.access.testing import verified_login
from tether.audit.models import AuditEvent
from tether.casework import playbook as rules
from tether.casework.constants import TaskKind
from tether.casework.models import Playbook, Task
from tether.casework.selectors import playbook_view
from tether.casework.services import playbook_preview, playbook_update, sweep
from tether.core.errors import Forbidden, ValidationFailed

pytestmark = pytest.mark.django_db

AFTER = date(2025, 6, 21)
FORM = {"overdue__due_days": "0", "outcomes__not_at_address__due_days": "2",
        "case__pnc_circulation_hours": "24", "case__probation_informed_days": "1",
        "case__mappa_informed_days": "1", "case__sio_assigned_days": "1", "case__review_every_days": "28",
        "case__abroad_review_every_days": "90", "case__media_decision_days": "7", "transfer__accept_days": "14",
        "not_at_address_action": "follow_up", "version": "0"}


@pytest.fixture
def task(registrant, frozen):
    sweep(as_of=AFTER)
    return Task.objects.get(kind=TaskKind.ESTABLISH_COMPLIANCE)


def test_changed_settings_is_generic():
    before = rules.defaults()
    after = rules.merge(before, {"case": {"review_every_days": 14}, "new_section": {"days": 3}})
    assert rules.changed_settings(before, after) == [
        {"setting": "case.review_every_days", "before": 28, "after": 14},
        {"setting": "new_section.days", "before": None, "after": 3}]
    assert "case.pnc_circulation_hours" in rules.setting_paths(before)
    assert rules.label("transfer.accept_days") == "Transfer: accept days"


def test_each_version_records_what_changed_and_who(force_admin, frozen):
    playbook_update(force_admin, None, {"case": {"review_every_days": 14}}, reason="Force policy 7/2025.")
    row = Playbook.objects.get()
    assert row.changes == [{"setting": "case.review_every_days", "before": 28, "after": 14}]
    history = playbook_view(force_admin)["history"]
    assert history[0]["changes"][0]["setting"] == "case.review_every_days" and history[0]["by"]
    event = AuditEvent.objects.get(action="playbook.update")
    assert event.detail["changes"] == row.changes and event.detail["tasks_moved"] == []


def test_preview_counts_the_effect_on_open_work(force_admin, task):
    preview = playbook_preview(force_admin, None, {"overdue": {"due_days": 3},
                                                   "outcomes": {"not_at_address": {"action": "open_case"}}})
    assert preview["deadlines_moved"] == 1 and preview["later"] == 1 and preview["earlier"] == 0
    assert preview["by_kind"] == [{"kind": "establish_compliance", "label": "Establish compliance", "count": 1}]
    assert preview["escalation_changed"] == 1
    assert {c["setting"] for c in preview["changes"]} == {"overdue.due_days", "outcomes.not_at_address.action"}
    assert not Playbook.objects.exists() and not AuditEvent.objects.filter(action="playbook.update").exists()
    with pytest.raises(ValidationFailed) as exc:
        playbook_preview(force_admin, None, {"case": {"pnc_circulation_hours": 48}})
    assert "case.pnc_circulation_hours" in exc.value.errors


def test_preview_says_which_tasks_would_become_late(force_admin, registrant, frozen):
    playbook_update(force_admin, None, {"overdue": {"due_days": 3}}, reason="Three days for compliance checks.")
    sweep(as_of=AFTER)
    task = Task.objects.get(kind=TaskKind.ESTABLISH_COMPLIANCE)
    assert task.due_on == AFTER + timedelta(days=3) and task.playbook_version == 1
    frozen.move_to("2025-06-22 12:00Z")  # due 24 June: not late yet
    preview = playbook_preview(force_admin, None, {"overdue": {"due_days": 0}})
    assert preview["deadlines_moved"] == 1 and preview["earlier"] == 1 and preview["newly_late"] == 1
    assert preview["no_longer_late"] == 0 and preview["escalation_changed"] == 0
    assert playbook_preview(force_admin, None, {"overdue": {"due_days": 3}, "case": {"review_every_days": 7}}
                            )["deadlines_moved"] == 0  # planned with 3 days: nothing moves


def test_saving_may_apply_the_new_deadlines_to_open_tasks(force_admin, task):
    playbook_update(force_admin, None, {"overdue": {"due_days": 3}}, reason="Three days for compliance checks.",
                    apply_to_open_tasks=True)
    moved = Task.objects.get(pk=task.pk)
    assert moved.due_on == task.due_on + timedelta(days=3) and moved.playbook_version == 1
    assert moved.version == task.version + 1
    event = AuditEvent.objects.get(action="playbook.update")
    assert event.detail["tasks_moved"] == [{"task": task.pk, "before": task.due_on.isoformat(),
                                            "after": moved.due_on.isoformat()}]


def test_only_editors_preview(officer, task):
    with pytest.raises(Forbidden):
        playbook_preview(officer, None, {"overdue": {"due_days": 3}})


def _client(user) -> Client:
    return verified_login(Client(), user)


def test_the_page_previews_then_saves_and_shows_the_history(force_admin, task):
    client = _client(force_admin)
    preview = client.post("/compliance/playbook/", {**FORM, "overdue__due_days": "2", "preview": "yes"})
    body = preview.content.decode()
    assert preview.status_code == 200 and 'data-testid="preview"' in body and "<strong>1</strong> would have" in body
    assert not Playbook.objects.exists()
    same = client.post("/compliance/playbook/", {**FORM, "reason": "Nothing at all really."})
    assert same.status_code == 400 and "Nothing would change" in same.content.decode()
    saved = client.post("/compliance/playbook/", {**FORM, "overdue__due_days": "2", "apply_to_open_tasks": "yes",
                                                  "reason": "Two days to establish compliance."})
    assert saved.status_code == 302
    assert Task.objects.get(pk=task.pk).due_on == task.due_on + timedelta(days=2)
    page = client.get("/compliance/playbook/").content.decode()
    assert "Days to establish compliance after a breach is found: 0 to 2" in page


def test_the_playbook_api(api_client, force_admin, officer, task):
    client = api_client(force_admin)
    got = client.get("/api/v1/playbook").json()
    assert got["version"] == 0 and got["limits"]["case.pnc_circulation_hours"] == [1, 24]
    preview = client.post("/api/v1/playbook/preview", {"changes": {"overdue": {"due_days": 1}}},
                          content_type="application/json")
    assert preview.status_code == 200 and preview.json()["deadlines_moved"] == 1
    bad = client.post("/api/v1/playbook/preview", {"changes": {"case": {"colour": "red"}}},
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "case.colour"
    saved = client.post("/api/v1/playbook", {"changes": {"overdue": {"due_days": 1}}, "reason": "One day.",
                                             "expected_version": 0}, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["version"] == 1
    assert saved.json()["history"][0]["changes"][0]["setting"] == "overdue.due_days"
    again = client.post("/api/v1/playbook", {"changes": {"overdue": {"due_days": 1}}},
                        content_type="application/json")
    assert again.status_code == 400
    stale = client.post("/api/v1/playbook", {"changes": {"overdue": {"due_days": 2}}, "expected_version": 0},
                        content_type="application/json")
    assert stale.status_code == 409
    assert api_client(officer).post("/api/v1/playbook/preview", {"changes": {}},
                                    content_type="application/json").status_code == 403
