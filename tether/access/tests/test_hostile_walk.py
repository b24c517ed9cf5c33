"""Every route, web and API, with hostile payloads: the answer is a 4xx (the documented JSON error on the API, the
GOV.UK error page on the web), never a server error, and nothing is written.

Payloads: a NUL, a C1 control, a line separator, 1,000 words, bytes that are not UTF-8 (a lone surrogate as
``%ED%A0%80``) in a query parameter and in a form field; a lone surrogate, a line
separator, 1,000 words, a body nested 100,000 levels, bytes that are not UTF-8, a body over the size limit,
plain garbage; a NUL in a form field.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tether.access.services import token_create
from tether.access.testing import verified_login
from tether.register.models import Notification, Person

from .test_route_walk import API_ROUTES, WEB_ROUTES, _path, _routes

pytestmark = pytest.mark.django_db

WORDS = " ".join(["word"] * 1000)
QUERIES = [{"name": "a\x00b"}, {"force": "\x9b"}, {"as_of": "2025-01-01\u2028"}, {"page": "\x00"},
           {"name": WORDS, "q": WORDS, "reason": WORDS, "dob": WORDS, "postcode": WORDS}]
JSON_BODIES: list[bytes] = [
    json.dumps({"kind": "periodic", "station": "a\ud800b"}).encode(),
    json.dumps({"given_names": "a\u2028b", "names": [{"family_name": "x\u2029"}]}).encode(),
    b"[" * 100_000 + b"]" * 100_000,
    b'{"station": "\xff\xfe"}',
    b"not json at all",
    json.dumps({"station": WORDS, "reason": WORDS, "note": WORDS, "given_names": WORDS, "kind": WORDS}).encode(),
]


def _bodies(settings: Any) -> list[bytes]:
    return [*JSON_BODIES, b'{"x": "' + b"a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + b'"}']


def _assert_client_error(response: Any, what: str, api: bool) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if api and response.status_code == 400 and response.get("Content-Type", "").startswith("application/json"):
        body = json.loads(response.content)
        assert "errors" in body and all({"field", "message"} <= set(e) for e in body["errors"]), what


def test_no_route_answers_a_server_error_to_hostile_input(world, settings):
    person, users = world
    routes = _routes()
    people, notes = Person.objects.count(), Notification.objects.count()
    web = Client(raise_request_exception=False)
    verified_login(web, users["officer"])
    raw, _ = token_create(users["officer"].username)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", raise_request_exception=False)
    for route in sorted(WEB_ROUTES | API_ROUTES):
        is_api = route.startswith("api:")
        client = api if is_api else web
        path = _path(routes[route], person)
        for query in QUERIES:
            response = client.get(path, query)
            _assert_client_error(response, f"GET {route} {query!r}", is_api)
            if response.status_code == 400 and query.get("name") != WORDS:
                assert b"must not contain control characters" in response.content, route
        response = client.get(f"{path}?name=%ED%A0%80&page=%FF")
        _assert_client_error(response, f"GET {route} not UTF-8", is_api)
        assert response.status_code == 400 and b"must be UTF-8 text" in response.content, route
        response = client.post(path, b"station=a%ED%A0%80b", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400, route  # the API reads every body as JSON: this one is not
        assert (b"not valid JSON" if is_api else b"must be UTF-8 text") in response.content, route
        for body in _bodies(settings):
            response = client.post(path, body, content_type="application/json")
            _assert_client_error(response, f"POST {route} {body[:30]!r}", is_api)
        response = client.post(path, {"station": "a\x00b", "reason": "\x01" * 10, "note": "x\u2028y"})
        _assert_client_error(response, f"POST form {route}", is_api)
    assert (Person.objects.count(), Notification.objects.count()) == (people, notes)


def test_an_oversized_body_is_a_413_with_the_json_error(world, settings):
    person, users = world
    raw, _ = token_create(users["officer"].username)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    big = b'{"station": "' + b"a" * (10 * 1024 * 1024) + b'"}'
    response = api.post(f"/api/v1/people/{person.pk}/notifications", big, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["errors"][0]["message"].startswith("The request is too large")


def test_a_nul_in_a_json_field_is_refused_naming_the_field(world):
    person, users = world
    raw, _ = token_create(users["officer"].username)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.post(f"/api/v1/people/{person.pk}/notifications",
                        {"kind": "periodic", "station": "a\x00b"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"errors": [{"field": "station",
                                           "message": "must not contain control characters or line separators"}]}
    assert not any("\x00" in station for station in Notification.objects.values_list("station", flat=True))


def test_static_path_tricks_are_not_server_errors(client):
    for path in ("/static/%2e%2e/%2e%2e/config/settings.py", "/static/../../config/settings.py",
                 "/static/%00", "/%2e%2e/%2e%2e/etc/passwd"):
        response = client.get(path)
        assert response.status_code in (302, 400, 404), path
        assert b"SECRET_KEY" not in response.content



def test_a_thousand_word_search_is_refused_naming_the_field(world):
    _person, users = world
    raw, _ = token_create(users["officer"].username)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.get("/api/v1/people", {"name": WORDS})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "name"
