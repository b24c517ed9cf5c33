"""``{% select_options %}`` gives the options of a GOV.UK select exactly as the template loop it replaced did."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.template import Context, Engine
from django.template.loader import render_to_string

LOOP = ('<select>\n    {% for value, text in options %}<option value="{{ value }}"{% if value == selected %} selected'
        '{% endif %}>{{ text }}</option>\n    {% endfor %}\n  </select>')
TAG = "{% load tether_ui %}<select>\n    {% select_options options selected %}\n  </select>"

OPTIONS: list[tuple[Any, Any]] = [
    ("", "Choose"), ("a", "Alpha & <beta>"), ('"q"', "it's"), (3, 3), (1.5, "one and a half"),
    (date(2024, 3, 7), date(2024, 3, 7)), (None, None), (True, "yes"),
]


@pytest.mark.parametrize("selected", ["", "a", '"q"', 3, "3", 1.5, date(2024, 3, 7), None, True, 1, "missing"])
def test_the_same_html_as_the_loop(selected: Any) -> None:
    engine = Engine.get_default()
    context = {"options": OPTIONS, "selected": selected}
    assert engine.from_string(TAG).render(Context(context)) == engine.from_string(LOOP).render(Context(context))


def test_no_options_and_the_component() -> None:
    engine = Engine.get_default()
    assert engine.from_string(TAG).render(Context({"options": [], "selected": None})) == "<select>\n    \n  </select>"
    html = render_to_string("ui/govuk/select.html", {"name": "kind", "label": "Kind", "options": OPTIONS[:3],
                                                      "selected": "a"})
    assert ('<option value="a" selected>Alpha &amp; &lt;beta&gt;</option>\n'
            '    <option value="&quot;q&quot;">it&#x27;s') in html
