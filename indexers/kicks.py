"""Waking the indexers: at most one drain queued at a time, however many commits ask for one.

A Redis flag is set with NX before queueing; the drain clears it when it starts, so a commit that
lands while a drain runs queues exactly one more. If Redis is away the kick is skipped and the
periodic sweep picks the changes up: kicks are about latency, never about correctness.
"""

from __future__ import annotations

import contextlib
import functools
import logging

import redis
from django.conf import settings

log = logging.getLogger(__name__)

FLAG = "nzila:indexers:drain-queued"
# If a queued drain is lost (Redis flushed, broker restarted), the flag expires and kicks resume.
FLAG_TTL_MS = 10_000


@functools.cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2)


def kick() -> bool:
    from .tasks import drain_changes

    try:
        if _redis().set(FLAG, 1, nx=True, px=FLAG_TTL_MS):
            drain_changes.apply_async(retry=False)
            return True
    except Exception as exc:  # noqa: BLE001 - broker errors come in many types; all mean "not now"
        log.warning("could not queue a drain (%s); the sweep will catch up", exc)
    return False


def clear() -> None:
    with contextlib.suppress(redis.RedisError, OSError):
        _redis().delete(FLAG)
