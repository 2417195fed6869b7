"""The staff view of background work: queue depths, failure rates, dead letters, schedules, delivery."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count

from .deadletters import open_dead_letters
from .models import ScheduleRun
from .monitoring import outcome_counts

# kombu's Redis transport keeps a queue's prioritised messages in sibling lists "<queue>\x06\x16<n>".
_PRIORITY_SEPARATOR = "\x06\x16"


def queue_depths() -> dict[str, int]:
    """Messages waiting in each declared queue (all priority steps), and those reserved but unacked."""
    broker = get_redis_broker()
    depths: dict[str, int] = {}
    for queue in settings.CELERY_TASK_QUEUES:
        names = [queue.name] + [f"{queue.name}{_PRIORITY_SEPARATOR}{step}" for step in (1, 2, 3, 4, 5, 6, 7, 8, 9)]
        pipe = broker.pipeline()
        for name in names:
            pipe.llen(name)
        depths[queue.name] = sum(pipe.execute())
    depths["unacked"] = broker.hlen("unacked")
    return depths


def get_redis_broker():
    from reliability.connections import redis_client

    return redis_client(settings.CELERY_BROKER_URL)


def failure_rates(hours: int = 24) -> dict[str, Any]:
    threshold = settings.JOBS_FAILURE_ALERT_RATE
    tasks = {}
    total_ok = total_failed = 0
    for name, counts in sorted(outcome_counts(hours).items()):
        finished = counts["succeeded"] + counts["failed"]
        rate = counts["failed"] / finished if finished else 0.0
        total_ok += counts["succeeded"]
        total_failed += counts["failed"]
        tasks[name] = {**counts, "failure_rate": round(rate, 4), "alert": rate > threshold}
    finished = total_ok + total_failed
    overall = total_failed / finished if finished else 0.0
    return {
        "window_hours": hours,
        "alert_above": threshold,
        "overall_failure_rate": round(overall, 4),
        "alert": overall > threshold,
        "tasks": tasks,
    }


def dead_letter_summary(limit: int = 20) -> dict[str, Any]:
    letters = open_dead_letters()
    return {
        "open": letters.count(),
        "by_task": dict(letters.values_list("task_name").annotate(n=Count("id")).order_by("-n")),
        "latest": [
            {
                "id": d.id,
                "task": d.task_name,
                "task_id": d.task_id,
                "error": f"{d.exception_type}: {d.error[:200]}",
                "attempts": d.attempts,
                "failed_at": d.failed_at,
            }
            for d in letters.order_by("-failed_at")[:limit]
        ],
    }


def schedule_runs() -> dict[str, Any]:
    runs = {run.task_name: run for run in ScheduleRun.objects.all()}
    report = {}
    for entry, spec in settings.CELERY_BEAT_SCHEDULE.items():
        run = runs.get(spec["task"])
        report[entry] = {
            "task": spec["task"],
            "schedule": str(spec["schedule"]),
            "last_started_at": run.last_started_at if run else None,
            "last_finished_at": run.last_finished_at if run else None,
            "last_state": run.last_state if run else None,
            "last_runtime_seconds": run.last_runtime_seconds if run else None,
            "runs": run.runs if run else 0,
            "failures": run.failures if run else 0,
        }
    return report


def jobs_overview() -> dict[str, Any]:
    from notifications.selectors import delivery_rates

    rates = failure_rates()
    return {
        "queues": queue_depths(),
        "failures": rates,
        "dead_letters": dead_letter_summary(),
        "schedules": schedule_runs(),
        "delivery": delivery_rates(),
        "alerts": [name for name, t in rates["tasks"].items() if t["alert"]]
        + (["overall_failure_rate"] if rates["alert"] else []),
    }
