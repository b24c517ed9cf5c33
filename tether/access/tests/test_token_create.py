"""Making an API token for an account on its page (and the API): the secret is shown once, only its hash is kept,
it works for the account's role, each is audited; every problem is named by field and writes nothing."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tether.access import administration as admin
from tether.access.models import ApiToken
from tether.access.services import token_user
from tether.access.testing import verified_login
from tether.audit.models import AuditEvent
from tether.core.errors import NotFound, ValidationFailed

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    return verified_login(Client(), user)


def _secret(body: str) -> str:
    match = re.search(r'value="(tth_[^"]+)"[^>]*data-testid="api-token"', body)
    assert match, body
    return match.group(1)


def test_the_account_page_makes_a_token_shown_once(force_admin, officer, frozen):
    client = _client(force_admin)
    assert "Make an API token" in client.get(f"/accounts/{officer.pk}/").content.decode()
    made = client.post(f"/accounts/{officer.pk}/tokens/new/", {"token_name": "Case link", "token_days": "90"})
    assert made.status_code == 200 and "no-store" in made.get("Cache-Control", "")
    raw = _secret(made.content.decode())
    token = ApiToken.objects.get()
    assert (token.name, token.role, token.prefix) == ("Case link", "officer", raw[:8])
    assert token.token_hash == ApiToken.hash_token(raw) and raw not in str(ApiToken.objects.values().get())
    assert (token.expires_at - token.created_at).days == 90
    assert token_user(raw) == officer
    page = client.get(f"/accounts/{officer.pk}/").content.decode()
    assert "Case link" in page and raw not in page  # listed, never shown again
    event = AuditEvent.objects.get(action="token.create")
    assert event.actor_id == force_admin.pk and event.force_code == "MPS" and raw not in str(event.detail)
    r = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/tasks")
    assert r.status_code != 401


@pytest.mark.parametrize(("post", "field", "words"), [
    ({"token_name": ""}, "token_name", "Enter"),
    ({"token_name": "x" * 81}, "token_name", "80"),
    ({"token_name": "Case link", "token_days": "0"}, "token_days", "from 1 to 365"),
    ({"token_name": "Case link", "token_days": "a year"}, "token_days", "from 1 to 365"),
])
def test_a_bad_request_names_the_field_and_writes_nothing(force_admin, officer, post, field, words):
    r = _client(force_admin).post(f"/accounts/{officer.pk}/tokens/new/", post)
    body = r.content.decode()
    assert r.status_code == 400 and f'href="#{field}"' in body
    assert words.lower() in re.search(rf'id="{field}-error"[^>]*>(.*?)</p>', body, re.S).group(1).lower()
    assert not ApiToken.objects.exists() and not AuditEvent.objects.filter(action="token.create").exists()


def test_only_for_an_active_account_the_administrator_manages(force_admin, officer, other_officer, frozen):
    with pytest.raises(NotFound):
        admin.token_issue(force_admin, other_officer.pk, {"name": "Case link"})  # another force's account
    admin.user_set_active(force_admin, officer.pk, False, reason="Left the unit")
    with pytest.raises(ValidationFailed) as exc:
        admin.token_issue(force_admin, officer.pk, {"name": "Case link"})
    assert "cannot sign in" in exc.value.errors["token"][0]
    assert "Make an API token" not in _client(force_admin).get(f"/accounts/{officer.pk}/").content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("who", ["officer", "supervisor"])
def test_other_roles_cannot_make_tokens(request, who, officer):
    r = _client(request.getfixturevalue(who)).post(f"/accounts/{officer.pk}/tokens/new/", {"token_name": "x y z"})
    assert r.status_code in (403, 404) and not ApiToken.objects.exists()


def test_through_the_api(api_client, force_admin, officer, frozen):
    api = api_client(force_admin)
    r = api.post(f"/api/v1/users/{officer.pk}/tokens", {"name": "Case link", "days": 7},
                 content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert token_user(body["secret"]) == officer and body["token"]["prefix"] == body["secret"][:8]
    assert body["secret"] not in str(body["user"]) and body["token"]["name"] == "Case link"
    assert api.post(f"/api/v1/users/{officer.pk}/tokens", {"name": "Case link", "days": 366},
                    content_type="application/json").status_code in (400, 422)
    assert AuditEvent.objects.filter(action="token.create", actor_id=force_admin.pk).count() == 1
