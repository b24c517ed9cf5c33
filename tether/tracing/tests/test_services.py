"""Load -> run -> decide -> retention, through the services, with the audit trail checked at each step."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tether.audit.models import AuditEvent
from tether.casework.models import CaseAction
from tether.core.errors import Forbidden, ValidationFailed
from tether.tracing import services
from tether.tracing.models import ExtractRecord, Lead, LeadState, LinkageModel

pytestmark = pytest.mark.django_db


def test_the_missing_registrant_is_the_top_lead_with_an_explanation(loaded, officer):
    run = services.linkage_run(officer, loaded["source"], scope="missing")
    leads = list(Lead.objects.filter(run=run).order_by("-probability"))
    assert leads and leads[0].person_id == loaded["people"][0].pk
    top = leads[0]
    assert top.case_id == loaded["case"].pk and top.partner_record_id == "DWP-0001"
    assert top.probability >= 0.5
    levels = {e["field"]: e["level"] for e in top.explanation}
    assert levels["given_name"] == "Same name or its short form (nickname)"
    assert levels["dob"] == "Day and month swapped"
    assert "12 Canal Wharf" in top.suggestion and "1 February 2025" in top.suggestion
    event = AuditEvent.objects.filter(action="tracing.run").get()
    assert event.detail["leads"] == len(leads) and event.detail["checksum"] == loaded["extract"].checksum
    # the register is never changed by a run
    assert loaded["people"][0].addresses.count() == 1


def test_scope_register_leads_only_on_addresses_never_notified(loaded, officer):
    run = services.linkage_run(officer, loaded["source"], scope="register")
    lead = Lead.objects.filter(run=run).get(person=loaded["people"][0])
    assert lead.scope == "register" and lead.case_id is None
    assert "un-notified address (s.84)" in lead.suggestion and "last notification" in lead.suggestion


def test_accepting_notes_the_address_on_the_case(loaded, officer):
    run = services.linkage_run(officer, loaded["source"], scope="missing")
    lead = Lead.objects.filter(run=run).order_by("-probability").first()
    services.lead_decide(officer, lead.pk, "accept", reason="Matches the DWP claim address")
    lead.refresh_from_db()
    assert lead.state == LeadState.ACCEPTED and lead.case_action_id
    action = CaseAction.objects.get(pk=lead.case_action_id)
    assert action.case_id == loaded["case"].pk and "12 Canal Wharf" in action.note
    assert AuditEvent.objects.filter(action="tracing.lead_accept", object_id=str(lead.person_id)).exists()
    with pytest.raises(ValidationFailed):
        services.lead_decide(officer, lead.pk, "reject", reason="changed my mind")


def test_a_rejected_pair_is_not_offered_again_until_the_partner_data_changes(loaded, officer):
    run = services.linkage_run(officer, loaded["source"], scope="missing")
    lead = Lead.objects.filter(run=run).order_by("-probability").first()
    with pytest.raises(ValidationFailed) as exc:
        services.lead_decide(officer, lead.pk, "reject")
    assert "reason" in exc.value.errors
    services.lead_decide(officer, lead.pk, "reject", reason="Different man: checked the photo")
    again = services.linkage_run(officer, loaded["source"], scope="missing")
    assert not Lead.objects.filter(run=again, person=lead.person, fingerprint=lead.fingerprint).exists()
    ExtractRecord.objects.filter(pk=lead.extract_record_id).update(fingerprint="changed")
    third = services.linkage_run(officer, loaded["source"], scope="missing")
    assert Lead.objects.filter(run=third, person=lead.person).exists()


def test_needs_more_takes_a_due_date(loaded, officer, frozen):
    run = services.linkage_run(officer, loaded["source"], scope="missing")
    lead = Lead.objects.filter(run=run).first()
    with pytest.raises(ValidationFailed) as exc:
        services.lead_decide(officer, lead.pk, "needs_more", reason="Ask DWP for the tenancy start")
    assert "due_on" in exc.value.errors
    services.lead_decide(officer, lead.pk, "needs_more", reason="Ask DWP for the tenancy start", due_on="2025-06-30")
    lead.refresh_from_db()
    assert lead.state == LeadState.NEEDS_MORE and str(lead.due_on) == "2025-06-30"


def test_other_forces_and_other_roles_are_refused(loaded, other_officer, analyst, partner, officer):
    run = services.linkage_run(officer, loaded["source"], scope="missing")
    lead = Lead.objects.filter(run=run).first()
    for who in (other_officer, analyst, partner):
        with pytest.raises(Forbidden):
            services.linkage_run(who, loaded["source"], scope="missing")
    from tether.core.errors import NotFound

    with pytest.raises((NotFound, Forbidden)):
        services.lead_decide(other_officer, lead.pk, "accept")
    with pytest.raises(Forbidden):
        services.source_save(officer, name="Mine", kind="dwp", lawful_basis="x" * 20, retention_days=5)


def test_retention_deletes_the_rows_and_trims_the_leads(loaded, officer, frozen):
    run = services.linkage_run(officer, loaded["source"], scope="missing")
    extract = loaded["extract"]
    assert services.purge_expired()["extracts_purged"] == 0  # day 0 of 30
    frozen.shift(timedelta(days=30))
    summary = services.purge_expired(actor_label="cli:test")
    assert summary["extracts_purged"] == 1
    assert not ExtractRecord.objects.filter(extract=extract).exists()
    lead = Lead.objects.filter(run=run).order_by("-probability").first()
    assert set(lead.partner) <= {"address_line_1", "address_line_2", "town", "postcode", "from_date"}
    assert lead.partner["address_line_1"] == "12 Canal Wharf"
    assert all(e["right"] is None for e in lead.explanation if e["field"] in ("given_name", "dob", "ni"))
    event = AuditEvent.objects.get(action="tracing.extract_purge")
    assert event.detail["rows_deleted"] == extract.row_count
    with pytest.raises(ValidationFailed):  # nothing left to link
        services.linkage_run(officer, loaded["source"], scope="missing")


def test_a_trained_model_is_saved_and_versioned(loaded, officer, monkeypatch):
    from tether.tracing import linkage

    monkeypatch.setattr(linkage, "MIN_TO_TRAIN", 5)
    services.linkage_run(officer, loaded["source"], scope="register")
    saved = LinkageModel.objects.get(source=loaded["source"])
    assert saved.version == 1 and "u from random sampling" in saved.trained
    run = services.linkage_run(officer, loaded["source"], scope="register", use_saved_model=True)
    assert run.model_id == saved.pk and run.trained == ["saved model"]


def test_the_daily_sweep_deletes_expired_extracts(loaded, officer, frozen):
    from tether.casework.services import sweep

    run = services.linkage_run(officer, loaded["source"], scope="missing")
    assert sweep()["tracing"] == {"extracts_purged": 0, "extract_rows_deleted": 0}
    frozen.shift(timedelta(days=30))  # the first day past the 30 days' retention
    assert sweep(force_code="GMP")["tracing"]["extracts_purged"] == 0  # the source serves MPS only
    summary = sweep()
    assert summary["tracing"] == {"extracts_purged": 1, "extract_rows_deleted": loaded["extract"].row_count}
    assert not ExtractRecord.objects.filter(extract=loaded["extract"]).exists()
    event = AuditEvent.objects.get(action="tracing.extract_purge")
    assert event.actor_label == "system:sweep" and event.detail["leads_trimmed"] >= 1
    lead = Lead.objects.filter(run=run).order_by("-probability").first()
    assert set(lead.partner) <= set(services.KEPT_AFTER_RETENTION) and lead.extract_record_id is None
    assert sweep()["tracing"]["extracts_purged"] == 0  # done once


def test_accepting_a_lead_sets_a_follow_up_task_on_the_case(loaded, officer, frozen):
    from tether.casework.constants import TaskKind
    from tether.casework.models import Task

    run = services.linkage_run(officer, loaded["source"], scope="missing")
    lead = Lead.objects.filter(run=run).order_by("-probability").first()
    services.lead_decide(officer, lead.pk, "accept", reason="Tenancy confirmed by the agency")
    task = Task.objects.get(kind=TaskKind.ESTABLISH_WHEREABOUTS, person=lead.person)
    assert task.case_id == loaded["case"].pk and "12 Canal Wharf" in task.title
    assert (task.due_on - task.created_on).days == 2  # the default playbook's follow-up visit
    event = AuditEvent.objects.get(action="tracing.lead_accept")
    assert event.detail["task"] == task.pk and event.detail["case_action"]
