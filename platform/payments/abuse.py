"""Repeated failed payments from one IP address or one card block it for a while (counters in the
shared Redis cache, so every web process sees them)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)


def _keys(ip: str | None, fingerprint: str | None) -> list[tuple[str, str]]:
    keys = []
    if ip:
        keys.append(("ip", ip))
    if fingerprint:
        keys.append(("card", fingerprint))
    return keys


def blocked(*, ip: str | None, fingerprint: str | None = None) -> str | None:
    """What is blocked ("ip" or "card"), or None."""
    for kind, value in _keys(ip, fingerprint):
        if cache.get(f"payments:block:{kind}:{value}"):
            return kind
    return None


def record_failure(*, ip: str | None, fingerprint: str | None = None) -> None:
    for kind, value in _keys(ip, fingerprint):
        counter = f"payments:failures:{kind}:{value}"
        cache.add(counter, 0, timeout=settings.PAYMENTS_FAILURE_WINDOW_SECONDS)
        try:
            count = cache.incr(counter)
        except ValueError:  # expired between add and incr
            cache.set(counter, 1, timeout=settings.PAYMENTS_FAILURE_WINDOW_SECONDS)
            count = 1
        if count >= settings.PAYMENTS_FAILURE_BLOCK_THRESHOLD:
            cache.set(f"payments:block:{kind}:{value}", 1, timeout=settings.PAYMENTS_BLOCK_SECONDS)
            log.warning("payments blocked for %s %s after %d failures", kind, value, count)
