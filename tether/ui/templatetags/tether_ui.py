"""Tether's template library, for what a page repeats row after row, where an ``{% include %}`` per row or Django's
general machinery costs more than the row. A builtin of every template (``TEMPLATES``' ``builtins``, after Django's
own): nothing loads it.

``{% status_tag status label %}``: a register status as a GOV.UK tag (the register list, the person page heading).
``{% govuk_field "input" %}``: the whole of a GOV.UK form field's template (``ui/govuk/*.html``; ``ui.fields``).
``|date``: Django's ``date`` filter, which it replaces, with the formats the pages print row after row worked out
directly. Django's parses its format string and formats through ``DateFormat`` at every call: about 15 microseconds,
where a person page prints some fifty dates. The formats below give the same text from the value's own fields (the
month names are Django's, in the active language); any other format or value goes to Django's filter, which gives the
same result for these too (``ui/tests/test_dates.py`` compares them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import template
from django.template.context import Context
from django.template.defaultfilters import date as django_date
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tether.ui.fields import render_field

register = template.Library()

STATUS_TAG_CLASSES = {"active": "govuk-tag--green", "wanted": "govuk-tag--red", "missing": "govuk-tag--orange",
                      "abroad": "govuk-tag--purple", "in_custody": "govuk-tag--teal"}


@register.simple_tag
def status_tag(status: Any, label: Any) -> str:
    """A register status (its code) as a GOV.UK tag with its label; "Not evaluated" when there is no label."""
    return format_html('<strong class="govuk-tag tether-tag {}">{}</strong>',
                       STATUS_TAG_CLASSES.get(status, "govuk-tag--grey"), label or "Not evaluated")


@register.simple_tag(takes_context=True)
def govuk_field(context: Context, kind: str) -> SafeString:
    """A GOV.UK form field (``input``, ``select``, ``textarea``, ``checkbox``, ``date_input``, ``radios``:
    ``ui.fields``) with the parameters of the include it is the body of: the whole of ``ui/govuk/<kind>.html``."""
    return render_field(kind, context)


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
