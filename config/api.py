"""The one NinjaAPI, mounted at /api/v1/. Errors are JSON naming the field and the rule broken.

Every answer an operation can give is declared in the OpenAPI schema: besides each operation's own, the request
boundary's (``tether.ui.boundary``: 400 for text that breaks the one text rule or a body that is not JSON, 413 for a
body too large, 503 for a query that ran out of time) and the token check's 401."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from tether.access.api import DetailOut, ErrorOut
from tether.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tether.identity.api import router as identity_router  # also adds GET /people to the register's router
from tether.register.api import router as people_router

# answers any operation may give before its own code runs: (status, schema, when)
COMMON_ANSWERS: tuple[tuple[int, type, str], ...] = (
    (400, ErrorOut, "Bad input: each error names the field and the rule; nothing was changed"),
    (401, DetailOut, "No token, or the token is not valid"),
    (413, ErrorOut, "The request body is too large"),
    (503, ErrorOut, "The database took too long to answer: narrow the request and try again"),
)


class TetherAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for methods in schema["paths"].values():
            for operation in methods.values():
                responses = operation["responses"]
                for status, out, when in COMMON_ANSWERS:
                    if status in responses or str(status) in responses:
                        continue
                    responses[status] = ({
                        "description": when,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{out.__name__}"}}},
                    })
                for parameter in operation.get("parameters", []):
                    _not_null(parameter)
        for out in (ErrorOut, DetailOut):
            schema["components"]["schemas"].setdefault(out.__name__, out.model_json_schema(
                ref_template="#/components/schemas/{model}")).pop("$defs", None)
        schema["components"]["schemas"].setdefault("ErrorItem", ErrorOut.model_json_schema()["$defs"]["ErrorItem"])
        return schema


def _not_null(parameter: dict[str, Any]) -> None:
    """An optional query parameter is left out, never sent as ``null``: its schema is the value's own."""
    while (options := parameter.get("schema", {}).get("anyOf")) and {"type": "null"} in options:
        rest = [o for o in options if o != {"type": "null"}]
        if len(rest) != 1:
            return
        kept = {k: v for k, v in parameter["schema"].items() if k not in ("anyOf", "default")}
        parameter["schema"] = {**rest[0], **kept}


api = TetherAPI(
    title="Tether API",
    version="1",
    urls_namespace="api",
    description="The register for police public-protection units. Authenticate with a personal token: "
    "`Authorization: Bearer tth_...` (create one with `tether token create USERNAME`). Errors answer "
    '`{"errors": [{"field": ..., "message": ...}]}` (400, 413, 503) or `{"detail": ...}` (401, 403, 404, 409).',
)
api.add_router("/", identity_router)  # before the register's: /people/search is not a person id
api.add_router("/", people_router)
api.add_router("/", "tether.register.api_travel.router")
api.add_router("/", "tether.register.api_transfers.router")
api.add_router("/", "tether.register.api_prescribed.router")  # the 2012 prescribed items of a registrant
api.add_router("/", "tether.audit.api.router")
api.add_router("/", "tether.access.api_users.router")
api.add_router("/", "tether.register.api_partners.router")
api.add_router("/", "tether.casework.api.router")
api.add_router("/", "tether.casework.case_api.router")
api.add_router("/", "tether.casework.api_playbook.router")
api.add_router("/", "tether.management.api.router")
api.add_router("/", "tether.reports.api.router")
api.add_router("/", "tether.tracing.api.router")

# pydantic's error types in Tether's words (the rule, not the library's phrasing)
_RULES = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this request",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "uuid_parsing": "must be a UUID",
    "uuid_type": "must be a UUID",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "list_type": "must be a list",
    "datetime_parsing": "must be a date and time like 2025-06-16T10:30:00+01:00",
    "datetime_type": "must be a date and time like 2025-06-16T10:30:00+01:00",
    "timezone_aware": "must include a time zone, like 2025-06-16T10:30:00+01:00",
}


def _message(error: dict[str, Any]) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in _RULES:
        return _RULES[kind]
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "is not valid")))
    if kind == "string_too_long":
        return f"must be {ctx.get('max_length'):,} characters or fewer"
    if kind == "string_too_short":
        return "is required" if ctx.get("min_length") == 1 else f"must be at least {ctx.get('min_length')} characters"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {"greater_than_equal": "at least", "greater_than": "more than", "less_than_equal": "at most",
                 "less_than": "less than"}[kind]
        limit = next(iter(ctx.values()), "")
        return f"must be {words} {limit}"
    if kind == "literal_error":
        return f"must be one of: {ctx.get('expected', '')}".replace("'", "").replace(" or ", ", ")
    if kind == "string_pattern_mismatch":
        return "is not in the expected form"
    return str(error.get("msg", "is not valid"))


@api.exception_handler(ValidationFailed)
def _invalid(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    return api.create_response(request, {"errors": exc.as_list()}, status=400)


@api.exception_handler(NinjaValidationError)
def _schema_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for e in exc.errors:
        field = ""
        for part in e.get("loc", []):
            if part in ("body", "payload", "query", "path", "q"):
                continue
            field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
        errors.append({"field": field, "message": _message(e)})
    return api.create_response(request, {"errors": errors}, status=400)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own refusals: a body it cannot parse answers the documented error shape, like every 400."""
    if exc.status_code == 400:
        return api.create_response(request, {"errors": [{"field": "body", "message": f"{exc}: send a JSON object"}]},
                                   status=400)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(RawPostDataException)
def _not_json(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    """A form or multipart body (already read as a form by the request boundary) where the API reads JSON."""
    return api.create_response(request, {"errors": [{"field": "body", "message": "must be a JSON object sent as "
                                                     "application/json"}]}, status=400)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "Send a valid token: Authorization: Bearer tth_..."}, status=401)


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(Forbidden)
def _forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=409)
