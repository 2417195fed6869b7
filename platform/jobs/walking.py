"""Walking a table in pages by primary key (keyset: no OFFSET, never all rows in memory), and cutting
id lists into batches for fan-out."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.conf import settings
from django.db.models import QuerySet


def id_pages(queryset: QuerySet, *, page_size: int | None = None) -> Iterator[list[int]]:
    page_size = page_size or settings.JOBS_PAGE_SIZE
    last = 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:page_size])
        if not ids:
            return
        yield ids
        last = ids[-1]


def batches(ids: Sequence[int], size: int | None = None) -> Iterator[list[int]]:
    size = size or settings.JOBS_BATCH_SIZE
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])
