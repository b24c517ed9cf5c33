"""The served process keeps what it loaded out of the garbage collector's full passes (config.wsgi)."""

from __future__ import annotations

import gc
import itertools
import sys
from typing import Any
from unittest import mock

import pytest
from django.core.signals import request_finished

import config.wsgi as wsgi


def test_every_view_is_imported_before_the_first_freeze() -> None:
    # the URLconf and the modules of its views were loaded when the application was made, so the freeze kept them
    for module in ("config.urls", "config.api", "tether.register.views", "tether.casework.case_views",
                   "tether.reports.views"):
        assert module in sys.modules, module


@pytest.mark.django_db
def test_what_the_first_requests_load_is_frozen_once(client: Any) -> None:
    served = wsgi._served
    calls: list[str] = []
    try:
        wsgi._served = itertools.count(wsgi.WARM_REQUESTS - 2)  # two requests before the one that freezes
        request_finished.connect(wsgi._freeze_when_warm)  # connected again if an earlier request froze already
        with mock.patch.object(gc, "freeze", lambda: calls.append("freeze")), \
                mock.patch.object(gc, "collect", lambda *a: calls.append("collect") or 0):
            for _ in range(5):
                assert client.get("/health").status_code == 200
        assert calls == ["collect", "freeze"]  # once, at the WARM_REQUESTS-th request, collected first
    finally:
        wsgi._served = served
        request_finished.disconnect(wsgi._freeze_when_warm)
