"""Walking rows in keyset pages: no OFFSET, never all rows in memory, stable under concurrent writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Row = TypeVar("Row")


def keyset_pages(
    fetch_page: Callable[[Any, int], Sequence[Row]], *, start: Any, key: Callable[[Row], Any], page_size: int
) -> Iterator[Sequence[Row]]:
    """Pages of `fetch_page(after, page_size)` (rows ordered by `key`, all above `after`), from `start`
    until a page comes back empty; each next page starts after the last row's key."""
    position = start
    while True:
        rows = fetch_page(position, page_size)
        if not rows:
            return
        yield rows
        position = key(rows[-1])
