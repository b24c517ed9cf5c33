"""The GOV.UK form fields (``ui/govuk/input.html``, ``select.html``, ``checkbox.html``, ``textarea.html``,
``date_input.html``, ``radios.html``) made in Python, the same HTML the templates' markup gave.

Each of those templates is one tag (``{% govuk_field "input" %}``) that reads the include's parameters from its
context. A field as template markup is some thirty nodes, each a variable looked up and rendered; a rules explorer
page has ninety-six fields and spent most of its time there. Here each value is still shown as a template shows it
(``render_value_in_context``: localised, escaped unless marked safe), a parameter that is not given shows as nothing
and counts as false, and a callable value is called, as a template variable is. ``ui/tests/test_fields.py`` renders
the old markup and the tag for every field over many parameter values and compares the HTML.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

_MISSING = object()


def options_html(context: Context, options: Any, selected: Any) -> SafeString:
    """Each ``(value, text)`` of ``options`` as an ``<option>``, the one equal to ``selected`` selected, each followed
    by the select's indent: each value shown as a template shows it. A rules explorer page has over a hundred."""
    shown = [(render_value_in_context(value, context), " selected" if value == selected else "",
              render_value_in_context(text, context)) for value, text in options or ()]
    return mark_safe("".join(f'<option value="{v}"{s}>{t}</option>\n    ' for v, s, t in shown))  # noqa: S308 - escaped above


