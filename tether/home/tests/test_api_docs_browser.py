"""The interactive API docs load in Chromium from Tether's own files, under the strict Content-Security-Policy
(no CDN: there is no internet, and the CSP allows scripts and styles from this origin only)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_the_api(browser: Any, live_server: Any) -> None:
    page = browser.new_page()
    blocked: list[str] = []
    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
    assert "Tether API" in page.inner_text(".swagger-ui .info .title")
    assert page.locator(".opblock").count() > 10  # the operations are listed
    assert all(url.startswith(live_server.url) for url in requested), [u for u in requested if "127.0.0.1" not in u]
    assert not [m for m in blocked if "script" in m.lower()]
