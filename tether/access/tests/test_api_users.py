"""/api/v1/users: the accounts an administrator manages, invitations, role, deactivation, unlocking, tokens and
two-factor reset; the same rules and audit as the pages."""

from __future__ import annotations

import pytest

from tether.access.models import ApiToken, User
from tether.access.testing import ensure_device
from tether.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

REASON = "Lost phone, identity checked in person at Charing Cross"


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_list_and_read_accounts_without_token_secrets(api_client, force_admin, officer, other_officer):
    client = api_client(force_admin)
    listing = client.get("/api/v1/users").json()
    names = {u["username"] for u in listing["results"]}
    assert officer.username in names and other_officer.username not in names
    one = client.get(f"/api/v1/users/{officer.pk}").json()
    assert one["role"] == "officer" and one["status"] == "active" and one["tokens"] == []
    admin_tokens = client.get(f"/api/v1/users/{force_admin.pk}").json()["tokens"]
    assert admin_tokens and "token_hash" not in admin_tokens[0] and admin_tokens[0]["state"] == "active"
    assert client.get(f"/api/v1/users/{other_officer.pk}").status_code == 404


def test_invite_change_deactivate_and_revoke(api_client, force_admin, officer, frozen):
    client = api_client(force_admin)
    invited = _post(client, "/api/v1/users/invitations", {"username": "jo.bloggs", "first_name": "Jo",
                                                          "last_name": "Bloggs", "role": "officer"})
    assert invited.status_code == 200, invited.json()
    body = invited.json()
    assert "/sign-in/invitation/" in body["link"] and body["user"]["status"] == "invited"
    assert body["user"]["force"] == "MPS"
    taken = _post(client, "/api/v1/users/invitations", {"username": "jo.bloggs", "first_name": "Jo",
                                                        "last_name": "Bloggs", "role": "auditor"})
    assert taken.status_code == 400
    assert {e["field"] for e in taken.json()["errors"]} == {"username", "role"}

    changed = _post(client, f"/api/v1/users/{officer.pk}/role", {"role": "supervisor"})
    assert changed.status_code == 200 and changed.json()["role"] == "supervisor"
    same = _post(client, f"/api/v1/users/{officer.pk}/role", {"role": "supervisor"})
    assert same.status_code == 400 and "Nothing would change" in same.json()["errors"][0]["message"]

    off = _post(client, f"/api/v1/users/{officer.pk}/active", {"active": False, "reason": "Left the unit"})
    assert off.status_code == 200 and off.json()["status"] == "deactivated"
    assert _post(client, f"/api/v1/users/{officer.pk}/active", {"active": False}).status_code == 400

    token = ApiToken.objects.filter(user=force_admin).first()
    assert _post(client, f"/api/v1/users/{officer.pk}/tokens/{token.pk}/revoke").status_code == 404
    assert _post(client, f"/api/v1/users/{officer.pk}/unlock").status_code == 400
    assert AuditEvent.objects.filter(action__in=["user.invite", "user.update", "user.deactivate"]).count() == 3


def test_two_factor_reset_by_api(api_client, force_admin, officer):
    ensure_device(officer)
    client = api_client(force_admin)
    done = _post(client, f"/api/v1/users/{officer.pk}/two-factor/reset", {"reason": REASON})
    assert done.status_code == 200 and done.json()["two_factor_set_up"] is False
    again = _post(client, f"/api/v1/users/{officer.pk}/two-factor/reset", {"reason": REASON})
    assert again.status_code == 400 and again.json()["errors"][0]["field"] == "two_factor"


@pytest.mark.parametrize("who", ["officer", "supervisor", "auditor"])
def test_other_roles_are_refused(request, api_client, who, officer):
    client = api_client(request.getfixturevalue(who))
    assert client.get("/api/v1/users").status_code == 403
    assert _post(client, f"/api/v1/users/{officer.pk}/role", {"role": "supervisor"}).status_code == 403
    assert User.objects.get(pk=officer.pk).role == "officer"
