"""Photo tasks: make a photo's variants (retried with backoff; the dealer sees a failure), sweep the
photos whose task was lost, and remove the files no photo uses any more."""

from __future__ import annotations

from datetime import timedelta

from celery import current_app
from django.conf import settings

from jobs.base import reliable_task

from . import orphans, processing, task_names


@reliable_task(
    name=task_names.MAKE_VARIANTS,
    # Any error is worth another try (a storage hiccup, a worker short of memory); after the last,
    # the photo is marked failed and the dealer can retry it from the console.
    retry_for=(Exception,),
    soft_time_limit=120,
    time_limit=150,
)
def make_variants(photo_id: int) -> str:
    try:
        return processing.process_photo(photo_id)
    except Exception as exc:
        # The last try (JOBS_MAX_RETRIES, like every reliable task) marks the photo failed.
        last = make_variants.request.retries >= make_variants._max_retries() or make_variants.request.is_eager
        processing.record_failure(photo_id, exc, last=last)
        raise


@reliable_task(name=task_names.SWEEP_PENDING)
def sweep_pending() -> int:
    ids = processing.stale_photo_ids()
    for photo_id in ids:
        current_app.send_task(task_names.MAKE_VARIANTS, args=(photo_id,))
    return len(ids)


@reliable_task(name="media.tasks.sweep_orphans")
def sweep_orphans() -> dict:
    report = orphans.sweep_orphans(grace=timedelta(seconds=settings.PHOTOS_ORPHAN_GRACE_SECONDS))
    return {"removed": len(report.removed), "kept_young": report.kept_young, "live": report.live}
