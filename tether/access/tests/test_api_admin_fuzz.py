"""The administration operations (/api/v1/users, /partners, /playbook) fuzzed as a force administrator, who may
use them all: whatever is sent, the answer is one the schema documents, never a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
    path_regex=r"^/api/v1/(users|partners|playbook)")
SIGNED_IN: dict[str, str] = {}


@schema.auth(refresh_interval=None)
class BearerToken:
    def get(self, case, context):
        return SIGNED_IN.get("token")

    def set(self, case, data, context):
        if data:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def admin_token(force_admin, officer, partner, make_doc, frozen):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from tether.access.services import token_create
    from tether.register.services import person_create

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    person_create(officer, make_doc())
    raw, _ = token_create(force_admin.username)
    SIGNED_IN["token"] = raw
    yield raw
    SIGNED_IN.clear()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@pytest.mark.django_db
def test_administration_api_keeps_its_contract_for_an_administrator(case, admin_token):
    # the domain rules (a free username, a change that changes something, ...) may refuse a schema-valid body
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
