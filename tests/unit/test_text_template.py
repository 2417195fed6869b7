"""A rendered keystroke request is the request its builders make, whatever the text holds."""

from __future__ import annotations

import orjson
import pytest

from search.executor import TextTemplate, msearch_lines
from search.request import Scope
from search.suggest import suggestions_search, typeahead_vehicles_search

SCOPE = Scope(statuses=("available", "reserved"))


def keystroke(text: str):
    return [
        ("suggestions", suggestions_search(text, size=16)),
        ("vehicles", typeahead_vehicles_search(text, scope=SCOPE, size=3)),
    ]


@pytest.mark.parametrize(
    "text",
    ["t", "toyota hil", 'a "quoted" word', "back\\slash", "côte d’ivoire", "日本車 🚗", "line\nbreak\ttab"],
)
def test_a_rendered_keystroke_is_the_request_its_builders_make(text):
    template = TextTemplate(keystroke(TextTemplate.PLACEHOLDER), optional=frozenset({"suggestions"}))
    rendered = [orjson.loads(line) for line in template.render(text).splitlines()]
    assert rendered == msearch_lines(keystroke(text), optional=frozenset({"suggestions"}))
    assert template.indexes == ["suggestions", "vehicles"]


def test_searches_without_the_placeholder_are_refused():
    with pytest.raises(ValueError):
        TextTemplate(keystroke("toyota"))
