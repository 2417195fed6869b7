"""The catalogue's scheduled jobs: price changes recorded and price drops told, delivered prices kept
current as rates come into force (see CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction

from delivery.reference import today
from delivery.schedule import estimates_change_between
from jobs.base import reliable_task
from jobs.models import JobCursor
from jobs.walking import id_pages

from . import price_changes
from .models import Vehicle

RESTAMP_CURSOR = "catalog.restamp_delivered_prices"

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


@reliable_task(name="catalog.tasks.restamp_delivered_prices")
def restamp_delivered_prices() -> int:
    """Daily: on a day a rate or rule comes into or goes out of force, or a new year ages every car
    (delivery.schedule), re-stamp the listable vehicles page by page, so the ordinary drain rebuilds
    their delivered prices and eligibility. The day is only marked done once every page is stamped: a
    run that dies is run again, and stamping a row twice costs one more document write."""
    day = today()
    with transaction.atomic():
        cursor, created = JobCursor.objects.select_for_update().get_or_create(
            name=RESTAMP_CURSOR, defaults={"position": day.toordinal()}
        )
    if created or not estimates_change_between(date.fromordinal(cursor.position), day):
        # A first run starts from today: every row was stamped with the estimates of its last write.
        JobCursor.objects.filter(name=RESTAMP_CURSOR).update(position=day.toordinal())
        return 0
    stamped = 0
    for page in id_pages(Vehicle.objects.filter(status__in=settings.SEARCHABLE_STATUSES)):
        # A no-op write: the vehicle trigger draws a new search_version and records the change.
        stamped += Vehicle.objects.filter(pk__in=page).update(search_version=0)
    JobCursor.objects.filter(name=RESTAMP_CURSOR).update(position=day.toordinal())
    return stamped
