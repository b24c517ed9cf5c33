from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from tether.audit.middleware import ApiAuditMiddleware, audited
from tether.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _dummy(status: int = 200, auth=None):
    def view(request):
        if auth is not None:
            request.auth = auth  # what django-ninja does when a token authenticates
        return HttpResponse("ok", status=status)

    return view


def test_an_authenticated_call_is_recorded_with_its_user(auditor, frozen):
    middleware = ApiAuditMiddleware(_dummy(200, auth=auditor))
    request = RequestFactory().get("/api/v1/people?name=smith&page=2", REMOTE_ADDR="10.0.0.9")
    assert middleware(request).status_code == 200
    ev = AuditEvent.objects.get()
    assert ev.action == "api.call" and ev.actor == auditor and ev.actor_label == auditor.label
    assert ev.detail == {"method": "GET", "path": "/api/v1/people", "query_parameters": ["name", "page"],
                         "status": 200, "ip": "10.0.0.9"}
    assert ev.personal == {"query": "name=smith&page=2"}  # the values are personal: withheld from auditors


def test_a_refused_call_is_recorded_without_a_user(officer, frozen):
    middleware = ApiAuditMiddleware(_dummy(401))
    request = RequestFactory().post("/api/v1/people", HTTP_AUTHORIZATION="Bearer tth_abcdefghijklmnop")
    middleware(request)
    ev = AuditEvent.objects.get()
    assert ev.actor is None and ev.actor_label == "unknown token (tth_abcd…)"
    assert ev.detail["status"] == 401 and ev.detail["method"] == "POST" and ev.detail["token_prefix"] == "tth_abcd"
    ApiAuditMiddleware(_dummy(401))(RequestFactory().get("/api/v1/people"))
    assert AuditEvent.objects.last().actor_label == "anonymous (no token)"


def test_paths_are_recorded_escaped(db):
    ApiAuditMiddleware(_dummy(404))(RequestFactory().get("/api/v1/people/%00%E2%80%8B"))
    assert AuditEvent.objects.get().detail["path"] == "/api/v1/people/%00%E2%80%8B"


def test_schema_docs_and_pages_are_not_recorded(db):
    middleware = ApiAuditMiddleware(_dummy())
    for path in ("/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/", "/", "/people/", "/apiary/"):
        middleware(RequestFactory().get(path))
    assert not AuditEvent.objects.exists()
    assert audited("/api/v1/audit/events") and audited("/api/v1/docsx")
    assert not audited("/audit/")


def test_a_real_api_call_through_the_middleware_stack(settings, officer, person, frozen, api_client):
    assert "tether.audit.middleware.ApiAuditMiddleware" in settings.MIDDLEWARE
    api = api_client(officer)
    assert api.get(f"/api/v1/people/{person.pk}").status_code == 200
    assert api.get("/api/v1/people/not-a-person").status_code == 404
    calls = list(AuditEvent.objects.filter(action="api.call").order_by("seq"))
    assert [(c.actor, c.detail["path"], c.detail["status"]) for c in calls] == [
        (officer, f"/api/v1/people/{person.pk}", 200), (officer, "/api/v1/people/not-a-person", 404)]
    assert calls[0].force_code == "MPS"
    # the read itself is audited by the guard, before the call's own event
    view = AuditEvent.objects.get(action="person.view")
    assert view.seq < calls[0].seq
    api.get("/api/v1/openapi.json")
    assert AuditEvent.objects.filter(action="api.call").count() == 2
