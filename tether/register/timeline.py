"""The person page's notifications, newest first, as the timeline's HTML, made here rather than by a template loop.

A registrant with no fixed abode notifies every week: the template's loop (with an include for each notification
that gave full details) cost about 0.3 ms a notification, half of such a page's time (66 notifications: 19.5 of
37.6 ms). Made here it is the same text (``register/tests/test_timeline.py`` compares it with the template's markup
as it was, kept in ``register/tests/markup/``), every value escaped as the template escaped it: a value missing from
the details given reads as nothing, None as "None", dates through Tether's ``date`` filter in the UK's time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.template.base import render_value_in_context
from django.template.context import Context
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # (not in the stubs)

from tether.ui.templatetags.tether_ui import date

AT_TIME = "j F Y \\a\\t H:i"  # the date and time the notification was received


_PAGE = Context()  # a page's settings (escaped, localised): what ``render_value_in_context`` reads of it


def _shown(value: Any) -> str:
    """``{{ value }}``: the value as a template renders it (Django's own ``render_value_in_context``)."""
    return str(render_value_in_context(value, _PAGE))


def _field(data: Any, key: str) -> str:
    """``{{ data.key }}`` of a JSON object: nothing when it is not there (the template's invalid variable)."""
    return _shown(data[key]) if isinstance(data, dict) and key in data else ""


def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, dict) else None


def _day(value: Any, fmt: str) -> str:
    """``{{ value|date:fmt }}``: in the UK's time (the filter is given local time, as the engine gives it)."""
    return _shown(date(template_localtime(value), fmt))


def _address(a: Any) -> str:
    parts = [_field(a, "line1")] + [_field(a, key) for key in ("line2", "town") if _get(a, key)]
    return ", ".join([*parts, _field(a, "postcode")])


def _row(key: str, value: str) -> str:
    return (f'<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{key}</dt>'
            f'<dd class="govuk-summary-list__value">{value}</dd></div>')


def _given(given: Any) -> str:
    """The full details given that day (``register.notified``)."""
    names = "<br>".join(f"{_field(n, 'given_names')} {_field(n, 'family_name')}" for n in _get(given, "names") or [])
    home = _get(given, "home_address")
    others = _get(given, "other_addresses")
    return (
        '\n<details class="govuk-details govuk-!-margin-bottom-1" data-testid="notified-given">\n'
        '  <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Details they gave</span>'
        '</summary>\n'
        '  <div class="govuk-details__text">\n'
        '    <dl class="govuk-summary-list govuk-summary-list--no-border">\n'
        f"      {_row('Names', names)}\n"
        f"      {_row('Home address', _address(home) if home else '')}\n"
        f"      {_row('Other addresses', '<br>'.join(_address(a) for a in others)) if others else ''}\n"
        f"      {_row('National Insurance number', _field(given, 'ni_number')) if _get(given, 'ni_number') else ''}\n"
        "    </dl>\n"
        "  </div>\n"
        "</details>\n"
    )


def _item(n: Any) -> str:
    note = _get(n.details, "note")
    return (
        '\n    <div class="moj-timeline__item">\n'
        '      <div class="moj-timeline__header">\n'
        f'        <h3 class="moj-timeline__title">{_shown(n.get_kind_display())}</h3>\n'
        f'        <p class="moj-timeline__byline">by {_shown(n.officer_label or "unknown officer")}</p>\n'
        "      </div>\n"
        f'      <p class="moj-timeline__date"><time datetime="{_day(n.received_at, "c")}">'
        f'{_day(n.received_at, AT_TIME)}</time></p>\n'
        '      <div class="moj-timeline__description">\n'
        f'        <p class="govuk-body govuk-!-margin-bottom-1">At {_shown(n.station)}'
        f'{". <strong>No fixed abode.</strong>" if n.no_fixed_abode else ""}</p>\n'
        + (f'        <p class="govuk-body govuk-!-margin-bottom-1" data-testid="notified-change">'
           f'{_shown(n.get_change_display())} on {_day(n.changed_on, "j F Y")}</p>\n' if n.change else "        \n")
        + f"        {_given(n.given) if n.given else ''}\n"
        + (f'        <p class="govuk-body govuk-!-margin-bottom-0">{linebreaksbr(note, autoescape=True)}</p>\n'
           if note else "        \n")
        + "      </div>\n"
        "    </div>\n"
        "    "
    )


def notification_timeline(notifications: Iterable[Any]) -> SafeString:
    """The timeline's items (``moj-timeline__item``), one for each notification, in the order given."""
    return mark_safe("".join(_item(n) for n in notifications))  # noqa: S308 - every value above is escaped
