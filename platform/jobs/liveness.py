"""Is the background machinery alive: Redis answers, a worker answers a ping, beat ticked recently."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

from .beat import last_beat


def redis_status() -> dict[str, Any]:
    from .redis_client import get_redis

    try:
        get_redis().ping()
        return {"reachable": True}
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return {"reachable": False, "error": type(exc).__name__}


def worker_status() -> dict[str, Any]:
    from nzila.celery import app

    try:
        replies = app.control.ping(timeout=settings.HEALTH_WORKER_PING_SECONDS)
    except Exception as exc:  # noqa: BLE001
        return {"alive": False, "workers": [], "error": type(exc).__name__}
    names = sorted(name for reply in replies for name in reply)
    return {"alive": bool(names), "workers": names}


def beat_status() -> dict[str, Any]:
    try:
        beat = last_beat()
    except Exception as exc:  # noqa: BLE001
        return {"alive": False, "error": type(exc).__name__}
    age = None if beat is None else round(time.time() - beat, 3)
    return {"alive": age is not None and age <= settings.HEALTH_BEAT_MAX_SILENCE_SECONDS, "last_tick_seconds_ago": age}
