"""Dead letters: recording a task's last failure, listing them, and replaying them."""

from __future__ import annotations

import json

from celery import current_app
from django.db import transaction
from django.utils import timezone

from .models import DeadLetter


def _json_safe(value):
    """Task arguments came through the JSON serializer, so they are JSON already; guard anyway."""
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return repr(value)


def record_dead_letter(*, task, task_id: str, args, kwargs, exc: BaseException, traceback: str = "") -> DeadLetter:
    request = task.request
    delivery = getattr(request, "delivery_info", None) or {}
    return DeadLetter.objects.create(
        task_id=task_id or "",
        task_name=task.name,
        queue=delivery.get("routing_key") or getattr(task, "queue", None) or "",
        args=_json_safe(list(args or [])),
        kwargs=_json_safe(dict(kwargs or {})),
        exception_type=f"{type(exc).__module__}.{type(exc).__qualname__}",
        error=str(exc)[:4000],
        traceback=traceback[-20000:],
        attempts=(request.retries or 0) + 1,
    )


def replay(letter: DeadLetter) -> str:
    """Send the task again with its original arguments (a fresh retry budget). Returns the new task id.

    The row is locked while it is replayed, so two staff members clicking at once send it once.
    """
    with transaction.atomic():
        locked = DeadLetter.objects.select_for_update().get(pk=letter.pk)
        options = {"queue": locked.queue} if locked.queue else {}
        result = current_app.send_task(locked.task_name, args=locked.args, kwargs=locked.kwargs, **options)
        locked.replayed_at = timezone.now()
        locked.replayed_task_id = result.id
        locked.replay_count += 1
        locked.save(update_fields=["replayed_at", "replayed_task_id", "replay_count"])
    letter.refresh_from_db()
    return result.id


def open_dead_letters():
    """Dead letters nobody has replayed yet."""
    return DeadLetter.objects.filter(replayed_at__isnull=True)
