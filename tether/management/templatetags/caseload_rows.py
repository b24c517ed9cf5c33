"""The caseload table's rows in one step: a national page lists every officer (over a thousand), and the template
engine's per-variable cost made rendering them cost more than counting them. The output is exactly what the row
template rendered (``localize`` then escape, as ``{{ value }}`` does)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

CELL = '\n    <td class="govuk-table__cell govuk-table__cell--numeric">'


def _v(value: Any) -> str:
    kind = type(value)
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:  # what localize gives, without its lookups
        return str(value)
    if kind is str:  # a plain (not safe) string: localize gives it back, and conditional_escape is escape
        return html.escape(value)
    return str(conditional_escape(str(localize(value))))


@register.simple_tag
def caseload_rows(rows: Iterable[Any], national: bool) -> SafeString:
    out = []
    floats: dict[str, str] = {}  # weighted caseloads repeat: each written once
    for r in rows:
        force = f' <span class="govuk-body-s">{_v(r.force)}</span>' if national else ""
        if type(r.weighted) is float:
            key = repr(r.weighted)  # not the float itself: 0.0 and -0.0 are equal keys, and are written apart
            weighted = floats.get(key) or floats.setdefault(key, _v(r.weighted))
        else:
            weighted = _v(r.weighted)
        if r.user_id and r.over:
            weighted = f'<strong class="govuk-tag govuk-tag--red">{weighted}</strong>'
        out.append(
            f'\n    <tr class="govuk-table__row"><td class="govuk-table__cell">{_v(r.name)}{force}</td>'
            f"{CELL}{_v(r.registrants)}</td>{CELL}{weighted}</td>{CELL}{_v(r.benchmark) if r.user_id else '–'}</td>"
            f"{CELL}{_v(r.visits_overdue)}</td>{CELL}{_v(r.assessments_overdue)}</td></tr>"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
