"""The catalogue's scheduled jobs: price changes recorded and price drops told (see CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from django.conf import settings

from jobs.base import reliable_task

from . import price_changes

# Until 2026-12 these were registered as jobs.tasks.<name> (they lived in jobs/tasks.py); those names
# stay registered as aliases, so messages queued under them are not lost.


@reliable_task(name="catalog.tasks.check_price_changes", previous_names=("jobs.tasks.check_price_changes",))
def check_price_changes() -> int:
    return price_changes.walk_changed_vehicles(
        page_size=settings.JOBS_PAGE_SIZE,
        batch_size=settings.JOBS_BATCH_SIZE,
        fan_out=lambda batch: record_price_changes.delay(batch),
    )


@reliable_task(
    name="catalog.tasks.record_price_changes",
    previous_names=("jobs.tasks.record_price_changes",),
    soft_time_limit=300,
    time_limit=360,
)
def record_price_changes(vehicle_ids: list[int]) -> dict[str, int]:
    return price_changes.record_price_changes(vehicle_ids)
