"""The catalogue's scheduled jobs: price changes recorded and price drops told (see CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from django.conf import settings

from jobs.base import reliable_task

from . import price_changes

# The tasks keep the names they had when they lived in jobs/tasks.py: the beat schedule, the routes
# in settings and messages already queued use them.


@reliable_task(name="jobs.tasks.check_price_changes")
def check_price_changes() -> int:
    return price_changes.walk_changed_vehicles(
        page_size=settings.JOBS_PAGE_SIZE,
        batch_size=settings.JOBS_BATCH_SIZE,
        fan_out=lambda batch: record_price_changes.delay(batch),
    )


@reliable_task(name="jobs.tasks.record_price_changes", soft_time_limit=300, time_limit=360)
def record_price_changes(vehicle_ids: list[int]) -> dict[str, int]:
    return price_changes.record_price_changes(vehicle_ids)
