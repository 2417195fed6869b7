"""A token bucket in Redis, shared by every worker process on every machine.

Celery's own `rate_limit` counts per worker process; a provider's limit (WhatsApp: 100 messages/s) and
a product limit (follow-ups: 10/minute) hold for the whole platform, so the bucket lives in Redis and
one Lua script takes tokens atomically.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .redis_client import get_redis

# KEYS[1] bucket hash; ARGV: rate (tokens/s), capacity, requested tokens. "Now" is Redis' clock, not a
# worker's: every worker on every machine must agree on it. Returns {granted (0/1), seconds to wait}.
_TAKE = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil then tokens = capacity; at = now end
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local granted = 0
local wait = 0
if tokens >= wanted then
  tokens = tokens - wanted
  granted = 1
else
  wait = (wanted - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 60)
return {granted, tostring(wait)}
"""


@dataclass(frozen=True)
class TokenBucket:
    """`rate` tokens per `per` seconds, bursts up to `capacity` (default: one period's worth)."""

    name: str
    rate: float
    per: float = 1.0
    capacity: float | None = None

    @property
    def key(self) -> str:
        return f"jobs:bucket:{self.name}"

    def try_take(self, tokens: int = 1) -> float:
        """Take tokens if there are enough. Returns 0.0 when granted, else the seconds to wait."""
        client = get_redis()
        per_second = self.rate / self.per
        capacity = self.capacity if self.capacity is not None else self.rate
        granted, wait = client.eval(_TAKE, 1, self.key, per_second, capacity, tokens)
        return 0.0 if int(granted) == 1 else float(wait)

    def take(self, tokens: int = 1, *, max_wait: float = 5.0) -> bool:
        """Take tokens, sleeping for them up to max_wait seconds. False if that would take longer."""
        deadline = time.monotonic() + max_wait
        while True:
            wait = self.try_take(tokens)
            if wait == 0.0:
                return True
            if time.monotonic() + wait > deadline:
                return False
            time.sleep(wait)

    def reset(self) -> None:
        get_redis().delete(self.key)
