"""What the worker tells about itself: outcome counters per task and hour (Redis), and the last run of
each scheduled task (Postgres). Read by `jobs.overview` for the staff endpoint."""

from __future__ import annotations

import functools
import logging
import time

from celery import signals
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

log = logging.getLogger(__name__)

OUTCOMES = ("succeeded", "failed", "retried")
# Counters per hour are kept this long, for failure rates over the last day.
COUNTER_TTL_SECONDS = 48 * 3600


def hour_key(when: float | None = None) -> str:
    return "jobs:outcomes:" + time.strftime("%Y%m%d%H", time.gmtime(when or time.time()))


def count_outcome(task_name: str, outcome: str) -> None:
    from .redis_client import get_redis

    try:
        key = hour_key()
        pipe = get_redis().pipeline()
        pipe.hincrby(key, f"{task_name}|{outcome}", 1)
        pipe.expire(key, COUNTER_TTL_SECONDS)
        pipe.execute()
    except Exception:  # counting must never fail a task
        log.warning("could not count %s of %s", outcome, task_name, exc_info=True)


@functools.cache
def scheduled_task_names() -> frozenset[str]:
    return frozenset(entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values())


_started: dict[str, float] = {}


def _task_name(sender) -> str:
    return getattr(sender, "name", None) or str(sender)


@signals.task_prerun.connect
def _on_prerun(sender=None, task_id=None, **_):
    name = _task_name(sender)
    if name not in scheduled_task_names():
        return
    _started[task_id] = time.time()
    from .models import ScheduleRun

    try:
        close_old_connections()
        ScheduleRun.objects.update_or_create(task_name=name, defaults={"last_started_at": timezone.now()})
    except Exception:
        log.warning("could not record the start of %s", name, exc_info=True)


@signals.task_postrun.connect
def _on_postrun(sender=None, task_id=None, state=None, retval=None, **_):
    name = _task_name(sender)
    started = _started.pop(task_id, None)
    if name not in scheduled_task_names() or started is None:
        return
    from django.db.models import F

    from .models import ScheduleRun

    failed = state not in ("SUCCESS", "RETRY")
    try:
        ScheduleRun.objects.filter(task_name=name).update(
            last_finished_at=timezone.now(),
            last_state=state or "",
            last_runtime_seconds=time.time() - started,
            last_error=str(retval)[:2000] if failed else "",
            runs=F("runs") + 1,
            failures=F("failures") + (1 if failed else 0),
        )
    except Exception:
        log.warning("could not record the end of %s", name, exc_info=True)


@signals.task_success.connect
def _on_success(sender=None, **_):
    count_outcome(_task_name(sender), "succeeded")


@signals.task_failure.connect
def _on_failure(sender=None, **_):
    count_outcome(_task_name(sender), "failed")


@signals.task_retry.connect
def _on_retry(sender=None, **_):
    count_outcome(_task_name(sender), "retried")


def outcome_counts(hours: int = 24) -> dict[str, dict[str, int]]:
    """Per task: succeeded / failed / retried over the last `hours` hours."""
    from .redis_client import get_redis

    now = time.time()
    keys = [hour_key(now - 3600 * h) for h in range(hours)]
    pipe = get_redis().pipeline()
    for key in keys:
        pipe.hgetall(key)
    totals: dict[str, dict[str, int]] = {}
    for counters in pipe.execute():
        for field, value in counters.items():
            name, _, outcome = field.decode().rpartition("|")
            totals.setdefault(name, dict.fromkeys(OUTCOMES, 0))[outcome] += int(value)
    return totals
