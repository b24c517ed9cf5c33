"""The daily e-mail digest: what each officer and supervisor gets, no names or addresses, once a day."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core import mail
from typer.testing import CliRunner

from tether.audit.models import AuditEvent
from tether.casework.case_services import case_open
from tether.casework.digest import run_digest
from tether.casework.models import DigestRun
from tether.casework.services import sweep

pytestmark = pytest.mark.django_db
AFTER = date(2025, 6, 21)


@pytest.fixture
def emails(officer, supervisor):
    officer.email, supervisor.email = "officer@example.police.uk", "supervisor@example.police.uk"
    officer.save(update_fields=["email"])
    supervisor.save(update_fields=["email"])


def test_officer_gets_overdue_and_new_cases_with_references_and_links_only(officer, supervisor, registrant,
                                                                          emails, settings, frozen):
    settings.TETHER_BASE_URL = "https://tether.example.police.uk"
    case_open(officer, registrant.pk, {"opened_on": "2025-06-16"})
    summary = run_digest(date(2025, 6, 17))
    assert summary["sent"] == 1  # the supervisor's force has nothing unassigned or late: no e-mail
    to_officer = next(m for m in mail.outbox if m.to == ["officer@example.police.uk"])
    assert "due today" in to_officer.subject and "new case" in to_officer.subject
    body = to_officer.body
    assert registrant.reference in body and "New missing case opened 2025-06-16" in body
    assert f"https://tether.example.police.uk/people/{registrant.pk}/" in body
    assert "Overdue tasks" in body or "Due today" in body
    # e-mail is not a secure channel: no names, no addresses, no identifiers beyond the reference
    for word in (registrant.display_name, *registrant.display_name.replace(",", " ").split(), registrant.ni_number,
                 "Synthetic Street", "SW1A"):
        if word and len(word) > 2:
            assert word not in body and word not in to_officer.alternatives[0][0], word
    assert to_officer.alternatives[0][1] == "text/html"


def test_twice_on_one_day_sends_once_unless_forced_and_each_run_is_audited(officer, supervisor, registrant,
                                                                          emails, frozen):
    sweep(as_of=AFTER)
    first = run_digest(date(2025, 6, 30))
    assert first["sent"] == 2 and first["tasks_overdue"] == 1
    second = run_digest(date(2025, 6, 30))
    assert second["sent"] == 0 and second["already_sent"] is True
    assert len(mail.outbox) == 2
    to_supervisor = next(m for m in mail.outbox if m.to == ["supervisor@example.police.uk"])
    assert "0 unassigned task(s) in the unit queue, 1 open task(s) past their deadline" in to_supervisor.body
    forced = run_digest(date(2025, 6, 30), force=True)
    assert forced["sent"] == 2 and len(mail.outbox) == 4
    assert DigestRun.objects.count() == 2
    events = list(AuditEvent.objects.filter(action="compliance.digest").order_by("seq"))
    assert len(events) == 3
    assert sorted(events[0].detail["recipients"]) == sorted([officer.pk, supervisor.pk])
    text = json.dumps([e.detail for e in events])
    assert registrant.reference not in text and registrant.display_name not in text


def test_dry_run_sends_nothing_and_no_email_address_is_skipped(officer, registrant, frozen):
    sweep(as_of=AFTER)
    dry = run_digest(date(2025, 6, 30), dry_run=True)
    assert dry["digests"] == 1 and dry["sent"] == 0 and dry["preview"][0]["user_id"] == officer.pk
    assert mail.outbox == [] and not DigestRun.objects.exists()
    real = run_digest(date(2025, 6, 30))  # the officer has no e-mail address
    assert real["sent"] == 0 and real["skipped_no_email"] == 1


def test_cli(officer, registrant, emails, frozen):
    from tether.cli import app

    sweep(as_of=AFTER)
    runner = CliRunner()
    out = runner.invoke(app, ["digest", "--as-of", "2025-06-30", "--force-code", "MPS", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["sent"] == 2
    again = runner.invoke(app, ["digest", "--as-of", "2025-06-30", "--force-code", "mps"])
    assert again.exit_code == 0 and "already sent" in again.output
    bad = runner.invoke(app, ["digest", "--as-of", "someday"])
    assert bad.exit_code == 2
    unknown = runner.invoke(app, ["digest", "--force-code", "NOPE"])
    assert unknown.exit_code == 2
