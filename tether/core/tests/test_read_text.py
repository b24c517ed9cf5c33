"""The one text rule as the command line and the importers read it (``core.fields.read_text``): the rule is checked
on the text as given, so a value that the pages and the API's schema refuse is refused here too, not trimmed."""

from __future__ import annotations

import pytest

from tether.core.errors import NO_CONTROL_CHARACTERS
from tether.core.fields import read_text


@pytest.mark.parametrize("edge", ["\u2028", "\u2029", "\x85", "\x1c", "\x1f", "\n", "\t", "\x00", "\ud800"])
@pytest.mark.parametrize("where", ["before", "after"])
def test_a_control_or_separator_character_at_either_end_is_refused_not_stripped(edge, where):
    raw = edge + "DWP" if where == "before" else "DWP" + edge
    assert read_text(raw, required=True, max_len=80)[1] == [NO_CONTROL_CHARACTERS]


@pytest.mark.parametrize("raw", ["\u2028", "\x1c", "\x85 "])
def test_a_value_of_only_such_characters_is_refused_for_them_not_called_blank(raw):
    assert read_text(raw, required=True, max_len=80)[1] == [NO_CONTROL_CHARACTERS]
    assert read_text(raw, required=False, max_len=80)[1] == [NO_CONTROL_CHARACTERS]


def test_ordinary_spaces_around_a_value_are_still_trimmed():
    assert read_text("  DWP Leeds \u00a0", required=True, max_len=80) == ("DWP Leeds", [])
    assert read_text("   ", required=True, max_len=80) == ("", ["is required"])
    assert read_text("   ", required=False, max_len=80) == ("", [])


def test_multiline_text_keeps_its_line_breaks_and_tabs_inside_and_refuses_separators():
    assert read_text("\tline one\r\nline two\n", required=True, max_len=80, multiline=True) == (
        "line one\nline two", [])
    assert read_text("note\u2028", required=True, max_len=80, multiline=True)[1] == [NO_CONTROL_CHARACTERS]
