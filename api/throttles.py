"""Request limits counted atomically in the shared Redis cache, so every web process sees one count.

DRF's SimpleRateThrottle reads a history, decides, then writes it back: parallel requests all read
the same history and all pass (57 of 60 against a limit of 50). Here each request is one Redis INCR
on a fixed window's counter, so of N parallel requests exactly the limit pass. A fixed window can let
up to twice the limit through across a window boundary; for abuse limits that is fine.

The count is one round trip (a script that increments and sets the expiry of a new counter), on one
client kept for the process: typeahead pays it on every keystroke, and Django's cache API would take
three round trips and build a client for each.

Redis unreachable: the limits are counted in this process instead (each web process then allows the
limit on its own), so search keeps answering through a Redis outage instead of failing every request.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time

import redis
from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from nzila.cache import redis_or_here


def client_address(request) -> str:
    """The client's address as the throttles see it: REMOTE_ADDR, or X-Forwarded-For read as far as
    NZILA_NUM_PROXIES proxies wrote it. Works on a Django request as well as on DRF's."""
    return BaseThrottle().get_ident(request)


# INCR, and a counter it just created expires after its window: atomic, so no counter lives forever.
_COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


@functools.cache
def _counting_script():
    location = settings.CACHES["default"]["LOCATION"]
    # Short timeouts: an unreachable Redis must cost a keystroke a moment, not TCP's minutes of retries.
    client = redis.Redis.from_url(location, socket_connect_timeout=0.25, socket_timeout=0.25)
    return client.register_script(_COUNT_SCRIPT)


# Counters of this process while Redis is away: key -> (window ends at, count). Expired ones are
# dropped once this many are kept, so the dict stays bounded whoever asks.
LOCAL_COUNTERS_KEPT = 10_000
_local_counters: dict[str, tuple[float, int]] = {}
_local_lock = threading.Lock()


def _count(key: str, *, expires: int) -> int:
    """This request's number in its window's counter `key` (a cache key, so `cache.decr` reaches it);
    counted in this process while Redis is away (nzila.cache.redis_or_here)."""
    return redis_or_here(
        lambda: int(_counting_script()(keys=[key], args=[int(expires)])), lambda: _count_here(key, expires=expires)
    )


def _count_here(key: str, *, expires: int) -> int:
    now = time.monotonic()
    with _local_lock:
        if len(_local_counters) >= LOCAL_COUNTERS_KEPT:
            for stale in [k for k, (ends, _) in _local_counters.items() if ends <= now]:
                del _local_counters[stale]
        ends, count = _local_counters.get(key, (now + expires, 0))
        if ends <= now:
            ends, count = now + expires, 0
        _local_counters[key] = (ends, count + 1)
    return count + 1


class AtomicRateThrottle(BaseThrottle):
    """A per-key limit of "N/period" (DRF's rate syntax); subclasses say whose key and which rate."""

    scope = ""

    def rate(self, request) -> str:
        raise NotImplementedError

    def key(self, request) -> str | None:
        """Who is counted; None: not limited."""
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        who = self.key(request)
        if who is None:
            return True
        limit, period = SimpleRateThrottle.parse_rate(None, self.rate(request))
        now = time.time()
        window = int(now // period)
        counter = self.counter = f"throttle_{self.scope}_{who}_{window}"
        count = _count(cache.make_and_validate_key(counter), expires=period + 1)
        self._wait = (window + 1) * period - now
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)

    def release(self) -> None:
        """Give back the slot this request took (it turned out not to count); its window may be over."""
        counter = getattr(self, "counter", None)
        if counter is None:
            return
        key = cache.make_and_validate_key(counter)
        with _local_lock:
            if key in _local_counters:  # counted here while Redis was away
                ends, count = _local_counters[key]
                _local_counters[key] = (ends, max(count - 1, 0))
                return
        # The window may have ended and its counter expired: then there is nothing to give back (the
        # cache itself answers from this process while Redis is away).
        with contextlib.suppress(ValueError):
            cache.decr(counter)


class SignupRateThrottle(AtomicRateThrottle):
    """Registration, sign-in links and password resets (each sends an e-mail), per client address."""

    scope = "signup"

    def rate(self, request) -> str:
        return settings.SIGNUP_RATE

    def key(self, request) -> str | None:
        return client_address(request)


class PublicRateThrottle(AtomicRateThrottle):
    """Public search, typeahead and card lists, per client address: generous, a browser never meets it."""

    scope = "public"

    def rate(self, request) -> str:
        return settings.PUBLIC_API_RATE

    def key(self, request) -> str | None:
        return self.get_ident(request)
