"""JSON bodies as every view of the API expects them: an object, holding only text that can be stored.

One parser, before any serializer: a body that is a number, `true` or a list once reached views that
iterate it, and a lone surrogate (JSON may spell "\\ud800", UTF-8 cannot encode it) in a field a
serializer echoes back in its error message made the answer itself fail to render. Each is a 400 in
the API's error shape naming the field (`body` for the body as a whole, `photos.0` for an item).
"""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser

from nzila.text_input import unstorable_character

BODY = "body"


def _first_unstorable(data: dict) -> tuple[str, str] | None:
    """(field path as api.errors names it, e.g. `photos.0`; character name) of the first string, key or
    value, that cannot be stored. A loop, not recursion: the body may nest as deep as json allows."""
    pending: list[tuple[str, object]] = [("", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if found := unstorable_character(value):
                return path or BODY, found
            continue
        if isinstance(value, dict):
            for key in value:
                if found := unstorable_character(key):
                    # The key cannot be printed: the field is named by what holds it.
                    return path or BODY, found
            items = list(value.items())
        elif isinstance(value, list):
            items = list(enumerate(value))
        else:
            continue
        # Reversed onto the stack, so fields are checked in the order they were sent.
        pending.extend((f"{path}.{key}" if path else str(key), item) for key, item in reversed(items))
    return None


class JsonObjectParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ValidationError({BODY: ["must be a JSON object"]})
        found = _first_unstorable(data)
        if found:
            path, character = found
            raise ValidationError({path: [f"contains {character}, a character that cannot be stored."]})
        return data
