"""Text from outside (query strings, forms, JSON bodies, uploaded files): when it is a number, and
when it cannot be stored.

`str.isdigit()` is true of "²", "٣" and "３"; `int()` refuses the first and reads the others as 2
and 3. A number we are sent is written in ASCII digits, and anything else is refused, so that what
a person typed is never silently read as something else.

Postgres text cannot hold a NUL character, and UTF-8 cannot encode half of a surrogate pair (JSON
can spell one: "\\ud800"); either one reaching a write, or an error message that echoes it, was a 500.
"""

from __future__ import annotations

import re

_WHOLE_NUMBER = re.compile(r"[0-9]+")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def whole_number(text: str) -> int | None:
    """The value of a string of ASCII digits; None for anything else (signs, spaces, other scripts)."""
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None


def unstorable_character(text: str) -> str | None:
    """How to name the first character of `text` that cannot be stored ("NUL", "U+D800"), if any."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return "NUL" if found.group() == "\x00" else f"U+{ord(found.group()):04X}"
