"""Domain errors: ValidationFailed names each field and the rule it broke; control characters are refused."""

from __future__ import annotations

import pytest

from tether.core.errors import (
    NO_CONTROL_CHARACTERS,
    Conflict,
    Forbidden,
    NotFound,
    TetherError,
    ValidationFailed,
    has_control_characters,
)


def test_a_single_message_becomes_a_list():
    exc = ValidationFailed({"date_of_birth": "is required"})
    assert exc.errors == {"date_of_birth": ["is required"]}


def test_lists_and_tuples_are_kept_as_lists_of_messages():
    exc = ValidationFailed({"names[0].family_name": ["is required", "must be 80 characters or fewer"],
                            "sex": ("must be one of: male, female, unknown",)})
    assert exc.errors == {
        "names[0].family_name": ["is required", "must be 80 characters or fewer"],
        "sex": ["must be one of: male, female, unknown"],
    }
    assert all(type(v) is list for v in exc.errors.values())


def test_errors_are_copied_not_shared_with_the_caller():
    messages = ["is required"]
    given = {"reason": messages}
    exc = ValidationFailed(given)
    messages.append("later")
    given["other"] = ["added"]
    assert exc.errors == {"reason": ["is required"]}


def test_as_list_gives_one_entry_per_message_in_order():
    exc = ValidationFailed({"a": ["first", "second"], "b": "third", "": "must be a JSON object"})
    assert exc.as_list() == [
        {"field": "a", "message": "first"},
        {"field": "a", "message": "second"},
        {"field": "b", "message": "third"},
        {"field": "", "message": "must be a JSON object"},
    ]


def test_the_exception_text_names_each_field_and_its_messages():
    exc = ValidationFailed({"a": ["first", "second"], "b": "third"})
    assert str(exc) == "a: first second; b: third"
    assert exc.args == ("a: first second; b: third",)


def test_an_empty_validation_failure_has_no_errors():
    exc = ValidationFailed({})
    assert exc.errors == {}
    assert exc.as_list() == []
    assert str(exc) == ""


def test_a_field_with_no_messages_lists_nothing():
    exc = ValidationFailed({"a": []})
    assert exc.errors == {"a": []}
    assert exc.as_list() == []


def test_validation_failed_can_be_raised_and_caught_as_a_tether_error():
    with pytest.raises(TetherError) as caught:
        raise ValidationFailed({"as_of": "must be a date like 2025-06-16 (got 'x')"})
    assert caught.value.as_list() == [{"field": "as_of", "message": "must be a date like 2025-06-16 (got 'x')"}]


@pytest.mark.parametrize("cls", [ValidationFailed, NotFound, Forbidden, Conflict])
def test_every_domain_error_is_a_tether_error(cls):
    assert issubclass(cls, TetherError)
    assert issubclass(TetherError, Exception)


def test_not_found_forbidden_and_conflict_are_distinct():
    classes = [NotFound, Forbidden, Conflict, ValidationFailed]
    for a in classes:
        for b in classes:
            assert issubclass(a, b) == (a is b)
    assert str(NotFound("no such record")) == "no such record"


# --- control characters -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("char", [chr(c) for c in range(0x20)] + ["\x7f"], ids=lambda c: f"U+{ord(c):04X}")
def test_every_ascii_control_character_is_found(char):
    assert has_control_characters(char)
    assert has_control_characters(f"Alan{char}Testperson")


@pytest.mark.parametrize(
    "text",
    ["", "Alan Testperson", "O'Brien-Smith", "TTH-000123", "Zoë Ångström", "Łódź", "name — note", "😀", " ", "~"],
)
def test_printable_text_has_no_control_characters(text):
    assert not has_control_characters(text)


def test_line_breaks_and_tabs_count_as_control_characters():
    assert has_control_characters("line one\nline two")
    assert has_control_characters("line one\r\nline two")
    assert has_control_characters("a\tb")


def test_the_message_for_control_characters():
    assert NO_CONTROL_CHARACTERS == "must not contain control characters or line separators"


@pytest.mark.parametrize("char", ["\x85", "\x9b", "\x80", "\x9f"], ids=["U+0085", "U+009B", "U+0080", "U+009F"])
def test_c1_control_characters_are_found(char):
    assert has_control_characters(f"Alan{char}Testperson")


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\ud800", "\udfff"], ids=["LS", "PS", "high", "low"])
def test_separators_and_lone_surrogates_are_found(char):
    assert has_control_characters(f"Alan{char}Testperson")
    assert has_control_characters(f"Alan{char}Testperson", multiline=True)


def test_multiline_text_may_hold_line_breaks_and_tabs_but_nothing_else():
    assert not has_control_characters("line one\r\nline two\n\tindented", multiline=True)
    assert has_control_characters("line one\x00", multiline=True)
    assert has_control_characters("bell\x07", multiline=True)
