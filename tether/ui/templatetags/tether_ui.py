"""Template tags for what a page repeats row after row, where an ``{% include %}`` per row costs more than the row.

``{% status_tag status label %}``: a register status as a GOV.UK tag (the register list, the person page heading).
``{% select_options options selected %}``: a GOV.UK select's options (``ui/govuk/select.html``).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

STATUS_TAG_CLASSES = {"active": "govuk-tag--green", "wanted": "govuk-tag--red", "missing": "govuk-tag--orange",
                      "abroad": "govuk-tag--purple", "in_custody": "govuk-tag--teal"}


@register.simple_tag
def status_tag(status: Any, label: Any) -> str:
    """A register status (its code) as a GOV.UK tag with its label; "Not evaluated" when there is no label."""
    return format_html('<strong class="govuk-tag tether-tag {}">{}</strong>',
                       STATUS_TAG_CLASSES.get(status, "govuk-tag--grey"), label or "Not evaluated")


@register.simple_tag(takes_context=True)
def select_options(context: Context, options: Any, selected: Any) -> SafeString:
    """Each ``(value, text)`` of ``options`` as an ``<option>``, the one equal to ``selected`` selected, each followed
    by the select's indent: the text the loop over them in ``select.html`` gave, each value shown as a template shows
    it (``render_value_in_context``: localised, escaped). A rules explorer page has over a hundred."""
    shown = [(render_value_in_context(value, context), " selected" if value == selected else "",
              render_value_in_context(text, context)) for value, text in options]
    return mark_safe("".join(f'<option value="{v}"{s}>{t}</option>\n    ' for v, s, t in shown))  # noqa: S308 - escaped above
