"""Form errors in the GOV.UK style name the field and the rule."""

from __future__ import annotations

from tether.ui.forms import PartsForm, text_field


class NameForm(PartsForm):
    given_names = text_field(max_length=200)
    LABELS = {"given_names": "Given names"}


def test_a_too_long_value_names_the_field():
    form = NameForm({"given_names": "x" * 201})
    assert not form.parse()
    assert form.parse_errors == {"given_names": "Given names must be 200 characters or fewer"}


def test_a_null_character_names_the_field():
    form = NameForm({"given_names": "a\x00b"})
    assert not form.parse()
    assert form.parse_errors["given_names"].startswith("Given names must not contain control characters")
