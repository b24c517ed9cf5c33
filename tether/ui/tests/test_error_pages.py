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


def test_a_query_that_runs_too_long_is_a_503_not_a_500(settings, officer, monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's; SQLite queries run in the web process")
    settings.TETHER_STATEMENT_TIMEOUT_MS = 50

    def slow(*args, **kwargs):
        with connection.cursor() as cur:
            cur.execute("SELECT pg_sleep(2)")

    monkeypatch.setattr("tether.identity.views.search_people", slow)
    client = Client(raise_request_exception=False)
    verified_login(client, officer)
    response = client.get("/people/", {"name": "smith"})
    assert response.status_code == 503
    assert "took too long" in response.content.decode()
