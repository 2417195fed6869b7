"""Tasks a user started: recorded with their owner, so the API can tell that user (and only them) how
the task is doing."""

from __future__ import annotations

from typing import Any

from celery import current_app, uuid
from celery.result import AsyncResult

from reliability.kicks import send_after_commit

from .models import DeadLetter, TrackedTask


def start_tracked_task(
    task_name: str, *, owner, caught_up_by: str, args: list | None = None, kwargs: dict | None = None, **options
) -> str:
    """Record the task for its owner and send it once the surrounding transaction commits.

    Sent on commit, never before: a task that starts before the rows it reads are visible reads stale rows.
    `caught_up_by` names the sweep that does the same work if the broker cannot take the task then.
    """
    task_id = uuid()
    TrackedTask.objects.create(task_id=task_id, task_name=task_name, owner=owner)
    send_after_commit(task_name, args=args or [], kwargs=kwargs, task_id=task_id, caught_up_by=caught_up_by, **options)
    return task_id


def task_status_for(*, task_id: str, user) -> dict[str, Any] | None:
    """The state of a task `user` started; None when it is not theirs (or does not exist)."""
    tracked = TrackedTask.objects.filter(task_id=task_id, owner=user).first()
    if tracked is None:
        return None
    result = AsyncResult(task_id, app=current_app)
    state = result.state
    status: dict[str, Any] = {
        "id": task_id,
        "name": tracked.task_name,
        "state": state,
        "created_at": tracked.created_at,
        "ready": state in {"SUCCESS", "FAILURE", "REVOKED"},
    }
    if state == "SUCCESS":
        value = result.result
        status["result"] = value if isinstance(value, (dict, list, str, int, float, bool)) or value is None else None
    elif state == "FAILURE":
        # The exception type only: messages and tracebacks are for staff, not users.
        status["error"] = type(result.result).__name__ if isinstance(result.result, BaseException) else "error"
        status["dead_lettered"] = DeadLetter.objects.filter(task_id=task_id).exists()
    elif state == "RETRY":
        status["retrying"] = True
    return status
