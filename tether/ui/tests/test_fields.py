"""``{% govuk_field %}`` (``ui.fields``) gives the HTML the GOV.UK field templates' markup gave, for every field and
many values of its parameters: text with markup and quotes, safe text, lazy text, numbers, dates, None, booleans,
callables, parameters not given."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

# The templates' markup before each was one tag (the body after their comment line)
MARKUP = {path.stem: path.read_text() for path in sorted((Path(__file__).parent / "markup").glob("*.html"))}

TEXTS: list[Any] = ["", "Plain", "Alpha & <beta> \"q\" it's", mark_safe("<b>safe</b>"), gettext_lazy("Name"), 0, 7,
                    1234567, date(2024, 3, 7), None, True, False, lambda: "called <x>"]
NAMES = ["name", "date_of_birth", "a<b"]
OPTIONS = [("", "Choose"), ("a", "Alpha & <beta>"), ('"q"', "it's"), (3, 3), (1.5, "one and a half"),
           (date(2024, 3, 7), date(2024, 3, 7)), (None, None), (True, "yes")]
PARAMS = {
    "input": ["name", "label", "value", "error", "hint", "classes", "type", "autocomplete", "inputmode",
              "spellcheck_off", "label_classes"],
    "select": ["name", "label", "error", "hint", "classes", "label_classes", "selected"],
    "textarea": ["name", "label", "value", "error", "hint", "rows", "label_classes"],
    "checkbox": ["name", "label", "checked", "error", "hint"],
    "date_input": ["name", "legend", "day", "month", "year", "error", "hint", "legend_classes"],
    "radios": ["name", "legend", "selected", "error", "hint", "inline", "small", "legend_classes"],
}


def _cases(kind: str) -> list[dict[str, Any]]:
    """Every parameter given or not, and each value of ``TEXTS`` in turn in each parameter, over the names."""
    params = PARAMS[kind]
    cases: list[dict[str, Any]] = []
    for name in NAMES:
        base: dict[str, Any] = {"name": name}
        if kind in ("select", "radios"):
            base["options"] = OPTIONS
        cases.append(dict(base))
        for param in params:
            for value in TEXTS:
                cases.append({**base, param: value})
        for given in itertools.combinations(["label", "legend", "hint", "error", "value", "classes", "day"], 3):
            cases.append({**base, **{p: f"{p} <{name}>" for p in given}})
    return cases


@pytest.mark.parametrize("kind", list(MARKUP))
def test_the_same_html_as_the_markup(kind: str) -> None:
    engine = Engine.get_default()
    markup = engine.from_string("{% load tether_ui %}" + MARKUP[kind])
    tag = engine.from_string("{% load tether_ui %}{% govuk_field '" + kind + "' %}\n")
    cases = _cases(kind)
    assert set(MARKUP) == set(PARAMS) and len(cases) > 100
    for params in cases:
        assert tag.render(Context(params)) == markup.render(Context(params)), params
    for params in cases[:40]:  # inside {% autoescape off %}: nothing escaped either way
        assert tag.render(Context(params, autoescape=False)) == markup.render(Context(params, autoescape=False)), params


@pytest.mark.parametrize("kind", list(MARKUP))
def test_the_field_templates_are_the_tag(kind: str) -> None:
    params = {"name": "kind", "label": "Kind <1>", "legend": "Kind", "hint": "A hint", "error": "Enter a kind",
              "value": "x", "options": OPTIONS, "selected": "a", "checked": True, "day": 7, "month": 3, "year": 2024}
    engine = Engine.get_default()
    expected = engine.from_string("{% load tether_ui %}" + MARKUP[kind]).render(Context(params))
    assert render_to_string(f"ui/govuk/{kind}.html", params) == "\n" + expected  # after the comment line
