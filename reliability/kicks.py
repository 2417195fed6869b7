"""Queuing work after a commit without letting the broker fail the commit's request.

`send_after_commit`: a task queued once the transaction commits; the broker away is logged and the
named sweep does the work from the rows later, so a committed write never answers a 500.

Kick once: however many commits ask for a wake-up, at most one is queued until it starts.

A Redis flag is set with NX before the task is queued (by name, so the kicker never imports the
task's module); the task clears it when it starts, so work arriving while it runs queues exactly one
more. The flag expires, so a queued task lost with the broker cannot block kicks for ever. Kicks are
about latency, never correctness: if Redis or the broker is away the kick is skipped and the caller's
periodic sweep catches up.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

import redis
from celery import current_app
from django.db import transaction

from .connections import redis_client

log = logging.getLogger(__name__)


def send_after_commit(task_name: str, *, caught_up_by: str, args=(), kwargs=None, **options) -> None:
    """Queue `task_name` (by name: the caller never imports the task's module) once the current
    transaction commits. If the broker cannot take it, the write stays committed and the request
    succeeds: `caught_up_by`, the periodic task that finds the same work in the database, does it."""

    def send() -> None:
        try:
            # Celery's own publish retries (about half a second) ride out a broker restart.
            current_app.send_task(task_name, args=list(args), kwargs=kwargs or {}, **options)
        except Exception as exc:  # noqa: BLE001 - broker errors come in many types; all mean "not now"
            log.warning("could not queue %s (%s); %s catches up", task_name, exc, caught_up_by)

    transaction.on_commit(send)


@dataclass(frozen=True)
class KickOnce:
    flag: str
    task_name: str
    # Expiry of the flag, in milliseconds: longer than a queued task normally waits.
    ttl_ms: int
    # Timeout of the Redis calls, in seconds: a kick happens after a commit, on a request's path.
    timeout: float = 2

    def kick(self, redis_url: str) -> bool:
        """Queue the task unless one is already queued. True when this call queued it."""
        try:
            if redis_client(redis_url, timeout=self.timeout).set(self.flag, 1, nx=True, px=self.ttl_ms):
                current_app.send_task(self.task_name, retry=False)
                return True
        except Exception as exc:  # noqa: BLE001 - broker errors come in many types; all mean "not now"
            log.warning("could not queue %s (%s); the sweep will catch up", self.task_name, exc)
        return False

    def taken(self, redis_url: str) -> None:
        """The task starts: work committed from now on needs a new kick."""
        with contextlib.suppress(redis.RedisError, OSError):
            redis_client(redis_url, timeout=self.timeout).delete(self.flag)
