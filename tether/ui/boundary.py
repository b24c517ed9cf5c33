"""The request boundary: every request is bounded and every text it carries obeys the one text rule, before any
page, API endpoint or service sees it.

- A body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (a file upload: ``TETHER_MAX_UPLOAD_BYTES``) is refused
  with 413.
- Query parameters must hold no control characters, line separators or lone surrogates; form fields and JSON
  strings may also hold line breaks and tabs (notes run over several lines), nothing else.
- A query parameter or a form field whose percent-escapes are not UTF-8 (a lone surrogate sent as ``%ED%A0%80``,
  say) is refused naming the field: Django would read each such byte as U+FFFD, silently.
- A JSON body that cannot be read (not JSON, not UTF-8, nested too deep) is refused with 400.

The API answers ``{"errors": [{"field": ..., "message": ...}]}``; pages answer the 400 page naming the field.
Services check again (``tether.core.fields``), so the command line and imports obey the same rule.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import asdict
from typing import Any
from urllib.parse import unquote_to_bytes

from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse

from tether.core.errors import NO_CONTROL_CHARACTERS, has_control_characters

from .pages import error_page

API_PREFIX = "/api/"
logger = logging.getLogger("tether")
MAX_JSON_DEPTH = 32  # a registrant document nests 3 deep; nothing Tether reads needs more
MAX_FIELD_NAME = 200


def _walk(value: Any, path: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    """Every (path, string) in a decoded JSON value, keys included."""
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"nests more than {MAX_JSON_DEPTH} levels deep")
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            yield where, str(key)
            yield from _walk(item, where, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]", depth + 1)


NOT_UTF8 = "must be UTF-8 text (it holds bytes that are not, such as a lone surrogate)"


def not_utf8(raw: bytes) -> list[str]:
    """The fields of a query string or a urlencoded form body (``&``-separated, as Django reads them) whose name or
    value, percent-decoded, is not UTF-8."""
    bad = []
    for part in raw.split(b"&"):
        name, _, value = part.partition(b"=")
        try:
            unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8")
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            bad.append(_field(unquote_to_bytes(name).decode("utf-8", "replace")))
    return list(dict.fromkeys(bad))


def _replaced(pairs: Any) -> list[str]:
    """The text fields of a multipart form (an upload's) whose name or value holds U+FFFD. Django decodes those fields
    itself, putting U+FFFD where the bytes are not UTF-8 (a lone surrogate, a stray byte), and the bytes are gone by
    then: the replacement character is the only trace. So on a multipart form the character itself is refused too,
    as the sign of text that was not UTF-8 (the other forms and the API refuse the bytes, ``not_utf8``)."""
    return list(dict.fromkeys(_field(name) for name, values in pairs
                              if "\ufffd" in name or any("\ufffd" in v for v in values)))


def _field(name: str) -> str:
    """A field name safe to echo back."""
    shown = name[:MAX_FIELD_NAME]
    return shown if not has_control_characters(shown) else repr(shown)[1:-1]


class BoundaryMiddleware:
    """Put it after AuthenticationMiddleware (error pages show the signed-in header) and before anything that reads
    the body (CsrfViewMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        refused = self._check(request)
        if refused is not None:
            return refused
        return self.get_response(request)

    def _refuse(self, request: HttpRequest, status: int, field: str | list[str], message: str) -> HttpResponse:
        fields = field if isinstance(field, list) else [field]
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"errors": [{"field": f, "message": message} for f in fields]}, status=status)
        where = f"{', '.join(fields)}: " if any(fields) else ""
        return error_page(request, status, f"{where}{message}")

    def _bad_fields(self, pairs: Any, *, multiline: bool) -> list[str]:
        return [_field(name) for name, values in pairs
                if has_control_characters(name, multiline=multiline)
                or any(has_control_characters(v, multiline=multiline) for v in values)]

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        # a file upload (a partner extract) may be larger than a form or a JSON body, within its own cap
        limit = settings.TETHER_MAX_UPLOAD_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return self._refuse(request, 400, "", "The Content-Length header is not a number.")
        if limit is not None and length > limit:
            return self._refuse(request, 413, "", f"The request is too large: at most {limit:,} bytes.")
        if bad := not_utf8(request.META.get("QUERY_STRING", "").encode("latin-1", "replace")):
            return self._refuse(request, 400, bad, NOT_UTF8)
        if bad := self._bad_fields(request.GET.lists(), multiline=False):
            return self._refuse(request, 400, bad, NO_CONTROL_CHARACTERS)
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return None
        content_type = request.META.get("CONTENT_TYPE", "")
        try:
            if content_type.startswith("application/json") or (
                request.path_info.startswith(API_PREFIX) and not content_type.startswith("multipart/")
                and request.body
            ):
                return self._check_json(request)
            if content_type.startswith("application/x-www-form-urlencoded") and (bad := not_utf8(request.body)):
                return self._refuse(request, 400, bad, NOT_UTF8)
            if bad := self._bad_fields(request.POST.lists(), multiline=True):
                return self._refuse(request, 400, bad, NO_CONTROL_CHARACTERS)
            if content_type.startswith("multipart/") and (bad := _replaced(request.POST.lists())):
                return self._refuse(request, 400, bad, NOT_UTF8)
        except RequestDataTooBig:
            return self._refuse(request, 413, "", f"The request is too large: at most {limit:,} bytes.")
        except TooManyFieldsSent:
            return self._refuse(request, 400, "", "The form has too many fields.")
        return None

    def _check_json(self, request: HttpRequest) -> HttpResponse | None:
        if not request.body:
            return None
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError as exc:
            return self._refuse(request, 400, "", f"The body is not UTF-8 (byte {exc.start + 1}).")
        try:
            data = json.loads(text)
            strings = list(_walk(data, ""))
        except (json.JSONDecodeError, RecursionError, ValueError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc) or "nests too deep"
            return self._refuse(request, 400, "", f"The body is not valid JSON: {reason}.")
        bad = list(dict.fromkeys(
            _field(path) for path, value in strings if has_control_characters(value, multiline=True)))
        return self._refuse(request, 400, bad, NO_CONTROL_CHARACTERS) if bad else None


