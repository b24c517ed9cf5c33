"""A query parameter or form field whose percent-escapes are not UTF-8 (a lone surrogate as ``%ED%A0%80``, a stray
``%FF``) is refused naming the field, on the API and on pages: Django alone would read the bytes as U+FFFD and the
search would run on nothing (every registrant listed)."""

from __future__ import annotations

import json

import pytest

from tether.ui.boundary import NOT_UTF8, not_utf8

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("raw", "bad"), [
    (b"name=%ED%A0%80", ["name"]),  # a lone surrogate in UTF-8's form
    (b"name=smith&dob=%FF", ["dob"]),
    (b"%ED%A0%80=x", ["\ufffd\ufffd\ufffd"]),
    (b"name=caf%C3%A9&q=a+b&&flag", []),  # real UTF-8, a plus, an empty part, a name alone
    (b"", []),
])
def test_fields_that_are_not_utf8_are_named(raw, bad):
    assert not_utf8(raw) == bad


def test_the_api_refuses_a_search_term_that_is_not_utf8(api_client, officer):
    response = api_client(officer).get("/api/v1/people?name=%ED%A0%80")
    assert response.status_code == 400
    assert json.loads(response.content) == {"errors": [{"field": "name", "message": NOT_UTF8}]}
    assert api_client(officer).get("/api/v1/people?name=caf%C3%A9").status_code == 200


def test_a_page_refuses_it_naming_the_field(other_officer_client):
    response = other_officer_client.get("/people/?name=%ED%A0%80")
    assert response.status_code == 400
    assert "name: " + NOT_UTF8 in response.content.decode()


def test_a_form_field_that_is_not_utf8_is_refused(other_officer_client, gmp_person):
    response = other_officer_client.post(f"/people/{gmp_person.pk}/notifications/new/", b"station=a%ED%A0%80b",
                                         content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "station: " + NOT_UTF8 in response.content.decode()


def _multipart(fields: dict[str, bytes]) -> bytes:
    parts = [b'--x\r\nContent-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n' + value + b"\r\n"
             for name, value in fields.items()]
    parts.append(b'--x\r\nContent-Disposition: form-data; name="file"; filename="e.csv"\r\n'
                 b"Content-Type: text/csv\r\n\r\nsurname\r\nSMITH\r\n")
    return b"".join(parts) + b"--x--\r\n"


@pytest.mark.parametrize(("fields", "bad"), [
    ({"source": b"DWP \xed\xa0\x80 extract"}, ["source"]),  # a lone surrogate in UTF-8's form
    ({"source": b"DWP", "lawful_basis": b"s.29 \xff"}, ["lawful_basis"]),  # a stray byte
])
def test_an_upload_form_field_that_is_not_utf8_is_refused(client, fields, bad):
    from tether.access.testing import verified_login
    from tether.conftest import national_admin_user

    verified_login(client, national_admin_user())
    response = client.post("/tracing/upload/", _multipart(fields), content_type="multipart/form-data; boundary=x")
    assert response.status_code == 400
    assert f"{', '.join(bad)}: {NOT_UTF8}" in response.content.decode()


def test_an_upload_form_in_utf8_passes_the_boundary(client):
    from tether.access.testing import verified_login
    from tether.conftest import national_admin_user

    verified_login(client, national_admin_user())
    response = client.post("/tracing/upload/", _multipart({"source": "Café extract".encode()}),
                           content_type="multipart/form-data; boundary=x")
    assert NOT_UTF8 not in response.content.decode()
