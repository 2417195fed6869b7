"""The Redis connection the jobs bookkeeping uses (rate limits, outcome counters)."""

from __future__ import annotations

import functools

import redis
from django.conf import settings


@functools.cache
def get_redis() -> redis.Redis:
    return redis.Redis.from_url(settings.JOBS_REDIS_URL, socket_timeout=5, socket_connect_timeout=5)
