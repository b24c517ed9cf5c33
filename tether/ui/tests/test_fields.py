"""``{% govuk_field %}`` (``ui.fields``) gives the HTML the GOV.UK field templates' markup gave, for every field and many
values of its parameters: text with markup and quotes, safe text, lazy text, numbers, dates, None, booleans, callables,
parameters not given."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

# The templates' markup before it was one tag (the body after their comment line), with ``select_options`` as it is
MARKUP = {
    'input': '<div class="govuk-form-group{% if error %} govuk-form-group--error{% endif %}">\n  <label class="govuk-label{% if label_classes %} {{ label_classes }}{% endif %}" for="{{ name }}">{{ label }}</label>\n  {% if hint %}<div id="{{ name }}-hint" class="govuk-hint">{{ hint }}</div>{% endif %}\n  {% if error %}<p id="{{ name }}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {{ error }}</p>{% endif %}\n  <input class="govuk-input{% if classes %} {{ classes }}{% endif %}{% if error %} govuk-input--error{% endif %}" id="{{ name }}" name="{{ name }}" type="{{ type|default:\'text\' }}" value="{{ value|default_if_none:\'\' }}"{% if hint or error %} aria-describedby="{% if hint %}{{ name }}-hint{% endif %}{% if hint and error %} {% endif %}{% if error %}{{ name }}-error{% endif %}"{% endif %}{% if autocomplete %} autocomplete="{{ autocomplete }}"{% endif %}{% if inputmode %} inputmode="{{ inputmode }}"{% endif %}{% if spellcheck_off %} spellcheck="false"{% endif %}>\n</div>\n',
    'select': '<div class="govuk-form-group{% if error %} govuk-form-group--error{% endif %}">\n  <label class="govuk-label{% if label_classes %} {{ label_classes }}{% endif %}" for="{{ name }}">{{ label }}</label>\n  {% if hint %}<div id="{{ name }}-hint" class="govuk-hint">{{ hint }}</div>{% endif %}\n  {% if error %}<p id="{{ name }}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {{ error }}</p>{% endif %}\n  <select class="govuk-select{% if classes %} {{ classes }}{% endif %}{% if error %} govuk-select--error{% endif %}" id="{{ name }}" name="{{ name }}"{% if hint or error %} aria-describedby="{% if hint %}{{ name }}-hint{% endif %}{% if hint and error %} {% endif %}{% if error %}{{ name }}-error{% endif %}"{% endif %}>\n    {% select_options options selected %}\n  </select>\n</div>\n',
    'textarea': '<div class="govuk-form-group{% if error %} govuk-form-group--error{% endif %}">\n  <label class="govuk-label{% if label_classes %} {{ label_classes }}{% endif %}" for="{{ name }}">{{ label }}</label>\n  {% if hint %}<div id="{{ name }}-hint" class="govuk-hint">{{ hint }}</div>{% endif %}\n  {% if error %}<p id="{{ name }}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {{ error }}</p>{% endif %}\n  <textarea class="govuk-textarea{% if error %} govuk-textarea--error{% endif %}" id="{{ name }}" name="{{ name }}" rows="{{ rows|default:5 }}"{% if hint or error %} aria-describedby="{% if hint %}{{ name }}-hint{% endif %}{% if hint and error %} {% endif %}{% if error %}{{ name }}-error{% endif %}"{% endif %}>{{ value|default_if_none:\'\' }}</textarea>\n</div>\n',
    'checkbox': '<div class="govuk-form-group{% if error %} govuk-form-group--error{% endif %}">\n  {% if error %}<p id="{{ name }}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {{ error }}</p>{% endif %}\n  <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">\n    <div class="govuk-checkboxes__item">\n      <input class="govuk-checkboxes__input" id="{{ name }}" name="{{ name }}" type="checkbox" value="yes"{% if checked %} checked{% endif %}{% if hint or error %} aria-describedby="{% if hint %}{{ name }}-hint{% endif %}{% if hint and error %} {% endif %}{% if error %}{{ name }}-error{% endif %}"{% endif %}>\n      <label class="govuk-label govuk-checkboxes__label" for="{{ name }}">{{ label }}</label>\n      {% if hint %}<div id="{{ name }}-hint" class="govuk-hint govuk-checkboxes__hint">{{ hint }}</div>{% endif %}\n    </div>\n  </div>\n</div>\n',
}

TEXTS: list[Any] = ["", "Plain", "Alpha & <beta> \"q\" it's", mark_safe("<b>safe</b>"), gettext_lazy("Name"), 0, 7,
                    1234567, date(2024, 3, 7), None, True, False, lambda: "called <x>"]
NAMES = ["name", "date_of_birth", "a<b"]
OPTIONS = [("", "Choose"), ("a", "Alpha & <beta>"), ('"q"', "it's"), (3, 3), (None, None)]
PARAMS = {
    "input": ["name", "label", "value", "error", "hint", "classes", "type", "autocomplete", "inputmode", "spellcheck_off",
              "label_classes"],
    "select": ["name", "label", "error", "hint", "classes", "label_classes", "selected"],
    "textarea": ["name", "label", "value", "error", "hint", "rows", "label_classes"],
    "checkbox": ["name", "label", "checked", "error", "hint"],
}


def _cases(kind: str) -> list[dict[str, Any]]:
    """Every parameter given or not, and each value of ``TEXTS`` in turn in each parameter, over the names."""
    params = PARAMS[kind]
    cases: list[dict[str, Any]] = []
    for name in NAMES:
        base: dict[str, Any] = {"name": name}
        if kind == "select":
            base["options"] = OPTIONS
        cases.append(dict(base))
        for param in params:
            for value in TEXTS:
                cases.append({**base, param: value})
        for given in itertools.combinations(["label", "hint", "error", "value", "classes"], 3):
            cases.append({**base, **{p: f"{p} <{name}>" for p in given}})
    return cases


@pytest.mark.parametrize("kind", list(MARKUP))
def test_the_same_html_as_the_markup(kind: str) -> None:
    engine = Engine.get_default()
    markup = engine.from_string("{% load tether_ui %}" + MARKUP[kind])
    tag = engine.from_string("{% load tether_ui %}{% govuk_field '" + kind + "' %}\n")
    cases = _cases(kind)
    assert len(cases) > 100
    for params in cases:
        assert tag.render(Context(params)) == markup.render(Context(params)), params


@pytest.mark.parametrize("kind", list(MARKUP))
def test_the_field_templates_are_the_tag(kind: str) -> None:
    params = {"name": "kind", "label": "Kind <1>", "hint": "A hint", "error": "Enter a kind", "value": "x",
              "options": OPTIONS, "selected": "a", "checked": True}
    engine = Engine.get_default()
    expected = engine.from_string("{% load tether_ui %}" + MARKUP[kind]).render(Context(params))
    assert render_to_string(f"ui/govuk/{kind}.html", params) == "\n" + expected  # after the comment line
