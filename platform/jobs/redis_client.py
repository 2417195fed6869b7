"""The Redis connection the jobs bookkeeping uses (rate limits, outcome counters)."""

from __future__ import annotations

import redis
from django.conf import settings

from reliability.connections import redis_client


def get_redis() -> redis.Redis:
    return redis_client(settings.JOBS_REDIS_URL)
