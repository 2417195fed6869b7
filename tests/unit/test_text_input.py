"""Numbers are ASCII digits; NUL and lone surrogates are named."""

import pytest

from nzila.text_input import unstorable_character, whole_number


@pytest.mark.parametrize("text, value", [("0", 0), ("42", 42), ("007", 7)])
def test_ascii_digits_are_a_whole_number(text, value):
    assert whole_number(text) == value


@pytest.mark.parametrize("text", ["", "²", "٣", "３", "①", "4²", " 4", "4 ", "+4", "-4", "4.0", "4\n"])
def test_anything_else_is_not(text):
    assert whole_number(text) is None


def test_unstorable_characters_are_named():
    assert unstorable_character("Toyota Hilux") is None
    assert unstorable_character("a\x00b") == "NUL"
    assert unstorable_character("x\ud800") == "U+D800"
    assert unstorable_character("\udfff") == "U+DFFF"
    assert unstorable_character("🚗 ok") is None  # a whole pair is an ordinary character