class _Field:
    """The include's parameters as the template saw them."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def value(self, name: str, missing: Any = "") -> Any:
        """The parameter as the filters and a tag's arguments see it: missing is "" (the engine's default for an
        unknown variable; ``{% if %}`` sees None, so ``missing=None`` where it is compared), a callable is called."""
        value = self.context.get(name, _MISSING)
        if value is _MISSING:
            return missing
        if callable(value) and not getattr(value, "do_not_call_in_templates", False):
            if getattr(value, "alters_data", False):
                return ""
            value = value()
        return value

    def show(self, value: Any) -> str:
        """``{{ value }}``: plain text escaped (as Django's ``escape``), the rest as a template renders it."""
        if type(value) is str and self.context.autoescape:
            return html.escape(value)
        return render_value_in_context(value, self.context)

    def __getitem__(self, name: str) -> str:
        """``{{ name }}``."""
        return self.show(self.value(name))

    def described(self, hint: Any, error: Any) -> str:
        if not (hint or error):
            return ""
        name = self["name"]
        ids = f"{name}-hint" if hint else ""
        if hint and error:
            ids += " "
        if error:
            ids += f"{name}-error"
        return f' aria-describedby="{ids}"'

    def hint_and_error(self, hint: Any, error: Any, indent: str) -> str:
        """The hint line and the error line (each empty when not given), each followed by ``indent``."""
        name = self["name"]
        out = (f'<div id="{name}-hint" class="govuk-hint">{self.show(hint)}</div>' if hint else "") + indent
        return out + (_error(name, self.show(error)) if error else "") + indent

    def label_hint_error(self, hint: Any, error: Any) -> str:
        """The label, hint and error lines of an input, a select or a textarea, each followed by its indent."""
        classes = self.value("label_classes")
        return (f'<label class="govuk-label{" " + self.show(classes) if classes else ""}" for="{self["name"]}">'
                f'{self["label"]}</label>\n  ' + self.hint_and_error(hint, error, "\n  "))


def _error(name: str, shown: str) -> str:
    return (f'<p id="{name}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> '
            f"{shown}</p>")


def _group(error: Any) -> str:
    return f'<div class="govuk-form-group{" govuk-form-group--error" if error else ""}">\n  '


def _classes(f: _Field, base: str, classes: Any, error: Any) -> str:
    """``base{% if classes %} {{ classes }}{% endif %}{% if error %} base--error{% endif %}``."""
    return base + (" " + f.show(classes) if classes else "") + (f" {base}--error" if error else "")


def _attribute(f: _Field, attribute: str, value: Any) -> str:
    """``{% if value %} attribute="{{ value }}"{% endif %}``."""
    return f' {attribute}="{f.show(value)}"' if value else ""


def _labelled(f: _Field, hint: Any, error: Any, control: str) -> str:
    """A labelled field (input, select, textarea): its group, the label, hint and error lines, then the control."""
    return _group(error) + f.label_hint_error(hint, error) + control + "\n</div>"


def _input(f: _Field) -> str:
    hint, error, classes, value = f.value("hint"), f.value("error"), f.value("classes"), f.value("value")
    name = f["name"]
    return _labelled(f, hint, error, (
        f'<input class="{_classes(f, "govuk-input", classes, error)}" id="{name}" name="{name}"'
        f' type="{f.show(f.value("type") or "text")}"'
        f' value="{"" if value is None else f.show(value)}"{f.described(hint, error)}'
        + _attribute(f, "autocomplete", f.value("autocomplete")) + _attribute(f, "inputmode", f.value("inputmode"))
        + (' spellcheck="false"' if f.value("spellcheck_off") else "") + ">"
    ))


def _select(f: _Field) -> str:
    hint, error, classes = f.value("hint"), f.value("error"), f.value("classes")
    name = f["name"]
    return _labelled(f, hint, error, (
        f'<select class="{_classes(f, "govuk-select", classes, error)}" id="{name}" name="{name}"'
        f'{f.described(hint, error)}>\n    '
        + options_html(f.context, f.value("options"), f.value("selected", missing=None)) + "\n  </select>"
    ))


def _textarea(f: _Field) -> str:
    hint, error, value = f.value("hint"), f.value("error"), f.value("value")
    name = f["name"]
    return _labelled(f, hint, error, (
        f'<textarea class="govuk-textarea{" govuk-textarea--error" if error else ""}" id="{name}" name="{name}"'
        f' rows="{f.show(f.value("rows") or 5)}"{f.described(hint, error)}>'
        f'{"" if value is None else f.show(value)}</textarea>'
    ))


def _checkbox(f: _Field) -> str:
    hint, error = f.value("hint"), f.value("error")
    name = f["name"]
    return (
        _group(error) + (_error(name, f.show(error)) if error else "") + "\n  "
        '<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">\n'
        '    <div class="govuk-checkboxes__item">\n'
        f'      <input class="govuk-checkboxes__input" id="{name}" name="{name}" type="checkbox" value="yes"'
        f'{" checked" if f.value("checked") else ""}{f.described(hint, error)}>\n'
        f'      <label class="govuk-label govuk-checkboxes__label" for="{name}">{f["label"]}</label>\n      '
        + (f'<div id="{name}-hint" class="govuk-hint govuk-checkboxes__hint">{f.show(hint)}</div>' if hint else "")
        + "\n    </div>\n  </div>\n</div>"
    )


def _fieldset(f: _Field, hint: Any, error: Any, role: str = "") -> str:
    """A group's fieldset, legend, hint and error, each followed by its indent."""
    classes = f.value("legend_classes")
    legend = " " + f.show(classes) if classes else " govuk-fieldset__legend--s"
    return (_group(error) + f'<fieldset class="govuk-fieldset"{role}{f.described(hint, error)}>\n    '
            f'<legend class="govuk-fieldset__legend{legend}">{f["legend"]}</legend>\n    '
            + f.hint_and_error(hint, error, "\n    "))


_DATE_PARTS = (("day", "Day", "2"), ("month", "Month", "2"), ("year", "Year", "4"))


def _date_input(f: _Field) -> str:
    hint, error = f.value("hint"), f.value("error")
    name = f["name"]
    parts = []
    for part, label, width in _DATE_PARTS:
        value = f.value(part)
        parts.append(
            '\n      <div class="govuk-date-input__item">\n        <div class="govuk-form-group">\n'
            f'          <label class="govuk-label govuk-date-input__label" for="{name}_{part}">{label}</label>\n'
            f'          <input class="govuk-input govuk-date-input__input govuk-input--width-{width}'
            f'{" govuk-input--error" if error else ""}" id="{name}_{part}" name="{name}_{part}" type="text"'
            f' inputmode="numeric" value="{"" if value is None else f.show(value)}">\n        </div>\n      </div>'
        )
    return (_fieldset(f, hint, error, ' role="group"') + f'<div class="govuk-date-input" id="{name}">'
            + "".join(parts) + "\n    </div>\n  </fieldset>\n</div>")


def _radios(f: _Field) -> str:
    hint, error, selected = f.value("hint"), f.value("error"), f.value("selected", missing=None)
    name = f["name"]
    items = []
    for n, (value, text) in enumerate(f.value("options") or (), start=1):
        at = name if n == 1 else f"{name}-{n}"
        items.append(
            '\n      <div class="govuk-radios__item">\n'
            f'        <input class="govuk-radios__input" id="{at}" name="{name}" type="radio"'
            f' value="{f.show(value)}"{" checked" if value == selected else ""}>\n'
            f'        <label class="govuk-label govuk-radios__label" for="{at}">{f.show(text)}</label>\n'
            "      </div>\n      "
        )
    kinds = "".join(f" govuk-radios--{kind}" for kind in ("inline", "small") if f.value(kind))
    return (_fieldset(f, hint, error) + f'<div class="govuk-radios{kinds}" data-module="govuk-radios">\n      '
            + "".join(items) + "\n    </div>\n  </fieldset>\n</div>")


FIELDS: dict[str, Callable[[_Field], str]] = {
    "input": _input, "select": _select, "textarea": _textarea, "checkbox": _checkbox, "date_input": _date_input,
    "radios": _radios,
}


def render_field(kind: str, context: Context) -> SafeString:
    """The field ``kind`` with the include's parameters in ``context``."""
    return mark_safe(FIELDS[kind](_Field(context)))  # noqa: S308 - every value shown is escaped (render_value_in_context)
