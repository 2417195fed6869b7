"""Celery beat's scheduler, plus a heartbeat: a beat that stopped ticking is seen by the health check.

Beat runs nothing itself; if it hangs or dies, no schedule fires and nothing else fails loudly. Each
tick (at least every few seconds: the sweeps are that frequent) writes the time to Redis.
"""

from __future__ import annotations

import logging
import time

from celery.beat import PersistentScheduler

log = logging.getLogger(__name__)
HEARTBEAT_KEY = "jobs:beat:heartbeat"


def last_beat() -> float | None:
    """Unix time of beat's last tick, or None if it never ticked (or Redis forgot)."""
    from .redis_client import get_redis

    value = get_redis().get(HEARTBEAT_KEY)
    return float(value) if value is not None else None


class HeartbeatScheduler(PersistentScheduler):
    _written = 0.0

    def tick(self, *args, **kwargs):
        now = time.time()
        if now - self._written >= 1:
            try:
                from .redis_client import get_redis

                get_redis().set(HEARTBEAT_KEY, repr(now), ex=24 * 3600)
                self._written = now
            except Exception:  # noqa: BLE001 - the heartbeat must never stop the schedule
                log.warning("beat heartbeat not written", exc_info=True)
        return super().tick(*args, **kwargs)
