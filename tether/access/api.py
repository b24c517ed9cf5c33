"""What every API router shares: token authentication, the error schemas (``config/api.py`` turns the core errors
into these answers) and the field types whose rules the OpenAPI schema declares exactly as the server enforces them
(the one text rule, lengths, dates), so a client can check a request before sending it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Schema
from ninja.security import HttpBearer
from pydantic import BeforeValidator, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, WithJsonSchema
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from tether.core.dates import DATE_RULE, EARLIEST_DAY, LATEST_DAY, read_iso_day
from tether.core.errors import NO_CONTROL_CHARACTERS, has_control_characters
from tether.core.pagination import MAX_PAGE, MAX_PER_PAGE

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
    """Bad input (400), a body too large (413) or a database that took too long (503): nothing was changed."""

    errors: list[ErrorItem]


class DetailOut(Schema):
    """Not signed in (401), not allowed (403), not found (404) or changed by someone else since read (409)."""

    detail: str


class In(Schema):
    """A request body: a property the schema does not name is refused (a misspelt field is never silently
    ignored)."""

    model_config = ConfigDict(extra="forbid")


# The one text rule as a JSON Schema pattern (tether.core.errors): no C0/C1 control characters, no line or paragraph
# separators; multi-line text may hold tabs and line breaks. Lone surrogates cannot be sent as UTF-8 JSON at all.
_CONTROL = r"\u0000-\u001f\u007f-\u009f\u2028\u2029"
_CONTROL_MULTILINE = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029"
# what str.strip() removes, beyond the control characters: a required value must hold something else
_BLANK = r" \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"


@dataclass(frozen=True)
class Text:
    """``Annotated[str, Text(200, required=True)]``: at most ``max_len`` characters, the one text rule, and (when
    required) something besides spaces. The schema declares the same rule as ``maxLength`` and ``pattern``."""

    max_len: int
    required: bool = False
    multiline: bool = False
    min_len: int = 1  # of the value without the spaces around it (when required)

    def _check(self, value: str) -> str:
        if has_control_characters(value, multiline=self.multiline):
            raise ValueError(NO_CONTROL_CHARACTERS)
        if len(value) > self.max_len:
            raise ValueError(f"must be {self.max_len:,} characters or fewer")
        if self.required and not value.strip():
            raise ValueError("is required")
        if self.required and len(value.strip()) < self.min_len:
            raise ValueError(f"must be at least {self.min_len} characters")
        return value

    def pattern(self) -> str:
        control = _CONTROL_MULTILINE if self.multiline else _CONTROL
        if not self.required:
            return f"^[^{control}]*$"
        blank = _BLANK + (r"\t\n\r" if self.multiline else "")
        solid = f"[^{control}{blank}]"  # the first and last characters that strip() keeps
        middle = f"[^{control}]{{{self.min_len - 2},}}{solid}" if self.min_len > 1 else ""
        return f"^[^{control}]*{solid}{middle}[^{control}]*$"

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        out = handler(schema)
        out.update(maxLength=self.max_len, pattern=self.pattern())
        if self.required:
            out["minLength"] = self.min_len
        return out


def _day(raw: Any) -> Any:
    """The one date rule (tether.core.dates): YYYY-MM-DD, a real day, 1900 to 2999; never a number of seconds."""
    if isinstance(raw, date) or raw is None:
        return raw
    if not isinstance(raw, str) or raw != raw.strip():
        raise ValueError(DATE_RULE)
    day, problem = read_iso_day(raw)
    if problem or day is None:
        raise ValueError(problem if problem.startswith("must be between") else DATE_RULE)
    return day


DAY_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
DAY_SCHEMA = {"type": "string", "format": "date", "pattern": DAY_PATTERN,
              "description": f"YYYY-MM-DD, from {EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}"}
Day = Annotated[date, BeforeValidator(_day), WithJsonSchema(DAY_SCHEMA)]
"""A date in a body or a query: YYYY-MM-DD only (``0`` or ``20250616`` is refused, not read as a timestamp)."""

Line = Annotated[str, Text(200)]
"""One line of optional text (a filter, a code): at most 200 characters, the one text rule."""

Page = Annotated[int, Field(ge=1, le=MAX_PAGE, description="Which page, from 1")]
"""A paged list's page (``core.pagination.paged``), from 1."""
PerPage = Annotated[int, Field(ge=1, le=MAX_PER_PAGE, description=f"Rows a page, at most {MAX_PER_PAGE}")]
"""How many rows a page of a paged list holds."""
