"""The templates' ``date`` filter (``ui.templatetags.tether_ui``) gives Django's text for every format the pages
use, for dates, naive and aware datetimes (in the UK's winter and summer time) and what is neither."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Engine
from django.template.defaultfilters import date as django_date
from django.utils.timezone import template_localtime

from tether.ui.templatetags import tether_ui

ROOT = Path(__file__).resolve().parents[2]
USED = sorted({m for p in ROOT.rglob("*.html") for _, m in re.findall(r"""\|date:(["'])(.*?)\1""", p.read_text())})

VALUES: list[Any] = [
    date(2024, 3, 7), date(1999, 12, 31), date(2026, 1, 1), date(5, 6, 7),
    datetime(2024, 3, 7, 9, 5), datetime(2024, 7, 1, 23, 59, 58),
    datetime(2024, 3, 31, 0, 30, tzinfo=UTC), datetime(2024, 3, 31, 1, 30, tzinfo=UTC),  # BST begins
    datetime(2024, 10, 27, 0, 59, tzinfo=UTC), datetime(2024, 10, 27, 1, 0, tzinfo=UTC),  # BST ends
    datetime(2026, 6, 30, 23, 30, tzinfo=UTC), None, "", "2024-03-07", 7,
    *[date(2024, 1, 1) + timedelta(days=n) for n in range(0, 366, 29)],
]


def test_the_pages_use_formats_the_filter_knows() -> None:
    assert set(tether_ui._DATETIME_FORMATS) <= set(USED)


def test_the_common_formats_are_not_handed_to_djangos_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    values = [(datetime(2024, 3, 7, 9, 5), fmt) for fmt in tether_ui._DATETIME_FORMATS]
    values += [(date(2024, 3, 7), fmt) for fmt in tether_ui._DATE_FORMATS]
    expected = [django_date(value, fmt) for value, fmt in values]
    monkeypatch.setattr(tether_ui, "django_date", None)  # called, it would raise
    assert [tether_ui.date(value, fmt) for value, fmt in values] == expected


def _outcome(fn: Any, value: Any, fmt: str) -> Any:
    try:
        return fn(value, fmt)
    except TypeError as e:  # Django refuses a time format for a date: both must
        return ("refused", str(e))


@pytest.mark.parametrize("fmt", [*USED, "", "N j, Y", "D d M Y"])
def test_the_same_text_as_djangos_filter(fmt: str) -> None:
    for value in VALUES:
        shown = template_localtime(value)  # as the template engine gives it to a filter expecting local time
        assert _outcome(tether_ui.date, shown, fmt) == _outcome(django_date, shown, fmt), (fmt, value)


def test_every_template_gets_it_in_place_of_djangos() -> None:
    template = Engine.get_default().from_string('{{ d|date:"j M Y H:i" }}')
    (node,) = template.nodelist
    assert node.filter_expression.filters[0][0] is tether_ui.date
    summer = datetime(2024, 7, 1, 8, 0, tzinfo=UTC)
    assert template.render(Context({"d": summer})) == "1 Jul 2024 09:00"  # UK summer time
