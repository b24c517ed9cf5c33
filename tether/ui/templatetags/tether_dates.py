"""The ``date`` filter of every template (a builtin, ``TEMPLATES``' ``builtins``): Django's own, with the formats
Tether's pages print row after row worked out directly.

Django's filter parses its format string and formats through ``DateFormat`` at every call: about 15 microseconds,
where a person page prints some fifty dates. The formats below give the same text from the value's own fields (the
month names are Django's, in the active language); any other format or value goes to Django's filter, which gives
the same result for these too (``ui/tests/test_dates.py`` compares them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import template
from django.template.defaultfilters import date as django_date
from django.utils.dates import MONTHS, MONTHS_3

register = template.Library()


def _day(v: dt.date) -> str:
    return f"{v.day} {MONTHS[v.month]} {v.year:04d}"


def _short_day(v: dt.date) -> str:
    return f"{v.day} {str(MONTHS_3[v.month]).title()} {v.year:04d}"


def _time(v: dt.datetime) -> str:
    return f"{v.hour:02d}:{v.minute:02d}"


_DATE_FORMATS: dict[str, Callable[[Any], str]] = {"j F Y": _day, "j M Y": _short_day, "c": lambda v: v.isoformat()}
_DATETIME_FORMATS: dict[str, Callable[[Any], str]] = {
    **_DATE_FORMATS,
    "j F Y H:i": lambda v: f"{_day(v)} {_time(v)}",
    "j M Y H:i": lambda v: f"{_short_day(v)} {_time(v)}",
    "j F Y \\a\\t H:i": lambda v: f"{_day(v)} at {_time(v)}",
}


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> Any:  # replaces Django's filter of that name
    """Django's ``date`` filter, the same text; the common formats of a date or a datetime without the parse."""
    if value is None or value == "":
        return ""  # as Django's filter gives nothing
    kind = type(value)
    fast = (_DATETIME_FORMATS if kind is dt.datetime else _DATE_FORMATS if kind is dt.date else {}).get(arg or "")
    return fast(value) if fast is not None else django_date(value, arg)
