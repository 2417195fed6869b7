"""The Redis client factory: one pooled client per URL and timeout, shared by the whole process."""

from __future__ import annotations

import functools

import redis


@functools.cache
def redis_client(url: str, *, timeout: float = 5) -> redis.Redis:
    """A client with bounded socket timeouts: a Redis that hangs must not hang its caller."""
    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