class NoStoreMiddleware:
    """Pages and API answers may carry personal data: no browser or proxy keeps a copy (``Cache-Control:
    no-store``). Static files are served before this (WhiteNoise) and keep their own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        return response



class OwnErrorPagesMiddleware:
    """Tether's own 404 and 500 pages on the web, in development too: Django's debug pages list every URL and show
    the settings. (The API answers its own JSON errors; the traceback of a 500 still goes to the log.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code != 404 or getattr(response, "tether_page", False):
            return response
        if request.path_info.startswith(API_PREFIX):
            if not response.get("Content-Type", "").startswith("application/json"):
                return JsonResponse({"detail": "Not found"}, status=404)  # no API route here: JSON like the rest
            return response
        return error_page(request, 404) if settings.DEBUG else response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG or request.path_info.startswith(API_PREFIX):
            return None
        from django.http import Http404

        if isinstance(exception, Http404):
            return error_page(request, 404)
        logger.exception("Server error on %s", request.path_info, exc_info=exception)
        return error_page(request, 500)


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, but Tether's own error pages keep the policy in development too (django-csp leaves
    404 and 500 answers without it when DEBUG is on, for Django's debug pages)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(response, "tether_page", False) and CSP_HEADER not in response:
            policy = build_policy(**asdict(self.get_policy_parts(request=request, response=response)))
            if policy:
                response[CSP_HEADER] = policy
        return super().process_response(request, response)


class StatementTimeoutMiddleware:
    """Every query a page or an API call runs is bounded in time (PostgreSQL ``statement_timeout``, default 30 s,
    ``TETHER_STATEMENT_TIMEOUT_MS``); a query that runs out answers 503 naming what to do, never a 500 and never a
    worker held for minutes. Commands (the sweep, imports, a recompute) are not bounded: they never come here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        from django.db import connection

        if connection.vendor != "postgresql":
            return self.get_response(request)
        bounded = False

        def bound_first(execute: Any, sql: Any, params: Any, many: bool, context: Any) -> Any:
            # set on the request's first query only: a request that touches no table costs nothing
            nonlocal bounded
            if not bounded:
                bounded = True
                execute("SELECT set_config('statement_timeout', %s, false)",
                        [str(settings.TETHER_STATEMENT_TIMEOUT_MS)], False, context)
            return execute(sql, params, many, context)

        try:
            with connection.execute_wrapper(bound_first):
                return self.get_response(request)
        finally:
            if bounded:  # the connection may serve other work next (a test, a shell): leave it unbounded
                from django.db import DatabaseError

                try:
                    with connection.cursor() as cur:
                        cur.execute("SELECT set_config('statement_timeout', '0', false)")
                except DatabaseError:
                    pass  # an aborted transaction: it ends with the request, and the next request sets its own

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import OperationalError

        if not isinstance(exception, OperationalError) or "statement timeout" not in str(exception):
            return None
        message = "The database took too long to answer. Narrow the search or the period, then try again."
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"errors": [{"field": "", "message": message}]}, status=503)
        return error_page(request, 503, message)
