"""After the sign-in check the request carries the user itself, not the lazy objects Django and django-otp wrap it in:
the same user, two-factor state included, without two proxies on every later read."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject

from tether.access.middleware import unwrapped
from tether.access.models import User


def test_unwrapped_takes_the_object_out_of_evaluated_lazy_objects_only() -> None:
    target = object()
    inner = SimpleLazyObject(lambda: target)
    outer = SimpleLazyObject(lambda: inner)
    assert unwrapped(outer) is outer  # not evaluated yet: left as it is
    outer._setup()  # the outer evaluated: it hands back the inner, not evaluated yet
    assert unwrapped(outer) is inner
    str(outer)  # reading through both evaluates the inner
    assert unwrapped(outer) is target
    assert unwrapped(target) is target


@pytest.mark.django_db
def test_a_page_sees_the_signed_in_user_itself_and_verified(verified_client: Any, officer: User) -> None:
    verified_client.force_login(officer)
    response = verified_client.get("/")
    assert response.status_code == 200
    user = response.wsgi_request.user
    assert type(user) is User and user.pk == officer.pk
    assert user.is_verified() and user.force.code == "MPS"


@pytest.mark.django_db
def test_signed_out_the_request_carries_the_anonymous_user(client: Any) -> None:
    response = client.get("/sign-in/")
    assert response.status_code == 200
    assert type(response.wsgi_request.user) is AnonymousUser
    assert client.get("/").status_code == 302  # still sent to sign in
