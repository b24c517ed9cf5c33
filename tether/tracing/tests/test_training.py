"""Training a source's model from officers' decisions: m estimated from labelled pairs (Splink's
estimate_m_from_pairwise_labels), saved as a new version, used by a later run with the saved model; audited."""

from __future__ import annotations

import random

import pytest

from tether.audit.models import AuditEvent
from tether.core.errors import Forbidden, ValidationFailed
from tether.tracing import linkage, services, synthetic
from tether.tracing.models import Lead, LinkageModel

pytestmark = pytest.mark.django_db


def test_m_from_labelled_pairs_moves_towards_what_officers_accepted():
    register = synthetic.people(300, seed=41)
    rows, planted = synthetic.extract(register, rows=200, planted=40, seed=42)
    left = {r["key"]: synthetic.as_linkage(r, r["key"]) for r in register}
    right = {r["record_id"]: synthetic.as_linkage(r, r["record_id"]) for r in rows}
    pairs = [linkage.Labelled(left[p.person_key], right[p.record_id], True) for p in planted]
    rng = random.Random(3)
    pairs += [linkage.Labelled(left[k], right[r], False)
              for k, r in zip(rng.sample(sorted(left), 10), rng.sample(sorted(right), 10), strict=True)]
    model = linkage.settings()
    trained = linkage.train_from_labels(model, pairs)
    assert (trained.matches, trained.non_matches) == (40, 10)
    assert trained.after["matches_found"] >= trained.before["matches_found"] - 1
    assert trained.after["non_matches_offered"] == 0
    # every planted pair moved house: the "same postcode" level's m falls towards what the labels show (none)
    same_postcode = next(c for c in trained.changed if c["comparison"] == "postcode" and c["level"] == "Same")
    assert same_postcode["m_after"] < same_postcode["m_before"]
    assert all(c["m_after"] >= linkage.M_FLOOR for c in trained.changed)
    assert model == linkage.settings()  # the model given is left as it was
    with pytest.raises(ValueError, match="at least"):
        linkage.train_from_labels(model, pairs[:5])


def test_a_source_model_trained_from_decisions_is_a_new_version_used_by_a_later_run(
        loaded, officer, force_admin, monkeypatch):
    source = loaded["source"]
    v1 = LinkageModel.objects.create(source=source, version=1, settings=linkage.settings(),
                                     trained=["u from random sampling"], created_at=loaded["extract"].loaded_at)
    with pytest.raises(Forbidden):
        services.model_train(officer, source)
    with pytest.raises(ValidationFailed) as exc:  # nothing decided yet
        services.model_train(force_admin, source)
    assert "decisions" in exc.value.errors
    run = services.linkage_run(officer, source, scope="missing", use_saved_model=True)
    lead = Lead.objects.filter(run=run).order_by("-probability").first()
    services.lead_decide(officer, lead.pk, "accept", reason="Confirmed at the address")
    monkeypatch.setattr(linkage, "MIN_LABELS", 1)
    result = services.model_train(force_admin, source)
    assert result["created"] and result["version"] == 2 and result["from_version"] == 1
    assert result["lead_decisions"] == 1 and result["matches"] == 1 and result["levels_changed"] > 0
    v2 = LinkageModel.objects.get(source=source, version=2)
    assert v2.settings != v1.settings and "officers' decisions" in v2.trained[-1]
    event = AuditEvent.objects.get(action="tracing.model_train")
    assert event.detail["version"] == 2 and event.detail["matches"] == 1
    # the same decisions again: nothing changes, nothing is written
    again = services.model_train(force_admin, source)
    assert not again["created"] and again["version"] == 2
    assert LinkageModel.objects.filter(source=source).count() == 2
    assert AuditEvent.objects.filter(action="tracing.model_train").count() == 1
    later = services.linkage_run(officer, source, scope="missing", use_saved_model=True)
    assert later.model_id == v2.pk and later.trained == ["saved model"]


def test_the_page_and_the_api_train_for_administrators_only(loaded, officer, force_admin, verified_client,
                                                            api_client, monkeypatch):
    from tether.access.testing import verified_login

    source = loaded["source"]
    LinkageModel.objects.create(source=source, version=1, settings=linkage.settings(), trained=["u from random "
                                "sampling"], created_at=loaded["extract"].loaded_at)
    run = services.linkage_run(officer, source, scope="missing", use_saved_model=True)
    services.lead_decide(officer, Lead.objects.filter(run=run).order_by("-probability").first().pk, "accept",
                         reason="Confirmed")
    monkeypatch.setattr(linkage, "MIN_LABELS", 1)
    refused = api_client(officer).post("/api/v1/tracing/models", {"source": source.name},
                                       content_type="application/json")
    assert refused.status_code == 403
    client = verified_login(verified_client, force_admin)
    page = client.get("/tracing/")
    assert b"Train the model from officers" in page.content and b"Model version 1" in page.content
    done = client.post("/tracing/", {"train": source.name}, follow=True)
    assert b"Version 2 of" in done.content
    answer = api_client(force_admin).post("/api/v1/tracing/models", {"source": source.name},
                                          content_type="application/json")
    assert answer.status_code == 200 and answer.json()["created"] is False and answer.json()["version"] == 2
    bad = client.post("/tracing/", {"train": "x\u0000y"}, follow=True)  # the text rule at the boundary
    assert bad.status_code == 400 and LinkageModel.objects.filter(source=source).count() == 2
