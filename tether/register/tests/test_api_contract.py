"""The API keeps the contract its OpenAPI schema states: one error shape, every status declared, the rules the server
enforces declared, dates read by the one date rule. One test per kind of fault Schemathesis found."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
OPENAPI = "/api/v1/openapi.json"


@pytest.fixture
def openapi(db):
    return Client().get(OPENAPI).json()


def _operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def _errors(response):
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"} and body["errors"], body
    return {e["field"]: e["message"] for e in body["errors"]}


# --- one error shape ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, content_type", [
    (b"", "application/json"),  # no body where one is required: ninja's own "Cannot parse request body"
    (b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--\r\n", "multipart/form-data; boundary=x"),
    (b"{not json", "application/json"),  # the request boundary's refusal
])
def test_a_body_that_cannot_be_read_answers_the_documented_error_shape(officer, api_client, body, content_type):
    r = api_client(officer).generic("POST", "/api/v1/tracing/runs", body, content_type=content_type)
    assert r.status_code == 400
    assert "body" in _errors(r) or "" in _errors(r)


def test_schema_errors_name_the_field_in_tethers_words(officer, api_client):
    r = api_client(officer).post("/api/v1/people/00000000-0000-0000-0000-000000000000/names",
                                 {"given_names": "x" * 121, "family_name": "Smith", "valid_from": "2020-01-01",
                                  "nickname": "Al"}, content_type="application/json")
    errors = _errors(r)
    assert r.status_code == 400
    assert errors["given_names"] == "must be 120 characters or fewer"
    assert errors["nickname"] == "is not a field of this request"  # a misspelt field is never silently ignored


def test_a_missing_or_bad_token_answers_401_as_documented(db):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer tth_not-a-token"}):
        r = Client(**headers).get("/api/v1/tasks")
        assert r.status_code == 401 and set(r.json()) == {"detail"}


# --- every status declared ------------------------------------------------------------------------------------------

def test_every_operation_declares_the_answers_the_boundary_and_the_token_check_give(openapi):
    for name, operation in _operations(openapi):
        declared = {str(code) for code in operation["responses"]}
        assert {"400", "401", "413", "503"} <= declared, name
        for code in ("400", "413", "503"):
            ref = operation["responses"][code]
            assert ref["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut"), (name, code)


def test_management_declares_its_refusals(openapi):
    operation = openapi["paths"]["/api/v1/people/{person_id}/management/{what}"]["post"]
    assert {"200", "400", "403", "404", "409"} <= {str(c) for c in operation["responses"]}
    what = next(p for p in operation["parameters"] if p["name"] == "what")
    assert "risk-level" in what["schema"]["enum"]


def test_a_body_too_large_answers_413_with_the_error_shape(officer, api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    r = api_client(officer).post("/api/v1/tracing/runs", {"source": "x" * 200}, content_type="application/json")
    assert r.status_code == 413 and _errors(r)


# --- constraints declared as enforced -------------------------------------------------------------------------------

def test_the_disclosure_threshold_floor_is_declared_and_enforced(openapi, analyst, api_client):
    params = {p["name"]: p["schema"] for p in openapi["paths"]["/api/v1/reports/missing"]["get"]["parameters"]}
    assert params["threshold"]["minimum"] == 3 and params["rounding"]["minimum"] == 1
    r = api_client(analyst).get("/api/v1/reports/missing", {"threshold": 2})
    assert r.status_code == 400 and _errors(r) == {"threshold": "must be at least 3"}


def test_text_rules_are_declared_as_patterns_the_server_applies(openapi, officer, api_client):
    body = openapi["components"]["schemas"]["NameChangeIn"]["properties"]
    assert body["given_names"]["maxLength"] == 120 and body["given_names"]["minLength"] == 1
    pattern = re.compile(body["given_names"]["pattern"])
    assert pattern.match("Alan") and not pattern.match("   ") and not pattern.match("A\u2028B")
    r = api_client(officer).get("/api/v1/audit/events", {"actor": "x" * 201})
    assert r.status_code == 400 and _errors(r) == {"actor": "must be 200 characters or fewer"}


def test_an_optional_query_parameter_is_never_documented_as_null(openapi):
    for name, operation in _operations(openapi):
        for parameter in operation.get("parameters", []):
            assert "anyOf" not in parameter["schema"], (name, parameter["name"])


def test_booleans_are_json_booleans(officer, api_client):
    r = api_client(officer).post("/api/v1/tracing/runs", {"source": "dwp", "saved_model": "yes"},
                                 content_type="application/json")
    assert r.status_code == 400 and _errors(r) == {"saved_model": "must be true or false"}


def test_capacity_months_are_bounded(supervisor, api_client):
    r = api_client(supervisor).get("/api/v1/management/capacity", {"months": 100_000})
    assert r.status_code == 400 and _errors(r) == {"months": "must be at most 36"}


# --- the one date rule ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("as_of", ["0", "20250616", "2025-W25-1", "1970-01-01T00:00:00", "2025-6-16", "1899-12-31",
                                   " 2025-06-16", ""])
def test_as_of_is_read_by_the_one_date_rule(officer, api_client, frozen, as_of):
    r = api_client(officer).get("/api/v1/tasks", {"as_of": as_of})
    assert r.status_code == 400 and list(_errors(r)) == ["as_of"]


@pytest.mark.parametrize("url", ["/api/v1/tasks", "/api/v1/breaches", "/api/v1/cases", "/api/v1/management/overdue",
                                 "/api/v1/audit/events?date_from=0", "/api/v1/reports/series"])
def test_a_number_is_never_read_as_a_date(officer, auditor, analyst, api_client, frozen, url):
    who = auditor if "audit" in url else analyst if "reports" in url else officer
    query = {} if "?" in url else {"as_of": "0"}
    r = api_client(who).get(url, query)
    assert r.status_code == 400
    assert set(_errors(r)) <= {"as_of", "date_from"}


def test_a_body_date_must_be_written_as_a_date(officer, api_client, frozen):
    r = api_client(officer).post("/api/v1/tasks/1/complete", {"outcome": "whereabouts_unknown", "warrant_on": 0},
                                 content_type="application/json")
    assert r.status_code == 400
    assert _errors(r) == {"warrant_on": "must be a real date written as YYYY-MM-DD, like 2025-06-16"}


def test_a_real_date_is_accepted(officer, api_client, frozen):
    r = api_client(officer).get("/api/v1/tasks", {"as_of": "2025-06-16"})
    assert r.status_code == 200
