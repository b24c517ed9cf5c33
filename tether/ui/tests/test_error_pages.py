"""Tether's own error pages, in development (DEBUG) too: no URL list, no settings, the CSP header kept."""

from __future__ import annotations

import pytest
from django.test import Client

from tether.access.testing import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_client(settings, officer):
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    verified_login(client, officer)
    return client


def test_a_missing_page_is_tethers_404_not_the_url_list(debug_client):
    response = debug_client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "URLconf" not in body and "api/v1/" not in body
    assert "Content-Security-Policy" in response
    assert response["Cache-Control"] == "no-store"


def test_a_server_error_is_tethers_500_not_the_traceback(debug_client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("SECRET_KEY=leak")

    monkeypatch.setattr("tether.identity.views.search_people", broken)
    response = debug_client.get("/people/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "SECRET_KEY" not in body and "Traceback" not in body
    assert "Content-Security-Policy" in response


def test_the_api_keeps_its_json_404(debug_client):
    response = debug_client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert "<html" not in response.content.decode().lower()
