from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string

from tether.audit.models import AuditEvent
from tether.audit.services import who_viewed
from tether.audit.templatetags.audit_tags import detail_summary

pytestmark = pytest.mark.django_db


def render_who_viewed(person, user=None) -> str:
    """The person page's "Who viewed this record" section: the service's context in its template."""
    return render_to_string("audit/_who_viewed.html", who_viewed(user, person))


@pytest.mark.parametrize("persona", ["officer", "analyst", "force_admin", "partner", "other_officer"])
def test_who_viewed_renders_nothing_for_other_roles(request, persona, person):
    user = request.getfixturevalue(persona)
    assert render_who_viewed(person, user).strip() == ""
    assert render_who_viewed(person, AnonymousUser()).strip() == ""
    assert render_who_viewed(person).strip() == ""  # no user at all
    assert not AuditEvent.objects.filter(action="audit.view").exists()


def test_who_viewed_for_an_auditor_links_to_the_search(auditor, person):
    out = render_who_viewed(person, auditor)
    assert "Who viewed this record" in out and f"/audit/?object_id={person.pk}" in out
    assert AuditEvent.objects.filter(action="audit.view", actor=auditor).count() == 1


def test_detail_summary():
    assert detail_summary({}) == ""
    assert detail_summary({"level": "full", "n": 3, "tags": ["a"]}) == 'level: full · n: 3 · tags: ["a"]'
    long = detail_summary({"note": "x" * 500})
    assert len(long) == 160 and long.endswith("…")
