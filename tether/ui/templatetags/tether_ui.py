"""Template tags for what a page repeats row after row, where an ``{% include %}`` per row costs more than the row.

``{% status_tag status label %}``: a register status as a GOV.UK tag (the register list, the person page heading).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()

STATUS_TAG_CLASSES = {"active": "govuk-tag--green", "wanted": "govuk-tag--red", "missing": "govuk-tag--orange",
                      "abroad": "govuk-tag--purple", "in_custody": "govuk-tag--teal"}


@register.simple_tag
def status_tag(status: Any, label: Any) -> str:
    """A register status (its code) as a GOV.UK tag with its label; "Not evaluated" when there is no label."""
    return format_html('<strong class="govuk-tag tether-tag {}">{}</strong>',
                       STATUS_TAG_CLASSES.get(status, "govuk-tag--grey"), label or "Not evaluated")
