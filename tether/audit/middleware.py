"""Every API call goes to the audit trail: ``api.call`` with the method, path, query string and status code.

The actor is the user the token authenticated (django-ninja sets ``request.auth``); a call with no token or a bad
one is recorded without an actor, with the first characters of any token presented (the stored, non-secret
prefix) so repeated bad tokens can be traced. The published schema and docs (/api/v1/openapi.json, /api/v1/docs)
are not recorded. Reads and changes the call made are audited as well, by the guards and services, in their own
events; this one records that the call happened and what it answered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.encoding import escape_uri_path

from .services import record

API_PREFIX = "/api/"
NOT_AUDITED = ("/api/v1/openapi.json", "/api/v1/docs")
QUERY_LIMIT = 2000  # characters of query string kept
TOKEN_PREFIX_LENGTH = 8  # as ApiToken.prefix


def audited(path: str) -> bool:
    return path.startswith(API_PREFIX) and not any(
        path == p or path.startswith(p + "/") for p in NOT_AUDITED
    )


def _token_user(request: HttpRequest) -> Any:
    user = getattr(request, "auth", None)
    return user if getattr(user, "is_authenticated", False) and getattr(user, "pk", None) else None


def _presented_prefix(request: HttpRequest) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    return token.strip()[:TOKEN_PREFIX_LENGTH] if scheme.lower() == "bearer" else ""


class ApiAuditMiddleware:
    """Records ``api.call`` after each /api/ request is answered. Put it after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not audited(request.path_info):
            return self.get_response(request)
        response = self.get_response(request)
        user = _token_user(request)
        detail: dict[str, Any] = {
            "method": request.method,
            "path": escape_uri_path(request.path),  # as sent: percent-escapes stay escaped
            "status": response.status_code,
            "ip": request.META.get("REMOTE_ADDR", ""),
        }
        label = ""
        if user is None:
            prefix = _presented_prefix(request)
            label = f"unknown token ({prefix}…)" if prefix else "anonymous (no token)"
            if prefix:
                detail["token_prefix"] = prefix
        query = request.META.get("QUERY_STRING", "")[:QUERY_LIMIT]
        detail["query_parameters"] = sorted({part.split("=", 1)[0][:40] for part in query.split("&") if part})
        # the values (search terms, reasons) are personal: withheld from auditors
        record("api.call", user, actor_label=label, force_code=user.force_code if user else "",
               detail=detail, personal={"query": query} if query else {})
        return response
