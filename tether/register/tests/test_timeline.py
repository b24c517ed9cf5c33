"""``register.timeline`` gives the person page's notifications timeline as its template loop gave it (kept in
``markup/timeline.html``, the include of the details given in place): kinds, officers, times either side of the
clocks changing, stations and notes with markup, quotes and line breaks, changes, no fixed abode, and full details
given with values missing, None, empty, numbers and markup."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Template

from tether.register.models import Notification
from tether.register.timeline import notification_timeline

MARKUP = (Path(__file__).parent / "markup" / "timeline.html").read_text().removesuffix("\n")  # the file's own end

HOSTILE = '<script>alert("x")</script> & \'quoted\' {{ not a tag }} %s'
GIVEN = [
    {},
    {"names": [{"given_names": "Alex", "family_name": "Example"}], "ni_number": "AB123456C",
     "home_address": {"line1": "1 High Street", "postcode": "AB1 2CD"}},
    {"names": [{"given_names": HOSTILE, "family_name": "O'Brien"}, {"given_names": "Sam"}, {}, "not an object"],
     "home_address": {"line1": "Flat 2", "line2": "Rose & Crown", "town": "Leeds", "postcode": "LS1 1AA"},
     "other_addresses": [{"line1": "A", "line2": "", "town": None, "postcode": None}, {"line1": HOSTILE},
                         {"line1": 12, "postcode": 3.5}],
     "ni_number": ""},
    {"names": [], "home_address": None, "other_addresses": [], "ni_number": None},
    {"home_address": {}, "other_addresses": None, "ni_number": 123},
    {"names": None, "home_address": "a text, not an address"},
]
NOTES: list[Any] = [{}, {"note": ""}, {"note": "Seen at the desk.\nLeft at 10."}, {"note": HOSTILE + "\r\n\n<b>x</b>"},
                    {"other": "kept"}, {"note": None}]


def _notifications() -> list[Notification]:
    out = []
    times = [datetime(2025, 3, 30, 0, 59, tzinfo=UTC), datetime(2025, 3, 30, 1, 0, tzinfo=UTC),
             datetime(2025, 10, 26, 0, 30, tzinfo=UTC), datetime(2025, 10, 26, 1, 30, tzinfo=UTC),
             datetime(2024, 12, 31, 23, 59, tzinfo=UTC), datetime(2025, 7, 1, 9, 5, tzinfo=UTC)]
    kinds = [k for k, _ in Notification._meta.get_field("kind").choices]
    changes = ["", *(k for k, _ in Notification._meta.get_field("change").choices)]
    for i in range(36):
        change = changes[i % len(changes)]
        out.append(Notification(
            kind=kinds[i % len(kinds)], received_at=times[i % len(times)],
            station=[HOSTILE, "Charing Cross", ""][i % 3],
            officer_label=["", "PC 123 Example (synthetic)", HOSTILE][i % 3], no_fixed_abode=bool(i % 2),
            change=change, changed_on=date(2025, 2, 28) if change and i % 4 else None,
            given=GIVEN[i % len(GIVEN)], details=NOTES[i % len(NOTES)],
        ))
    return out


@pytest.mark.parametrize("count", [0, 1, 36])
def test_the_same_html_as_the_template(count: int, settings: Any) -> None:
    notifications = _notifications()[:count]
    before = Template(MARKUP).render(Context({"notifications": notifications}))
    assert notification_timeline(notifications) == before
    if count:
        assert "&lt;script&gt;" in before and "<script>" not in before


def test_each_notification_alone() -> None:
    for n in _notifications():
        assert notification_timeline([n]) == Template(MARKUP).render(Context({"notifications": [n]}))
