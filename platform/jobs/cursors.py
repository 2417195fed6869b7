"""Incremental jobs: walk only the rows changed since the last run, in pages.

The position is a value from a sequence stamped on every write (e.g. catalog_vehicle.search_version,
set by a trigger on every insert and update, raw SQL and queryset.update() included). A value is taken
before its transaction commits, so a run could pass over a row whose transaction was still open; the
position a run saw is therefore only promoted at the end of the *next* run, and every row is looked at
in two consecutive runs. The jobs that use this are idempotent, so the second look costs a comparison.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

from .models import JobCursor


@contextmanager
def advancing_cursor(name: str, *, high_water: int) -> Iterator[int]:
    """Yield where to start; on success, move the cursor along (this run's high water is used next time)."""
    with transaction.atomic():
        cursor, _ = JobCursor.objects.select_for_update().get_or_create(name=name)
        start = cursor.position
    yield start
    with transaction.atomic():
        cursor = JobCursor.objects.select_for_update().get(name=name)
        cursor.position = max(cursor.position, cursor.next_position)
        cursor.next_position = max(cursor.next_position, high_water)
        cursor.save(update_fields=["position", "next_position", "updated_at"])
