"""Template tags for the audit screens.

``{% who_viewed person request.user %}`` renders the "Who viewed this record" section of a person page. It checks
the role itself (supervisors of the owning force, national administrators and auditors; for anyone else it renders
nothing), reads the newest events on the record and records that the audit was viewed (``audit.view``).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from tether.audit.selectors import can_search_audit, can_see_viewers, viewers_of
from tether.audit.services import record

register = template.Library()

WHO_VIEWED_LIMIT = 20


@register.simple_tag
def can_see_who_viewed(person: Any, user: Any) -> bool:
    """Whether ``who_viewed`` shows anything: for an "On this page" link, ``{% can_see_who_viewed p u as x %}``."""
    return bool(person is not None and can_see_viewers(user, person.owning_force_id))


@register.inclusion_tag("audit/_who_viewed.html")
def who_viewed(person: Any, user: Any) -> dict[str, Any]:
    if not can_see_who_viewed(person, user):
        return {"visible": False}
    rows = viewers_of("person", person.pk, limit=WHO_VIEWED_LIMIT)
    record("audit.view", user, object_type="person", object_id=str(person.pk), force_code=person.owning_force.code,
           detail={"view": "who_viewed", "events": len(rows)})
    see_all = ""
    if can_search_audit(user):
        see_all = reverse("audit:search") + "?" + urlencode({"object_id": str(person.pk)})
    return {"visible": True, "rows": rows, "limit": WHO_VIEWED_LIMIT, "see_all": see_all, "person": person}


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
