"""What every API router shares: token authentication and the error schemas (``config/api.py`` turns the core
errors into these answers)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.security import HttpBearer

from .services import token_user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    errors: list[ErrorItem]


class DetailOut(Schema):
    detail: str
