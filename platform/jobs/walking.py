"""Walking a table in pages by primary key (keyset: no OFFSET, never all rows in memory), and cutting
id lists into batches for fan-out."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.conf import settings
from django.db.models import QuerySet

from reliability.pages import keyset_pages


def id_pages(queryset: QuerySet, *, page_size: int | None = None) -> Iterator[list[int]]:
    def fetch(after: int, size: int) -> list[int]:
        return list(queryset.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:size])

    return keyset_pages(fetch, start=0, key=lambda pk: pk, page_size=page_size or settings.JOBS_PAGE_SIZE)


def batches(ids: Sequence[int], size: int | None = None) -> Iterator[list[int]]:
    size = size or settings.JOBS_BATCH_SIZE
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])
