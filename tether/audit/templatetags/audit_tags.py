"""Template filters for the audit screens."""

from __future__ import annotations

import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def detail_summary(detail: Any, limit: int = 160) -> str:
    """A short one-line summary of an event's detail: ``key: value · key: value``, cut at ``limit`` characters."""
    if not detail:
        return ""
    if not isinstance(detail, dict):
        text = str(detail)
    else:
        parts = []
        for key, value in detail.items():
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
            parts.append(f"{key}: {shown}")
        text = " · ".join(parts)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
