"""The one NinjaAPI, mounted at /api/v1/. Errors are JSON naming the field and the rule broken."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from tether.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tether.identity.api import router as identity_router  # also adds GET /people to the register's router
from tether.register.api import router as people_router

api = NinjaAPI(
    title="Tether API",
    version="1",
    urls_namespace="api",
    description="The register for police public-protection units. Authenticate with a personal token: "
    "`Authorization: Bearer tth_...` (create one with `tether token create USERNAME`).",
)
api.add_router("/", identity_router)  # before the register's: /people/search is not a person id
api.add_router("/", people_router)
api.add_router("/", "tether.audit.api.router")
api.add_router("/", "tether.casework.api.router")
api.add_router("/", "tether.casework.case_api.router")
api.add_router("/", "tether.management.api.router")
api.add_router("/", "tether.reports.api.router")
api.add_router("/", "tether.tracing.api.router")


@api.exception_handler(ValidationFailed)
def _invalid(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    return api.create_response(request, {"errors": exc.as_list()}, status=400)


@api.exception_handler(NinjaValidationError)
def _schema_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for e in exc.errors:
        field = ""
        for part in e.get("loc", []):
            if part in ("body", "payload", "query", "path"):
                continue
            field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
        errors.append({"field": field, "message": e.get("msg", "is not valid")})
    return api.create_response(request, {"errors": errors}, status=400)


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(Forbidden)
def _forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=409)
