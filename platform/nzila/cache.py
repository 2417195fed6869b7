"""The shared cache on Redis, still answering while Redis is away.

Sign-in guards and links, payment abuse counters, webhook replay marks and providers' tokens live in
the shared cache so that every web process sees one value. When Redis does not answer, each operation
falls back to a cache in this process for RETRY_SECONDS, then Redis is tried again: counts hold per
process meanwhile, a sign-in link made by another process is not found (the person asks for another),
and no request fails for the cache. `redis_or_here` is that switch, shared with the rate limits'
counter (api/throttles.py), so both agree on whether Redis is away.
"""

from __future__ import annotations

import logging
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

# After Redis fails, this process uses its own memory for this many seconds before trying Redis again.
RETRY_SECONDS = 5.0
_failed_at = -RETRY_SECONDS


def redis_or_here(on_redis, here):
    """`on_redis()`, unless Redis failed within RETRY_SECONDS or fails now: then `here()`."""
    global _failed_at
    if time.monotonic() - _failed_at >= RETRY_SECONDS:
        try:
            return on_redis()
        except redis.RedisError as exc:
            _failed_at = time.monotonic()
            log.warning("Redis unreachable, this process keeps its own counts for %gs: %s", RETRY_SECONDS, exc)
    return here()


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        # Every instance of this process (one per thread) shares the store of this name.
        self._here = LocMemCache("nzila-while-redis-is-away", {"OPTIONS": {"MAX_ENTRIES": 10_000}})

    def _either(self, operation: str, *args, **kwargs):
        shared = getattr(super(), operation)
        return redis_or_here(lambda: shared(*args, **kwargs), lambda: getattr(self._here, operation)(*args, **kwargs))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._either("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._either("delete", key, version)

    def get_many(self, keys, version=None):
        return self._either("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._either("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._either("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._either("delete_many", keys, version)

    def clear(self):
        return self._either("clear")
